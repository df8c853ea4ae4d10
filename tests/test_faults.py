"""Nothing lost, nothing silently wrong: the faults a crawl must survive, and say so in one line.

Each test plays a fault on 127.0.0.1 (a full disk is ``/dev/full``; a folder
that cannot be made is one under a plain file, since the tests may run as root,
for whom no permission bit stops a write) and checks the exit status, the one
``vnnews: FAILED`` line, the absence of a traceback, and what the files and the
state store hold afterwards.
"""

from __future__ import annotations

import fcntl
import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.state import StateStore
from tests.conftest import MIRROR_SPEED, ROOT, read_jsonl, run_scrapy
from tests.mirror import MirrorServer, Page
from tests.scripted_mirror import ScriptedMirror
from tests.sites import rss, sitemap, vtv_article, vtv_article_url

FEED = "https://vtv.vn/rss/home.rss"


def failures(log: str) -> list[str]:
    return [line for line in log.splitlines() if line.startswith("vnnews: FAILED")]


def serve(server: MirrorServer, count: int) -> list[str]:
    urls = [vtv_article_url(i) for i in range(count)]
    server.add(FEED, rss(urls), "application/rss+xml")
    for i, url in enumerate(urls):
        server.add(url, vtv_article(i, url))
    return urls


def crawl(server: MirrorServer, tmp_path: Path, *extra: str, spider: str = "vtv") -> tuple[int, str]:
    """``scrapy crawl`` with its data directory and state store in *tmp_path*."""
    env = {"VNNEWS_DATA_DIR": str(tmp_path / "data"), "VNNEWS_STATE_PATH": str(tmp_path / "state.sqlite3")}
    result = run_scrapy("crawl", spider, "-s", f"VNNEWS_MIRROR={server.url}", *MIRROR_SPEED, *extra, env=env)
    return result.returncode, result.stderr


def stored_urls(tmp_path: Path) -> list[str]:
    store = StateStore(tmp_path / "state.sqlite3")
    try:
        return [a.canonical_url for a in store.articles()]
    finally:
        store.close()


# -- 1. an export that cannot be written -----------------------------------------------------------


def test_a_full_disk_fails_the_crawl_and_the_next_crawl_exports_what_was_lost(tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("/dev/full (a device whose writes fail with ENOSPC) is not here")
    full = tmp_path / "full.jsonl"
    full.symlink_to("/dev/full")
    with MirrorServer() as server:
        urls = serve(server, 12)
        code, log = crawl(server, tmp_path, "-o", str(full))
        stored_after_failure = stored_urls(tmp_path)
        again = tmp_path / "again.jsonl"
        code_again, log_again = crawl(server, tmp_path, "-o", str(again))
    assert code == 2, log[-3000:]
    assert failures(log) == [f"vnnews: FAILED vtv: cannot write the export {full}: No space left on device"]
    assert "Traceback" not in log
    assert stored_after_failure == []  # the store claims no line the file does not hold
    # Every record that reached the export is counted as not written (the summary's "exported" is 0).
    scraped = re.search(r"'item_scraped_count': (\d+)", log)
    assert scraped and f"'vnnews/export/not_written': {scraped[1]}," in log
    assert code_again == 0, log_again[-3000:]
    assert sorted(r["url"] for r in read_jsonl(again)) == sorted(urls)


def test_an_export_folder_that_cannot_be_made_fails_the_crawl_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "plain-file").write_text("not a folder", encoding="utf-8")
    out = tmp_path / "plain-file" / "vtv.jsonl"
    with MirrorServer() as server:
        urls = serve(server, 12)
        code, log = crawl(server, tmp_path, "-o", str(out))
        stored_after_failure = stored_urls(tmp_path)
        code_again, _ = crawl(server, tmp_path)  # the default file in the data directory
    assert code == 2, log[-3000:]
    assert failures(log) == [f"vnnews: FAILED vtv: cannot write the export {out}: Not a directory"]
    assert "Traceback" not in log
    assert stored_after_failure == []
    assert code_again == 0
    (exported,) = (tmp_path / "data" / "vtv").glob("*.jsonl")
    assert sorted(r["url"] for r in read_jsonl(exported)) == sorted(urls)


# -- 2. retries are not failures; a 404 is not an error ----------------------------------------------


def test_retried_requests_that_succeed_are_not_failures(tmp_path: Path) -> None:
    out = tmp_path / "vtv.jsonl"
    with ScriptedMirror() as server:
        urls = serve(server, 12)
        for url in urls:
            server.script(url, Page(b"oops", status=500))
        server.script(urls[0], Page(b"busy", status=429, headers={"Retry-After": "0"}))
        gone = vtv_article_url(99)  # in the feed, 404: a page that is gone
        failing = vtv_article_url(98)  # 503 three times: fails for good after 2 retries
        server.add(failing, vtv_article(98, failing))
        server.script(failing, *[Page(b"down", status=503)] * 3)
        server.add(FEED, rss([*urls, gone, failing]), "application/rss+xml")
        code, log = crawl(
            server, tmp_path, "-O", str(out), "-s", "RETRY_TIMES=2", "-s", "VNNEWS_RETRY_BACKOFF=0.05"
        )
    assert code == 0, log[-3000:]
    assert sorted(r["url"] for r in read_jsonl(out)) == sorted(urls)
    assert "'retry/count': 14" in log  # 11 × 500 and one 429, then 200; the failing page twice
    assert "'vnnews/errors/http_503': 1" in log
    assert "'vnnews/not_found': 1" in log
    assert f"Failed {failing}: HTTP 503 after 2 retries" in log
    assert failures(log) == []


# -- 5. one crawl of an outlet at a time --------------------------------------------------------------


def test_a_second_crawl_of_an_outlet_stops_at_once(tmp_path: Path) -> None:
    lock = tmp_path / "data" / "locks" / "vtv.lock"
    lock.parent.mkdir(parents=True)
    with lock.open("w", encoding="utf-8") as held, MirrorServer() as server:
        # This test process plays the crawl already running.
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.write(f"{os.getpid()}\n")
        held.flush()
        serve(server, 2)
        code, log = crawl(server, tmp_path)
        hits = list(server.hits)
    assert code == 2
    assert failures(log) == [f"vnnews: FAILED vtv: another crawl of vtv is running (pid {os.getpid()})"]
    assert "Traceback" not in log
    assert hits == []
    assert not (tmp_path / "data" / "vtv").exists()


def test_crawl_files_started_in_the_same_second_get_their_own_names(tmp_path: Path) -> None:
    from scrapy.utils.test import get_crawler

    from crawler.spiders.vtv import VtvSpider
    from pipelines.export import job_uri_params

    template = f"{tmp_path}/%(name)s/%(time)s.jsonl"
    crawler = get_crawler(VtvSpider, {"FEEDS": {template: {"format": "jsonlines"}}})
    spider = VtvSpider.from_crawler(crawler)
    (tmp_path / "vtv").mkdir()
    (tmp_path / "vtv" / "2026-06-28T02-00-00+00-00.jsonl").write_text("", encoding="utf-8")
    (tmp_path / "vtv" / "2026-06-28T02-00-00+00-00-2.jsonl").write_text("", encoding="utf-8")
    params = job_uri_params({"name": "vtv", "time": "2026-06-28T02-00-00+00-00"}, spider)
    assert params["time"] == "2026-06-28T02-00-00+00-00-3"
    fresh = job_uri_params({"name": "vtv", "time": "2026-06-28T02-00-01+00-00"}, spider)
    assert fresh["time"] == "2026-06-28T02-00-01+00-00"


# -- 6. one clear line, exit 2, no traceback ------------------------------------------------------------


def test_a_corrupt_or_unreadable_state_store_is_named(tmp_path: Path) -> None:
    store = tmp_path / "state.sqlite3"
    store.write_bytes(b"this is no SQLite file " * 100)
    with MirrorServer() as server:
        serve(server, 2)
        corrupt_code, corrupt_log = crawl(server, tmp_path)
        store.unlink()
        store.mkdir()  # a folder where the file should be: SQLite cannot open it
        unreadable_code, unreadable_log = crawl(server, tmp_path)
    assert corrupt_code == 2
    assert failures(corrupt_log) == [
        f"vnnews: FAILED vtv: cannot open the state store {store}: file is not a database"
    ]
    assert unreadable_code == 2
    assert failures(unreadable_log) == [
        f"vnnews: FAILED vtv: cannot open the state store {store}: unable to open database file"
    ]
    assert "Traceback" not in corrupt_log + unreadable_log


def test_crawlall_names_the_real_cause(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = tmp_path / "state.sqlite3"
    store.write_bytes(b"this is no SQLite file " * 100)
    with MirrorServer() as server:
        result = run_scrapy(
            "crawlall",
            "--outlets",
            "vtv",
            "-s",
            f"VNNEWS_MIRROR={server.url}",
            *MIRROR_SPEED,
            env={"VNNEWS_DATA_DIR": str(data), "VNNEWS_STATE_PATH": str(store)},
        )
    assert result.returncode == 2
    assert failures(result.stderr) == [
        f"vnnews: FAILED vtv: cannot open the state store {store}: file is not a database"
    ]
    assert "Traceback" not in result.stderr


def test_an_unwritable_data_directory_is_named(tmp_path: Path) -> None:
    (tmp_path / "plain-file").write_text("not a folder", encoding="utf-8")
    data = tmp_path / "plain-file" / "data"
    with MirrorServer() as server:
        serve(server, 2)
        result = run_scrapy(
            "crawl",
            "vtv",
            "-s",
            f"VNNEWS_MIRROR={server.url}",
            *MIRROR_SPEED,
            env={"VNNEWS_DATA_DIR": str(data), "VNNEWS_STATE_PATH": str(tmp_path / "state.sqlite3")},
        )
    assert result.returncode == 2
    assert failures(result.stderr) == [
        f"vnnews: FAILED vtv: cannot write to the data directory ({data}/locks: Not a directory)"
    ]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-a", "since=2026-13-45"), "since=2026-13-45 is not a day: give YYYY-MM-DD, e.g. 2026-06-01"),
        (
            ("-a", "since=2026-06-15", "-a", "until=2026-06-01"),
            "until (2026-06-01) is before since (2026-06-15)",
        ),
    ],
    ids=["not-a-day", "until-before-since"],
)
def test_bad_backfill_dates_are_one_line(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    with MirrorServer() as server:
        code, log = crawl(server, tmp_path, *args)
        hits = list(server.hits)
    assert code == 2
    assert failures(log) == [f"vnnews: FAILED vtv: {message}"]
    assert "Traceback" not in log
    assert hits == []


def test_a_gzip_sitemap_that_expands_past_the_limit_is_refused(tmp_path: Path) -> None:
    huge = sitemap([vtv_article_url(i % 1000) for i in range(4000)]).encode("utf-8")
    assert len(huge) > 400_000
    with MirrorServer() as server:
        server.add(
            "https://vtv.vn/sitemap.xml.gz", Page(gzip.compress(huge), content_type="application/gzip")
        )
        serve(server, 1)  # the feed still gives an article: the sitemap is the one fault
        code, log = crawl(
            server,
            tmp_path,
            "-a",
            "sitemaps=https://vtv.vn/sitemap.xml.gz",
            "-a",
            f"feeds={FEED}",
            "-s",
            "DOWNLOAD_MAXSIZE=200000",
            "-s",
            "DOWNLOAD_WARNSIZE=0",
            spider="generic",
        )
    assert code == 2
    assert failures(log) == [
        "vnnews: FAILED generic: the sitemap https://vtv.vn/sitemap.xml.gz does not unzip within "
        "DOWNLOAD_MAXSIZE (200000 bytes)"
    ]
    assert "Traceback" not in log


# -- 7. limits -------------------------------------------------------------------------------------------


def test_a_crawl_takes_the_newest_sitemap_articles_up_to_its_limit(tmp_path: Path) -> None:
    urls = [vtv_article_url(i) for i in range(30)]
    entries = "".join(
        f"<url><loc>{u}</loc><lastmod>2026-06-{1 + i:02d}T09:00:00+07:00</lastmod></url>"
        for i, u in enumerate(urls)
    )
    xml = f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    out = tmp_path / "vtv.jsonl"
    with MirrorServer() as server:
        server.add("https://vtv.vn/latest-news-sitemap.xml", xml, "application/xml")
        for i, url in enumerate(urls):
            server.add(url, vtv_article(i, url))
        code, log = crawl(server, tmp_path, "-O", str(out), "-s", "VNNEWS_SITEMAP_MAX_ARTICLES=5")
    assert code == 0, log[-3000:]
    assert sorted(r["url"] for r in read_jsonl(out)) == sorted(urls[25:])  # the five newest lastmods
    assert "'vnnews/discovery/sitemap_over_limit': 25" in log


def test_extract_refuses_a_page_over_the_crawl_size_limit(tmp_path: Path) -> None:
    page = tmp_path / "huge.html"
    with page.open("wb") as file:
        file.truncate(16 * 1024 * 1024 + 1)  # sparse: nothing is written
    result = run_scrapy(
        "extract", str(page), "--url", vtv_article_url(1), env={"VNNEWS_LOG_LEVEL": "WARNING"}
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{page}: 16777217 bytes, over the crawl's limit (DOWNLOAD_MAXSIZE, 16777216 bytes)"
    ]


def test_another_port_of_the_outlet_host_is_offsite(tmp_path: Path) -> None:
    out = tmp_path / "vtv.jsonl"
    other_port = vtv_article_url(1).replace("https://vtv.vn/", "https://vtv.vn:8443/")
    with MirrorServer() as server:
        (url,) = serve(server, 1)
        server.add(FEED, rss([url, other_port]), "application/rss+xml")
        # The generic spider: its article pattern, unlike vtv's, does not name the host.
        code, log = crawl(server, tmp_path, "-O", str(out), "-a", f"feeds={FEED}", spider="generic")
        hits = list(server.hits)
    assert code == 0, log[-3000:]
    assert [r["url"] for r in read_jsonl(out)] == [url]
    assert not any(":8443" in hit for hit in hits)
    assert "'offsite/filtered': 1" in log


# -- 8. quiet, useful output -------------------------------------------------------------------------


def test_an_empty_or_failed_crawl_leaves_no_empty_file(tmp_path: Path) -> None:
    with MirrorServer() as server:
        serve(server, 2)
        first, _ = crawl(server, tmp_path)
        rerun, rerun_log = crawl(server, tmp_path)  # nothing new
    unreachable = run_scrapy(
        "crawl",
        "vtv",
        "-s",
        "VNNEWS_MIRROR=http://127.0.0.1:9",
        env={"VNNEWS_DATA_DIR": str(tmp_path / "down")},
    )
    assert (first, rerun) == (0, 0), rerun_log[-3000:]
    assert len(list((tmp_path / "data" / "vtv").glob("*.jsonl"))) == 1
    assert unreachable.returncode == 2
    assert not (tmp_path / "down" / "vtv").exists()


def test_crawlall_logs_at_info_by_default(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "VNNEWS_LOG_LEVEL"}
    env["VNNEWS_DATA_DIR"] = str(tmp_path / "data")
    with MirrorServer() as server:
        serve(server, 2)
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "scrapy",
                "crawlall",
                "--outlets",
                "vtv",
                "-s",
                f"VNNEWS_MIRROR={server.url}",
                *MIRROR_SPEED,
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "[scrapy.core.engine] INFO: Spider opened" in result.stderr
    assert "DEBUG:" not in result.stderr


def test_crawl_help_lists_each_spiders_arguments() -> None:
    result = run_scrapy("crawl", "-h")
    assert result.returncode == 0
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert "vtv: -a since=YYYY-MM-DD  -a until=YYYY-MM-DD  -a topic=NAME  -a reset_state=1" in lines
    assert (
        "generic: -a feeds=URL,...  -a sitemaps=URL,...  -a listings=URL,...  -a urls=URL,...  "
        "-a article_pattern=REGEX  -a since=YYYY-MM-DD  -a until=YYYY-MM-DD  -a topic=NAME  -a reset_state=1"
    ) in lines


def test_a_disk_that_fills_up_mid_crawl_keeps_file_and_store_in_step(tmp_path: Path) -> None:
    """The export's file may grow to 150 kB (RLIMIT_FSIZE, the same path as a disk filling up):
    the store records exactly the lines the file holds, and the next crawl exports the rest."""
    import resource

    limit = 150_000  # about five article lines; the state store's WAL stays far below it (see below)

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    out = tmp_path / "vtv.jsonl"
    env = {
        **os.environ,
        "VNNEWS_LOG_LEVEL": "INFO",
        "VNNEWS_DATA_DIR": str(tmp_path / "data"),
        "VNNEWS_STATE_PATH": str(tmp_path / "state.sqlite3"),
    }
    # The store made beforehand, and one commit (at the failure): its few writes stay small.
    StateStore(tmp_path / "state.sqlite3").close()
    commit_once = ("-s", "VNNEWS_COMMIT_INTERVAL=600")
    with MirrorServer() as server:
        urls = [vtv_article_url(i) for i in range(12)]
        server.add(FEED, rss(urls), "application/rss+xml")
        for i, url in enumerate(urls):
            server.add(url, vtv_article(i, url, words=3000))
        args = [
            "crawl",
            "vtv",
            "-o",
            str(out),
            "-s",
            f"VNNEWS_MIRROR={server.url}",
            *MIRROR_SPEED,
            *commit_once,
        ]
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            preexec_fn=small_files,
        )
        held = read_jsonl(out)
        stored = stored_urls(tmp_path)
        rest = tmp_path / "rest.jsonl"
        code_again, log_again = crawl(server, tmp_path, "-o", str(rest))
    assert result.returncode == 2, result.stderr[-3000:]
    assert failures(result.stderr) == [f"vnnews: FAILED vtv: cannot write the export {out}: File too large"]
    assert "Traceback" not in result.stderr
    assert 0 < len(held) < 12
    assert sorted(stored) == sorted(r["canonical_url"] for r in held)
    assert code_again == 0, log_again[-3000:]
    assert sorted(r["url"] for r in [*held, *read_jsonl(rest)]) == sorted(urls)


def test_scrapy_check_runs_each_spiders_parse_on_its_fixture() -> None:
    from scrapy.exceptions import ContractFail

    from crawler.contracts import FixtureContract, fixture_page

    result = run_scrapy("check", env={"VNNEWS_LOG_LEVEL": "WARNING"})
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Ran 22 contracts" in result.stderr  # 11 spiders: @fixture and @returns each
    assert result.stderr.rstrip().endswith("OK")
    assert fixture_page("vtv") == ROOT / "tests" / "fixtures" / "vtv" / "article-current.html"
    assert fixture_page("generic") == fixture_page("vtv")
    # A page that yields no article fails the contract.
    from crawler.spiders.vtv import VtvSpider

    contract = FixtureContract(VtvSpider().parse_article)
    with pytest.raises(ContractFail) as failed:
        contract.post_process([])
    assert str(failed.value) == f"no article from {fixture_page('vtv')}"


def test_a_broken_gzip_sitemap_is_counted_as_no_sitemap() -> None:
    from scrapy.http import Response

    from crawler.spiders.vtv import VtvSpider
    from tests.conftest import make_spider

    spider = make_spider(VtvSpider)
    response = Response("https://vtv.vn/sitemap.xml.gz", body=b"\x1f\x8b\x08 not gzip after all")
    assert list(spider.parse_sitemap(response)) == []
    stats = spider.crawler.stats.get_stats()
    assert stats["vnnews/discovery/bad_sitemap"] == 1
    assert "vnnews/problems" not in stats  # garbage is skipped; only a sitemap too large fails the crawl

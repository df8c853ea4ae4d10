"""Health checks (spidermon): a spider whose outlet changed its layout fails its crawl loudly."""

from __future__ import annotations

import re
from pathlib import Path

from scrapy.settings import Settings

from crawler.monitors import Health
from tests.conftest import MIRROR_SPEED, read_jsonl, run_scrapy
from tests.mirror import MirrorServer
from tests.sites import rss, vtv_article, vtv_article_url


def crawl_vtv(server: MirrorServer, out: Path, *extra: str) -> tuple[int, str]:
    result = run_scrapy(
        "crawl", "vtv", "-O", str(out), "-s", f"VNNEWS_MIRROR={server.url}", *MIRROR_SPEED, *extra
    )
    return result.returncode, result.stderr


def failures(log: str) -> list[str]:
    return [line for line in log.splitlines() if line.startswith("vnnews: FAILED")]


def serve(server: MirrorServer, pages: list[str]) -> list[str]:
    urls = [vtv_article_url(i) for i in range(len(pages))]
    server.add("https://vtv.vn/rss/home.rss", rss(urls), "application/rss+xml")
    for url, page in zip(urls, pages, strict=True):
        server.add(url, page)
    return urls


def body_rendered_by_script(html: str) -> str:
    """The layout change: the article text is no longer in the page, a script loads it."""
    return re.sub(
        r'<div class="detail-cmain">.*?</div>\s*</div>\s*<footer>',
        '<div class="detail-cmain"><div id="app-body" data-api="/api/article-body"></div></div><footer>',
        html,
        flags=re.S,
    )


def thin_article(n: int) -> str:
    """Article *n* after a layout change: the body selector now catches only its first two paragraphs."""
    html = vtv_article(n).replace("Theo kế hoạch,", f"Theo kế hoạch số {n},")
    return re.sub(r"<h2>Kết nối.*?(<div data-check-position=\"body_end\")", r"\1", html, flags=re.S)


def test_a_layout_change_that_empties_the_body_fails_the_crawl_in_one_line(tmp_path: Path) -> None:
    out = tmp_path / "vtv.jsonl"
    with MirrorServer() as server:
        serve(server, [body_rendered_by_script(vtv_article(i)) for i in range(12)])
        code, log = crawl_vtv(server, out)
    assert code == 2
    assert failures(log) == [
        "vnnews: FAILED vtv (vtv.vn): health check failed: body: 12 of 12 articles dropped "
        "(12 short_body; at most 30% may be); records: 0 seen, at least 1 needed"
    ]
    assert read_jsonl(out) == []  # no empty records exported


def test_thin_bodies_fail_the_body_coverage_check(tmp_path: Path) -> None:
    out = tmp_path / "vtv.jsonl"
    with MirrorServer() as server:
        pages = [vtv_article(i) for i in range(2)] + [thin_article(i) for i in range(2, 12)]
        serve(server, pages)
        code, log = crawl_vtv(server, out)
    records = read_jsonl(out)
    assert len(records) == 12
    assert sorted(len(r["body"]) > 500 for r in records) == [False] * 10 + [True] * 2
    assert code == 2
    assert failures(log) == [
        "vnnews: FAILED vtv (vtv.vn): health check failed: body: 2 of 12 records with a body over 500 "
        "characters (17%, at least 90% needed)"
    ]


def test_thresholds_are_settings_an_outlet_can_change(tmp_path: Path) -> None:
    out = tmp_path / "vtv.jsonl"
    with MirrorServer() as server:
        serve(server, [thin_article(i) for i in range(12)])
        code, log = crawl_vtv(
            server, out, "-s", 'VNNEWS_OUTLET_SETTINGS={"vtv": {"VNNEWS_HEALTH_LONG_BODY": 0}}'
        )
    assert code == 0, log[-3000:]
    assert failures(log) == []
    # Every record was validated against the JSON Schema.
    assert "'vnnews/records/valid': 12" in log
    assert "vnnews/dropped/invalid_record" not in log


# -- the checks themselves, on a crawl's stats -------------------------------------------------------


class Outlet:
    name, outlet, expects_authors = "vtv", "vtv.vn", True


def health(**stats: object) -> Health:
    return Health.from_crawl(stats, Settings({"VNNEWS_HEALTH_MIN_SAMPLE": 10}), Outlet())


def test_a_rerun_that_finds_nothing_new_is_healthy() -> None:
    # Nothing fetched again (every sitemap lastmod older than the last crawl)...
    assert health(**{"vnnews/discovery/known_unchanged": 30}).problems() == []
    # ...or everything fetched and found unchanged...
    unchanged = {"vnnews/seen/records": 5, "vnnews/dropped/unchanged": 5, "vnnews/articles/parsed": 5}
    covered = {f"vnnews/seen/with_{k}": 5 for k in ("published_at", "long_body", "authors")}
    assert health(**unchanged, **covered).problems() == []
    # ...or every feed and sitemap answered 304 Not Modified.
    assert health(**{"vnnews/discovery/responses": 3, "vnnews/conditional/not_modified": 3}).problems() == []


def test_nothing_found_says_what_was_skipped() -> None:
    assert health(**{"vnnews/skipped/not_article": 4, "vnnews/discovery/responses": 2}).problems() == [
        "records: 0 seen, at least 1 needed; pages skipped: 4 not_article"
    ]


def test_coverage_is_checked_per_field_on_enough_records() -> None:
    seen = {"vnnews/seen/records": 20, "vnnews/seen/with_long_body": 20, "vnnews/articles/parsed": 20}
    assert health(
        **seen, **{"vnnews/seen/with_published_at": 18, "vnnews/seen/with_authors": 11}
    ).problems() == [
        "published_at: 18 of 20 records with a publication date (90%, at least 95% needed)",
        "authors: 11 of 20 records with authors (55%, at least 60% needed)",
    ]
    few = {"vnnews/seen/records": 5, "vnnews/articles/parsed": 5}
    assert health(**few).problems() == []  # 5 records say little: not judged


def test_only_final_failures_count_as_download_errors() -> None:
    stats = {
        "vnnews/seen/records": 1,
        "downloader/request_count": 52,
        "retry/count": 12,  # attempts a retry then got right, or not: the request counts once
        "vnnews/not_found": 30,  # pages that are gone: not the outlet failing us
        "vnnews/errors/http_503": 6,
        "vnnews/errors/http_429": 2,
        "vnnews/errors/TimeoutError": 1,
    }
    assert health(**stats).problems() == [
        "downloads: 9 of 40 requests failed after retries (6 HTTP 503, 2 HTTP 429, 1 TimeoutError; "
        "at most 20% may)"
    ]


def test_a_single_record_failing_the_schema_fails_the_crawl() -> None:
    stats = {
        "vnnews/seen/records": 30,
        "vnnews/articles/parsed": 31,
        "vnnews/dropped/invalid_record": 1,
        "vnnews/invalid/published_at": 1,
    }
    covered = {f"vnnews/seen/with_{k}": 30 for k in ("published_at", "long_body", "authors")}
    assert health(**stats, **covered).problems() == ["schema: 1 records failed validation (published_at)"]


def test_a_topic_crawl_whose_search_pages_yield_no_link_fails() -> None:
    seen = {"vnnews/seen/records": 3}
    assert health(**seen).topic_problem() is None  # not a topic crawl
    assert (
        health(
            **seen, **{"vnnews/topic/requested": 2, "vnnews/topic/pages": 2, "vnnews/topic/links": 1}
        ).problems()
        == []
    )
    # Blocked by robots.txt or gone: nothing answered.
    assert health(**seen, **{"vnnews/topic/requested": 2}).problems() == [
        "topic pages: 0 article links on the search or tag pages (0 of 2 answered; at least 1 needed)"
    ]
    unknown = "no topic named 'X' in the topics file (declared: none)"
    assert health(**seen, **{"vnnews/topic/error": unknown}).problems() == [f"topic pages: {unknown}"]

"""``scrapy crawlall``: every outlet in one process, a summary table and JSON, a failing exit status."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
from scrapy.utils.project import get_project_settings

from crawler.outlets import outlet_spiders
from tests.conftest import FIXTURES, MIRROR_SPEED, read_jsonl, run_scrapy
from tests.mirror import MirrorServer
from tests.sites import build_vtv_archive


def crawlall(server: MirrorServer, data: Path, *args: str) -> tuple[int, str, str]:
    result = run_scrapy(
        "crawlall",
        *args,
        "-s",
        f"VNNEWS_MIRROR={server.url}",
        *MIRROR_SPEED,
        env={"VNNEWS_DATA_DIR": str(data)},
        timeout=300,
    )
    return result.returncode, result.stdout, result.stderr


def test_every_outlet_spider_but_the_generic_one() -> None:
    spiders = outlet_spiders(get_project_settings())
    assert spiders["vtv"].outlet == "vtv.vn"
    assert spiders["tuoitre"].outlet == "tuoitre.vn"
    assert "generic" not in spiders
    assert len(spiders) == 10


def test_crawlall_runs_outlets_side_by_side_and_fails_when_one_is_broken(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with MirrorServer() as server:
        urls = build_vtv_archive(server, 12, in_feed=4)
        # tuoitre.vn serves nothing at all: its spider finds no article.
        code, out, err = crawlall(server, data, "--outlets", "vtv,tuoitre.vn")
        (vtv_file,) = (data / "vtv").glob("*.jsonl")
        tuoitre_files = list((data / "tuoitre").glob("*.jsonl"))
        rerun_code, rerun_out, rerun_err = crawlall(server, data, "--outlets", "vtv")

    assert code == 2, err[-3000:]
    table = out.splitlines()
    assert table[0].split() == [
        "outlet",
        "pages",
        "exported",
        "new",
        "updated",
        "retried",
        "failed",
        "dropped",
        "status",
    ]
    rows = {line.split()[0]: line.split() for line in table[1:3]}
    # The mirror serves 1 of vtv's 9 feeds, its latest-news sitemap, none of its 7 listings: 15 answers
    # 404, which are pages not found, not failures of the crawl.
    assert rows["vtv.vn"][2:] == ["12", "12", "0", "0", "0", "-", "ok"]
    assert rows["tuoitre.vn"][2:5] == ["0", "0", "0"]
    assert rows["tuoitre.vn"][-1] == "FAILED"
    assert [line for line in err.splitlines() if line.startswith("vnnews: FAILED")] == [
        "vnnews: FAILED tuoitre (tuoitre.vn): health check failed: records: 0 seen, at least 1 needed"
    ]

    # Each outlet its own file; the summary as JSON beside the data.
    assert sorted(r["url"] for r in read_jsonl(vtv_file)) == sorted(urls)
    assert tuoitre_files == []  # nothing exported, no empty file
    summary_path = Path(table[-1].removeprefix("summary: "))
    assert summary_path.parent == data / "summary"
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    assert summary["ok"] is False
    vtv = next(o for o in summary["outlets"] if o["spider"] == "vtv")
    assert (vtv["records_exported"], vtv["new"], vtv["updated"], vtv["ok"]) == (12, 12, 0, True)
    assert (vtv["not_found"], vtv["retried"], vtv["failed"], vtv["failed_by_kind"]) == (15, 0, 0, {})
    assert vtv["files"] == [str(vtv_file)]
    tuoitre = next(o for o in summary["outlets"] if o["spider"] == "tuoitre")
    assert tuoitre["problems"] == [
        "tuoitre (tuoitre.vn): health check failed: records: 0 seen, at least 1 needed"
    ]

    # The next scheduled run finds nothing new: fetches no article, exports nothing, and that is not a
    # failure.
    assert rerun_code == 0, rerun_err[-3000:]
    vtv_row = rerun_out.splitlines()[1].split()
    assert vtv_row[1:] == [
        "18",
        "0",
        "0",
        "0",
        "0",
        "0",
        "-",
        "ok",
    ]  # robots.txt, 9 feeds, the sitemap, 7 listings

    # The report reads what these crawls wrote: their summaries and exports.
    report = run_scrapy("report", env={"VNNEWS_DATA_DIR": str(data)})
    assert report.returncode == 0, report.stderr[-3000:]
    assert report.stdout == f"report: {data / 'report.html'}\n"
    page = lxml.html.fromstring((data / "report.html").read_text(encoding="utf-8"))
    overview = [
        [td.text_content() for td in tr.xpath("td")]
        for tr in page.xpath("//table[@class='overview']/tbody/tr")
    ]
    # outlet, runs, failed, (last run), last status, articles, published_at, authors, latest failure
    assert [row[:3] + row[4:] for row in overview] == [
        [
            "tuoitre.vn",
            "1",
            "1",
            "FAILED",
            "0",
            "-",
            "-",
            "tuoitre (tuoitre.vn): health check failed: records: 0 seen, at least 1 needed",
        ],
        ["vtv.vn", "2", "0", "ok", "12", "100 %", "100 %", "-"],
    ]


def test_crawlall_refuses_a_shared_jobdir_and_unknown_outlets(tmp_path: Path) -> None:
    shared = run_scrapy("crawlall", "-s", f"JOBDIR={tmp_path}")
    assert shared.returncode == 2
    assert "each outlet needs its own JOBDIR" in shared.stderr
    unknown = run_scrapy("crawlall", "--outlets", "vtv,nosuchpaper")
    assert unknown.returncode == 2
    assert "no outlet spider nosuchpaper" in unknown.stderr


def test_demo_crawls_the_fixture_outlets_without_the_internet(tmp_path: Path) -> None:
    data = tmp_path / "data"
    real_store = tmp_path / "state.sqlite3"
    env = {"VNNEWS_DATA_DIR": str(data), "VNNEWS_STATE_PATH": str(real_store)}
    first = run_scrapy("crawlall", "--demo", env=env, timeout=300)
    # Run again: the demo shows the whole crawl each time, not a quiet rerun.
    second = run_scrapy("crawlall", "--demo", env=env, timeout=300)

    assert first.returncode == 0, first.stderr[-3000:]
    assert second.returncode == 0, second.stderr[-3000:]
    lines = second.stdout.splitlines()
    rows = [line.split() for line in lines[1:11]]
    assert [(row[0], *row[2:]) for row in rows] == [
        (outlet, str(n), str(n), "0", "0", "0", "-", "ok")
        for outlet, n in [
            ("baoquocte.vn", 1),
            ("biengioilanhtho.gov.vn", 1),
            ("dantri.com.vn", 1),
            ("nguoilambao.vn", 1),
            ("nhandan.vn", 1),
            ("thanhnien.vn", 1),
            ("tuoitre.vn", 1),
            ("vietnamplus.vn", 1),
            ("vnexpress.net", 1),
            ("vtv.vn", 2),
        ]
    ]
    assert lines[11].startswith(f"summary: {data / 'demo' / 'summary'}/")
    assert lines[12].startswith(f"demo: the outlets of {FIXTURES} served on http://127.0.0.1:")
    files = [Path(line.strip()) for line in lines[13:]]
    assert [(f.parent.name, f.parent.parent) for f in files] == [
        (name, data / "demo")
        for name in (
            "baoquocte",
            "biengioilanhtho",
            "dantri",
            "nguoilambao",
            "nhandan",
            "thanhnien",
            "tuoitre",
            "vietnamplus",
            "vnexpress",
            "vtv",
        )
    ]
    # Each outlet's file holds its fixture pages' records, exactly as the fixture tests expect them.
    for file in files:
        records = sorted(read_jsonl(file), key=lambda r: r["url"])
        for record in records:
            record.pop("crawled_at")
        expected = [
            json.loads(path.read_text(encoding="utf-8"))
            for path in sorted((FIXTURES / file.parent.name).glob("*.expected.json"))
        ]
        assert records == sorted(expected, key=lambda r: r["url"]), file
    # The demo keeps its own store: the real one never hears of the fixture articles.
    assert not real_store.exists()
    assert (data / "demo" / "state" / "state.sqlite3").exists()


def test_demo_takes_no_backfill() -> None:
    result = run_scrapy("crawlall", "--demo", "--since", "2026-06-01")
    assert result.returncode == 2
    assert "--demo takes no --since, --until, --topic or --jobdir" in result.stderr

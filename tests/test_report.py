"""``scrapy report``: the HTML report of runs and records, its tables' figures, and the page drawn in a
real headless Chromium, offline."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from crawler.report import ReportData, read_records, read_summaries
from tests.conftest import run_scrapy

VTV_BODY_FAILURE = (
    "vtv (vtv.vn): health check failed: body: 3 of 4 articles dropped (3 short_body; at most 30% may be)"
)
TUOITRE_FAILURE = "tuoitre (tuoitre.vn): health check failed: records: 0 seen, at least 1 needed"


def outlet_run(
    spider: str,
    outlet: str,
    exported: int,
    new: int,
    updated: int = 0,
    errors: int = 0,
    dropped: dict[str, int] | None = None,
    problems: tuple[str, ...] = (),
) -> dict[str, Any]:
    """One outlet's entry of a crawlall summary, as ``crawler/commands/crawlall.py`` writes it."""
    return {
        "spider": spider,
        "outlet": outlet,
        "pages_fetched": exported + 5,
        "records_exported": exported,
        "new": new,
        "updated": updated,
        "not_refetched": 0,
        "dropped": dropped or {},
        "not_found": 0,
        "retried": 0,
        "failed": errors,
        "failed_by_kind": {"http_503": errors} if errors else {},
        "finish_reason": "finished",
        "files": [],
        "ok": not problems,
        "problems": list(problems),
    }


def write_summary(data: Path, started_at: str, *outlets: dict[str, Any]) -> None:
    summary = {
        "started_at": started_at,
        "finished_at": started_at,
        "since": None,
        "until": None,
        "ok": all(o["ok"] for o in outlets),
        "outlets": list(outlets),
    }
    path = data / "summary" / f"{started_at.replace(':', '-')}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")


def record(
    url: str,
    *,
    published_at: str | None,
    published_date: str | None = None,
    authors: list[str],
    body_chars: int,
    crawled_at: str,
    revision: int = 1,
    **extra: Any,
) -> dict[str, Any]:
    body = ("Nội dung bài viết. " * body_chars)[:body_chars]
    return {
        "schema_version": 3,
        "id": hashlib.sha1(url.encode()).hexdigest(),
        "url": url,
        "canonical_url": url,
        "outlet": url.split("/")[2],
        "title": "Tiêu đề",
        "body": body,
        "authors": authors,
        "published_at": published_at,
        "published_date": published_date or (published_at[:10] if published_at else None),
        "revision": revision,
        "crawled_at": crawled_at,
        **extra,
    }


def write_jsonl(path: Path, records: list[dict[str, Any]], tail: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    path.write_text(lines + tail, encoding="utf-8")


def write_inputs(data: Path) -> None:
    """Three crawlall runs of vtv and tuoitre, their exports, a broken summary and a cut line."""
    write_summary(
        data,
        "2026-06-24T01:00:00+00:00",
        outlet_run("vtv", "vtv.vn", 3, 3, errors=1, dropped={"short_body": 1}),
        outlet_run("tuoitre", "tuoitre.vn", 2, 2),
    )
    write_summary(
        data,
        "2026-06-25T01:00:00+00:00",
        outlet_run("vtv", "vtv.vn", 1, 0, updated=1, dropped={"unchanged": 2}),
        outlet_run("tuoitre", "tuoitre.vn", 0, 0, problems=(TUOITRE_FAILURE,)),
    )
    write_summary(
        data,
        "2026-06-26T01:00:00+00:00",
        outlet_run("vtv", "vtv.vn", 1, 1, dropped={"short_body": 3}, problems=(VTV_BODY_FAILURE,)),
    )
    (data / "summary" / "2026-06-27T01-00-00+00-00.json").write_text(
        '{"started_at": "2026-06', encoding="utf-8"
    )

    a = "https://vtv.vn/kinh-te/a-20260623100000.htm"
    write_jsonl(
        data / "vtv" / "2026-06-24T01-00-00+00-00.jsonl",
        [
            record(
                a,
                published_at="2026-06-23T10:00:00+07:00",
                authors=["Hà Thu"],
                body_chars=600,
                crawled_at="2026-06-24T01:05:00+00:00",
                topics=["Kinh tế", "Thế giới"],
            ),
            record(
                "https://vtv.vn/kinh-te/b.htm",
                # The day is known, not the time (an imported dump's date line).
                published_at=None,
                published_date="2026-06-23",
                authors=[],
                body_chars=300,
                crawled_at="2026-06-24T01:05:00+00:00",
                topics=["Kinh tế"],
            ),
            record(
                "https://vtv.vn/xa-hoi/c.htm",
                published_at=None,
                authors=["Minh Anh"],
                body_chars=800,
                crawled_at="2026-06-24T01:06:00+00:00",
                topics=[],
            ),
        ],
    )
    # The same article a again (its body changed, and its topics), and a line a killed crawl cut short.
    write_jsonl(
        data / "vtv" / "2026-06-25T01-00-00+00-00.jsonl",
        [
            record(
                a,
                published_at="2026-06-23T10:00:00+07:00",
                authors=["Hà Thu"],
                body_chars=700,
                crawled_at="2026-06-25T01:05:00+00:00",
                revision=2,
                topics=["Kinh tế"],  # no longer "Thế giới": the latest revision counts
            ),
        ],
        tail='{"schema_version": 3, "id": "d',
    )
    write_jsonl(
        data / "vtv" / "2026-06-26T01-00-00+00-00.jsonl",
        [
            record(
                "https://vtv.vn/the-thao/d.htm",
                published_at="2026-06-26T07:30:00+07:00",
                authors=["Lê Văn"],
                body_chars=550,
                crawled_at="2026-06-26T01:05:00+00:00",
                topics=["Thể thao", "Kinh tế"],
            ),
        ],
    )
    # Schema 2 records: no topics.
    write_jsonl(
        data / "tuoitre" / "2026-06-24T01-00-00+00-00.jsonl",
        [
            record(
                "https://tuoitre.vn/e.htm",
                published_at="2026-06-24T05:00:00+07:00",
                authors=["Ngọc An"],
                body_chars=1000,
                crawled_at="2026-06-24T01:05:00+00:00",
            ),
            record(
                "https://tuoitre.vn/f.htm",
                published_at="2026-06-23T23:30:00+07:00",
                authors=[],
                body_chars=450,
                crawled_at="2026-06-23T23:00:00+00:00",
            ),
        ],
    )


def rows(page: Any, outlet: str | None, css_class: str) -> list[list[str]]:
    scope = f"//section[@id='outlet-{outlet}']" if outlet else ""
    return [
        [cell.text_content() for cell in row.xpath("td")]
        for row in page.xpath(f"{scope}//table[@class='{css_class}']/tbody/tr")
    ]


def report(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    data = tmp_path / "data"
    if not data.exists():
        write_inputs(data)
    out = tmp_path / "report.html"
    result = run_scrapy("report", "-o", str(out), *args, env={"VNNEWS_DATA_DIR": str(data)})
    return result, out


def test_report_tables(tmp_path: Path) -> None:
    result, out = report(tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout == f"report: {out}\n"
    data = tmp_path / "data"
    assert [line for line in result.stderr.splitlines() if line.startswith(str(data))] == [
        f"{data}/summary/2026-06-27T01-00-00+00-00.json: not a crawlall summary "
        "(Unterminated string starting at: line 1 column 16 (char 15))",
        f"{data}/vtv/2026-06-25T01-00-00+00-00.jsonl:2: line skipped: not JSON (a line cut short?)",
    ]
    page = lxml.html.fromstring(out.read_text(encoding="utf-8"))
    assert (
        page.xpath("//p[@class='note']")[0]
        .text_content()
        .endswith("every run and record: crawlall summaries 3, exported records 7.")
    )

    assert rows(page, None, "overview") == [
        ["tuoitre.vn", "2", "1", "2026-06-25 08:00", "FAILED", "2", "100 %", "50 %", TUOITRE_FAILURE],
        ["vtv.vn", "3", "1", "2026-06-26 08:00", "FAILED", "4", "60 %", "80 %", VTV_BODY_FAILURE],
    ]
    assert rows(page, "vtv.vn", "runs") == [
        ["2026-06-26 08:00", "FAILED", "1", "1", "0", "0", "short_body 3"],
        ["2026-06-25 08:00", "ok", "1", "0", "1", "0", "unchanged 2"],
        ["2026-06-24 08:00", "ok", "3", "3", "0", "1", "short_body 1"],
    ]
    assert rows(page, "vtv.vn", "drops") == [["short_body", "4"], ["unchanged", "2"]]
    assert rows(page, "vtv.vn", "failures") == [["2026-06-26 08:00", VTV_BODY_FAILURE]]
    assert rows(page, "tuoitre.vn", "failures") == [["2026-06-25 08:00", TUOITRE_FAILURE]]
    # Each crawl day's exports; the revision of a counts on the 25th.
    assert rows(page, "vtv.vn", "coverage") == [
        ["2026-06-26", "1", "100 %", "100 %", "100 %", "550"],
        ["2026-06-25", "1", "100 %", "100 %", "100 %", "700"],
        ["2026-06-24", "3", "33 %", "67 %", "67 %", "600"],
    ]
    # Each article once, by its day of publication (Vietnam time; b's published_date, without a time).
    assert rows(page, "vtv.vn", "articles") == [["2026-06-26", "1"], ["2026-06-23", "2"], ["no date", "1"]]
    assert rows(page, "tuoitre.vn", "articles") == [["2026-06-24", "1"], ["2026-06-23", "1"]]
    # Each article's latest revision: a no longer mentions "Thế giới".
    assert rows(page, "vtv.vn", "topics") == [["Kinh tế", "3", "2"], ["Thể thao", "1", "1"]]
    # tuoitre's records have no topics, and its runs dropped nothing: neither chart nor table.
    assert rows(page, "tuoitre.vn", "topics") == []
    assert rows(page, "tuoitre.vn", "drops") == []
    assert [div.get("data-chart") for div in page.xpath("//div[@class='chart']")] == [
        "runs",
        "coverage",
        "articles",  # tuoitre.vn
        "runs",
        "drops",
        "coverage",
        "articles",
        "topics",  # vtv.vn
    ]


def test_report_since(tmp_path: Path) -> None:
    result, out = report(tmp_path, "--since", "2026-06-25")
    assert result.returncode == 0, result.stderr[-3000:]
    page = lxml.html.fromstring(out.read_text(encoding="utf-8"))
    note = page.xpath("string(//p[@class='note'])")
    assert note.endswith("runs and records since 2026-06-25: crawlall summaries 2, exported records 2.")
    assert rows(page, None, "overview") == [
        ["tuoitre.vn", "1", "1", "2026-06-25 08:00", "FAILED", "0", "-", "-", TUOITRE_FAILURE],
        ["vtv.vn", "2", "1", "2026-06-26 08:00", "FAILED", "1", "100 %", "100 %", VTV_BODY_FAILURE],
    ]
    # Every chart from that day on: the runs started, the records crawled, the articles published.
    assert rows(page, "vtv.vn", "runs")[-1][0] == "2026-06-25 08:00"
    assert [row[0] for row in rows(page, "vtv.vn", "coverage")] == ["2026-06-26", "2026-06-25"]
    assert rows(page, "vtv.vn", "articles") == [["2026-06-26", "1"]]

    bad = run_scrapy("report", "--since", "25/6/2026", env={"VNNEWS_DATA_DIR": str(tmp_path / "data")})
    assert bad.returncode == 2
    assert "--since takes a day as YYYY-MM-DD, not '25/6/2026'" in bad.stderr


def test_report_with_nothing_to_report(tmp_path: Path) -> None:
    result = run_scrapy("report", env={"VNNEWS_DATA_DIR": str(tmp_path)})
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f"nothing to report: no summary in {tmp_path}/summary and no JSONL export"
    )
    assert not (tmp_path / "report.html").exists()


def test_report_fetches_nothing_from_outside(tmp_path: Path) -> None:
    _, out = report(tmp_path)
    page = lxml.html.fromstring(out.read_text(encoding="utf-8"))
    assert page.xpath("//script[@src] | //link[@href] | //img[@src] | //iframe") == []
    assert not re.search(r"@import|url\(\s*['\"]?(?:https?:)?//", "".join(page.xpath("//style/text()")))


# -- drawn in a real Chromium ---------------------------------------------------------------------

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1400,4200",
    # Time enough for every chart's promise to settle before the DOM is dumped or the picture taken.
    "--virtual-time-budget=20000",
)


# What Chromium asks for by itself, whatever the page (component updates, its clock, accounts).
CHROMIUM_OWN = re.compile(r"^\S+ (?:https?://)?[a-z0-9.-]+\.(?:google\.com|googleapis\.com|gstatic\.com)[:/]")


class RecordingProxy(BaseHTTPRequestHandler):
    """The browser's only way out: it answers 502 to everything and keeps what was asked for."""

    requests: list[str]

    def _refuse(self) -> None:
        self.requests.append(f"{self.command} {self.path}")
        self.send_error(502)

    do_GET = do_POST = do_HEAD = do_CONNECT = _refuse

    def log_message(self, format: str, *args: Any) -> None:
        pass


def chromium(tmp_path: Path, proxy: str, *args: str) -> subprocess.CompletedProcess[str]:
    browser = shutil.which("chromium")
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run installs Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    return subprocess.run(
        [
            browser,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--proxy-server={proxy}",
            "--proxy-bypass-list=<-loopback>",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_report_drawn_in_chromium_offline(tmp_path: Path) -> None:
    result, out = report(tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    handler = type("Proxy", (RecordingProxy,), {"requests": []})
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as proxy:
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
        address = f"http://127.0.0.1:{proxy.server_address[1]}"
        dom = chromium(tmp_path, address, "--dump-dom", out.as_uri())
        screenshot = tmp_path / "report.png"
        shot = chromium(tmp_path, address, f"--screenshot={screenshot}", out.as_uri())
        proxy.shutdown()

    assert dom.returncode == 0, dom.stderr[-3000:]
    page = lxml.html.fromstring(dom.stdout)
    # Every chart drawn: vega-embed finished them all, and each holds an SVG with its marks.
    assert page.xpath("string(//body/@data-charts-done)") == "8"
    marks = {
        chart.get("data-chart") + "@" + chart.xpath("string(ancestor::section[@class='outlet']/@id)"):
        # The data's marks (role-mark), not the axes' and legends'.
        sorted({g.get("class").split()[0] for g in chart.xpath(".//svg//g[contains(@class, ' role-mark ')]")})
        for chart in page.xpath("//div[@data-chart]")
    }
    assert marks == {
        "runs@outlet-tuoitre.vn": ["mark-line", "mark-rule", "mark-symbol"],
        "coverage@outlet-tuoitre.vn": ["mark-line", "mark-symbol"],
        "articles@outlet-tuoitre.vn": ["mark-rect"],
        "runs@outlet-vtv.vn": ["mark-line", "mark-rule", "mark-symbol"],
        "drops@outlet-vtv.vn": ["mark-rect"],
        "coverage@outlet-vtv.vn": ["mark-line", "mark-symbol"],
        "articles@outlet-vtv.vn": ["mark-rect"],
        "topics@outlet-vtv.vn": ["mark-rect"],
    }
    # vtv's articles chart: one bar per day of publication (23rd and 26th).
    (vtv_articles,) = page.xpath("//section[@id='outlet-vtv.vn']//div[@data-chart='articles']")
    assert len(vtv_articles.xpath(".//g[contains(@class, ' role-mark ')]/path")) == 2
    assert page.xpath("//div[@data-chart][contains(., 'chart not drawn')]") == []
    # Nothing was fetched from outside: the proxy, the browser's only way out, was never asked.
    # The charts were drawn with every way out refused, so the page needs no network. What went out
    # was Chromium's own update, clock and account checks, never something the page asked for.
    assert [r for r in handler.requests if not CHROMIUM_OWN.search(r)] == []

    assert shot.returncode == 0, shot.stderr[-3000:]
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    print(f"screenshot: {screenshot}")


# -- input that cannot be read ----------------------------------------------------------------------


def test_summaries_that_are_not_ones_are_named_and_skipped(tmp_path: Path) -> None:
    entry = outlet_run("vtv", "vtv.vn", 1, 1)
    contents = {
        "list.json": "[]",
        "no-time.json": json.dumps({"started_at": "yesterday", "outlets": [entry]}),
        "no-count.json": json.dumps(
            {"started_at": "2026-06-24T01:00:00+00:00", "outlets": [{"spider": "vtv", "ok": True}]}
        ),
        "negative.json": json.dumps(
            {"started_at": "2026-06-24T01:00:00+00:00", "outlets": [{**entry, "failed": -1}]}
        ),
        "good.json": json.dumps({"started_at": "2026-06-24T01:00:00+00:00", "outlets": [entry]}),
    }
    for name, text in contents.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    data = ReportData()
    read_summaries(sorted(tmp_path.glob("*.json")), data)
    assert data.skipped == [
        f"{tmp_path}/list.json: not a crawlall summary (list indices must be integers or slices, not str)",
        f"{tmp_path}/negative.json: not a crawlall summary (not a count: -1)",
        f"{tmp_path}/no-count.json: not a crawlall summary (KeyError: 'records_exported')",
        f"{tmp_path}/no-time.json: not a crawlall summary (started_at is not an ISO time: 'yesterday')",
    ]
    assert data.summaries_read == 1
    assert [(run.exported, run.ok) for run in data.runs["vtv.vn"]] == [(1, True)]


def test_lines_that_are_not_records_are_counted_and_the_first_named(tmp_path: Path) -> None:
    good = record(
        "https://vtv.vn/a.htm",
        published_at=None,
        authors=[],
        body_chars=300,
        crawled_at="2026-06-24T01:05:00+00:00",
    )
    lines = [
        json.dumps(good),
        "[1, 2]",
        json.dumps({**good, "crawled_at": "2026-06-24"}),
        json.dumps({**good, "outlet": None}),
        "",
        "{",
        '{"id": ',
    ]
    path = tmp_path / "x.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "latin1.jsonl").write_bytes(b'{"title": "Ti\xeau \xf0\xe8"}\n')
    data = ReportData()
    read_records([path, tmp_path / "latin1.jsonl"], data)
    assert data.skipped == [
        f"{path}:2: line skipped: not a JSON object",
        f"{path}:3: line skipped: no crawled_at time",
        f"{path}:4: line skipped: no outlet",
        f"{path}: 2 more lines skipped",
        f"{tmp_path}/latin1.jsonl: not read ('utf-8' codec can't decode byte 0xea in position 13: invalid continuation byte)",
    ]
    assert data.lines_read == 1
    assert data.records["vtv.vn"].undated() == 1


def test_a_summary_from_before_failed_and_retried_reads_its_errors(tmp_path: Path) -> None:
    entry = outlet_run("vtv", "vtv.vn", 5, 5, errors=2)
    old = {k: v for k, v in entry.items() if k not in ("not_found", "retried", "failed", "failed_by_kind")}
    write_summary(
        tmp_path, "2026-06-24T01:00:00+00:00", {**old, "errors": 3, "errors_by_kind": {"http_404": 3}}
    )
    write_summary(tmp_path, "2026-06-25T01:00:00+00:00", entry)
    data = ReportData()
    read_summaries(sorted((tmp_path / "summary").glob("*.json")), data)
    assert [run.errors for run in data.runs["vtv.vn"]] == [3, 2]

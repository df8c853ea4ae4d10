"""`scrapy ccnews` over a CC-NEWS listing served on 127.0.0.1, of WARC files made from the fixture pages."""

from __future__ import annotations

import gzip
import json
import threading
from datetime import UTC, datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastwarc.warc import WarcRecordType
from scrapy.utils.project import get_project_settings

from crawler.ccnews import months, outlet_hosts
from crawler.offline import page_url
from crawler.warc import warc_record
from tests.conftest import FIXTURES, read_jsonl, run_scrapy

MONTHS = ("2026/07", "2026/08")


def fixture(name: str, page: str = "article") -> tuple[str, bytes]:
    body = (FIXTURES / name / f"{page}.html").read_bytes()
    url = page_url(body)
    assert url
    return url, body


def http(status: str, content_type: str | None, body: bytes, **headers: str) -> bytes:
    lines = [f"HTTP/1.1 {status}"]
    if content_type:
        lines.append(f"Content-Type: {content_type}")
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def record(kind: WarcRecordType, url: str | None, date: datetime, block: bytes, **headers: str) -> bytes:
    """One record, gzipped on its own as CC-NEWS's are; header names spelt with "_" for "-"."""
    named = {name.replace("_", "-"): value for name, value in headers.items()}
    http_block = kind != WarcRecordType.warcinfo
    return warc_record(kind, block, url=url, date=date, headers=named, http=http_block)[1]


def page(url: str, date: datetime, body: bytes) -> bytes:
    return record(WarcRecordType.response, url, date, http("200 OK", "text/html; charset=utf-8", body))


def day(n: int) -> datetime:
    return datetime(2026, 7, n, 3, 15, tzinfo=UTC)


OTHER_TITLE = "Một trang tin của trang khác"
OTHER_PARAGRAPHS = [
    "Đây là bài của một trang tin khác, không phải của các báo mà dự án có spider riêng, nằm cùng tệp WARC.",
    "Chỉ khi được nêu trong --domains thì trang này mới được đọc, qua phần trích xuất chung của dự án.",
    "Bản ghi của nó mang tên miền của trang làm outlet, tiêu đề và thân bài như trang đã in ra.",
]
OTHER_SITE = (
    f'<html lang="vi"><head><title>{OTHER_TITLE}</title></head><body><article><h1>{OTHER_TITLE}</h1>'
    + "".join(f"<p>{p}</p>" for p in OTHER_PARAGRAPHS)
    + "</article></body></html>"
).encode()


class Archive:
    """CC-NEWS's layout under a folder: the months' warc.paths.gz and their WARC files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, list[str]] = {m: [] for m in MONTHS}
        self.expected: dict[str, datetime] = {}  # URL of each record the run must export → its WARC-Date

    def add(self, month: str, name: str, members: list[bytes]) -> Path:
        path = self.root / "crawl-data" / "CC-NEWS" / month / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"".join(members))
        self.files[month].append(f"crawl-data/CC-NEWS/{month}/{name}")
        for listed, names in self.files.items():
            listing = self.root / "crawl-data" / "CC-NEWS" / listed / "warc.paths.gz"
            listing.parent.mkdir(parents=True, exist_ok=True)
            listing.write_bytes(gzip.compress("".join(f"{n}\n" for n in names).encode()))
        return path

    def article(self, name: str, date: datetime, page_name: str = "article") -> bytes:
        url, body = fixture(name, page_name)
        self.expected[url] = date
        return page(url, date, body)


def build_archive(root: Path) -> tuple[Archive, Path, bytes]:
    """Three WARC files over two months; the last is cut short inside its third outlet page.

    Returns the archive, the cut file and its whole bytes.
    """
    archive = Archive(root)
    vtv_url, _ = fixture("vtv", "article-current")
    info = record(
        WarcRecordType.warcinfo, None, day(1), b"software: test\r\n", Content_Type="application/warc-fields"
    )
    archive.add(
        MONTHS[0],
        "CC-NEWS-20260701031500-00001.warc.gz",
        [
            info,
            page("https://example.org/news/1.html", day(1), OTHER_SITE),
            archive.article("vtv", day(1), "article-current"),
            record(
                WarcRecordType.response,
                "https://vnexpress.net/images/lead.jpg",
                day(1),
                http("200 OK", "image/jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 300),
            ),
            record(
                WarcRecordType.response,
                "https://tuoitre.vn/khong-con-20250120071512999.htm",
                day(1),
                http("404 Not Found", "text/html", b"<html><body>404</body></html>"),
            ),
            record(
                WarcRecordType.response,
                "http://dantri.com.vn/giao-duc.htm",
                day(1),
                http("301 Moved Permanently", None, b"", Location="https://dantri.com.vn/giao-duc.htm"),
            ),
            record(WarcRecordType.request, vtv_url, day(1), b"GET / HTTP/1.1\r\nHost: vtv.vn\r\n\r\n"),
            # The same page fetched again, unchanged: a revisit record has no payload to read.
            record(
                WarcRecordType.revisit,
                vtv_url,
                day(2),
                http("200 OK", "text/html; charset=utf-8", b""),
                WARC_Profile="http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
            ),
            archive.article("dantri", day(2)),
        ],
    )
    archive.add(
        MONTHS[0],
        "CC-NEWS-20260702031500-00002.warc.gz",
        [
            archive.article("tuoitre", day(3)),
            page("https://www.bbc.com/vietnamese/articles/c1", day(3), OTHER_SITE),
            archive.article("nhandan", day(3)),
            archive.article("vtv", day(4), "article-old"),
        ],
    )
    members = [
        archive.article("thanhnien", day(20)),
        archive.article("vietnamplus", day(21)),
        archive.article("baoquocte", day(22)),
    ]
    cut = archive.add(MONTHS[1], "CC-NEWS-20260801031500-00001.warc.gz", members)
    whole = cut.read_bytes()
    # The download ended short, in the middle of the third page.
    cut.write_bytes(whole[: len(whole) - len(members[-1]) // 2])
    return archive, cut, whole


class Server:
    """The folder over HTTP on 127.0.0.1, noting each path asked for."""

    def __init__(self, root: Path) -> None:
        self.hits: list[str] = []
        hits = self.hits

        class Handler(SimpleHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                super().do_GET()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(root)))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def expected_record(url: str, date: datetime) -> dict:
    """The fixture's expected record, crawled when the archive fetched it."""
    name = next(
        p
        for p in FIXTURES.glob("*/*.html")
        if page_url(p.read_bytes()) == url and p.with_suffix(".expected.json").exists()
    )
    expected = json.loads(name.with_suffix(".expected.json").read_text(encoding="utf-8"))
    return {**expected, "crawled_at": date.isoformat()}


def test_ccnews_over_a_listing_with_a_file_cut_short(tmp_path: Path) -> None:
    archive, cut, whole = build_archive(tmp_path / "site")
    out = tmp_path / "ccnews.jsonl"
    with Server(tmp_path / "site") as server:
        command = (
            "ccnews",
            "--from",
            "2026-07",
            "--until",
            "2026-08",
            "--base",
            server.url,
            "--processes",
            "2",
        )
        result = run_scrapy(*command, "-O", str(out))
        first_hits = list(server.hits)

        assert result.returncode == 1, result.stderr[-3000:]
        records = {r["url"]: r for r in read_jsonl(out)}
        readable = {url: d for url, d in archive.expected.items() if "baoquocte" not in url}
        assert sorted(records) == sorted(readable)
        for url, date in readable.items():
            assert records[url] == expected_record(url, date)
        assert (
            "ccnews: 3 files read, 0 already done, 1 cut short or broken; 12 records read, 10 of the outlets, "
            "7 pages parsed, 7 records exported, 0 already exported; "
            "skipped: not_html 1, status_301 1, status_404 1; dropped: -; failed: -"
        ) in result.stderr
        assert (
            f"ccnews: {server.url}crawl-data/CC-NEWS/2026/08/{cut.name}: cut short after 2 records"
            in result.stderr
        )
        assert "[crawler.progress] INFO: ccnews: 3/3 files; " in result.stderr  # the progress, off a terminal
        assert sorted(first_hits) == sorted(
            [f"/crawl-data/CC-NEWS/{m}/warc.paths.gz" for m in MONTHS]
            + [f"/{name}" for names in archive.files.values() for name in names]
        )
        done = (tmp_path / "ccnews.jsonl.done").read_text(encoding="utf-8").split()
        assert sorted(done) == sorted(server.url + name for name in archive.files[MONTHS[0]])

        # Run again: the done files are not read again, the cut one is, and nothing is written twice.
        server.hits.clear()
        result = run_scrapy(*command, "-o", str(out))
        assert result.returncode == 1, result.stderr[-3000:]
        assert sorted(server.hits) == sorted(
            [f"/crawl-data/CC-NEWS/{m}/warc.paths.gz" for m in MONTHS]
            + [f"/crawl-data/CC-NEWS/2026/08/{cut.name}"]
        )
        assert "ccnews: 1 files read, 2 already done, 1 cut short or broken; 2 records read" in result.stderr
        assert "0 records exported, 2 already exported" in result.stderr
        assert len(read_jsonl(out)) == 7

        # The file whole at last: its third page is exported, and the file noted done.
        cut.write_bytes(whole)
        result = run_scrapy(*command, "-o", str(out))
        assert result.returncode == 0, result.stderr[-3000:]
        assert "ccnews: 1 files read, 2 already done, 0 cut short or broken; 3 records read" in result.stderr
        records = read_jsonl(out)
        assert [r["url"] for r in records[7:]] == [u for u in archive.expected if "baoquocte" in u]
        assert records[7] == expected_record(records[7]["url"], archive.expected[records[7]["url"]])
        assert len((tmp_path / "ccnews.jsonl.done").read_text(encoding="utf-8").split()) == 3


def test_ccnews_reads_warc_files_given_and_only_the_outlets_asked_for(tmp_path: Path) -> None:
    archive, _, _ = build_archive(tmp_path / "site")
    out = tmp_path / "vtv.jsonl"
    files = tmp_path / "site" / "crawl-data" / "CC-NEWS" / MONTHS[0]
    command = ("ccnews", "--outlets", "vtv", "--processes", "1", "-O", str(out), str(files))
    result = run_scrapy(*command)
    assert result.returncode == 0, result.stderr[-3000:]
    vtv = sorted(u for u in archive.expected if "//vtv.vn/" in u)
    assert sorted(r["url"] for r in read_jsonl(out)) == vtv
    assert "10 records read, 2 of the outlets, 2 pages parsed, 2 records exported" in result.stderr
    # Another site's page, kept with --domains, goes through the generic extraction.
    result = run_scrapy(*command, "--domains", "example.org")
    assert result.returncode == 0, result.stderr[-3000:]
    records = {r["url"]: r for r in read_jsonl(out)}
    assert sorted(records) == sorted([*vtv, "https://example.org/news/1.html"])
    other = records["https://example.org/news/1.html"]
    assert (other["outlet"], other["title"], other["body"]) == (
        "example.org",
        OTHER_TITLE,
        "\n\n".join(OTHER_PARAGRAPHS),
    )
    assert other["crawled_at"] == "2026-07-01T03:15:00+00:00"
    assert "10 records read, 3 of the outlets, 3 pages parsed, 3 records exported" in result.stderr


def test_the_hosts_kept() -> None:
    settings = get_project_settings()
    assert outlet_hosts(settings, ["vtv", "vnexpress.net"], ["www.nld.com.vn", ""]) == {
        "vtv.vn",
        "www.vtv.vn",
        "vnexpress.net",
        "www.vnexpress.net",
        "nld.com.vn",
        "www.nld.com.vn",
    }
    assert len(outlet_hosts(settings)) == 20
    with pytest.raises(ValueError, match=r"no outlet spider vtv\.com"):
        outlet_hosts(settings, ["vtv.com"])


def test_months() -> None:
    assert months("2025-11", "2026-02") == ["2025/11", "2025/12", "2026/01", "2026/02"]
    assert months("2026-07", "2026-07") == ["2026/07"]
    with pytest.raises(ValueError, match="--until 2026-06 is before --from 2026-07"):
        months("2026-07", "2026-06")
    with pytest.raises(ValueError, match="months are YYYY-MM, not '2026-7'"):
        months("2026-7", "2026-08")


def test_usage_errors(tmp_path: Path) -> None:
    result = run_scrapy("ccnews", "--from", "2026-07")
    assert result.returncode == 2
    assert "give the output file, -O FILE or -o FILE" in result.stderr
    result = run_scrapy("ccnews", "-O", str(tmp_path / "x.jsonl"), "--until", "2026-07")
    assert result.returncode == 2
    assert "--until needs --from" in result.stderr

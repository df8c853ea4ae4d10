"""The crawl's WARC archive (VNNEWS_WARC_DIR), read back, and `scrapy reextract` over it."""

from __future__ import annotations

import gzip
import io
import os
import signal
import subprocess
import sys
import threading
import time
import zlib
from datetime import UTC, datetime
from pathlib import Path

from fastwarc.warc import ArchiveIterator, WarcRecordType

from crawler.warc import ArchiveReader, warc_record
from tests.conftest import MIRROR_SPEED, ROOT, crawl_mirror, read_jsonl, run_scrapy
from tests.mirror import MirrorServer, Page
from tests.sites import build_vtv_site, listing, vtv_article, vtv_article_url


def archived(directory: Path) -> list[dict]:
    """Every record of every file in *directory*, in order: type, URL, date, link, HTTP status and payload."""
    found = []
    for path in sorted(directory.glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                http = record.http_headers if record.is_http else None
                found.append(
                    {
                        "file": path.name,
                        "type": record.record_type,
                        "id": record.record_id,
                        "url": record.headers.get("WARC-Target-URI"),
                        "date": record.record_date,
                        "concurrent_to": record.headers.get("WARC-Concurrent-To"),
                        "status": http.status_code
                        if http and record.record_type == WarcRecordType.response
                        else None,
                        "headers": dict(http.items()) if http else {},
                        "payload": record.reader.read(),
                    }
                )
    return found


def test_round_trip_of_a_mirror_crawl(tmp_path: Path) -> None:
    warc_dir = tmp_path / "warc"
    out = tmp_path / "crawl.jsonl"
    with MirrorServer() as server:
        expected = build_vtv_site(server)
        # One page sent gzipped: archived as the spider saw it, decoded.
        listing_page = server.pages["vtv.vn/xa-hoi.htm"]
        sent_plain = listing_page.body
        listing_page.body = gzip.compress(sent_plain)
        listing_page.headers["Content-Encoding"] = "gzip"
        # A small rotation size: the archive spreads over several files.
        result, records = crawl_mirror(
            "vtv", server.url, out, "-s", f"VNNEWS_WARC_DIR={warc_dir}", "-s", "VNNEWS_WARC_MAX_SIZE=30000"
        )
        hits = list(server.hits)
        pages = dict(server.pages)
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(records) == len(expected)

    found = archived(warc_dir)
    files = sorted({r["file"] for r in found})
    assert len(files) == 2
    # Each file opens with its warcinfo record.
    assert [r["type"] for r in found if r["type"] == WarcRecordType.warcinfo] == [WarcRecordType.warcinfo] * 2
    responses = [r for r in found if r["type"] == WarcRecordType.response]
    requests = [r for r in found if r["type"] == WarcRecordType.request]
    # Every URL the server was asked for, archived once, under the outlet's URL (not the mirror's).
    assert sorted(r["url"].split("://", 1)[1] for r in responses) == sorted(hits)
    assert not any("127.0.0.1" in r["url"] for r in found if r["url"])
    # Each response has its request, just before it, linked to it.
    by_id = {r["id"]: r for r in responses}
    assert len(requests) == len(responses)
    for request in requests:
        response = by_id[request["concurrent_to"]]
        assert request["url"] == response["url"]
        assert request["payload"] == b""
    # The bytes the server sent, with its status and headers.
    for response in responses:
        host_path = response["url"].split("://", 1)[1]
        page = pages.get(host_path, Page(b"<html><body>Not found</body></html>", status=404))
        body = sent_plain if page is listing_page else page.body
        assert (response["status"], response["payload"]) == (page.status, body), host_path
        assert response["headers"]["Content-Type"] == page.content_type
        assert response["headers"]["Content-Length"] == str(len(body))
        assert "Content-Encoding" not in response["headers"]
    moved = next(r for r in responses if r["status"] == 301 and "bai-viet-thu-10-" in r["url"])
    assert moved["headers"]["Location"] == expected["redirect"]

    # Extracted again: the crawl's records, dated by their responses' WARC-Date.
    again = tmp_path / "again.jsonl"
    result = run_scrapy("reextract", str(warc_dir), "-O", str(again))
    assert result.returncode == 0, result.stderr[-3000:]
    replayed = {r["url"]: r for r in read_jsonl(again)}
    crawled = {r["url"]: r for r in records}
    assert sorted(replayed) == sorted(crawled)
    dates = {r["url"]: r["date"] for r in responses if r["status"] == 200}
    for url, record in replayed.items():
        assert record["crawled_at"] == dates[url].astimezone(UTC).isoformat()
        assert {**record, "crawled_at": None} == {**crawled[url], "crawled_at": None}
    assert (
        "reextract: 2 files, 32 responses, 9 pages parsed, 8 records exported; "
        "skipped: not_article 1, not_article_url 4, status_301 2, status_404 17; dropped: -; failed: -"
    ) in result.stderr
    # Off a terminal, the progress is a log line (the last one says it is done).
    assert "[crawler.progress] INFO: reextract: 2/2 files; " in result.stderr


def test_a_killed_crawl_leaves_valid_files(tmp_path: Path) -> None:
    warc_dir = tmp_path / "warc"
    stuck = threading.Event()
    with MirrorServer() as server:
        build_vtv_site(server)
        # One article never answers: the crawl is still running when it is killed.
        url = vtv_article_url(99)
        server.add("https://vtv.vn/xa-hoi/trang-2.htm", listing([vtv_article_url(31), url], None))
        server.add(url, Page(vtv_article(99, url).encode(), hold=stuck))
        command = [sys.executable, "-m", "scrapy", "crawl", "vtv", "-O", str(tmp_path / "out.jsonl")]
        settings = [f"VNNEWS_MIRROR={server.url}", f"VNNEWS_WARC_DIR={warc_dir}", "DOWNLOAD_TIMEOUT=120"]
        command += [arg for s in settings for arg in ("-s", s)] + list(MIRROR_SPEED)
        crawl = subprocess.Popen(
            command, cwd=ROOT, env=os.environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            # The site's 32 pages (robots.txt, feeds, sitemap, listings, articles) and the stuck one asked for,
            # the 32 archived: then kill the crawl, mid-download.
            deadline = time.monotonic() + 90
            while len(server.hits) < 33 or count_responses(warc_dir) < 32:
                assert time.monotonic() < deadline, f"{len(server.hits)} pages asked for, not 33"
                time.sleep(0.05)
            assert url.split("://")[1] in server.hits
            crawl.send_signal(signal.SIGKILL)
            crawl.wait(30)
        finally:
            stuck.set()
            if crawl.poll() is None:
                crawl.kill()
    [path] = warc_dir.glob("*.warc.gz")
    with path.open("rb") as stream:
        reader = ArchiveReader(stream)
        responses = list(reader)
    assert reader.broken is None
    assert len(responses) == 32
    assert len(server.hits) == 33
    # The file is whole gzip: every member ends with its trailer.
    assert gzip.decompress(path.read_bytes()).count(b"WARC-Type: request\r\n") == 32


def count_responses(directory: Path) -> int:
    total = 0
    for path in directory.glob("*.warc.gz"):
        with path.open("rb") as stream:
            total += sum(1 for _ in ArchiveReader(stream))
    return total


def test_a_file_cut_short_is_read_up_to_the_break() -> None:
    date = datetime(2026, 7, 1, 3, 0, tzinfo=UTC)
    members = [
        warc_record(
            WarcRecordType.response,
            b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\npage",
            url=f"https://vtv.vn/{i}.htm",
            date=date,
        )[1]
        for i in range(4)
    ]
    whole = b"".join(members)
    ends = [len(b"".join(members[: i + 1])) for i in range(4)]
    for cut in range(0, len(whole) + 1):
        reader = ArchiveReader(io.BytesIO(whole[:cut]))
        urls = [r.url for r in reader]
        whole_members = sum(1 for end in ends if end <= cut)
        assert urls == [f"https://vtv.vn/{i}.htm" for i in range(len(urls))]
        if cut in (0, *ends):
            assert (len(urls), reader.broken) == (whole_members, None), cut
        else:
            # A record is read when its block is there, though the CRLF CRLF closing it or the end of
            # its gzip member is cut.
            start = ends[whole_members - 1] if whole_members else 0
            bytes_there = zlib.decompressobj(wbits=31).decompress(whole[start:cut])
            block_end = len(gzip.decompress(members[whole_members])) - 4
            readable = whole_members + (len(bytes_there) >= block_end)
            assert len(urls) == readable, cut
            assert reader.broken == f"cut short after {readable} records", cut


def test_two_archives_started_in_the_same_second_write_their_own_files(tmp_path: Path) -> None:
    from crawler.warc import WarcArchive

    first = WarcArchive(tmp_path, "vnnews-vtv", max_size=10**9)
    second = WarcArchive(tmp_path, "vnnews-vtv", max_size=10**9)
    second.started = first.started
    date = datetime(2026, 7, 1, 3, 0, tzinfo=UTC)
    for n, archive in enumerate((first, second)):
        block = b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\npage"
        archive.write(
            warc_record(WarcRecordType.response, block, url=f"https://vtv.vn/{n}.htm", date=date)[1]
        )
        archive.close()
    names = [f"vnnews-vtv-{first.started}-00000.warc.gz", f"vnnews-vtv-{first.started}-00001.warc.gz"]
    assert sorted(p.name for p in tmp_path.iterdir()) == names
    for n, name in enumerate(names):
        with (tmp_path / name).open("rb") as stream:
            assert [r.url for r in ArchiveReader(stream)] == [f"https://vtv.vn/{n}.htm"]


def test_a_file_that_is_no_warc_says_so() -> None:
    for junk in (b"hello world\n" * 10, gzip.compress(b"hello world\n" * 10)):
        reader = ArchiveReader(io.BytesIO(junk))
        assert (list(reader), reader.broken) == ([], "not a WARC file")

"""WARC files: the crawl's archive of what it fetched, and archives read back.

Writing: with ``-s VNNEWS_WARC_DIR=DIR`` a crawl keeps every response it fetched
(articles, feeds, sitemaps, listings, robots.txt, redirects, errors) in WARC 1.1
files under DIR, each response as a request record and a response record under
the outlet's real URL (never the mirror's).  The response keeps the server's
status line, headers and bytes, decoded (Scrapy has already undone any
``Content-Encoding`` when the archive sees the response; ``Content-Length``
is set to the decoded length), so that a record replays into the page the
spider parsed.  Each record is its own gzip member (what ``.warc.gz`` readers
expect, and what lets a reader start at any record), and a request and its
response are written together by one ``write`` to a file opened unbuffered: a
killed crawl leaves whole records only.  A file is closed, fsynced, and the
next one started once it passes ``VNNEWS_WARC_MAX_SIZE`` bytes (about 1 GB).

Reading: :class:`ArchiveReader` streams the HTTP responses of a WARC file or a
download (``scrapy reextract``, ``scrapy ccnews``), optionally only those of
some hosts, and reads a truncated or corrupt file up to the break, saying so.

The library is FastWARC (resiliparse): on the same gzipped WARC it reads
records 2.7 times as fast as warcio (``bench/ccnews.py``, figures in ``bench/README.md``).
"""

from __future__ import annotations

import gzip
import io
import logging
import os
import zlib
from collections import deque
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from http.client import HTTPException
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes

logger = logging.getLogger(__name__)

WARC_SUFFIXES = (".warc.gz", ".warc")
# Headers that describe the bytes on the wire rather than the decoded bytes archived.
WIRE_HEADERS = {b"content-encoding", b"transfer-encoding", b"content-length"}
# gzip level of the archive: 6 is gzip's own default, most of 9's size for far less CPU.
GZIP_LEVEL = 6


def host_of(url: str) -> str:
    """The lower-case host of *url* ("" when it has none)."""
    return (urlsplit(url).hostname or "").lower()


# -- writing ---------------------------------------------------------------------------


def http_request_block(request: Request) -> bytes:
    """The HTTP request as sent: request line, headers, body."""
    parts = urlsplit(request.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    lines = [f"{request.method} {target} HTTP/1.1".encode("latin-1"), b"Host: " + parts.netloc.encode("idna")]
    for name, values in request.headers.items():
        lines.extend(name + b": " + value for value in values)
    return b"\r\n".join(lines) + b"\r\n\r\n" + (request.body or b"")


def http_response_block(response: Response) -> bytes:
    """The HTTP response: status line and headers as the server sent them, then the decoded body."""
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = ""
    protocol = response.protocol or "HTTP/1.1"
    lines = [f"{protocol} {response.status} {reason}".rstrip().encode("latin-1")]
    for name, values in response.headers.items():
        if name.lower() not in WIRE_HEADERS:
            lines.extend(name + b": " + value for value in values)
    lines.append(b"Content-Length: " + str(len(response.body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + response.body


def warc_record(
    record_type: WarcRecordType,
    block: bytes,
    *,
    url: str | None = None,
    date: datetime,
    headers: dict[str, str] | None = None,
    http: bool = True,
) -> tuple[str, bytes]:
    """One WARC 1.1 record as its own gzip member: (its WARC-Record-ID, the bytes)."""
    record = WarcRecord()
    record.init_headers(record_type)
    if url is not None:
        record.headers["WARC-Target-URI"] = url
    record.record_date = date
    for name, value in (headers or {}).items():
        record.headers[name] = value
    record.set_bytes_content(block)
    if http:
        record.is_http = True
    out = io.BytesIO()
    record.write(out, checksum_data=http)
    return record.record_id, gzip.compress(out.getvalue(), compresslevel=GZIP_LEVEL, mtime=0)


def exchange_records(request: Request, response: Response, date: datetime) -> bytes:
    """The request record and the response record of one fetch, linked by WARC-Concurrent-To."""
    response_id, response_bytes = warc_record(
        WarcRecordType.response, http_response_block(response), url=response.url, date=date
    )
    _, request_bytes = warc_record(
        WarcRecordType.request,
        http_request_block(request),
        url=response.url,
        date=date,
        headers={"WARC-Concurrent-To": response_id},
    )
    return request_bytes + response_bytes


class WarcArchive:
    """WARC files ``<dir>/<prefix>-<start>-<serial>.warc.gz``, a new one past ``max_size`` bytes."""

    def __init__(self, directory: str | Path, prefix: str, max_size: int, software: str = "vnnews") -> None:
        self.directory = Path(directory)
        self.prefix = prefix
        self.max_size = max_size
        self.software = software
        self.started = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        self.serial = 0
        self.file: IO[bytes] | None = None
        self.size = 0
        self.paths: list[Path] = []

    def write(self, data: bytes) -> None:
        """Append whole records, starting a file first when none is open, closing it once it is full."""
        if self.file is None:
            self._open()
        self._append(data)
        if self.size >= self.max_size:
            self.close()

    def _append(self, data: bytes) -> None:
        # One write to a file opened unbuffered: a kill leaves all of *data* or none of it.
        assert self.file is not None
        view = memoryview(data)
        while view:
            view = view[self.file.write(view) or 0 :]
        self.size += len(data)

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        while True:
            path = self.directory / f"{self.prefix}-{self.started}-{self.serial:05d}.warc.gz"
            self.serial += 1
            try:
                self.file = path.open("xb", buffering=0)
                break
            except FileExistsError:  # another crawl of the spider, started in the same second
                continue
        self.size = 0
        self.paths.append(path)
        info = f"software: {self.software}\r\nformat: WARC File Format 1.1\r\n".encode()
        _, record = warc_record(
            WarcRecordType.warcinfo,
            info,
            date=datetime.now(UTC),
            headers={"WARC-Filename": path.name, "Content-Type": "application/warc-fields"},
            http=False,
        )
        self._append(record)

    def close(self) -> None:
        if self.file is not None:
            os.fsync(self.file.fileno())
            self.file.close()
            self.file = None


class WarcArchiveMiddleware:
    """Downloader middleware: every response, with its request, into the crawl's WARC archive.

    It sits after HttpCompressionMiddleware (590), which decodes the body, and
    before RedirectMiddleware (moved to 585 in the settings), which would turn
    a redirect into a new request that no later middleware sees.
    """

    def __init__(self, archive: WarcArchive) -> None:
        self.archive = archive

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcArchiveMiddleware:
        directory = crawler.settings.get("VNNEWS_WARC_DIR")
        if not directory:
            raise NotConfigured("VNNEWS_WARC_DIR is not set")
        assert crawler.spidercls is not None
        # Made now, so that a folder that cannot be written stops the crawl before it fetches anything.
        Path(directory).mkdir(parents=True, exist_ok=True)
        archive = WarcArchive(
            directory,
            prefix=f"vnnews-{crawler.spidercls.name}",
            max_size=crawler.settings.getint("VNNEWS_WARC_MAX_SIZE"),
            software=crawler.settings.get("USER_AGENT", "vnnews"),
        )
        middleware = cls(archive)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        date = datetime.now(UTC).replace(microsecond=0)
        self.archive.write(exchange_records(request, response, date))
        return response

    def spider_closed(self, spider: Spider) -> None:
        self.archive.close()
        for path in self.archive.paths:
            logger.info("Archived to %s", path)


# -- reading ---------------------------------------------------------------------------


@dataclass
class ArchivedResponse:
    """One HTTP response of an archive: what the server sent, and when (the record's WARC-Date)."""

    url: str
    date: datetime
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def response(self) -> Response:
        """The Scrapy response it replays into (an HtmlResponse for a page)."""
        headers = Headers()
        for name, value in self.headers:
            headers.appendlist(name, value)
        cls = responsetypes.from_args(headers=headers, url=self.url, body=self.body)
        return cls(url=self.url, status=self.status, headers=headers, body=self.body)


class KeepingTail:
    """A stream that keeps the chunks read since a mark (the start of the last record seen).

    FastWARC ends its iteration quietly where a gzipped file stops inside a
    member's header or trailer; what is kept lets the reader check that the
    file ends with whole gzip members.  Chunks are kept as read, never copied.
    """

    def __init__(self, stream: IO[bytes] | Any) -> None:
        self.stream = stream
        self.chunks: deque[tuple[int, bytes]] = deque()  # (offset in the stream, bytes)
        self.position = 0
        self.mark_position = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        if data:
            self.chunks.append((self.position, data))
            self.position += len(data)
        return data

    def tell(self) -> int:
        return self.position

    def at_end(self) -> bool:
        """Whether the stream has nothing more to give (a file cut short, not a corrupt one)."""
        try:
            return not self.stream.read(1)
        except (OSError, HTTPException):
            return False

    def starts_like_warc(self) -> bool:
        """Whether the stream begins as a WARC file does (or may, being too short to tell)."""
        if not self.chunks or self.chunks[0][0] != 0:
            return True  # a record was read: it is one
        start = b"".join(chunk for _, chunk in self.chunks)[:65536]
        if len(start) < 2:
            return True
        if start[:2] == b"\x1f\x8b":
            start = zlib.decompressobj(wbits=31).decompress(start, 8)
        return b"WARC/".startswith(start[:5])

    def mark(self, position: int) -> None:
        """Forget the chunks that end before *position* (an offset in the stream)."""
        chunks = self.chunks
        while len(chunks) > 1 and chunks[1][0] <= position:
            chunks.popleft()
        self.mark_position = position

    def ends_whole(self) -> bool:
        """Whether the bytes from the mark on are whole gzip members (or not gzip at all)."""
        if not self.chunks:
            return True
        first_offset = self.chunks[0][0]
        data = b"".join(chunk for _, chunk in self.chunks)[max(0, self.mark_position - first_offset) :]
        if data[:2] != b"\x1f\x8b":
            return True
        while data:
            member = zlib.decompressobj(wbits=31)
            member.decompress(data)
            if not member.eof:
                return False
            data = member.unused_data
        return True


class ArchiveReader:
    """The HTTP responses of one WARC file (gzipped or not), streamed from *stream*.

    With *hosts*, only the responses whose URL's host is one of them are read
    whole; the others are skipped without their payload leaving the library.
    A file that ends inside a record, or whose bytes stop making sense, is read
    up to there: ``broken`` then says why, and the iteration ends normally.
    (A file cut exactly between two records cannot be told from a whole one.)

    ``records``: response records seen; ``matched``: those of the hosts.
    """

    def __init__(self, stream: IO[bytes] | Any, hosts: Collection[str] | None = None) -> None:
        self.stream = KeepingTail(stream)
        self.hosts = hosts
        self.records = 0
        self.matched = 0
        self.broken: str | None = None

    def __iter__(self) -> Iterator[ArchivedResponse]:
        hosts = self.hosts
        try:
            # Every record, not only responses, so that what the stream keeps stays one record long.
            for record in ArchiveIterator(self.stream):
                self.stream.mark(record.stream_pos)
                if record.record_type != WarcRecordType.response:
                    continue
                self.records += 1
                if record.headers.get("Content-Length") is None:
                    return self._cut_short()
                url = record.headers.get("WARC-Target-URI") or ""
                if hosts is not None and host_of(url) not in hosts:
                    # Skipped all the same, but counted here to know whether it was whole.
                    if record.reader is None or record.reader.consume() < record.content_length:
                        return self._cut_short()
                    continue
                http = record.http_headers
                body = record.reader.read() if record.reader is not None else b""
                if http is None or http.status_code is None or len(body) < record.content_length:
                    return self._cut_short()
                self.matched += 1
                yield ArchivedResponse(
                    url=url,
                    date=record.record_date,
                    status=http.status_code,
                    headers=list(http.items()),
                    body=body,
                )
        except (OSError, HTTPException) as exc:
            # A file that ends inside a record's headers, a corrupt one, or a download that failed
            # (OSError, or http.client's IncompleteRead).
            if not self.stream.starts_like_warc():
                self.broken = "not a WARC file"
            elif self.stream.at_end():
                self.broken = f"cut short after {self.records} records"
            else:
                self.broken = f"unreadable after {self.records} records ({exc})"
            return None
        if not self.stream.ends_whole():
            self.broken = f"cut short after {self.records} records"
        return None

    def _cut_short(self) -> None:
        self.records -= 1
        self.broken = f"cut short after {self.records} records"


def warc_files(paths: Collection[str | Path]) -> list[Path]:
    """The WARC files named: files as given, folders for their ``*.warc.gz`` and ``*.warc``, sorted."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.name.endswith(WARC_SUFFIXES)))
        else:
            found.append(path)
    return found

"""Step 7: the JSONL export.

Scrapy's feed exports do the writing (``FEEDS`` in the settings, ``-o``/``-O``
on the command line); this module makes sure every line is the same whatever
the options: UTF-8 text (never ``\\uXXXX`` escapes), keys in schema order, one
record a line.

It also makes the file survive a crawl being killed (SIGKILL, the machine going
down): each line is written whole and flushed at once (a killed process loses
none), the file is fsynced before the state store notes its lines (in the state
pipeline's commits, ``pipelines/state.py``) and when it is closed, and a file
opened for appending -- the same file a resumed ``JOBDIR`` crawl goes on
writing -- is first cut back to its last complete line.
So a reader never meets a truncated line for long, and the next run repairs the
one a kill can leave.  The alternative, writing under a temporary name and
renaming when done, would hide a killed crawl's records from readers and from
its own resume.

A file that cannot be written (a full disk, a read-only mount, a folder that
cannot be made) stops the crawl (:class:`GuardedFeedExporter`): one error
naming the file and the cause, ``vnnews/export/failed`` in the stats, exit
status 2.  The state store then records only the lines written before the
failure, and the file is left marked unfinished, so that the next crawl cuts a
partial last line, records what the file holds and exports everything else.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from pathlib import Path
from typing import IO, Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exporters import JsonLinesItemExporter
from scrapy.extensions.feedexport import FeedExporter, FileFeedStorage
from scrapy.settings import BaseSettings
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.job import job_dir

from crawler.items import RECORD_FIELDS

logger = logging.getLogger(__name__)

# Sent when a local feed file is opened for writing, with its absolute ``path``
# (after any repair): the state pipeline notes the export and reconciles what
# the file already holds.
feed_file_opened = object()

JSONL_FORMATS = ("jsonlines", "jsonl")


def default_feeds(settings: BaseSettings) -> dict[str, dict[str, Any]]:
    """The FEEDS of a crawl given no -o/-O: a new file per crawl under data/<spider>/, none when
    the crawl exports nothing (a quiet rerun, a failed crawl)."""
    return {settings.get("VNNEWS_FEED_URI"): {"format": "jsonlines", "store_empty": False}}


def export_failed(crawler: Crawler, path: str, error: OSError) -> None:
    """An export file could not be written: stop the crawl, once, saying which file and why."""
    if crawler.stats.get_value("vnnews/export/failed"):
        return
    message = f"cannot write the export {path}: {error.strerror or error}"
    crawler.stats.set_value("vnnews/export/failed", message)
    logger.error(
        "%s; stopping the crawl (what the file holds is kept, the rest is exported next time)", message
    )
    if crawler.engine is not None:
        deferred_from_coro(crawler.engine.close_spider_async(reason="export_failed"))


def record_line(record: dict[str, Any]) -> str:
    """One JSONL line (without the newline), as the feed export writes it."""
    ordered = {key: record[key] for key in RECORD_FIELDS if key in record}
    return json.dumps(ordered, ensure_ascii=False)


def job_uri_params(params: dict[str, Any], spider: Spider) -> dict[str, Any]:
    """``FEED_URI_PARAMS``: within a ``JOBDIR`` job, ``%(time)s`` is the job's start, not this run's.

    So a job resumed after a stop or a kill appends to the file it began,
    instead of scattering its records over one file per run.  Outside a job,
    a crawl never appends to another crawl's file: when a file of this second
    already exists (two crawls started within one second), ``%(time)s`` gets a
    suffix, ``-2``, ``-3``...
    """
    settings = spider.crawler.settings if spider.crawler else None
    jobdir = job_dir(settings) if settings else None
    if jobdir:
        saved = Path(jobdir, "feed-time.txt")
        if saved.exists():
            params["time"] = saved.read_text(encoding="utf-8").strip()
        else:
            saved.parent.mkdir(parents=True, exist_ok=True)
            saved.write_text(params["time"], encoding="utf-8")
        return params
    templates = [uri for uri in (settings.getdict("FEEDS") if settings else {}) if "%(time)s" in uri]
    stamp, n = params["time"], 1
    while any(Path(_local_path(uri % params)).exists() for uri in templates):
        n += 1
        params["time"] = f"{stamp}-{n}"
    return params


def _local_path(uri: str) -> str:
    return uri[len("file://") :] if uri.startswith("file://") else uri


def repair_jsonl(path: Path) -> int:
    """Cut *path* back to its last complete line; the number of bytes cut (a partial line).

    A killed crawl can leave the start of a line without its newline; JSON lines
    never hold a raw newline, so the last one ends the last complete record.
    """
    with path.open("r+b") as file:
        size = file.seek(0, os.SEEK_END)
        end = size
        keep = 0
        while end > 0:
            start = max(0, end - 65536)
            file.seek(start)
            newline = file.read(end - start).rfind(b"\n")
            if newline >= 0:
                keep = start + newline + 1
                break
            end = start
        if keep < size:
            file.truncate(keep)
            file.flush()
            os.fsync(file.fileno())
    return size - keep


class DurableFileFeedStorage(FileFeedStorage):
    """Scrapy's local-file feed storage, repairing a JSONL file before it appends to it."""

    def __init__(
        self, uri: str, *, feed_options: dict[str, Any] | None = None, crawler: Crawler | None = None
    ) -> None:
        super().__init__(uri, feed_options=feed_options)
        self.format = (feed_options or {}).get("format")
        self.crawler = crawler

    @classmethod
    def from_crawler(
        cls, crawler: Crawler, uri: str, *, feed_options: dict[str, Any] | None = None
    ) -> DurableFileFeedStorage:
        return cls(uri, feed_options=feed_options, crawler=crawler)

    def open(self, spider: Spider) -> IO[bytes]:
        path = Path(self.path).resolve()
        if self.write_mode == "ab" and self.format in JSONL_FORMATS and path.exists():
            cut = repair_jsonl(path)
            if cut:
                logger.warning("%s ended in a partial line (a killed crawl): cut %d bytes", path, cut)
        try:
            file = super().open(spider)
        except OSError as exc:
            # Name the export, not the folder on its way that could not be made.
            raise OSError(exc.errno, exc.strerror, self.path) from exc
        if self.crawler is not None and self.format in JSONL_FORMATS:
            self.crawler.signals.send_catch_log(signal=feed_file_opened, path=str(path), spider=spider)
        return file

    def store(self, file: IO[bytes]) -> None:
        try:
            file.flush()
            os.fsync(file.fileno())
        except OSError as exc:
            if self.crawler is None:
                raise
            export_failed(self.crawler, self.path, exc)
        finally:
            with contextlib.suppress(OSError):
                file.close()


class GuardedFeedExporter(FeedExporter):
    """Scrapy's feed exports, stopping the crawl at the first write error instead of logging each record's.

    Replaces ``scrapy.extensions.feedexport.FeedExporter`` in ``EXTENSIONS``.
    The file that failed is closed and left out of the close of the feeds, so
    that it is never marked finished (see the module's docstring).
    """

    def item_scraped(self, item: Any, spider: Spider) -> None:
        if self.crawler.stats.get_value("vnnews/export/failed"):
            # The crawl is stopping; nothing more goes to any file (and the summary counts it out).
            self.crawler.stats.inc_value("vnnews/export/not_written")
            return
        try:
            super().item_scraped(item, spider)
        except OSError as exc:
            self.crawler.stats.inc_value("vnnews/export/not_written")
            path = str(exc.filename) if exc.filename else "?"
            failed = [slot for slot in self.slots if str(getattr(slot.storage, "path", "")) == path]
            for slot in failed:
                self.slots.remove(slot)
                if slot.file is not None:
                    with contextlib.suppress(OSError):
                        slot.file.close()
            if Path(path).is_file():  # a line cut short by a full disk
                with contextlib.suppress(OSError):
                    repair_jsonl(Path(path))
            export_failed(self.crawler, path, exc)


class ArticleJsonLinesExporter(JsonLinesItemExporter):
    """JSON lines that stay readable Vietnamese, whatever FEED_EXPORT_ENCODING says.

    Each line is flushed as soon as it is written: a killed crawl loses none.
    """

    def __init__(self, file: Any, **kwargs: Any) -> None:
        kwargs["ensure_ascii"] = False
        kwargs["encoding"] = "utf-8"
        kwargs.setdefault("fields_to_export", list(RECORD_FIELDS))
        super().__init__(file, **kwargs)

    def export_item(self, item: Any) -> None:
        try:
            if isinstance(item, dict) and "content_hash" in item:
                # A record: its line as record_line makes it, without Scrapy's per-field serialisation
                # (records hold only JSON types already).
                self.file.write(record_line(item).encode("utf-8") + b"\n")
            else:
                super().export_item(item)
            self.file.flush()
        except OSError as exc:
            # Name the file: the error of a write says only what went wrong.
            raise OSError(exc.errno, exc.strerror, exc.filename or getattr(self.file, "name", None)) from exc

"""After dedupe, before the export: only records in the requested dates, and only what is new.

``DateRangePipeline`` drops, during a backfill (``-a since=… -a until=…``), the
records published outside the range (``vnnews/dropped/out_of_range``).

``StatePipeline`` compares each record with the state store
(``crawler/state.py``): an article seen for the first time is exported with
``revision`` 1, one whose content hash changed is exported again with its
revision raised by one, and an unchanged one is dropped
(``vnnews/dropped/unchanged``).  It also counts what the health checks read
(``vnnews/seen/*``: every record the crawl saw, exported or not).

The store rows are written in commits, every ``VNNEWS_COMMIT_INTERVAL``
seconds (0.5) and when the crawl closes: first the export files are fsynced,
then the rows of the lines they hold are written, in one transaction.  So a row
never exists for a line that is not on disk, even after a power cut, and a
crawl pays one fsync of its file and one of the store per commit instead of two
per record.  A kill loses at most the rows of the last half second (every line
is flushed as it is written, so the file keeps them); the next crawl of the
outlet repairs that file (a partial last line is cut) and records the lines the
store lacks, before it exports anything.  So the files and the store agree after
any kill.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from twisted.internet.task import LoopingCall

from crawler.items import Record
from crawler.state import StateStore, state_store, utc_now
from pipelines.base import drop
from pipelines.export import export_failed, feed_file_opened, record_line, repair_jsonl

if TYPE_CHECKING:
    from crawler.redisstate import RedisStateStore

logger = logging.getLogger(__name__)

# A body this long is a real article text (the field-coverage health check).
LONG_BODY_CHARS = 500


def quiet(exc: DropItem) -> DropItem:
    """A drop that is the normal course of a scheduled crawl: logged at DEBUG, not as a warning."""
    exc.log_level = "DEBUG"
    return exc


def _is_record(line: Any) -> bool:
    """Whether a line read back from an export file is a record."""
    return isinstance(line, dict) and "content_hash" in line and "canonical_url" in line


def published_day(record: Record) -> date | None:
    """The Vietnam-time day a record was published (``published_date``: known even when the time is
    not), or None."""
    value = record.get("published_date")
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


class DateRangePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DateRangePipeline:
        return cls(crawler)

    def process_item(self, item: Record) -> Record:
        date_range = getattr(self.crawler.spider, "date_range", None)
        if date_range is None:
            return item
        day = published_day(item)
        if day is None:
            self.crawler.stats.inc_value("vnnews/backfill/undated")
        elif not date_range.includes(day):
            message = f"{item['canonical_url']} (published {day})"
            raise quiet(drop(self.crawler.stats, "out_of_range", message))
        return item


class StatePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        # A worker sharing a Redis (crawler/workers.py): the state is there, and so is the export's queue.
        self.worker = False
        self.store: StateStore | RedisStateStore | None = None
        self.outlet = ""
        # Rows of exported lines not yet committed, and the local files those lines are in.
        self.pending: list[tuple[str, str, str, int, str]] = []
        self.export_paths: set[str] = set()
        self.committer: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StatePipeline:
        pipeline = cls(crawler)
        # Connected after the feed exporter's handler (extensions are built first): runs after the write.
        crawler.signals.connect(pipeline.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(pipeline.feed_file_opened, signal=feed_file_opened)
        crawler.signals.connect(pipeline.feed_slot_closed, signal=signals.feed_slot_closed)
        return pipeline

    # -- opening: reset, or repair what a killed crawl left --------------------------------

    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.outlet = getattr(spider, "outlet", "") or getattr(spider, "name", "")
        self.store = state_store(self.crawler)
        self.worker = bool(self.crawler.settings.get("VNNEWS_REDIS_URL"))
        if self.store is None:
            logger.info("No state store for this crawl (-O snapshot or VNNEWS_STATE_ENABLED off)")
            return
        if self.worker:
            # A worker writes no file: records go to the exporter through Redis, in publish().  Only the
            # worker that starts a round resets (before any request: its scheduler opened first), so that
            # one joining later does not forget what the round already exported.
            starts_round = self.stats.get_value("vnnews/workers/started_round")
            if _flag(getattr(spider, "reset_state", None)) and starts_round:
                count = self.store.reset(self.outlet)
                logger.warning("State of %s reset: %d articles forgotten", self.outlet, count)
            return
        interrupted = self.store.interrupted_exports(self.outlet)
        if _flag(getattr(spider, "reset_state", None)):
            count = self.store.reset(self.outlet)
            logger.warning("State of %s reset: %d articles forgotten", self.outlet, count)
            for path in interrupted:
                self._repair(Path(path))
                self.store.finish_export(path)
            return
        for path in interrupted:
            self.recover(path)
            self.store.finish_export(path)
        self.committer = LoopingCall(self.commit)
        self.committer.start(self.crawler.settings.getfloat("VNNEWS_COMMIT_INTERVAL", 0.5), now=False)

    def close_spider(self) -> None:
        if self.committer is not None and self.committer.running:
            self.committer.stop()
        self.commit()

    def commit(self) -> None:
        """Make the lines exported so far durable, then note them in the store."""
        if self.store is None or not self.pending:
            return
        rows, self.pending = self.pending, []
        for path in self.export_paths:
            # fsync through a descriptor of our own: it syncs the file, whoever wrote to it (the
            # exporter flushes every line to the kernel as it writes it).
            try:
                fd = os.open(path, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
            except OSError as exc:
                # Lines that may not be on disk are not recorded: the next crawl reads the file back.
                export_failed(self.crawler, path, exc)
                return
        self.store.record_many(rows)

    def _repair(self, path: Path) -> None:
        if path.is_file() and path.stat().st_size:
            cut = repair_jsonl(path)
            if cut:
                logger.warning("%s ended in a partial line (a killed crawl): cut %d bytes", path, cut)

    def recover(self, path: str) -> int:
        """Record in the store the lines of *path* it lacks (a crawl killed between line and row)."""
        if self.store is None:
            return 0
        file = Path(path)
        if not file.is_file():  # gone, or a device (an export to /dev/full) that reads back forever
            return 0
        self._repair(file)
        recorded = 0
        with file.open(encoding="utf-8") as lines:
            for line in lines:
                try:
                    record = json.loads(line)
                except ValueError:
                    logger.error("%s: a line that is not JSON: %.80s", path, line)
                    continue
                if not _is_record(record):
                    continue
                known = self.store.get(record["canonical_url"])
                revision = int(record.get("revision") or 1)
                if known is None or known.revision < revision:
                    self.store.record(
                        self.outlet,
                        record["canonical_url"],
                        record["content_hash"],
                        revision,
                        record.get("crawled_at") or utc_now(),
                    )
                    recorded += 1
        if recorded:
            logger.warning("%s: %d exported records were missing from the state store", path, recorded)
            self.stats.inc_value("vnnews/state/recovered", recorded)
        return recorded

    # -- each record ---------------------------------------------------------------------------

    def process_item(self, item: Record) -> Record:
        self._count_seen(item)
        if self.store is None:
            return item
        if self.worker:
            return self.publish(item)
        url = item["canonical_url"]
        known = self.store.get(url)
        if known is None:
            item["revision"] = 1
            self.stats.inc_value("vnnews/state/new")
        elif known.content_hash == item["content_hash"]:
            self.store.touch(url, item["crawled_at"])
            raise quiet(drop(self.stats, "unchanged", f"{url} (revision {known.revision})"))
        else:
            item["revision"] = known.revision + 1
            self.stats.inc_value("vnnews/state/updated")
        return item

    def publish(self, item: Record) -> Record:
        """A worker's record: its revision decided and the record queued for the exporter, in one step."""
        spider = self.crawler.spider
        revision = self.store.publish(spider.name, self.outlet, item, record_line(item))  # type: ignore[union-attr]
        if not revision:
            url = item["canonical_url"]
            raise quiet(drop(self.stats, "unchanged", f"{url} (known unchanged)"))
        item["revision"] = revision
        self.stats.inc_value("vnnews/state/new" if revision == 1 else "vnnews/state/updated")
        self.stats.inc_value("vnnews/workers/published")
        return item

    def _count_seen(self, record: Record) -> None:
        self.stats.inc_value("vnnews/seen/records")
        if record.get("published_at"):
            self.stats.inc_value("vnnews/seen/with_published_at")
        if len(record.get("body") or "") > LONG_BODY_CHARS:
            self.stats.inc_value("vnnews/seen/with_long_body")
        if record.get("authors"):
            self.stats.inc_value("vnnews/seen/with_authors")

    # -- signals -------------------------------------------------------------------------------

    def item_scraped(self, item: Record, response: Any, spider: Spider) -> None:
        """The record's line is in the export: its row goes into the next commit."""
        if self.store is None or self.worker:
            return
        if self.stats.get_value("vnnews/export/failed"):
            # This record's line, and every later one, is not in the file: record only those before it.
            self.commit()
            return
        revision = int(item.get("revision") or 1)
        self.pending.append(
            (self.outlet, item["canonical_url"], item["content_hash"], revision, item["crawled_at"])
        )

    def feed_file_opened(self, path: str, spider: Spider) -> None:
        """Note the file as being written: if this crawl is killed, the next one repairs and reconciles it."""
        if self.store is not None:
            self.store.begin_export(path, self.outlet)
            self.export_paths.add(path)

    def feed_slot_closed(self, slot: Any) -> None:
        if self.store is None or getattr(slot.storage, "path", None) is None:
            return
        self.commit()
        if not self.stats.get_value("vnnews/export/failed"):
            # A file whose writing failed stays unfinished: the next crawl repairs and reconciles it.
            self.store.finish_export(str(Path(slot.storage.path).resolve()))


def _flag(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on") if value is not None else False

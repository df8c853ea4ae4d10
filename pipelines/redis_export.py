"""The one exporter of workers sharing a Redis: the records stream → ``data/<spider>/<start time>.jsonl``.

Workers (``crawler/workers.py``) write no file: each record they export goes
into the stream ``vnnews:records`` together with its state change
(``crawler/redisstate.py``).  :class:`StreamExporter`, run by ``scrapy
redis-export``, reads the stream in a consumer group and, batch by batch,
writes each record as one whole line, fsyncs the files, and only then
acknowledges (and deletes) the entries.  So an entry is gone from Redis only
once its line is on disk.

Killed (SIGKILL), it leaves entries read but not acknowledged; the next run
reads those first.  It goes on writing the files the killed run had open (their
names are kept in Redis until a run ends cleanly), cut back to their last
complete line, and skips an entry whose record is already in its file (the same
``id`` and ``revision``: the state gives each pair once): no line lost, none
twice.  One exporter at a time: a lock in Redis names its host and process.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import redis

from crawler.progress import Progress
from crawler.redisstate import PREFIX, RECORDS_STREAM, connect
from crawler.state import process_alive
from crawler.workers import LAST_HEARTBEAT
from pipelines.export import record_line, repair_jsonl

logger = logging.getLogger(__name__)

GROUP = "exporter"
CONSUMER = "exporter"
LOCK = f"{PREFIX}:exporter"
# The files the running exporter writes, by spider; left behind by a killed one, for the next to go on.
FILES = f"{PREFIX}:exporter:files"
LOCK_SECONDS = 60


class ExporterBusy(Exception):
    """Another exporter holds the lock."""


def stamp(moment: datetime) -> str:
    """``%(time)s`` of a file name, as Scrapy's feed exports write it."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace(":", "-")


def record_keys(path: Path) -> set[tuple[str, int]]:
    """The (id, revision) of every record in a JSONL file."""
    keys = set()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and "id" in record:
                keys.add((record["id"], int(record.get("revision") or 1)))
    return keys


class StreamExporter:
    def __init__(
        self,
        url: str,
        feed_uri: str,
        *,
        idle_exit: float | None = None,
        batch: int = 500,
        block_ms: int = 1000,
    ) -> None:
        self.redis = connect(url)
        self.feed_uri = feed_uri
        self.idle_exit = idle_exit
        self.batch = batch
        self.block_ms = block_ms
        self.owner = f"{socket.gethostname()}:{os.getpid()}"
        self.files: dict[str, IO[bytes]] = {}
        self.paths: dict[str, Path] = {}
        self.already_written: dict[str, set[tuple[str, int]]] = {}
        self.stopping = False
        self.written = 0

    # -- the lock ------------------------------------------------------------------------

    def lock(self) -> None:
        if self.redis.set(LOCK, self.owner, nx=True, ex=LOCK_SECONDS):
            return
        holder = self.redis.get(LOCK) or ""
        host, _, pid = holder.partition(":")
        if host == socket.gethostname() and pid.isdigit() and not process_alive(int(pid)):
            logger.warning("The last exporter (%s) was killed: taking over", holder)
            self.redis.set(LOCK, self.owner, ex=LOCK_SECONDS)
            return
        raise ExporterBusy(f"another exporter is running ({holder}); one at a time")

    def keep_lock(self) -> None:
        self.redis.set(LOCK, self.owner, ex=LOCK_SECONDS)

    def unlock(self) -> None:
        if self.redis.get(LOCK) == self.owner:
            self.redis.delete(LOCK)

    # -- files ---------------------------------------------------------------------------

    def resume_files(self, pending: bool) -> None:
        """Go on with the files a killed exporter left: repaired, and read when entries are pending."""
        for spider, name in self.redis.hgetall(FILES).items():
            path = Path(name)
            if path.exists():
                cut = repair_jsonl(path)
                if cut:
                    logger.warning("%s ended in a partial line (a killed exporter): cut %d bytes", path, cut)
                if pending:
                    self.already_written[spider] = record_keys(path)
            self.paths[spider] = path

    def file_for(self, spider: str) -> IO[bytes]:
        if spider not in self.files:
            path = self.paths.get(spider)
            if path is None:
                path = Path(self.feed_uri % {"name": spider, "time": self.started})
                self.paths[spider] = path
                self.redis.hset(FILES, spider, str(path.resolve()))
            path.parent.mkdir(parents=True, exist_ok=True)
            self.files[spider] = path.open("ab")
            logger.info("Exporting %s to %s", spider, path)
        return self.files[spider]

    def close_files(self) -> None:
        for file in self.files.values():
            file.flush()
            os.fsync(file.fileno())
            file.close()
        self.files.clear()

    # -- the stream ----------------------------------------------------------------------

    def read(self, pending: bool) -> list[tuple[str, dict[str, str]]]:
        streams = {RECORDS_STREAM: "0" if pending else ">"}
        block = None if pending else self.block_ms
        answer = self.redis.xreadgroup(GROUP, CONSUMER, streams, count=self.batch, block=block)
        return [entry for _, entries in answer or [] for entry in entries]

    def write(self, entries: list[tuple[str, dict[str, str]]], progress: Progress) -> None:
        """Each entry's line, then fsync, then ack: an entry leaves Redis only once its line is on disk."""
        touched = set()
        for _, fields in entries:
            spider = fields["spider"]
            record = json.loads(fields["record"])
            record["revision"] = int(fields["revision"])
            key = (record["id"], record["revision"])
            if key in self.already_written.get(spider, ()):
                progress.count(already_written=1)
                continue
            self.file_for(spider).write((record_line(record) + "\n").encode("utf-8"))
            touched.add(spider)
            self.written += 1
            progress.advance()
        for spider in touched:
            file = self.files[spider]
            file.flush()
            os.fsync(file.fileno())
        ids = [entry_id for entry_id, _ in entries]
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.xack(RECORDS_STREAM, GROUP, *ids)
            pipe.xdel(RECORDS_STREAM, *ids)
            pipe.execute()

    def idle_long_enough(self, since: float) -> bool:
        """No worker alive for ``idle_exit`` seconds (since this exporter started), and the stream drained."""
        if self.idle_exit is None:
            return False
        seconds, microseconds = self.redis.time()
        now = seconds + microseconds / 1e6
        last = max(float(self.redis.get(LAST_HEARTBEAT) or 0), since)
        return now - last >= self.idle_exit and self.redis.xlen(RECORDS_STREAM) == 0

    # -- the run -------------------------------------------------------------------------

    def run(self) -> int:
        """Export until stopped (SIGTERM, Ctrl-C) or, with ``idle_exit``, idle; the lines written."""
        self.lock()
        self.started = stamp(datetime.now(UTC))
        seconds, _ = self.redis.time()
        started_at = float(seconds)
        try:
            self.redis.xgroup_create(RECORDS_STREAM, GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        pending = bool(self.read(pending=True))
        self.resume_files(pending)
        restore = _stop_on_signals(self.stop)
        try:
            with Progress("redis-export", unit="record") as progress:
                while not self.stopping:
                    entries = self.read(pending)
                    if pending and not entries:
                        pending = False
                        self.already_written.clear()
                        continue
                    if entries:
                        self.write(entries, progress)
                    elif self.idle_long_enough(started_at):
                        logger.info("Stream drained and no worker alive for %s s: done", self.idle_exit)
                        break
                    self.keep_lock()
        finally:
            restore()
            self.close_files()
        # Ended cleanly: the next run starts files of its own.
        self.redis.delete(FILES)
        self.unlock()
        return self.written

    def stop(self) -> None:
        self.stopping = True


def _stop_on_signals(stop: Callable[[], None]) -> Callable[[], None]:
    """SIGTERM and SIGINT end the run after the batch in hand; returns what puts the old handlers back."""
    old = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

    def handler(signum: int, frame: Any) -> None:
        logger.info("Signal %d: stopping after this batch", signum)
        stop()

    for sig in old:
        signal.signal(sig, handler)

    def restore() -> None:
        for sig, previous in old.items():
            signal.signal(sig, previous)

    return restore

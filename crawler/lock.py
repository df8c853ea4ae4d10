"""One crawl of an outlet at a time: a lock file per outlet in the data directory.

Two crawls of one outlet at once would export the same articles twice (each
reads the state store before the other has recorded them) into the same file.
:class:`OutletLock`, an extension built before the crawl starts, takes
``<VNNEWS_DATA_DIR>/locks/<spider>.lock`` with ``flock`` for as long as the
crawl runs, and writes its pid in it; a second crawl of the outlet stops at once
with "another crawl of vtv is running (pid N)".  The kernel drops the lock when
the process ends, however it ends, so a killed crawl never leaves a stale lock.
Only crawls that keep state take it: an ``-O`` snapshot changes nothing shared.
Nor do workers sharing a Redis (``VNNEWS_REDIS_URL``, ``crawler/workers.py``):
many of one outlet run at once by design, their state changes atomic in Redis.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from scrapy import signals
from scrapy.crawler import Crawler

from crawler.health import CrawlSetupError
from crawler.state import state_enabled


def lock_path(data_dir: str, spider_name: str) -> Path:
    return Path(data_dir, "locks", f"{spider_name}.lock")


class OutletLock:
    def __init__(self, crawler: Crawler) -> None:
        self.file: IO[str] | None = None
        name = getattr(crawler.spidercls, "name", "")
        if not name or not state_enabled(crawler.settings) or crawler.settings.get("VNNEWS_REDIS_URL"):
            return
        path = lock_path(crawler.settings.get("VNNEWS_DATA_DIR", "data"), name)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            file = path.open("a+", encoding="utf-8")
        except OSError as exc:
            raise CrawlSetupError(
                f"cannot write to the data directory ({path.parent}: {exc.strerror})"
            ) from None
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.seek(0)
            pid = file.read().strip() or "?"
            file.close()
            raise CrawlSetupError(f"another crawl of {name} is running (pid {pid})") from None
        file.seek(0)
        file.truncate()
        file.write(f"{os.getpid()}\n")
        file.flush()
        self.file = file
        crawler.signals.connect(self.release, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OutletLock:
        return cls(crawler)

    def release(self) -> None:
        if self.file is not None:
            self.file.close()  # closing the file drops the lock; the file stays, empty of meaning
            self.file = None

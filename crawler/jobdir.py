"""Scrapy's ``JOBDIR`` (pause and resume), made safe for scheduled runs that may be killed.

Scrapy writes a job's request queue state only when the crawl stops cleanly
(Ctrl-C once, SIGTERM); after a SIGKILL or a crash the queue files on disk no
longer match their index, and ``requests.seen`` names requests that were
scheduled but never downloaded, which a resumed crawl would skip for good.  So:

* a marker file says a run is in progress; a run that finds it knows the last
  one was killed, and drops the queue and ``requests.seen``: discovery (feeds,
  sitemaps, listings) starts again, and the state store keeps what was already
  exported from being fetched or exported twice;
* a run stopped cleanly (close reason ``shutdown``) keeps its queue, as Scrapy
  does, and the next run resumes it;
* a run that finished empties the job directory, so that the same
  ``-s JOBDIR=…`` in a crontab line starts a new job next time instead of
  finding every request already seen.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

from scrapy.core.scheduler import Scheduler
from scrapy.crawler import Crawler
from scrapy.utils.job import job_dir

logger = logging.getLogger(__name__)

RUNNING = "vnnews-running"
# What Scrapy and vnnews keep in a job directory.
JOB_FILES = ("requests.queue", "requests.seen", "spider.state", "feed-time.txt", RUNNING)


def clear(jobdir: Path, names: tuple[str, ...]) -> None:
    for name in names:
        path = jobdir / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


class ResumableScheduler(Scheduler):
    """Scrapy's scheduler, which also knows when the job's last run was killed."""

    jobdir: Path | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ResumableScheduler:
        # Before Scrapy's scheduler and dupefilter read the job directory.
        jobdir = job_dir(crawler.settings)
        if jobdir and Path(jobdir, RUNNING).exists():
            logger.warning(
                "The last run of job %s was killed: its request queue is lost, discovery starts again "
                "(articles already exported are not exported twice)",
                jobdir,
            )
            crawler.stats.inc_value("vnnews/jobdir/killed_run_recovered")
            clear(Path(jobdir), ("requests.queue", "requests.seen"))
        scheduler = super().from_crawler(crawler)
        scheduler.jobdir = Path(jobdir) if jobdir else None
        return scheduler

    def open(self, spider: Any) -> Any:
        if self.jobdir:
            self.jobdir.mkdir(parents=True, exist_ok=True)
            (self.jobdir / RUNNING).write_text("", encoding="utf-8")
        return super().open(spider)

    def close(self, reason: str) -> Any:
        result = super().close(reason)
        if self.jobdir:
            if reason == "shutdown":
                clear(self.jobdir, (RUNNING,))
            else:
                clear(self.jobdir, JOB_FILES)
        return result

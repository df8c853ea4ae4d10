"""What makes a crawl a failure, for the exit status of scheduled runs.

Cron and scrapyd only see an exit status; a crawl that fetched nothing or
ended early must not look like a quiet day.  A crawl that cannot even start
(a corrupt state store, an unwritable data directory, bad arguments, another
crawl of the outlet running) says why in one line, without a traceback: the
part that finds the fault raises :class:`CrawlSetupError`, and the commands
catch it with :func:`watch_crawl`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from scrapy.crawler import Crawler
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

logger = logging.getLogger(__name__)


class CrawlSetupError(Exception):
    """A crawl cannot start, for a reason its user can fix; the message is the whole story."""


def watch_crawl(started: Any, on_setup_error: Callable[[BaseException], None]) -> None:
    """Hand a crawl's setup failure to *on_setup_error*, so that it is not logged as a traceback.

    *started* is what ``CrawlerProcess.crawl`` returned: an asyncio task or a
    Deferred.  A failure that is not a :class:`CrawlSetupError` is a bug: it is
    logged with its traceback, and passed on too.
    """

    def seen(error: BaseException) -> None:
        if not isinstance(error, CrawlSetupError):
            logger.error("The crawl failed", exc_info=(type(error), error, error.__traceback__))
        on_setup_error(error)

    if isinstance(started, Deferred):

        def errback(failure: Failure) -> None:
            seen(failure.value)

        started.addErrback(errback)
    elif isinstance(started, asyncio.Future):

        def done(task: asyncio.Future[Any]) -> None:
            error = None if task.cancelled() else task.exception()  # retrieved: asyncio logs nothing
            if error is not None:
                seen(error)

        started.add_done_callback(done)


def crawl_stats(crawler: Crawler) -> dict[str, Any]:
    """The crawl's stats; empty for a crawl that failed before it had any."""
    try:
        return crawler.stats.get_stats() if crawler.stats else {}
    except RuntimeError:  # Crawler.stats is set when the crawl starts
        return {}


def report_problem(crawler: Crawler, message: str) -> None:
    """Note something that fails the crawl when it ends (exit status 2, one ``vnnews: FAILED`` line)."""
    problems = list(crawler.stats.get_value("vnnews/problems", []))
    crawler.stats.set_value("vnnews/problems", [*problems, message])


def crawl_problems(crawler: Crawler, setup_error: BaseException | None = None) -> list[str]:
    """One line per reason this crawl failed; empty when it went well.

    The health checks of ``crawler/monitors.py`` (spidermon, at the close of the
    crawl) add theirs to the stats under ``vnnews/health/problems``; what the
    crawl itself found fatal (an export it could not write, a sitemap too large)
    is under ``vnnews/problems``.  A worker that requested nothing (others of its
    round took every page) did not fail.
    """
    name = crawler.spider.name if crawler.spider else getattr(crawler.spidercls, "name", "?")
    if setup_error is not None:
        return [f"{name}: {setup_error}"]
    stats = crawl_stats(crawler)
    if crawler.spider is None:
        return [f"{name}: the crawl did not start"]
    problems = [f"{name}: {problem}" for problem in stats.get("vnnews/problems", [])]
    export_failed = stats.get("vnnews/export/failed")
    if export_failed:
        # The crawl was stopped for it: the early end and the thin stats that follow say nothing more.
        return [f"{name}: {export_failed}", *problems]
    reason = stats.get("finish_reason")
    if reason not in (None, "finished"):
        problems.append(f"{name}: the crawl ended early ({reason})")
    failed_exports = sum(v for k, v in stats.items() if k.startswith("feedexport/failed_count/"))
    if failed_exports:
        problems.append(f"{name}: {failed_exports} export file(s) could not be written (see the log)")
    worker = bool(crawler.settings.get("VNNEWS_REDIS_URL"))
    worker_had_nothing = worker and not stats.get("downloader/request_count")
    if not stats.get("downloader/response_count") and not worker_had_nothing:
        errors = {k.rsplit("/", 1)[-1]: v for k, v in stats.items() if k.startswith("vnnews/errors/")}
        detail = ", ".join(f"{v} {k}" for k, v in sorted(errors.items())) or "no request was answered"
        problems.append(
            f"{name}: no page could be fetched ({detail}); is the network up, or VNNEWS_MIRROR right?"
        )
        return problems  # the health checks would only repeat it
    problems.extend(str(p) for p in stats.get("vnnews/health/problems", []))
    return problems

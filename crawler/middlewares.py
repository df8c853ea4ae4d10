"""Downloader middlewares."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import CannotResolveHostError, DownloadConnectionRefusedError, DownloadTimeoutError
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.error import ConnectError, DNSLookupError, TimeoutError

logger = logging.getLogger(__name__)

# Failures that mean a host could not be reached at all (not an HTTP error).
CONNECTION_ERRORS = (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    ConnectError,
    DNSLookupError,
    TimeoutError,
)


class UnreachableGuard:
    """Stop a crawl at once when nothing can be reached.

    When the first download attempts all fail to connect and no response has
    come back, the network (or the outlet) is down: retrying every start URL
    would only make a scheduled run hang for minutes before failing.  Sits
    before RetryMiddleware so that it sees each attempt.  ``VNNEWS_UNREACHABLE_AFTER``
    attempts (default 3) decide; 0 turns the guard off.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.limit = crawler.settings.getint("VNNEWS_UNREACHABLE_AFTER", 3)
        self.failures = 0
        self.closing = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UnreachableGuard:
        return cls(crawler)

    def process_exception(self, request: Request, exception: BaseException) -> Any:
        if not self.limit or self.closing or not isinstance(exception, CONNECTION_ERRORS):
            return None
        stats = self.crawler.stats
        stats.inc_value("vnnews/errors/unreachable_attempts")
        self.failures += 1
        if self.failures >= self.limit and not stats.get_value("downloader/response_count"):
            self.closing = True
            logger.error(
                "Nothing could be reached after %d attempts (last: %s); stopping.", self.failures, exception
            )
            assert self.crawler.engine is not None
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="network_unreachable"))
        return None

"""Downloader middlewares: fail fast when nothing is reachable, back off politely, ask only what changed."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.exceptions import CannotResolveHostError, DownloadConnectionRefusedError, DownloadTimeoutError
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from scrapy.utils.response import response_status_message
from twisted.internet.error import ConnectError, DNSLookupError, TimeoutError
from twisted.internet.task import deferLater

from crawler.state import state_store

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


DEFAULT_PORTS = {"http": 80, "https": 443}


class PortAwareOffsiteMiddleware(OffsiteMiddleware):
    """Scrapy's offsite filter, for which another port of an outlet's host is offsite too.

    Scrapy compares host names only, so ``https://vtv.vn:8443/`` passes as
    vtv.vn; another port is another server, which the outlet's domain does not
    vouch for.  A port other than the scheme's default is followed only when the
    spider's own feeds, sitemaps, listings or pages name it (``scrapy crawl
    generic -a listings=http://host:8080/…``).  Filtered requests are counted
    as Scrapy counts them (``offsite/filtered``).  Replaces Scrapy's at 50.
    """

    def should_follow(self, request: Request, spider: Spider) -> bool:
        if not super().should_follow(request, spider):
            return False
        if not getattr(spider, "allowed_domains", None):
            return True
        port = _port(request.url)
        return (
            port is None
            or port == DEFAULT_PORTS.get(urlsplit(request.url).scheme)
            or port in _own_ports(spider)
        )


def _port(url: str) -> int | None:
    try:
        return urlsplit(url).port
    except ValueError:  # a port that is not a number
        return -1


def _own_ports(spider: Spider) -> set[int]:
    """The ports the spider's own start URLs name."""
    urls = [
        url
        for attribute in ("feeds", "sitemaps", "listings", "article_pages")
        for url in getattr(spider, attribute, ()) or ()
    ]
    return {port for port in map(_port, urls) if port is not None and port >= 0}


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
        stats.inc_value("vnnews/unreachable_attempts")
        self.failures += 1
        if self.failures >= self.limit and not stats.get_value("downloader/response_count"):
            self.closing = True
            logger.error(
                "Nothing could be reached after %d attempts (last: %s); stopping.", self.failures, exception
            )
            assert self.crawler.engine is not None
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="network_unreachable"))
        return None


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` (seconds or an HTTP date) as seconds from *now*; None if absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


def backoff_seconds(attempt: int, base: float, cap: float) -> float:
    """Exponential backoff: *base*, 2 × *base*, 4 × *base*… for attempts 1, 2, 3…, at most *cap*."""
    return min(cap, base * 2 ** max(0, attempt - 1))


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries (429, 5xx, network errors), with a wait before each one.

    Scrapy 2.19 retries at once; an outlet that answers 429 or 503 asks us to
    slow down.  The wait is the response's ``Retry-After`` when it gives one,
    else exponential (``VNNEWS_RETRY_BACKOFF`` seconds, doubled at each attempt,
    at most ``VNNEWS_RETRY_BACKOFF_MAX``).  A ``Retry-After`` longer than
    ``VNNEWS_RETRY_AFTER_MAX`` is not waited for in this run: the request is
    given up (``vnnews/retry/retry_after_too_long``).  On 429 and 503 the whole
    outlet slows down too: its download slot's delay is raised to the wait
    (at most ``AUTOTHROTTLE_MAX_DELAY``), and AutoThrottle brings it back down
    as pages come back fine.  Replaces Scrapy's RetryMiddleware at 550.
    """

    SLOW_DOWN_CODES = (429, 503)

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.base = settings.getfloat("VNNEWS_RETRY_BACKOFF", 1.0)
        self.cap = settings.getfloat("VNNEWS_RETRY_BACKOFF_MAX", 60.0)
        self.retry_after_max = settings.getfloat("VNNEWS_RETRY_AFTER_MAX", 120.0)
        self.max_slot_delay = settings.getfloat("AUTOTHROTTLE_MAX_DELAY", 60.0)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        stats = self.crawler.stats
        retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        if retry_after is not None and retry_after > self.retry_after_max:
            stats.inc_value("vnnews/retry/retry_after_too_long")
            logger.warning(
                "Gave up %s: the server asks to retry in %.0f s (more than VNNEWS_RETRY_AFTER_MAX)",
                request.url,
                retry_after,
            )
            return response
        retry = self.retry_request(request, response_status_message(response.status))
        if retry is None:
            return response
        wait = backoff_seconds(retry.meta["retry_times"], self.base, self.cap)
        if retry_after is not None:
            wait = retry_after
        if response.status in self.SLOW_DOWN_CODES:
            self._slow_down(request, wait)
        if retry_after is not None:
            stats.inc_value("vnnews/retry/retry_after_honoured")
        await self._wait(wait)
        return retry

    async def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry", False):
            return None
        retry = self.retry_request(request, exception)
        if retry is not None:
            await self._wait(backoff_seconds(retry.meta["retry_times"], self.base, self.cap))
        return retry

    def retry_request(self, request: Request, reason: str | Exception) -> Request | None:
        """The retry of *request*, or None when its retries are spent: Scrapy's public
        ``get_retry_request`` with this middleware's settings, as RetryMiddleware calls it."""
        assert self.crawler.spider is not None
        return get_retry_request(
            request,
            reason=reason,
            spider=self.crawler.spider,
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
            give_up_log_level=request.meta.get("give_up_log_level", self.give_up_log_level),
        )

    def _slow_down(self, request: Request, wait: float) -> None:
        engine = self.crawler.engine
        slot_key = request.meta.get("download_slot")
        if engine is None or slot_key not in engine.downloader.slots:
            return
        slot = engine.downloader.slots[slot_key]
        slot.delay = max(slot.delay, min(wait, self.max_slot_delay))
        self.crawler.stats.inc_value("vnnews/retry/slowed_down")

    async def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self.crawler.stats.inc_value("vnnews/retry/waited_seconds", round(seconds, 3))
            from twisted.internet import reactor  # here: importing it earlier would install a reactor

            await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))


class ConditionalRequests:
    """``If-None-Match``/``If-Modified-Since`` on feeds and sitemaps the server sent validators for.

    A request with ``meta["vnnews_conditional"]`` (the base spider sets it on
    feeds and sitemaps) carries the ``ETag`` and ``Last-Modified`` kept in the
    state store; a 304 answer reaches the spider, which counts it as "nothing
    new" (``vnnews/conditional/not_modified``).  New validators are saved only
    when the crawl finishes: a crawl killed half-way must not leave a feed
    marked as read whose articles it never fetched.  Not used in a backfill
    (``-a since=``), which must read every sitemap whatever earlier runs saw.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.pending: dict[str, tuple[str | None, str | None]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalRequests:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def _active(self, request: Request) -> bool:
        spider = self.crawler.spider
        return bool(request.meta.get("vnnews_conditional")) and getattr(spider, "date_range", None) is None

    def process_request(self, request: Request) -> None:
        store = state_store(self.crawler)
        if store is None or not self._active(request):
            return
        etag, last_modified = store.validators(request.url)
        if etag:
            request.headers.setdefault("If-None-Match", etag)
        if last_modified:
            request.headers.setdefault("If-Modified-Since", last_modified)
        if etag or last_modified:
            self.crawler.stats.inc_value("vnnews/conditional/sent")

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status == 200 and self._active(request):
            etag = response.headers.get("ETag")
            last_modified = response.headers.get("Last-Modified")
            if etag or last_modified:
                self.pending[request.url] = (
                    etag.decode("latin-1") if etag else None,
                    last_modified.decode("latin-1") if last_modified else None,
                )
        return response

    def spider_closed(self, spider: Any, reason: str) -> None:
        store = state_store(self.crawler)
        if store is None or reason != "finished" or not self.pending:
            return
        store.save_validators(getattr(spider, "outlet", "") or spider.name, self.pending)

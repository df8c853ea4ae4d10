"""The news spider every outlet fills in.

An outlet's spider is declarative: what the outlet is (its domain, the names it
credits itself by, the prefix it puts before its leads, the time it writes in
its URLs), where fresh articles are listed (RSS feeds, sitemaps, listing pages
and their paging), what an article URL looks like, and the CSS selectors of
each field.  Discovery, the article parse, error accounting and per-field
stats live here, once.  Outlets on one CMS share a base class
(``crawler/spiders/cms.py``) that holds what the CMS prints the same everywhere.

Scheduled crawls: an article the state store already holds is fetched again
only when its sitemap ``lastmod`` is newer than its last fetch, or once
``VNNEWS_REVISIT_AFTER`` hours have passed since then, so that a rerun with
nothing new fetches no article and a correction is still caught within a day.
Feeds and sitemaps are asked for conditionally (``crawler/middlewares.py``).  A
backfill, ``-a since=YYYY-MM-DD [-a until=YYYY-MM-DD]``, also reads the
outlet's dated sitemaps, pages listings until they are older than ``since``,
and fetches only articles whose dates (feed ``pubDate``, URL, ``lastmod``) may
fall in the range.  ``-a reset_state=1`` makes the state store forget the outlet.  A
topic crawl, ``-a topic=NAME``, also reads the outlet's search or tag pages for
each alias of the topic (``topic_pages``).
"""

from __future__ import annotations

import calendar
import re
import struct
import zlib
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import quote

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap
from twisted.python.failure import Failure

from crawler.extraction import ArticlePage, NotAnArticle, canonicalize_url
from crawler.health import CrawlSetupError, report_problem
from crawler.items import ArticleDraft
from crawler.state import state_store
from pipelines.text.dates import date_in_url, parse_datetime, parse_lastmod, vietnam_day, vietnam_now
from pipelines.text.words import slug
from pipelines.topics import TopicsError, find_topic, load_topics

# Feeds and sitemaps: asked for conditionally, and a 304 reaches the callback ("nothing new").
DISCOVERY_META = {"vnnews_conditional": True, "handle_httpstatus_list": (304,)}


@dataclass(frozen=True)
class DateRange:
    """The days (Vietnam time, both ends included) a backfill exports; no end means up to today."""

    since: date
    until: date | None = None

    @classmethod
    def from_args(cls, since: str | None, until: str | None) -> DateRange | None:
        if not since and not until:
            return None
        first = _day("since", since) if since else date.min
        last = _day("until", until) if until else None
        if last and last < first:
            raise ValueError(f"until ({last}) is before since ({first})")
        return cls(first, last)

    def includes(self, day: date) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)

    def overlaps(self, first: date, last: date) -> bool:
        return last >= self.since and (self.until is None or first <= self.until)


def _day(name: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name}={value} is not a day: give YYYY-MM-DD, e.g. 2026-06-01") from None


class NewsSpider(scrapy.Spider):
    """Base of every outlet spider (not a spider of its own: it has no name)."""

    # -- the outlet ---------------------------------------------------------------------
    # Its domain: the records' "outlet", and the domain the crawl keeps to (subdomains included).
    outlet: ClassVar[str] = ""
    # Hosts besides the outlet's domain and www.<domain> that serve its articles ("m.vtv.vn"): the
    # pages `scrapy ccnews` keeps from Common Crawl's archive are those of these hosts.
    subdomains: ClassVar[Sequence[str]] = ()
    # The language it publishes in, for pages that do not say.
    language: ClassVar[str] = "vi"
    # The names it credits itself by, its owners' included ("VTV Online", "Đài Truyền hình Việt Nam"):
    # never an author, and a source only when another outlet credits them.  Its domain, the
    # domain's first label ("vtv") and "Báo <label>" need not be listed.
    self_names: ClassVar[Sequence[str]] = ()
    # What it prints before a lead besides its domain and "(Name) - ": "TTO" for "TTO - …".
    lead_prefixes: ClassVar[Sequence[str]] = ()
    # The time it writes in its article URLs: a regex searched in the path, with named groups
    # year (2 or 4 digits), month, day, hour, minute and optionally second.  A last resort for
    # the publication date, and a backfill's way to skip articles without fetching them.
    url_date: ClassVar[str | None] = None
    # Whether it prints its authors' names: the health check then wants them on most records.
    expects_authors: ClassVar[bool] = False

    # -- discovery ---------------------------------------------------------------------
    feeds: ClassVar[Sequence[str]] = ()
    sitemaps: ClassVar[Sequence[str]] = ()
    # Sitemap URLs inside a sitemap index to follow (regexes); all when empty.
    sitemap_follow: ClassVar[Sequence[str]] = ()
    listings: ClassVar[Sequence[str]] = ()
    # Backfill: a regex reading the days a dated sitemap covers from its URL (named groups year, month,
    # and optionally first and last day; the whole month without them), so that a sitemap index is
    # only followed into the sitemaps of the requested days.  See also dated_sitemaps() below.
    dated_sitemap_pattern: ClassVar[str | None] = None
    # Links on a listing page that lead to articles; the article URL patterns filter them.
    listing_links: ClassVar[str] = "a::attr(href)"
    next_page: ClassVar[str] = 'link[rel="next"]::attr(href), a[rel="next"]::attr(href)'
    # Regexes an article URL matches (searched, not full-matched).
    article_urls: ClassVar[Sequence[str]] = ()
    # Discovery by topic (-a topic=NAME): the outlet's search or tag pages, served as HTML, as URL
    # templates filled for each alias of the topic with {query} (the alias as written, URL-quoted) or
    # {slug} (the alias folded, words joined by "-": "tap-can-binh"); and the links to articles on
    # them (the listing pages' links when empty).  None declared: a topic crawl reads only the rest.
    topic_pages: ClassVar[Sequence[str]] = ()
    topic_links: ClassVar[str] = ""

    # -- extraction --------------------------------------------------------------------
    # CSS selectors per field, each a selector or a list tried in order (current layout first).
    # Fields: title, sapo, body, author, date, section, tags.
    selectors: ClassVar[dict[str, str | Sequence[str]]] = {}
    # Elements inside the body that are not article text (related boxes, promos...).
    remove_selectors: ClassVar[Sequence[str]] = ()
    # The same two for the outlet's CMS, tried after the outlet's own (set by crawler/spiders/cms.py).
    cms_selectors: ClassVar[dict[str, str | Sequence[str]]] = {}
    cms_remove_selectors: ClassVar[Sequence[str]] = ()
    # Outlet-specific boilerplate paragraphs (full-match regexes) and end-of-article headings.
    boilerplate_patterns: ClassVar[Sequence[str]] = ()
    stop_headings: ClassVar[Sequence[str]] = ()

    custom_settings: ClassVar[dict[str, Any]] = {}

    # The -a arguments the spider takes, with the form of their value: `scrapy crawl -h` lists them.
    arguments: ClassVar[dict[str, str]] = {
        "since": "YYYY-MM-DD",
        "until": "YYYY-MM-DD",
        "topic": "NAME",
        "reset_state": "1",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.outlet and not getattr(self, "allowed_domains", None):
            self.allowed_domains = [self.outlet]
        self._article_res = [re.compile(p) for p in self.article_urls]
        self._dated_sitemap_re = (
            re.compile(self.dated_sitemap_pattern) if self.dated_sitemap_pattern else None
        )
        try:
            self.date_range = DateRange.from_args(kwargs.get("since"), kwargs.get("until"))
        except ValueError as exc:
            raise CrawlSetupError(str(exc)) from None
        # Article requests still allowed from sitemaps in this crawl (VNNEWS_SITEMAP_MAX_ARTICLES).
        self.sitemap_budget: int | None = None
        self.sitemap_limit_said = False
        # The topic of a topic crawl, by name; its aliases come from the topics file (see start()).
        self.topic_name: str | None = kwargs.get("topic") or None

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """The spider's custom_settings, then the deployment's settings for this outlet, then its JOBDIR.

        ``VNNEWS_OUTLET_SETTINGS`` maps a spider name to settings of its own
        (concurrency, delay...), so that politeness is tuned per outlet without
        editing spiders; ``VNNEWS_JOBS_DIR`` gives each spider ``JOBDIR=<dir>/<name>``;
        ``VNNEWS_REDIS_URL`` makes the crawl a worker sharing that Redis (``crawler/workers.py``).
        """
        super().update_settings(settings)
        settings.setdict(settings.getdict("VNNEWS_OUTLET_SETTINGS").get(cls.name) or {}, priority="spider")
        url = settings.get("VNNEWS_REDIS_URL")
        if url:
            # A worker: the frontier is in Redis, not in a JOBDIR.  Imported here: only workers load redis.
            from crawler.workers import worker_settings

            settings.setdict(worker_settings(url), priority="spider")
            return
        jobs = settings.get("VNNEWS_JOBS_DIR")
        if jobs and not settings.get("JOBDIR"):
            settings.set("JOBDIR", f"{jobs}/{cls.name}", priority="spider")

    def published_in_url(self, url: str) -> datetime | None:
        """The publication time the outlet wrote in *url* (see ``url_date``), or None."""
        return date_in_url(url, self.url_date)

    # -- discovery -----------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        for request in self.start_requests_for_outlet():
            yield request

    def start_requests_for_outlet(self) -> Iterable[scrapy.Request]:
        yield from self.topic_requests()
        for url in self.feeds:
            yield scrapy.Request(
                url, callback=self.parse_feed, errback=self.on_error, priority=10, meta=dict(DISCOVERY_META)
            )
        sitemaps = list(self.sitemaps)
        if self.date_range:
            until = self.date_range.until or vietnam_now().date()
            sitemaps += [u for u in self.dated_sitemaps(self.date_range.since, until) if u not in sitemaps]
        for url in sitemaps:
            yield self.sitemap_request(url)
        for url in self.listings:
            yield scrapy.Request(
                url, callback=self.parse_listing, errback=self.on_error, cb_kwargs={"page": 1}
            )

    def topic_requests(self) -> Iterable[scrapy.Request]:
        """The search or tag pages of ``-a topic=NAME``, one per template and alias.

        Counted (``vnnews/topic/requested``) so that the health check fails a topic
        crawl whose pages stop yielding article links.
        """
        if not self.topic_name:
            return
        try:
            topic = find_topic(load_topics(self.settings), self.topic_name)
        except TopicsError as exc:
            # `scrapy crawl` refuses this before starting; scrapyd does not.
            self.crawler.stats.set_value("vnnews/topic/error", str(exc))
            self.logger.error("Topic crawl: %s", exc)
            return
        if not topic.applies_to(self.outlet, self.name):
            self.logger.info("Topic %r is not followed on %s (its outlets)", topic.name, self.outlet)
            return
        if not self.topic_pages:
            self.logger.info(
                "%s declares no search or tag pages: topic %r found by the content", self.name, topic.name
            )
            return
        urls = dict.fromkeys(
            template.format(query=quote(alias.written), slug=slug(alias.written))
            for alias in topic.aliases
            for template in self.topic_pages
        )
        for url in urls:
            self.crawler.stats.inc_value("vnnews/topic/requested")
            yield scrapy.Request(
                url, callback=self.parse_topic_page, errback=self.on_error, priority=10, cb_kwargs={"page": 1}
            )

    def dated_sitemaps(self, since: date, until: date) -> Iterable[str]:
        """Backfill: the outlet's sitemaps (or sitemap indexes) of articles published from *since* to *until*.

        None by default.  An outlet with monthly archive sitemaps builds their
        URLs (see :func:`months`); one whose archive sitemaps are cut
        irregularly returns its sitemap index and sets ``dated_sitemap_pattern``.
        """
        return ()

    def sitemap_request(self, url: str) -> scrapy.Request:
        return scrapy.Request(
            url, callback=self.parse_sitemap, errback=self.on_error, priority=5, meta=dict(DISCOVERY_META)
        )

    def is_article_url(self, url: str) -> bool:
        if not self._article_res:
            return True
        return any(r.search(url) for r in self._article_res)

    def article_request(self, url: str, **meta: Any) -> scrapy.Request | None:
        """The request for an article page, or None when it is not worth fetching.

        Not worth it: outside a backfill's days (``vnnews/discovery/out_of_range``),
        or known to the state store and not due for a revisit
        (``vnnews/discovery/known_unchanged``, see :meth:`due_for_revisit`).
        Callers skip None (Scrapy ignores a None a callback yields).
        """
        stats = self.crawler.stats
        if self.date_range and not self.may_be_in_range(url, meta):
            stats.inc_value("vnnews/discovery/out_of_range")
            return None
        if not self.due_for_revisit(url, meta.get("lastmod")):
            stats.inc_value("vnnews/discovery/known_unchanged")
            return None
        return scrapy.Request(url, callback=self.parse_article, errback=self.on_error, meta=meta)

    def due_for_revisit(self, url: str, lastmod: str | None) -> bool:
        """Whether an article found again is worth fetching: always when the state store does not
        know it (or the crawl keeps no state), when its sitemap ``lastmod`` is newer than its last
        fetch, or once ``VNNEWS_REVISIT_AFTER`` hours have passed since that fetch."""
        store = state_store(self.crawler)
        known = store.get(canonicalize_url(url)) if store else None
        if known is None:
            return True
        last_fetched = datetime.fromisoformat(known.last_seen)
        modified = parse_lastmod(lastmod)
        if modified and modified > last_fetched:
            return True
        revisit_after = timedelta(hours=self.settings.getfloat("VNNEWS_REVISIT_AFTER", 24))
        return vietnam_now() - last_fetched >= revisit_after

    def may_be_in_range(self, url: str, meta: dict[str, Any]) -> bool:
        """Whether an article may have been published in the backfill's days, from what discovery knows.

        Its publication time (the feed's ``pubDate``, else the one some outlets
        write in the URL) decides; else a sitemap ``lastmod`` before ``since``
        rules it out (an article is modified after it is published); else it is fetched.
        """
        assert self.date_range is not None
        published = parse_datetime(meta["published"]) if meta.get("published") else None
        published = published or self.published_in_url(url)
        if published:
            return self.date_range.includes(vietnam_day(published))
        lastmod = parse_lastmod(meta.get("lastmod"))
        return not (lastmod and vietnam_day(lastmod) < self.date_range.since)

    def sitemap_days(self, url: str) -> tuple[date, date] | None:
        """The days a dated sitemap covers, read from its URL with ``dated_sitemap_pattern``."""
        match = self._dated_sitemap_re.search(url) if self._dated_sitemap_re else None
        if not match:
            return None
        groups = match.groupdict()
        try:
            year, month = int(groups["year"]), int(groups["month"])
            last_of_month = calendar.monthrange(year, month)[1]
            first = int(groups.get("first") or 1)
            last = int(groups.get("last") or last_of_month)
            return date(year, month, first), date(year, month, min(last, last_of_month))
        except (KeyError, TypeError, ValueError):
            return None

    def _not_modified(self, response: Response) -> bool:
        self.crawler.stats.inc_value("vnnews/discovery/responses")
        if response.status != 304:
            return False
        self.crawler.stats.inc_value("vnnews/conditional/not_modified")
        self.logger.debug("Not modified since the last crawl: %s", response.url)
        return True

    def parse_feed(self, response: Response) -> Iterable[scrapy.Request]:
        """RSS 2.0 and Atom feeds: every item link that is an article."""
        if self._not_modified(response):
            return
        if not isinstance(response, TextResponse):
            response = TextResponse(response.url, body=response.body, encoding="utf-8")
        response.selector.remove_namespaces()
        entries = [
            (item.xpath("link/text()").get(), item.xpath("pubDate/text()").get())
            for item in response.xpath("//item")
        ] + [
            (
                entry.xpath("link[not(@rel) or @rel='alternate']/@href").get(),
                entry.xpath("published/text()").get() or entry.xpath("updated/text()").get(),
            )
            for entry in response.xpath("//entry")
        ]
        links = [(link, published) for link, published in entries if link]
        self.crawler.stats.inc_value("vnnews/discovery/feed_links", len(links))
        for link, published in links:
            url = response.urljoin(link.strip())
            if self.is_article_url(url):
                request = self.article_request(url, discovered_by="feed", published=published)
                if request:
                    yield request

    def parse_sitemap(self, response: Response) -> Iterable[scrapy.Request]:
        if self._not_modified(response):
            return
        body = response.body
        if body[:2] == b"\x1f\x8b":
            max_size = self.settings.getint("DOWNLOAD_MAXSIZE")
            try:
                body = gunzip(body, max_size=max_size)
            except (OSError, EOFError, struct.error, zlib.error):  # a broken gzip: garbage, as below
                self.logger.warning("Not a sitemap (a broken gzip): %s", response.url)
                self.crawler.stats.inc_value("vnnews/discovery/bad_sitemap")
                return
            except ValueError:  # past max_size (a gzip bomb, or a sitemap past any sane size)
                self.crawler.stats.inc_value("vnnews/discovery/bad_sitemap")
                report_problem(
                    self.crawler,
                    f"the sitemap {response.url} does not unzip within DOWNLOAD_MAXSIZE ({max_size} bytes)",
                )
                self.logger.error("The sitemap %s does not unzip within %d bytes", response.url, max_size)
                return
        try:
            sitemap = Sitemap(body)
        except Exception:  # lxml raises several kinds on garbage
            self.logger.warning("Not a sitemap: %s", response.url)
            self.crawler.stats.inc_value("vnnews/discovery/bad_sitemap")
            return
        if sitemap.type == "sitemapindex":
            follow = [re.compile(p) for p in self.sitemap_follow]
            for entry in sitemap:
                loc = entry["loc"]
                if self.date_range and not self._sitemap_in_range(loc, entry.get("lastmod")):
                    self.crawler.stats.inc_value("vnnews/discovery/sitemaps_out_of_range")
                    continue
                dated = self.date_range is not None and self.sitemap_days(loc) is not None
                if dated or not follow or any(r.search(loc) for r in follow):
                    yield self.sitemap_request(loc)
            return
        if self.sitemap_budget is None:
            self.sitemap_budget = self.settings.getint("VNNEWS_SITEMAP_MAX_ARTICLES", 2000) or None
        # Newest first, so that the limit keeps the fresh end (entries without a lastmod last, in order).
        entries = [(entry["loc"], entry.get("lastmod")) for entry in sitemap]
        entries.sort(key=lambda e: parse_lastmod(e[1]) or datetime.min.replace(tzinfo=UTC), reverse=True)
        for url, lastmod in entries:
            if not self.is_article_url(url):
                continue
            if self.sitemap_budget == 0:
                self.crawler.stats.inc_value("vnnews/discovery/sitemap_over_limit")
                continue
            request = self.article_request(url, discovered_by="sitemap", lastmod=lastmod)
            if request:
                if self.sitemap_budget is not None:
                    self.sitemap_budget -= 1
                yield request
        if self.sitemap_budget == 0 and not self.sitemap_limit_said:
            self.sitemap_limit_said = True
            self.logger.info(
                "VNNEWS_SITEMAP_MAX_ARTICLES reached: older sitemap articles wait for a later crawl "
                "(vnnews/discovery/sitemap_over_limit)"
            )

    def _sitemap_in_range(self, loc: str, lastmod: str | None) -> bool:
        assert self.date_range is not None
        days = self.sitemap_days(loc)
        if days:
            return self.date_range.overlaps(*days)
        modified = parse_lastmod(lastmod)
        return not (modified and vietnam_day(modified) < self.date_range.since)

    def parse_listing(self, response: Response, page: int) -> Iterable[scrapy.Request]:
        self.crawler.stats.inc_value("vnnews/discovery/responses")
        if not isinstance(response, TextResponse):
            return
        days = []
        for href in response.css(self.listing_links).getall():
            url = response.urljoin(href.strip())
            if self.is_article_url(url):
                published = self.published_in_url(url)
                if published:
                    days.append(vietnam_day(published))
                request = self.article_request(url, discovered_by="listing")
                if request:
                    yield request
        max_pages = self.settings.getint("VNNEWS_MAX_LISTING_PAGES", 3)
        if self.date_range:
            # A backfill pages on until the listing is older than `since` (newest first, as listings are).
            max_pages = self.settings.getint("VNNEWS_BACKFILL_MAX_PAGES", 200)
            if days and max(days) < self.date_range.since:
                self.logger.info("Listing older than %s: %s", self.date_range.since, response.url)
                return
        next_href = response.css(self.next_page).get()
        if next_href and page < max_pages:
            yield response.follow(
                next_href, callback=self.parse_listing, errback=self.on_error, cb_kwargs={"page": page + 1}
            )

    def parse_topic_page(self, response: Response, page: int) -> Iterable[scrapy.Request]:
        """A search or tag page of a topic crawl: its article links (counted), then its next page."""
        stats = self.crawler.stats
        stats.inc_value("vnnews/topic/pages")
        if not isinstance(response, TextResponse):
            return
        hrefs = response.css(self.topic_links or self.listing_links).getall()
        urls = dict.fromkeys(response.urljoin(href.strip()) for href in hrefs)
        articles = [url for url in urls if self.is_article_url(url)]
        stats.inc_value("vnnews/topic/links", len(articles))
        for url in articles:
            request = self.article_request(url, discovered_by="topic")
            if request:
                yield request
        next_href = response.css(self.next_page).get()
        if next_href and articles and page < self.settings.getint("VNNEWS_MAX_LISTING_PAGES", 3):
            yield response.follow(
                next_href, callback=self.parse_topic_page, errback=self.on_error, cb_kwargs={"page": page + 1}
            )

    # -- articles ------------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterable[ArticleDraft]:
        """The page's draft, for the cleaning pipelines; a page that is no article is counted and skipped.

        ``scrapy check`` runs this on the spider's fixture page (crawler/contracts.py):
        @fixture
        @returns items 1 1
        """
        if not isinstance(response, TextResponse):
            self.skip(response.url, "not_html", response.headers.get("Content-Type", b"").decode())
            return
        try:
            draft = ArticlePage.from_response(response, self).draft()
        except NotAnArticle as exc:
            self.skip(response.url, exc.reason, str(exc))
            return
        stats = self.crawler.stats
        stats.inc_value("vnnews/articles/parsed")
        for name, origin in draft.field_origins.items():
            stats.inc_value(f"vnnews/field/{name}/{origin}")
        yield draft

    def parse(self, response: Response, **kwargs: Any) -> Iterable[ArticleDraft]:
        return self.parse_article(response)

    def skip(self, url: str, reason: str, detail: str = "") -> None:
        self.crawler.stats.inc_value(f"vnnews/skipped/{reason}")
        self.logger.info("Skipped %s (%s)", url, detail or reason)

    def on_error(self, failure: Failure) -> None:
        """Count and log a request that finally failed, after its retries, without stopping the crawl.

        ``vnnews/errors/<kind>``: ``http_<status>`` for an HTTP error, else the
        exception's name (``TimeoutError``, ``ConnectionRefusedError``...); these
        are what the health check's error rate counts.  A 404 or 410 is a page
        that is gone, not a failure of the crawl (``vnnews/not_found``); a request
        refused on purpose (robots.txt, offsite) is ``vnnews/ignored``.
        """
        stats = self.crawler.stats
        request = getattr(failure, "request", None)
        url = request.url if request else "?"
        retries = int(request.meta.get("retry_times", 0)) if request else 0
        after = f" after {retries} retries" if retries else ""
        if failure.check(HttpError):
            status = failure.value.response.status
            if status in (404, 410):
                stats.inc_value("vnnews/not_found")
                self.logger.info("Not found (HTTP %d): %s", status, url)
                return
            stats.inc_value(f"vnnews/errors/http_{status}")
            self.logger.warning("Failed %s: HTTP %d%s", url, status, after)
            return
        if failure.check(IgnoreRequest):
            stats.inc_value("vnnews/ignored")
            self.logger.debug("Ignored %s: %s", url, failure.getErrorMessage())
            return
        kind = failure.type.__name__ if failure.type else "Error"
        stats.inc_value(f"vnnews/errors/{kind}")
        self.logger.warning("Failed %s: %s%s", url, failure.getErrorMessage(), after)


def months(since: date, until: date) -> list[date]:
    """The first day of every month from *since* to *until*: for outlets with monthly archive sitemaps."""
    first, result = since.replace(day=1), []
    while first <= until:
        result.append(first)
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return result

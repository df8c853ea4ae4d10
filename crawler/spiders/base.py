"""The news spider every outlet fills in.

An outlet's spider is declarative: its domain, where fresh articles are listed
(RSS feeds, sitemaps, listing pages and their paging), what an article URL
looks like, and the CSS selectors of each field.  Discovery, the article
parse, error accounting and per-field stats live here, once.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap
from twisted.python.failure import Failure

from crawler.extraction import ArticlePage, NotAnArticle


class NewsSpider(scrapy.Spider):
    """Base of every outlet spider (not a spider of its own: it has no name)."""

    outlet: ClassVar[str] = ""

    # Discovery.
    feeds: ClassVar[Sequence[str]] = ()
    sitemaps: ClassVar[Sequence[str]] = ()
    # Sitemap URLs inside a sitemap index to follow (regexes); all when empty.
    sitemap_follow: ClassVar[Sequence[str]] = ()
    listings: ClassVar[Sequence[str]] = ()
    # Links on a listing page that lead to articles; the article URL patterns filter them.
    listing_links: ClassVar[str] = "a::attr(href)"
    next_page: ClassVar[str] = 'link[rel="next"]::attr(href), a[rel="next"]::attr(href)'
    # Regexes an article URL matches (searched, not full-matched).
    article_urls: ClassVar[Sequence[str]] = ()

    # Extraction: CSS selectors per field, each a selector or a list tried in order
    # (current layout first).  Fields: title, sapo, body, author, date, section, tags.
    selectors: ClassVar[dict[str, str | Sequence[str]]] = {}
    # Elements inside the body that are not article text (related boxes, promos...).
    remove_selectors: ClassVar[Sequence[str]] = ()
    # Outlet-specific boilerplate paragraphs (full-match regexes) and end-of-article headings.
    boilerplate_patterns: ClassVar[Sequence[str]] = ()
    stop_headings: ClassVar[Sequence[str]] = ()

    # The language the outlet publishes in, for pages that do not say.
    language: ClassVar[str | None] = None

    custom_settings: ClassVar[dict[str, Any]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._article_res = [re.compile(p) for p in self.article_urls]

    # -- discovery -----------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        for request in self.start_requests_for_outlet():
            yield request

    def start_requests_for_outlet(self) -> Iterable[scrapy.Request]:
        for url in self.feeds:
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.on_error, priority=10)
        for url in self.sitemaps:
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error, priority=5)
        for url in self.listings:
            yield scrapy.Request(
                url, callback=self.parse_listing, errback=self.on_error, cb_kwargs={"page": 1}
            )

    def is_article_url(self, url: str) -> bool:
        if not self._article_res:
            return True
        return any(r.search(url) for r in self._article_res)

    def article_request(self, url: str, **meta: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_article, errback=self.on_error, meta=meta)

    def parse_feed(self, response: Response) -> Iterable[scrapy.Request]:
        """RSS 2.0 and Atom feeds: every item link that is an article."""
        if not isinstance(response, TextResponse):
            response = TextResponse(response.url, body=response.body, encoding="utf-8")
        response.selector.remove_namespaces()
        links = response.xpath(
            "//item/link/text() | //entry/link[not(@rel) or @rel='alternate']/@href"
        ).getall()
        self.crawler.stats.inc_value("vnnews/discovery/feed_links", len(links))
        for link in links:
            url = response.urljoin(link.strip())
            if self.is_article_url(url):
                yield self.article_request(url, discovered_by="feed")

    def parse_sitemap(self, response: Response) -> Iterable[scrapy.Request]:
        body = response.body
        if body[:2] == b"\x1f\x8b":
            body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
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
                if not follow or any(r.search(loc) for r in follow):
                    yield scrapy.Request(loc, callback=self.parse_sitemap, errback=self.on_error, priority=5)
            return
        for entry in sitemap:
            url = entry["loc"]
            if self.is_article_url(url):
                yield self.article_request(url, discovered_by="sitemap", lastmod=entry.get("lastmod"))

    def parse_listing(self, response: Response, page: int) -> Iterable[scrapy.Request]:
        if not isinstance(response, TextResponse):
            return
        for href in response.css(self.listing_links).getall():
            url = response.urljoin(href.strip())
            if self.is_article_url(url):
                yield self.article_request(url, discovered_by="listing")
        max_pages = self.settings.getint("VNNEWS_MAX_LISTING_PAGES", 3)
        next_href = response.css(self.next_page).get()
        if next_href and page < max_pages:
            yield response.follow(
                next_href, callback=self.parse_listing, errback=self.on_error, cb_kwargs={"page": page + 1}
            )

    # -- articles ------------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterable[Any]:
        if not isinstance(response, TextResponse):
            self.skip(response.url, "not_html", response.headers.get("Content-Type", b"").decode())
            return
        try:
            draft = ArticlePage.from_response(response, self).draft()
        except NotAnArticle as exc:
            self.skip(response.url, exc.reason, str(exc))
            return
        stats = self.crawler.stats
        for field, origin in draft.field_origins.items():
            stats.inc_value(f"vnnews/field/{field}/{origin}")
        yield draft

    def parse(self, response: Response, **kwargs: Any) -> Iterable[Any]:
        return self.parse_article(response)

    def skip(self, url: str, reason: str, detail: str = "") -> None:
        self.crawler.stats.inc_value(f"vnnews/skipped/{reason}")
        self.logger.info("Skipped %s (%s)", url, detail or reason)

    def on_error(self, failure: Failure) -> None:
        """Count and log a failed download (DNS, timeout, HTTP error) without stopping the crawl."""
        kind = failure.type.__name__ if failure.type else "Error"
        self.crawler.stats.inc_value(f"vnnews/errors/{kind}")
        request = getattr(failure, "request", None)
        self.logger.warning("Failed %s: %s", request.url if request else "?", failure.getErrorMessage())

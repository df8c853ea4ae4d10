"""Any other outlet: ``scrapy crawl generic -a feeds=URL,... -a listings=URL,...``.

Without outlet selectors it reads articles through structured data (JSON-LD,
OpenGraph, ``article:*`` meta), the markup of every CMS in
``crawler/spiders/cms.py`` (many outlets run on one of them) and the
main text block of any layout (``crawler/main_text.py``), and follows from listing pages the links that look
like articles.  Arguments (all
comma-separated lists, all optional but one):

* ``feeds``: RSS or Atom feeds; ``sitemaps``: sitemaps or sitemap indexes;
* ``listings``: section pages to take article links from (and their next pages);
* ``urls``: article pages to read directly;
* ``article_pattern``: a regex article URLs match (default: a guess, below).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import scrapy

from crawler.extraction import outlet_of
from crawler.spiders.base import NewsSpider
from crawler.spiders.cms import CMS_SPIDERS, VccorpSpider

# What Vietnamese news CMSs give article URLs: a numeric id or a long slug ending in .htm(l)
# (slug-123456.htm, a-long-slug-of-words.html), or a slug ending in a numeric id (slug-123456).
LIKELY_ARTICLE = re.compile(
    r"/[^/?#]*(?:\d{5,}|(?:[a-z0-9]+-){4,}[a-z0-9]+)[^/?#]*\.html?(?:$|\?)"
    r"|-\d{5,}(?:$|\?)"
)


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def every_cms_selectors() -> dict[str, tuple[str, ...]]:
    """Each field's selectors of every CMS, in the order of ``CMS_SPIDERS``."""
    merged: dict[str, tuple[str, ...]] = {}
    for cms in CMS_SPIDERS:
        for field, css in cms.cms_selectors.items():
            merged[field] = (*merged.get(field, ()), *([css] if isinstance(css, str) else css))
    return merged


class GenericSpider(NewsSpider):
    name = "generic"
    cms_selectors = every_cms_selectors()
    cms_remove_selectors = tuple(css for cms in CMS_SPIDERS for css in cms.cms_remove_selectors)
    # The time VCCorp's outlets write in their URLs, the commonest such stamp.
    url_date = VccorpSpider.url_date
    arguments = {
        "feeds": "URL,...",
        "sitemaps": "URL,...",
        "listings": "URL,...",
        "urls": "URL,...",
        "article_pattern": "REGEX",
        **NewsSpider.arguments,
    }

    def __init__(
        self,
        feeds: str | None = None,
        sitemaps: str | None = None,
        listings: str | None = None,
        urls: str | None = None,
        article_pattern: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.feeds = _split(feeds)
        self.sitemaps = _split(sitemaps)
        self.listings = _split(listings)
        self.article_pages = _split(urls)
        self.article_urls = [article_pattern] if article_pattern else []
        given = [*self.feeds, *self.sitemaps, *self.listings, *self.article_pages]
        self.allowed_domains = sorted({outlet_of(u) for u in given if urlsplit(u).hostname})
        super().__init__(**kwargs)

    def start_requests_for_outlet(self) -> Iterable[scrapy.Request]:
        yield from super().start_requests_for_outlet()
        for url in self.article_pages:
            yield self.article_request(url, discovered_by="argument")

    def is_article_url(self, url: str) -> bool:
        if self.article_urls:
            return super().is_article_url(url)
        return bool(LIKELY_ARTICLE.search(url))

"""Running the article parse and every pipeline outside a crawl.

``scrapy extract``, ``scrapy import-dump`` and the tests use this, so that a
saved page is cleaned exactly as a crawled one is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scrapy.http import HtmlResponse, TextResponse
from scrapy.settings import BaseSettings

from crawler.extraction import ArticlePage
from crawler.outlets import spider_for
from crawler.spiders.base import NewsSpider
from pipelines.base import OfflinePipelines


def page_url(body: bytes) -> str | None:
    """The URL a saved page names for itself: its canonical link, else og:url."""
    page = ArticlePage.from_html(body, "http://localhost/")
    url = page.canonical_url()
    return url if url and not url.startswith("http://localhost") else None


class OfflineExtractor:
    """Saved page bytes → exported record (or NotAnArticle / DropItem, as in a crawl)."""

    def __init__(self, settings: BaseSettings, spider_name: str | None = None) -> None:
        self.settings = settings
        self.spider_name = spider_name
        self.pipelines = OfflinePipelines(settings)
        self._spiders: dict[type, NewsSpider] = {}

    def spider_for(self, url: str) -> NewsSpider:
        cls = spider_for(self.settings, url, self.spider_name)
        if cls not in self._spiders:
            self._spiders[cls] = cls()
        return self._spiders[cls]

    def extract(self, body: bytes, url: str) -> dict[str, Any]:
        return self.extract_response(HtmlResponse(url=url, body=body))

    def extract_response(self, response: TextResponse, fetched_at: datetime | None = None) -> dict[str, Any]:
        """The record of a page fetched earlier (at *fetched_at*: its ``crawled_at``), headers and all."""
        spider = self.spider_for(response.url)
        draft = ArticlePage.from_response(response, spider).draft()
        draft.fetched_at = fetched_at
        return self.pipelines.run(draft, spider)

"""Archived responses → records, through today's extraction and pipelines.

``scrapy reextract`` (the crawl's own WARC archive) and ``scrapy ccnews``
(Common Crawl's news archive) share this: each archived page is parsed with the
spider of its outlet, chosen by host (the generic spider for other sites), and
cleaned by every pipeline exactly as a crawled page is, except that its
``crawled_at``, and the "now" that relative dates and the future check use, is
the record's WARC-Date.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from typing import Any

from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse
from scrapy.settings import BaseSettings

from crawler.extraction import NotAnArticle
from crawler.items import Record
from crawler.offline import OfflineExtractor
from crawler.warc import ArchiveReader

logger = logging.getLogger(__name__)


class Replayer:
    """Pages of archives → records; what was not exported is counted in ``counts`` by reason.

    ``articles_only``: parse only the URLs the outlet's spider takes for
    articles (a crawl's archive also holds its feeds, sitemaps and listings);
    else every page, and the extraction decides (CC-NEWS holds articles, under
    URL layouts older than the spiders' patterns).
    """

    def __init__(self, settings: BaseSettings, *, articles_only: bool) -> None:
        self.extractor = OfflineExtractor(settings)
        self.articles_only = articles_only
        self.counts: Counter[str] = Counter()

    def records(self, reader: ArchiveReader) -> Iterator[Record]:
        for archived in reader:
            if archived.status != 200:
                self.counts[f"skipped/status_{archived.status}"] += 1
                continue
            spider = self.extractor.spider_for(archived.url)
            if self.articles_only and not spider.is_article_url(archived.url):
                self.counts["skipped/not_article_url"] += 1
                continue
            response = archived.response()
            # Pages only: Scrapy makes a TextResponse of some images and of feeds, which are no article.
            if not isinstance(response, HtmlResponse):
                self.counts["skipped/not_html"] += 1
                continue
            self.counts["pages"] += 1
            try:
                record = self.extractor.extract_response(response, archived.date)
            except NotAnArticle as exc:
                self.counts[f"skipped/{exc.reason}"] += 1
                continue
            except DropItem as exc:
                self.counts[f"dropped/{str(exc).split(':', 1)[0]}"] += 1
                continue
            except Exception as exc:  # a bug on one page, as a crawl's callback: logged, counted, not fatal
                logger.error("Failed to extract %s: %r", archived.url, exc)
                self.counts[f"failed/{type(exc).__name__}"] += 1
                continue
            yield record


def counts_line(counts: dict[str, int], prefix: str) -> str:
    """ "not_article 3, status_404 1" for the counters under *prefix*, or "-"."""
    found = {k[len(prefix) :]: n for k, n in sorted(counts.items()) if k.startswith(prefix) and n}
    return ", ".join(f"{name} {n}" for name, n in found.items()) or "-"


def merge_counts(total: Counter[str], more: dict[str, Any]) -> None:
    for name, n in more.items():
        total[name] += int(n)

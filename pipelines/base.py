"""What every cleaning step shares, and a way to run them all outside a crawl.

Each step is an ordinary Scrapy item pipeline.  Its work lives in
``process(draft, spider)``, which takes the spider as an argument so that the
same step runs in a crawl (spider from the crawler) and offline, in
``scrapy extract``, ``scrapy import-dump`` and the tests (spider made by hand).

The steps marked ``cleans_drafts`` (normalize → validate) need nothing but the
draft and the spider's class attributes.  With parse workers
(``crawler/parsing.py``) they run there, and the crawl's process receives the
finished record, which those steps pass on untouched.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem
from scrapy.utils.misc import load_object

from crawler.items import ArticleDraft

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings


class OfflineStats:
    """The part of Scrapy's stats collector the pipelines use, for offline runs."""

    def __init__(self) -> None:
        self.values: Counter[str] = Counter()

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self.values[key] += count

    def get_value(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def set_value(self, key: str, value: Any) -> None:
        self.values[key] = value


@dataclass(frozen=True)
class Dropped:
    """What a parse worker yields for a draft one of its cleaning steps dropped (already counted
    there): the crawl's first pipeline raises the DropItem, so that Scrapy logs and counts it."""

    message: str


class ArticlePipeline:
    """Base of the cleaning steps: ``process`` does the work."""

    # Works on drafts alone (and the spider's class attributes): may run in a parse worker.
    cleans_drafts = True

    def __init__(self, stats: Any = None, settings: BaseSettings | None = None) -> None:
        self.stats = stats if stats is not None else OfflineStats()
        self.settings = settings
        self.crawler: Crawler | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArticlePipeline:
        pipeline = cls(crawler.stats, crawler.settings)
        pipeline.crawler = crawler
        return pipeline

    def process_item(self, item: Any) -> Any:
        assert self.crawler is not None
        if isinstance(item, Dropped):
            raise DropItem(item.message)
        if self.cleans_drafts and not isinstance(item, ArticleDraft):
            return item  # a record a parse worker finished
        return self.process(item, self.crawler.spider)

    def process(self, item: Any, spider: Spider | None) -> Any:
        """Clean *item* (an ArticleDraft, or the record once validation made it)."""
        raise NotImplementedError


def drop(stats: Any, reason: str, message: str) -> DropItem:
    """Count a dropped item under ``vnnews/dropped/<reason>`` and build the exception.

    Scrapy logs every DropItem once, with the message; the stat lets a health
    check see the rate.
    """
    stats.inc_value(f"vnnews/dropped/{reason}")
    return DropItem(f"{reason}: {message}")


class OfflinePipelines:
    """The crawl's ITEM_PIPELINES chain, run on drafts without the engine."""

    def __init__(self, settings: BaseSettings, stats: Any = None) -> None:
        from scrapy.utils.conf import build_component_list

        self.stats = stats if stats is not None else OfflineStats()
        self.steps = []
        for path in build_component_list(settings.getwithbase("ITEM_PIPELINES")):
            cls = load_object(path)
            if issubclass(cls, ArticlePipeline):
                self.steps.append(cls(self.stats, settings))

    def run(self, draft: ArticleDraft, spider: Spider | None) -> dict[str, Any]:
        """The exported record for *draft*; raises DropItem as the crawl would."""
        item: Any = draft
        for step in self.steps:
            item = step.process(item, spider)
        return item

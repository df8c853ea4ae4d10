"""What every cleaning step shares, and a way to run them all outside a crawl.

Each step is an ordinary Scrapy item pipeline.  Its work lives in
``process(item, spider)``, which takes the spider as an argument so that the
same step runs in a crawl (spider from the crawler) and offline, in
``scrapy extract``, ``scrapy import-dump`` and the tests (spider made by hand).
The spider is where a step finds what is known of the outlet (its self-names,
lead prefixes, boilerplate...).

One type flows through each part of the chain: the spider yields an
:class:`~crawler.items.ArticleDraft`; normalize, boilerplate, dates and bylines
clean it; validate turns it into the exported record (a dict in schema order),
which dedupe, daterange and state pass on or drop.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem
from scrapy.utils.conf import build_component_list
from scrapy.utils.misc import load_object

from crawler.items import ArticleDraft, Record

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


class ArticlePipeline:
    """Base of the cleaning steps: ``process`` does the work."""

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
        return self.process(item, self.crawler.spider)

    def process(self, item: Any, spider: Spider | None) -> Any:
        """Clean *item*: a draft, or the record once validation made it."""
        raise NotImplementedError


def drop(stats: Any, reason: str, message: str) -> DropItem:
    """Count a dropped item under ``vnnews/dropped/<reason>`` and build the exception.

    Scrapy logs every DropItem once, with the message; the stat lets a health
    check see the rate.
    """
    stats.inc_value(f"vnnews/dropped/{reason}")
    return DropItem(f"{reason}: {message}")


class OfflinePipelines:
    """The crawl's ITEM_PIPELINES chain of cleaning steps, run on drafts without the engine."""

    def __init__(self, settings: BaseSettings, stats: Any = None) -> None:
        self.stats = stats if stats is not None else OfflineStats()
        self.steps = []
        for path in build_component_list(settings.getwithbase("ITEM_PIPELINES")):
            cls = load_object(path)
            if issubclass(cls, ArticlePipeline):
                self.steps.append(cls(self.stats, settings))

    def run(self, draft: ArticleDraft, spider: Spider | None) -> Record:
        """The exported record for *draft*; raises DropItem as the crawl would."""
        item: Any = draft
        for step in self.steps:
            item = step.process(item, spider)
        return item

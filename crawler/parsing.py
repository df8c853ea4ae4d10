"""Reading article responses: in the crawl's process, or in worker processes on the other cores.

Parsing a page and cleaning it take most of a crawl's CPU: about 3 ms for a
200 KB page, against about 2 ms Scrapy spends fetching it, and Python runs both
on one core.  With parse workers (``VNNEWS_PARSE_PROCESSES``) the spider hands
each article response to a pool of processes, which run the page object and the
cleaning steps (the leading ITEM_PIPELINES marked ``cleans_drafts``: normalize →
validate) and send back the record, or the drop, or why the page is not an
article, with the stats they counted.  The crawl's process keeps the fetching,
deduplication, the state store and the export, and its pipelines pass the
finished record on.  The records are the same either way.

``VNNEWS_PARSE_PROCESSES``: 0 reads every page in the crawl's process; N uses N
workers; unset, one fewer than the machine's cores, at most 4 (none on one core).
The workers are started when the first article arrives and shared by the
crawls of one process (``scrapy crawlall``).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from scrapy.exceptions import DropItem
from scrapy.settings import BaseSettings, Settings
from scrapy.utils.conf import build_component_list
from scrapy.utils.misc import load_object

from crawler.extraction import ArticlePage, NotAnArticle, page_encoding
from pipelines.base import ArticlePipeline, Dropped, OfflineStats

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import TextResponse

    from crawler.items import ArticleDraft

logger = logging.getLogger(__name__)

MAX_AUTO_PROCESSES = 4


def parse_processes(settings: BaseSettings) -> int:
    """The number of parse workers the settings ask for (0: none)."""
    value = settings.get("VNNEWS_PARSE_PROCESSES")
    if value is None or value == "":
        return min(MAX_AUTO_PROCESSES, max(0, (os.cpu_count() or 1) - 1))
    return max(0, int(value))


def read_article(response: TextResponse, spider: Any, stats: Any) -> ArticleDraft:
    """The page's draft, with which layer answered each field counted; raises NotAnArticle."""
    draft = ArticlePage.from_response(response, spider).draft()
    stats.inc_value("vnnews/articles/parsed")
    for name, origin in draft.field_origins.items():
        stats.inc_value(f"vnnews/field/{name}/{origin}")
    return draft


@dataclass(frozen=True)
class Cleaning:
    """What a worker needs to clean pages as a crawl's own pipelines would (picklable)."""

    spider: str  # the spider's class, by path: workers read its class attributes
    steps: tuple[str, ...]  # the leading ITEM_PIPELINES that clean drafts
    settings: dict[str, Any] = field(hash=False)  # the crawl's VNNEWS_* settings
    key: str = ""

    @classmethod
    def for_crawler(cls, crawler: Crawler) -> Cleaning:
        assert crawler.spidercls is not None
        steps = []
        for path in build_component_list(crawler.settings.getwithbase("ITEM_PIPELINES")):
            step = load_object(path)
            if not (isinstance(step, type) and issubclass(step, ArticlePipeline) and step.cleans_drafts):
                break
            steps.append(path if isinstance(path, str) else f"{step.__module__}.{step.__qualname__}")
        settings = {}
        for name in crawler.settings:
            if name.startswith("VNNEWS_"):
                value = crawler.settings[name]
                settings[name] = value.copy_to_dict() if isinstance(value, BaseSettings) else value
        spider = f"{crawler.spidercls.__module__}.{crawler.spidercls.__qualname__}"
        key = hashlib.sha1(repr((spider, steps, sorted(settings.items()))).encode()).hexdigest()
        return cls(spider, tuple(steps), settings, key)


@dataclass(frozen=True)
class Outcome:
    """A worker's answer for one page, with the stats its steps counted."""

    kind: Literal["record", "dropped", "not_article"]
    value: Any  # the record; the drop's message; (reason, detail)
    stats: dict[str, int]


# -- in the worker ------------------------------------------------------------------------

_prepared: dict[str, tuple[Any, list[ArticlePipeline], OfflineStats]] = {}


def _ignore_interrupts() -> None:
    """Ctrl-C reaches the workers too (one process group); the crawl's process decides what it means
    (finish what is in flight, then stop), so a worker goes on until it is shut down."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def prepare(cleaning: Cleaning) -> tuple[Any, list[ArticlePipeline], OfflineStats]:
    """The spider and the cleaning steps for *cleaning*, made once per worker."""
    if cleaning.key not in _prepared:
        stats = OfflineStats()
        settings = Settings(cleaning.settings)
        steps = [load_object(path)(stats, settings) for path in cleaning.steps]
        _prepared[cleaning.key] = (load_object(cleaning.spider)(), steps, stats)
    return _prepared[cleaning.key]


def warm(cleaning: Cleaning) -> None:
    """A worker's first task: be ready for *cleaning* (imports, spider and steps made)."""
    prepare(cleaning)


def clean_page(
    cleaning: Cleaning, response_class: type, url: str, status: int, encoding: str, body: bytes
) -> Outcome:
    """A worker's task: one article response, read and cleaned."""
    spider, steps, stats = prepare(cleaning)
    stats.values.clear()
    response = response_class(url=url, status=status, body=body, encoding=encoding)
    try:
        item: Any = read_article(response, spider, stats)
        for step in steps:
            item = step.process(item, spider)
    except NotAnArticle as exc:
        return Outcome("not_article", (exc.reason, str(exc)), dict(stats.values))
    except DropItem as exc:
        return Outcome("dropped", str(exc), dict(stats.values))
    return Outcome("record", item, dict(stats.values))


# -- in the crawl's process ---------------------------------------------------------------


class ParsePool:
    """The parse workers of this process, shared by its crawls."""

    shared: ClassVar[ParsePool | None] = None

    def __init__(self, processes: int) -> None:
        # Spawned, not forked: the crawl's process runs threads and an event loop.
        context = multiprocessing.get_context("spawn")
        self.processes = processes
        self.executor = ProcessPoolExecutor(processes, mp_context=context, initializer=_ignore_interrupts)
        self.users = 0

    @classmethod
    def acquire(cls, processes: int) -> ParsePool:
        if cls.shared is None:
            cls.shared = cls(processes)
        cls.shared.users += 1
        return cls.shared

    def release(self) -> None:
        self.users -= 1
        if self.users <= 0:
            self.close()

    def discard(self) -> None:
        """A worker died: later crawls get new workers; this pool ends with its last user."""
        if ParsePool.shared is self:
            ParsePool.shared = None
        self.release()

    def close(self) -> None:
        if ParsePool.shared is self:
            ParsePool.shared = None
        self.executor.shutdown(wait=True, cancel_futures=True)


class ArticleReader:
    """Turns one crawl's article responses into items: a draft for the pipelines to clean, or,
    with parse workers, the record (or a Dropped) they made of it."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.processes = parse_processes(crawler.settings)
        self.cleaning = Cleaning.for_crawler(crawler) if self.processes else None
        self.pool: ParsePool | None = None

    def open(self) -> None:
        self.crawler.stats.set_value("vnnews/parse_workers", self.processes)
        if self.cleaning is not None:
            # Start the workers now, while discovery runs: each imports the extraction and the
            # cleaning steps before the first article arrives.
            self.pool = ParsePool.acquire(self.processes)
            for _ in range(self.processes):
                self.pool.executor.submit(warm, self.cleaning)

    async def read(self, response: TextResponse, spider: Any) -> Any:
        """The item for *response*; raises NotAnArticle."""
        stats = self.crawler.stats
        if self.cleaning is None:
            return read_article(response, spider, stats)
        outcome = await self._in_worker(response)
        for key, count in outcome.stats.items():
            stats.inc_value(key, count)
        if outcome.kind == "not_article":
            raise NotAnArticle(*outcome.value)
        if outcome.kind == "dropped":
            return Dropped(outcome.value)
        return outcome.value

    async def _in_worker(self, response: TextResponse) -> Outcome:
        page = (type(response), response.url, response.status, page_encoding(response), response.body)
        for attempt in (1, 2):
            if self.pool is None:
                self.pool = ParsePool.acquire(self.processes)
            pool = self.pool
            try:
                return await asyncio.wrap_future(pool.executor.submit(clean_page, self.cleaning, *page))
            except BrokenProcessPool:
                # A worker died (killed, out of memory): the pages it had are tried once more in new workers.
                self.crawler.stats.inc_value("vnnews/errors/parse_worker_died")
                logger.error("A parse worker died while reading %s (attempt %d)", response.url, attempt)
                if self.pool is pool:
                    self.pool = None
                    pool.discard()
        raise RuntimeError(f"parse workers died twice while reading {response.url}")

    def close(self) -> None:
        if self.pool is not None:
            self.pool.release()
            self.pool = None

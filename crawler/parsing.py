"""Reading article responses: in the crawl's process, or in worker processes on the other cores.

Parsing a page and cleaning it take most of a crawl's CPU: about 3 ms for a
200 KB page, against about 2 ms Scrapy spends fetching it, and Python runs both
on one core.  With parse workers (``VNNEWS_PARSE_PROCESSES``) the spider hands
each article response to worker processes, each at the end of a socket that
the crawl's event loop writes pages to and reads answers from.  They run the
page object and the cleaning steps (the leading ITEM_PIPELINES marked
``cleans_drafts``: normalize → validate) and send back the record, or the drop,
or why the page is not an article, with the stats they counted.  The crawl's
process keeps the fetching, deduplication, the state store and the export, and
its pipelines pass the finished record on.  The records are the same either way.

``VNNEWS_PARSE_PROCESSES``: 0 reads every page in the crawl's process; N uses N
workers; unset, one fewer than the machine's cores, at most 4 (none on one core).
The workers are started when the spider is made (or, before the event loop runs,
when the crawl opens) and shared by the crawls of one process (``scrapy crawlall``);
one that dies is replaced, and its pages are read once more.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import multiprocessing
import os
import pickle
import signal
import socket
import struct
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.context import BaseContext
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

# A frame on a worker's socket: its length, then a pickle.  The crawl's process sends (function,
# arguments); the worker answers (True, result) or (False, exception), in the order it was sent.
FRAME_LENGTH = struct.Struct("!Q")
SEND_BUFFER = 4 * 1024 * 1024  # bytes of pages on their way to one worker


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


def _portable(exc: Exception) -> Exception:
    """*exc* with the worker's traceback as a note, or a RuntimeError carrying it if it cannot be pickled."""
    remote = "".join(traceback.format_exception(exc))
    try:
        exc.add_note(f"raised in a parse worker:\n{remote}")
        pickle.dumps(exc)
    except Exception:
        return RuntimeError(f"a parse worker raised:\n{remote}")
    return exc


def serve(sock: socket.socket) -> None:
    """A worker process: answer each task on *sock* until the crawl's process closes it."""
    # Ctrl-C reaches the workers too (one process group); the crawl's process decides what it means
    # (finish what is in flight, then stop), so a worker goes on until its socket is closed.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with sock, sock.makefile("rb") as incoming:
        while True:
            head = incoming.read(FRAME_LENGTH.size)
            if len(head) < FRAME_LENGTH.size:
                return
            (size,) = FRAME_LENGTH.unpack(head)
            frame = incoming.read(size)
            if len(frame) < size:
                return
            function, args = pickle.loads(frame)
            try:
                answer = (True, function(*args))
            except Exception as exc:
                answer = (False, _portable(exc))
            frame = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
            try:
                sock.sendall(FRAME_LENGTH.pack(len(frame)) + frame)
            except OSError:
                return


# -- in the crawl's process ---------------------------------------------------------------


class WorkerDied(Exception):
    """The worker process reading a page exited before answering."""


class ParseWorker(asyncio.Protocol):
    """One worker process and a socket to it, driven by the crawl's event loop.

    No threads: handing a page over is a write on the socket and the answer arrives as the loop
    reads it.  concurrent.futures.ProcessPoolExecutor, used before, ran two threads per pool whose
    wake-ups and GIL hand-offs cost the crawl's process about 0.6 ms of CPU per page, a third of
    what Scrapy spends fetching it.
    """

    def __init__(self, context: BaseContext) -> None:
        self.loop = asyncio.get_running_loop()
        ours, theirs = socket.socketpair()
        # Pages wait in the socket, so that the worker is never idle while the crawl's loop is busy
        # elsewhere: with the default buffer (about one page) it was idle a third of the time.  Linux
        # caps the size at net.core.wmem_max.
        ours.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
        self.process = context.Process(target=serve, args=(theirs,), name="vnnews-parse", daemon=True)
        self.process.start()
        theirs.close()
        self.socket = ours
        self.pending: deque[asyncio.Future[Any]] = deque()  # answers come back in this order
        self.backlog: list[bytes] = []  # frames sent before the loop has connected the socket
        self.received = bytearray()
        self.transport: asyncio.Transport | None = None
        self.alive = True
        self.closing = False
        connecting = self.loop.create_task(self.loop.create_connection(lambda: self, sock=ours))
        connecting.add_done_callback(self._connected)

    def _connected(self, task: asyncio.Task[Any]) -> None:
        if not task.cancelled() and task.exception() is not None:
            self.connection_lost(task.exception())

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        if self.backlog:
            transport.writelines(self.backlog)
            self.backlog = []

    def data_received(self, data: bytes) -> None:
        received = self.received
        received += data
        while len(received) >= FRAME_LENGTH.size:
            (size,) = FRAME_LENGTH.unpack_from(received)
            end = FRAME_LENGTH.size + size
            if len(received) < end:
                return
            ok, value = pickle.loads(received[FRAME_LENGTH.size : end])
            del received[:end]
            future = self.pending.popleft()
            if future.cancelled():
                continue
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.alive:
            return
        self.alive = False
        if not self.closing:
            self.process.join(timeout=1)
            logger.error("Parse worker %s exited (exit code %s)", self.process.pid, self.process.exitcode)
        while self.pending:
            future = self.pending.popleft()
            if not future.done():
                future.set_exception(self._death())

    def submit(self, function: Callable[..., Any], *args: Any) -> asyncio.Future[Any]:
        """*function*(*args*) run in the worker: a future of its result."""
        future = self.loop.create_future()
        if not self.alive:
            future.set_exception(self._death())
            return future
        frame = pickle.dumps((function, args), protocol=pickle.HIGHEST_PROTOCOL)
        self.pending.append(future)
        data = [FRAME_LENGTH.pack(len(frame)), frame]
        if self.transport is None:
            self.backlog.extend(data)
        else:
            self.transport.writelines(data)
        return future

    def _death(self) -> WorkerDied:
        return WorkerDied(f"parse worker {self.process.pid} exited")

    def close(self) -> None:
        """End the worker: it reads to the end of its socket and exits."""
        self.closing = True
        with contextlib.suppress(OSError):
            self.socket.shutdown(socket.SHUT_WR)
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        if self.transport is not None and not self.loop.is_closed():
            self.transport.abort()
        else:
            self.socket.close()
        self.connection_lost(None)


class ParsePool:
    """The parse workers of this process, shared by its crawls."""

    shared: ClassVar[ParsePool | None] = None

    def __init__(self, processes: int) -> None:
        # Spawned, not forked: the crawl's process runs threads and an event loop.
        self.context = multiprocessing.get_context("spawn")
        self.workers = [ParseWorker(self.context) for _ in range(processes)]
        self.users = 0

    @classmethod
    def acquire(cls, processes: int) -> ParsePool:
        if cls.shared is None:
            cls.shared = cls(processes)
        cls.shared.users += 1
        return cls.shared

    def submit(self, function: Callable[..., Any], *args: Any) -> asyncio.Future[Any]:
        """*function*(*args*) in the least busy worker; a worker that died is replaced first."""
        for n, worker in enumerate(self.workers):
            if not worker.alive:
                self.workers[n] = ParseWorker(self.context)
        return min(self.workers, key=lambda worker: len(worker.pending)).submit(function, *args)

    def release(self) -> None:
        self.users -= 1
        if self.users <= 0:
            self.close()

    def close(self) -> None:
        if ParsePool.shared is self:
            ParsePool.shared = None
        for worker in self.workers:
            worker.close()


class ArticleReader:
    """Turns one crawl's article responses into items: a draft for the pipelines to clean, or,
    with parse workers, the record (or a Dropped) they made of it."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.processes = parse_processes(crawler.settings)
        self.cleaning = Cleaning.for_crawler(crawler) if self.processes else None
        self.pool: ParsePool | None = None

    def start(self) -> None:
        """Start the workers, if the crawl's event loop runs already; open() does it otherwise.

        Called when the spider is made: a worker's start (about 0.4 s of CPU, importing the
        extraction and the cleaning steps) then runs on another core while the crawl's process
        builds its engine and middlewares, instead of competing with the first pages.
        """
        if self.cleaning is None or self.pool is not None:
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return
        self.pool = ParsePool.acquire(self.processes)
        for worker in self.pool.workers:
            worker.submit(warm, self.cleaning).add_done_callback(_ignore_outcome)

    def open(self) -> None:
        self.crawler.stats.set_value("vnnews/parse_workers", self.processes)
        self.start()

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
        if self.pool is None:
            self.pool = ParsePool.acquire(self.processes)
        for attempt in (1, 2):
            try:
                # The pool replaces a dead worker itself, so the retry goes to the same pool.
                return await self.pool.submit(clean_page, self.cleaning, *page)
            except WorkerDied:
                # A worker died (killed, out of memory): its pages are tried once more in a new one.
                self.crawler.stats.inc_value("vnnews/errors/parse_worker_died")
                logger.error("A parse worker died while reading %s (attempt %d)", response.url, attempt)
        raise RuntimeError(f"parse workers died twice while reading {response.url}")

    def close(self) -> None:
        if self.pool is not None:
            self.pool.release()
            self.pool = None


def _ignore_outcome(future: asyncio.Future[Any]) -> None:
    """A warm-up's answer is not needed; a worker that died is noticed by the next page."""
    if not future.cancelled():
        future.exception()

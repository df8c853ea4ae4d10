"""Workers sharing one Redis: ``scrapy crawl`` or ``crawlall`` with ``-s VNNEWS_REDIS_URL=redis://host:port/db``.

scrapy-redis shares the frontier: its Scheduler, its RFPDupeFilter and its
PriorityQueue, subclassed here where Scrapy 2.19 or rounds need it.  Every
worker of an outlet pushes to and pops from one queue in Redis, so each page
is fetched by one worker, on any machine.

Rounds.  A round is what the workers of an outlet do from the first one's
start until the queue is empty and none of them has work in hand.  The
duplicate filter is per round, so that each round fetches the feeds, sitemaps
and listings again (and articles known to the state follow the revisit policy).
A worker that starts when no worker of the outlet is alive and the queue is
empty starts a new round; one that starts while a round is under way joins it.
When every worker of a round was killed, the next one resumes the round's
queue.

Liveness.  Every worker writes a heartbeat (Redis time) every
``VNNEWS_REDIS_HEARTBEAT`` seconds and says whether it has work in hand.  A
worker whose own engine has nothing to do waits while another is busy (it may
queue more), takes requests as soon as the queue has some, and closes once the
queue is empty and no live worker is busy.  A worker is dead once its
heartbeat is ``VNNEWS_REDIS_WORKER_TIMEOUT`` seconds old, or at once when it
ran on this host and its process is gone.  ``scrapy redis-export --idle-exit``
reads the last heartbeat of all.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Any

import redis
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, UsageError
from scrapy.settings import BaseSettings
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.request import request_from_dict
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler as RedisScheduler
from twisted.internet.task import LoopingCall

from crawler.redisstate import PREFIX
from crawler.state import process_alive

logger = logging.getLogger(__name__)

# The last heartbeat of any worker, for the exporter's --idle-exit.
LAST_HEARTBEAT = f"{PREFIX}:workers:last"


def worker_settings(url: str) -> dict[str, Any]:
    """The settings that turn a crawl into a worker (applied at spider priority: -s still wins)."""
    return {
        "SCHEDULER": "crawler.workers.WorkerScheduler",
        # Read by scrapy-redis's Scheduler; WorkerScheduler makes one per round.
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_KEY": f"{PREFIX}:%(spider)s:requests",
        # One worker closing must not wipe everyone's queue.
        "SCHEDULER_PERSIST": True,
        # A blocking pop would stall the event loop; waiting for others is done by the heartbeat.
        "SCHEDULER_IDLE_BEFORE_CLOSE": 0,
        "REDIS_URL": url,
        # A worker's share of a round can be empty (others took every page): not a failed crawl.
        "VNNEWS_HEALTH_MIN_RECORDS": 0,
    }


def check_worker_settings(settings: BaseSettings) -> None:
    """A worker's options make sense and its Redis answers; a one-line UsageError otherwise."""
    url = settings.get("VNNEWS_REDIS_URL")
    if settings.getdict("FEEDS"):
        raise UsageError("a worker (VNNEWS_REDIS_URL) writes no file, `scrapy redis-export` does: drop -o/-O")
    if settings.get("JOBDIR") or settings.get("VNNEWS_JOBS_DIR"):
        raise UsageError("a worker (VNNEWS_REDIS_URL) keeps its queue in Redis: drop JOBDIR and --jobdir")
    client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
    try:
        client.ping()
    except (redis.RedisError, ValueError) as exc:
        raise UsageError(f"cannot reach the workers' Redis at {url}: {exc}") from None
    finally:
        client.close()


def worker_id(spider: Spider) -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{spider.name}"


# Pop the first request and mark the worker busy in one step, so that no other worker sees the
# queue empty and this one idle while it holds the request.  KEYS: queue, busy hash; ARGV: worker.
POP = """
local first = redis.call('ZRANGE', KEYS[1], 0, 0)
if #first == 0 then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
redis.call('HSET', KEYS[2], ARGV[1], 1)
return first[1]
"""

# KEYS: round, workers (zset by heartbeat), busy hash, queue, last heartbeat.  ARGV: worker, timeout,
# dupefilter key prefix.  Starts a new round when no worker is alive and the queue is empty.
JOIN = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[2]))
local round = tonumber(redis.call('GET', KEYS[1]) or '0')
local started = 0
if redis.call('ZCARD', KEYS[2]) == 0 and redis.call('ZCARD', KEYS[4]) == 0 then
    redis.call('DEL', ARGV[3] .. round, KEYS[3])
    round = redis.call('INCR', KEYS[1])
    started = 1
end
redis.call('ZADD', KEYS[2], now, ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], 1)
redis.call('SET', KEYS[5], now)
return {round, started}
"""

# KEYS: workers, busy hash, last heartbeat.  ARGV: worker, busy (1/0/'' to leave it).
HEARTBEAT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
redis.call('ZADD', KEYS[1], now, ARGV[1])
if ARGV[2] ~= '' then redis.call('HSET', KEYS[2], ARGV[1], ARGV[2]) end
redis.call('SET', KEYS[3], now)
return now
"""

# KEYS: workers, busy hash, queue.  ARGV: worker, timeout.  Whether the round is over as far as
# this worker can tell: the queue empty and no other live worker busy.
ROUND_DONE = """
if redis.call('ZCARD', KEYS[3]) > 0 then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local alive = redis.call('ZRANGEBYSCORE', KEYS[1], now - tonumber(ARGV[2]), '+inf')
for _, worker in ipairs(alive) do
    if worker ~= ARGV[1] and redis.call('HGET', KEYS[2], worker) == '1' then return 0 end
end
return 1
"""


class WorkerQueue(PriorityQueue):
    """scrapy-redis's priority queue, whose pop also marks the worker busy (see ``POP``)."""

    busy_key = ""
    worker = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pop_script = self.server.register_script(POP)  # sent once, then called by its hash

    def pop(self, timeout: int = 0) -> Request | None:
        data = self.pop_script(keys=[self.key, self.busy_key], args=[self.worker])
        if not data:
            return None
        return request_from_dict(self.serializer.loads(data), spider=self.spider)


class WorkerScheduler(RedisScheduler):
    """scrapy-redis's Scheduler, with rounds, a heartbeat, and stats without the deprecated spider=."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WorkerScheduler:
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        settings = crawler.settings
        scheduler.heartbeat_every = settings.getfloat("VNNEWS_REDIS_HEARTBEAT", 1.0)
        scheduler.worker_timeout = settings.getfloat("VNNEWS_REDIS_WORKER_TIMEOUT", 30.0)
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    def round_keys(self, spider: Spider) -> dict[str, str]:
        """The outlet's Redis keys besides scrapy-redis's queue: round number, workers, busy flags."""
        base = f"{PREFIX}:{spider.name}"
        return {
            "round": f"{base}:round",
            "workers": f"{base}:workers",
            "busy": f"{base}:busy",
            "dupefilter": f"{base}:dupefilter:",
        }

    def open(self, spider: Spider) -> None:
        self.worker = worker_id(spider)
        self.waiting = False
        self.redis_keys = self.round_keys(spider)
        queue_key = self.queue_key % {"spider": spider.name}
        self.forget_dead_workers()
        round_, started = self.server.eval(
            JOIN,
            5,
            self.redis_keys["round"],
            self.redis_keys["workers"],
            self.redis_keys["busy"],
            queue_key,
            LAST_HEARTBEAT,
            self.worker,
            self.worker_timeout,
            self.redis_keys["dupefilter"],
        )
        self.round = int(round_)
        self.df = RFPDupeFilter(
            self.server,
            key=f"{self.redis_keys['dupefilter']}{self.round}",
            debug=spider.settings.getbool("DUPEFILTER_DEBUG"),
        )
        # scrapy-redis's open(), less its Spider.log() (deprecated by Scrapy 2.19): we log below.
        self.spider = spider
        self.queue = WorkerQueue(self.server, spider, queue_key, serializer=self.serializer)
        self.queue.busy_key = self.redis_keys["busy"]
        self.queue.worker = self.worker
        if self.flush_on_start:
            self.flush()
        logger.info(
            "Worker %s %s round %d of %s (%d requests queued)",
            self.worker,
            "started" if started else "joined",
            self.round,
            spider.name,
            len(self.queue),
        )
        self.stats.set_value("vnnews/workers/round", self.round)
        self.stats.set_value("vnnews/workers/started_round", int(started))
        self.beat = LoopingCall(self.heartbeat)
        self.beat.start(self.heartbeat_every, now=False)

    def close(self, reason: str) -> None:
        if self.beat.running:
            self.beat.stop()
        seconds, microseconds = self.server.time()
        with self.server.pipeline() as pipe:
            pipe.zrem(self.redis_keys["workers"], self.worker)
            pipe.hdel(self.redis_keys["busy"], self.worker)
            pipe.set(LAST_HEARTBEAT, seconds + microseconds / 1e6)
            pipe.execute()
        super().close(reason)

    def forget_dead_workers(self) -> None:
        """Workers of this host whose process is gone are dead now, without waiting for their timeout."""
        host = socket.gethostname()
        for member in self.server.zrange(self.redis_keys["workers"], 0, -1):
            worker = member.decode() if isinstance(member, bytes) else member
            name, _, rest = worker.partition(":")
            pid = rest.partition(":")[0]
            if name == host and pid.isdigit() and not process_alive(int(pid)):
                self.server.zrem(self.redis_keys["workers"], worker)
                self.server.hdel(self.redis_keys["busy"], worker)

    def round_done(self) -> bool:
        keys = (self.redis_keys["workers"], self.redis_keys["busy"], self.queue.key)
        return bool(self.server.eval(ROUND_DONE, len(keys), *keys, self.worker, self.worker_timeout))

    # -- waiting for the others -------------------------------------------------------------

    def spider_idle(self, spider: Spider) -> None:
        """This worker has nothing in hand: close if the round is over, else wait for work."""
        self.beat_once(busy="0")
        self.forget_dead_workers()
        if self.round_done():
            return
        self.waiting = True
        raise DontCloseSpider

    def beat_once(self, busy: str = "") -> None:
        """This worker is alive now; *busy* "1" or "0" says whether it has work in hand ("": unchanged)."""
        keys = (self.redis_keys["workers"], self.redis_keys["busy"], LAST_HEARTBEAT)
        self.server.eval(HEARTBEAT, len(keys), *keys, self.worker, busy)

    def heartbeat(self) -> None:
        """Every VNNEWS_REDIS_HEARTBEAT seconds: beat, and a waiting worker takes new work or closes."""
        self.beat_once()
        if not self.waiting:
            return
        request = self.queue.pop()
        if request is not None:
            # Hand it to the engine, which then pops the rest itself.  It passed the round's duplicate
            # filter when it was queued.
            self.waiting = False
            self.crawler.engine.crawl(request.replace(dont_filter=True))
        else:
            self.forget_dead_workers()
            if not self.round_done():
                return
            self.waiting = False
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="finished"))

    # -- scrapy-redis's, without the spider= argument Scrapy 2.19 deprecates ------------------

    def enqueue_request(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self) -> Request | None:
        request = self.queue.pop()
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

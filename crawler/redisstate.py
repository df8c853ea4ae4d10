"""The state store in Redis, for workers sharing one Redis (``VNNEWS_REDIS_URL``).

What :class:`crawler.state.StateStore` keeps in SQLite, kept in Redis so that
workers on any machine share it: per canonical URL a hash of the content hash,
revision, first and last seen (``last_seen``: when a crawl last fetched it, as
in SQLite, which decides when a known article is fetched again); per outlet the
set of its articles (for ``reset_state``); per feed and sitemap the
``ETag``/``Last-Modified`` of conditional requests.

A record is not written to a file by the worker that made it: :meth:`publish`
decides its revision and appends it to the records stream in one Lua script,
so that Redis does both or neither, and two workers never both export one
article or both raise its revision.  ``scrapy redis-export`` reads the stream
and writes the files (``pipelines/redis_export.py``).
"""

from __future__ import annotations

from typing import Any

import redis

from crawler.state import ArticleState, utc_now

PREFIX = "vnnews"
RECORDS_STREAM = f"{PREFIX}:records"


def article_key(canonical_url: str) -> str:
    return f"{PREFIX}:article:{canonical_url}"


def outlet_key(outlet: str) -> str:
    return f"{PREFIX}:outlet:{outlet}:articles"


def resource_key(url: str) -> str:
    return f"{PREFIX}:resource:{url}"


def connect(url: str) -> redis.Redis:
    """A client of the Redis at *url* (``redis://host:port/db``), answering str."""
    return redis.Redis.from_url(url, decode_responses=True, socket_timeout=30, socket_connect_timeout=30)


# KEYS: the article's hash, the outlet's set, the records stream.
# ARGV: outlet, canonical URL, content hash, crawled at, spider name, the record's JSON line.
# Returns the revision exported, or 0 when the article is known with this very body (then only
# last_seen moves).  The line goes into the stream with its revision beside it (the exporter puts
# it in the record), in the same script as the state's change.
PUBLISH = """
local known = redis.call('HMGET', KEYS[1], 'content_hash', 'revision')
if known[1] == ARGV[3] then
    redis.call('HSET', KEYS[1], 'last_seen', ARGV[4])
    return 0
end
local revision = 1
if known[1] then
    revision = tonumber(known[2]) + 1
else
    redis.call('HSET', KEYS[1], 'first_seen', ARGV[4])
end
redis.call('HSET', KEYS[1], 'outlet', ARGV[1], 'content_hash', ARGV[3], 'revision', revision,
    'last_seen', ARGV[4])
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('XADD', KEYS[3], '*', 'spider', ARGV[5], 'revision', revision, 'record', ARGV[6])
return revision
"""


class RedisStateStore:
    """The state of every article in Redis; the same reads as :class:`crawler.state.StateStore`."""

    def __init__(self, url: str) -> None:
        self.redis = connect(url)
        self.redis.ping()
        self._publish = self.redis.register_script(PUBLISH)

    def close(self) -> None:
        self.redis.close()

    def get(self, canonical_url: str) -> ArticleState | None:
        fields = self.redis.hgetall(article_key(canonical_url))
        if not fields:
            return None
        return ArticleState(
            canonical_url=canonical_url,
            outlet=fields["outlet"],
            content_hash=fields["content_hash"],
            revision=int(fields["revision"]),
            first_seen=fields["first_seen"],
            last_seen=fields["last_seen"],
        )

    def publish(self, spider: str, outlet: str, record: dict[str, Any], line: str) -> int:
        """Export *record* (its JSON *line*) unless known unchanged: the revision it gets, or 0."""
        url = record["canonical_url"]
        keys = [article_key(url), outlet_key(outlet), RECORDS_STREAM]
        args = [outlet, url, record["content_hash"], record["crawled_at"], spider, line]
        return int(self._publish(keys=keys, args=args))

    def articles(self, outlet: str) -> list[ArticleState]:
        urls = sorted(self.redis.smembers(outlet_key(outlet)))
        return [state for state in map(self.get, urls) if state is not None]

    def reset(self, outlet: str) -> int:
        """Forget everything about *outlet*: its next round exports every article again."""
        urls = self.redis.smembers(outlet_key(outlet))
        with self.redis.pipeline() as pipe:
            for url in urls:
                pipe.delete(article_key(url))
            pipe.delete(outlet_key(outlet))
            for url in self.redis.smembers(outlet_key(outlet) + ":resources"):
                pipe.delete(resource_key(url))
            pipe.delete(outlet_key(outlet) + ":resources")
            pipe.execute()
        return len(urls)

    # -- feeds and sitemaps: conditional requests ------------------------------------

    def validators(self, url: str) -> tuple[str | None, str | None]:
        etag, modified = self.redis.hmget(resource_key(url), "etag", "last_modified")
        return etag or None, modified or None

    def save_validators(self, outlet: str, validators: dict[str, tuple[str | None, str | None]]) -> None:
        now = utc_now()
        with self.redis.pipeline() as pipe:
            for url, (etag, modified) in validators.items():
                pipe.hset(
                    resource_key(url),
                    mapping={"etag": etag or "", "last_modified": modified or "", "checked_at": now},
                )
                pipe.sadd(outlet_key(outlet) + ":resources", url)
            pipe.execute()

"""What earlier crawls exported: the state store behind "export only what is new".

One SQLite file (``VNNEWS_STATE_PATH``, default ``data/state/state.sqlite3``), no
server, opened for each crawl by :class:`StateExtension` (a Scrapy extension);
spiders, middlewares and pipelines find it with :func:`state_store`.  It keeps,
per canonical URL, the content hash and revision last exported, when the
article was first seen, and when a crawl last fetched it (``last_seen``: it
decides when a known article is fetched again); per feed and sitemap, the
``ETag``/``Last-Modified`` for conditional requests; per export file, whether
the crawl writing it finished (a file left unfinished by a killed crawl is
repaired and reconciled by the next one, see ``pipelines/state.py``).

WAL mode lets readers and one writer work at once, and every write is one short
``BEGIN IMMEDIATE`` transaction, so that several crawls (separate processes, or
the crawlers of ``scrapy crawlall`` in one) share the file; ``busy_timeout``
makes a writer wait for another instead of failing.  ``synchronous=FULL``
because each row stands for a line already fsynced to an export file.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from crawler.health import CrawlSetupError

if TYPE_CHECKING:
    from crawler.redisstate import RedisStateStore

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    canonical_url TEXT PRIMARY KEY,
    outlet TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    revision INTEGER NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_by_outlet ON articles (outlet);
CREATE TABLE IF NOT EXISTS resources (
    url TEXT PRIMARY KEY,
    outlet TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    checked_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS exports (
    path TEXT PRIMARY KEY,
    outlet TEXT NOT NULL,
    pid INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT
);
"""


def utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class ArticleState:
    canonical_url: str
    outlet: str
    content_hash: str
    revision: int
    first_seen: str
    last_seen: str


def process_alive(pid: int) -> bool:
    """Whether process *pid* of this host is running."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


class StateStore:
    """The SQLite state file; open one per crawl (it is not shared between threads)."""

    def __init__(self, path: str | Path, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: no implicit transactions, each write below opens and ends its own.
        self.db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = FULL")
        with self._write():
            for statement in filter(str.strip, _SCHEMA.split(";")):
                self.db.execute(statement)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()

    # -- articles --------------------------------------------------------------------

    def get(self, canonical_url: str) -> ArticleState | None:
        row = self.db.execute("SELECT * FROM articles WHERE canonical_url = ?", (canonical_url,)).fetchone()
        return ArticleState(**dict(row)) if row else None

    def record(self, outlet: str, canonical_url: str, content_hash: str, revision: int, seen_at: str) -> None:
        """Note that *revision* of an article was exported (an older revision never replaces a newer)."""
        self.record_many([(outlet, canonical_url, content_hash, revision, seen_at)])

    def record_many(self, rows: list[tuple[str, str, str, int, str]]) -> None:
        """``record`` for each (outlet, canonical_url, content_hash, revision, seen_at): one transaction."""
        with self._write() as db:
            db.executemany(
                """
                INSERT INTO articles (canonical_url, outlet, content_hash, revision, first_seen, last_seen)
                VALUES (?2, ?1, ?3, ?4, ?5, ?5)
                ON CONFLICT (canonical_url) DO UPDATE SET
                    outlet = excluded.outlet, content_hash = excluded.content_hash,
                    revision = excluded.revision, last_seen = excluded.last_seen
                WHERE excluded.revision >= articles.revision
                """,
                rows,
            )

    def touch(self, canonical_url: str, seen_at: str) -> None:
        """The article was seen again, unchanged."""
        with self._write() as db:
            db.execute("UPDATE articles SET last_seen = ? WHERE canonical_url = ?", (seen_at, canonical_url))

    def articles(self, outlet: str | None = None) -> list[ArticleState]:
        query, args = "SELECT * FROM articles", ()
        if outlet:
            query, args = query + " WHERE outlet = ?", (outlet,)
        return [ArticleState(**dict(row)) for row in self.db.execute(query + " ORDER BY canonical_url", args)]

    def reset(self, outlet: str) -> int:
        """Forget everything about *outlet*: its next crawl exports every article again."""
        with self._write() as db:
            count = db.execute("DELETE FROM articles WHERE outlet = ?", (outlet,)).rowcount
            db.execute("DELETE FROM resources WHERE outlet = ?", (outlet,))
        return count

    # -- feeds and sitemaps: conditional requests ------------------------------------

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """The ``ETag`` and ``Last-Modified`` the server last sent for *url*."""
        row = self.db.execute("SELECT etag, last_modified FROM resources WHERE url = ?", (url,)).fetchone()
        return (row["etag"], row["last_modified"]) if row else (None, None)

    def save_validators(self, outlet: str, validators: dict[str, tuple[str | None, str | None]]) -> None:
        now = utc_now()
        with self._write() as db:
            db.executemany(
                """
                INSERT INTO resources (url, outlet, etag, last_modified, checked_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (url) DO UPDATE SET etag = excluded.etag,
                    last_modified = excluded.last_modified, checked_at = excluded.checked_at
                """,
                [(url, outlet, etag, modified, now) for url, (etag, modified) in validators.items()],
            )

    # -- export files ------------------------------------------------------------------

    def begin_export(self, path: str, outlet: str) -> None:
        with self._write() as db:
            db.execute(
                """
                INSERT INTO exports (path, outlet, pid, started_at, finished_at) VALUES (?, ?, ?, ?, NULL)
                ON CONFLICT (path) DO UPDATE SET outlet = excluded.outlet, pid = excluded.pid,
                    started_at = excluded.started_at, finished_at = NULL
                """,
                (path, outlet, os.getpid(), utc_now()),
            )

    def finish_export(self, path: str) -> None:
        with self._write() as db:
            db.execute("UPDATE exports SET finished_at = ? WHERE path = ?", (utc_now(), path))

    def interrupted_exports(self, outlet: str) -> list[str]:
        """Files of *outlet* whose crawl was killed before it finished them (its process is gone)."""
        rows = self.db.execute(
            "SELECT path, pid FROM exports WHERE outlet = ? AND finished_at IS NULL", (outlet,)
        ).fetchall()
        return [row["path"] for row in rows if row["pid"] != os.getpid() and not process_alive(row["pid"])]


# -- one store per crawl -----------------------------------------------------------------


def state_path(settings: BaseSettings) -> str:
    return (
        settings.get("VNNEWS_STATE_PATH") or f"{settings.get('VNNEWS_DATA_DIR', 'data')}/state/state.sqlite3"
    )


def state_enabled(settings: BaseSettings) -> bool:
    """Whether a crawl with these settings reads and writes the state store: ``VNNEWS_STATE_ENABLED``.

    Unset, it follows the output: a crawl that overwrites its output (``-O``) keeps
    no state, since an overwritten file is a full snapshot and leaving out what an
    earlier run exported would lose it; every other crawl keeps it.
    """
    explicit = settings.get("VNNEWS_STATE_ENABLED")
    if explicit is not None:
        return settings.getbool("VNNEWS_STATE_ENABLED")
    return not any(bool(options.get("overwrite")) for options in settings.getdict("FEEDS").values())


class StateExtension:
    """Opens the crawl's state store when the crawl is set up, and closes it when the engine stops.

    A worker (``VNNEWS_REDIS_URL``) gets the state in Redis (``crawler/redisstate.py``) instead.

    ``EXTENSIONS`` builds it after the spider and before the engine, so that the
    spider's discovery, the middlewares and the pipelines all find the store open.
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.store: StateStore | RedisStateStore | None = None
        url = settings.get("VNNEWS_REDIS_URL")
        if url:
            # A worker: the state is shared in Redis (imported here: only workers load redis).
            import redis

            from crawler.redisstate import RedisStateStore

            try:
                self.store = RedisStateStore(url)
            except redis.RedisError as exc:
                raise CrawlSetupError(f"cannot reach the workers' Redis at {url}: {exc}") from None
        elif state_enabled(settings):
            path = state_path(settings)
            try:
                self.store = StateStore(path, settings.getfloat("VNNEWS_STATE_TIMEOUT", 30.0))
            except (OSError, sqlite3.Error) as exc:
                # Corrupt, unreadable, or in a folder that cannot be made: the user's to fix, in one line.
                cause = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                raise CrawlSetupError(f"cannot open the state store {path}: {cause}") from None
        crawler.signals.connect(self.close, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StateExtension:
        return cls(crawler)

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None


def state_store(crawler: Crawler | Any) -> StateStore | RedisStateStore | None:
    """The crawl's state store; None when the crawl keeps none, or for a spider outside a crawl."""
    if crawler is None:
        return None
    try:
        extension = crawler.get_extension(StateExtension)
    except RuntimeError:  # the crawl has not built its extensions (a spider made by hand)
        return None
    return extension.store if extension is not None else None

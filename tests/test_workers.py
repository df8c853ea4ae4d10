"""Workers sharing one Redis (``VNNEWS_REDIS_URL``) and their one exporter, on a 300-article vtv.vn.

Real processes, as users run them: a redis-server of the test's own on a free
127.0.0.1 port, ``scrapy crawl vtv`` workers and ``scrapy redis-export``
against a mirror served by the test.  The mirror holds its sitemap back until
every worker of the round has joined it, so that the round starts with all of
them; then each takes its share of the queue.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import MIRROR_SPEED, ROOT, run_scrapy
from tests.redis_server import RedisServer, free_port
from tests.scripted_mirror import ScriptedMirror
from tests.sites import build_vtv_archive, serve_quiet_discovery

ARTICLES = 300
# A process started by a test, and the file its output goes to.
Process = tuple[subprocess.Popen[str], Path]
SITEMAP = "vtv.vn/latest-news-sitemap.xml"

pytestmark = pytest.mark.skipif(
    not RedisServer.available(), reason="redis-server is not installed (.ci/run installs it from Debian)"
)


class GatedMirror(ScriptedMirror):
    """The mirror, answering the sitemap only once ``open_gate()`` is called."""

    def __init__(self, delay: float) -> None:
        super().__init__(delay=delay)
        self.gate = threading.Event()
        mirror = self
        base = self.httpd.RequestHandlerClass

        class Handler(base):  # type: ignore[misc, valid-type]
            def do_GET(self) -> None:
                if self.path.lstrip("/") == SITEMAP:
                    mirror.gate.wait(timeout=120)
                super().do_GET()

        self.httpd.RequestHandlerClass = Handler

    def article_hits(self) -> Counter[str]:
        return Counter(hit.key for hit in self.log if re.search(r"-100\d{15}\.htm$", hit.key))


def wait_for(condition, what: str, timeout: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


class Cluster:
    """One Redis, one mirror, and the processes of the rounds run against them."""

    def __init__(self, tmp: Path, redis_server: RedisServer, mirror: GatedMirror) -> None:
        self.tmp = tmp
        self.redis = redis_server
        self.mirror = mirror
        self.data = tmp / "data"
        self.env = {**os.environ, "VNNEWS_DATA_DIR": str(self.data), "VNNEWS_LOG_LEVEL": "INFO"}
        self.logs = 0

    def start(self, *args: str) -> Process:
        self.logs += 1
        log_path = self.tmp / f"process-{self.logs}.log"
        with log_path.open("w") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "scrapy", *args, "-s", f"VNNEWS_REDIS_URL={self.redis.url}"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
            )
        return process, log_path

    def worker(self, *extra: str) -> Process:
        return self.start(
            "crawl", "vtv", "-s", f"VNNEWS_MIRROR={self.mirror.url}", *MIRROR_SPEED,
            "-s", "VNNEWS_REDIS_HEARTBEAT=0.2", *extra,
        )  # fmt: skip

    def exporter(self) -> Process:
        return self.start("redis-export", "--idle-exit", "2")

    def workers_alive(self) -> int:
        return self.redis.client().zcard("vnnews:vtv:workers")

    def round(self, workers: int, *extra: str) -> tuple[list[Process], Process]:
        """Start *workers* workers and the exporter; let discovery through once all are up.

        The exporter is started once the workers have joined: ``--idle-exit`` counts from the
        workers' last heartbeat, or from the exporter's start (started first, it could leave
        before slow start-ups).
        """
        self.mirror.gate.clear()
        started = [self.worker(*extra) for _ in range(workers)]

        def joined() -> bool:
            for process, log in started:
                assert process.poll() is None, log.read_text(encoding="utf-8")[-3000:]
            return self.workers_alive() == workers

        wait_for(joined, f"{workers} workers to join the round")
        exporter = self.exporter()
        wait_for(lambda: self.redis.client().exists("vnnews:exporter") == 1, "the exporter to start")
        self.mirror.gate.set()
        return started, exporter

    def lines(self) -> list[bytes]:
        return [line for f in sorted(self.data.glob("vtv/*.jsonl")) for line in f.read_bytes().splitlines()]


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    with RedisServer(tmp_path / "redis") as redis_server, GatedMirror(delay=0.02) as mirror:
        from crawler.spiders.vtv import VtvSpider

        serve_quiet_discovery(mirror, VtvSpider)
        build_vtv_archive(mirror, ARTICLES)
        yield Cluster(tmp_path, redis_server, mirror)


def finished(process: subprocess.Popen[str], log: Path, timeout: float = 180) -> str:
    process.wait(timeout=timeout)
    text = log.read_text(encoding="utf-8")
    assert process.returncode == 0, text[-3000:]
    assert "Deprecat" not in text, [line for line in text.splitlines() if "Deprecat" in line]
    return text


def stat(log: str, name: str) -> int:
    match = re.search(rf"'{re.escape(name)}': (\d+)", log)
    return int(match.group(1)) if match else 0


def test_three_workers_share_a_round_a_second_round_exports_nothing_a_reset_round_everything(
    cluster: Cluster,
) -> None:
    workers, exporter = cluster.round(3)
    logs = [finished(*w) for w in workers]
    finished(*exporter)

    # Every article fetched once, by the server's log, and exported once.
    hits = cluster.mirror.article_hits()
    assert len(hits) == ARTICLES
    assert set(hits.values()) == {1}
    records = [json.loads(line) for line in cluster.lines()]
    assert len(records) == ARTICLES
    assert len({r["id"] for r in records}) == ARTICLES
    assert {r["revision"] for r in records} == {1}
    assert len(list(cluster.data.glob("vtv/*.jsonl"))) == 1
    # Every worker did part of the work, and together they did all of it.
    shares = [stat(log, "vnnews/workers/published") for log in logs]
    assert all(share > 0 for share in shares), shares
    assert sum(shares) == ARTICLES
    assert sorted(stat(log, "vnnews/workers/started_round") for log in logs) == [0, 0, 1]
    state = cluster.redis.client()
    assert state.scard("vnnews:outlet:vtv.vn:articles") == ARTICLES
    assert state.xlen("vnnews:records") == 0

    # A second round: the feeds and the sitemap are read again, no article is fetched or exported.
    discovery_before = len(cluster.mirror.requests_for("https://vtv.vn/latest-news-sitemap.xml"))
    workers, exporter = cluster.round(2)
    logs = [finished(*w) for w in workers]
    finished(*exporter)
    assert len(cluster.mirror.requests_for("https://vtv.vn/latest-news-sitemap.xml")) == discovery_before + 1
    assert sum(cluster.mirror.article_hits().values()) == ARTICLES
    assert len(cluster.lines()) == ARTICLES
    # Each link found and not fetched: the 300 of the sitemap, and the 20 of the feed again.
    assert sum(stat(log, "vnnews/discovery/known_unchanged") for log in logs) == ARTICLES + 20
    assert [stat(log, "vnnews/workers/round") for log in logs] == [2, 2]

    # A third round told to forget the outlet: the worker that starts the round forgets it, before any
    # fetch; the one that joins does not forget again what the round has exported.
    workers, exporter = cluster.round(2, "-a", "reset_state=1")
    logs = [finished(*w) for w in workers]
    finished(*exporter)
    assert set(cluster.mirror.article_hits().values()) == {2}
    assert sum("State of vtv.vn reset: 300 articles forgotten" in log for log in logs) == 1
    records = [json.loads(line) for line in cluster.lines()]
    assert len(records) == 2 * ARTICLES
    assert Counter(r["id"] for r in records) == {r["id"]: 2 for r in records}
    assert {r["revision"] for r in records} == {1}


def test_a_worker_and_the_exporter_killed_then_another_round_export_every_article_once(
    cluster: Cluster,
) -> None:
    workers, (exporter, _) = cluster.round(3)
    wait_for(lambda: len(cluster.lines()) >= 60, "the exporter to write 60 lines")
    victim, _ = workers[0]
    victim.send_signal(signal.SIGKILL)
    exporter.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    exporter.wait(timeout=30)
    for worker in workers[1:]:
        finished(*worker)
    files = sorted(cluster.data.glob("vtv/*.jsonl"))
    assert len(files) == 1
    written_before = len(cluster.lines())
    assert 60 <= written_before < ARTICLES, "the round must be cut short"
    # The worst moment of a kill, made certain: a line half-written.
    with files[0].open("ab") as file:
        file.write(b'{"schema_version": 2, "id": "0123456789abcdef", "url": "https://vtv.vn/bai-viet-th')

    # The next round fetches what the killed worker had in hand; the exporter resumes the stream.
    workers, exporter = cluster.round(3)
    for worker in workers:
        finished(*worker)
    finished(*exporter)
    raw = b"".join(f.read_bytes() for f in sorted(cluster.data.glob("vtv/*.jsonl")))
    assert raw.endswith(b"\n")
    records = [json.loads(line) for line in raw.splitlines()]
    ids = Counter(r["id"] for r in records)
    assert len(ids) == ARTICLES
    assert set(ids.values()) == {1}
    assert cluster.redis.client().xlen("vnnews:records") == 0
    assert cluster.redis.client().scard("vnnews:outlet:vtv.vn:articles") == ARTICLES


def test_a_worker_refuses_output_files_and_names_an_unreachable_redis(tmp_path: Path) -> None:
    closed_port = free_port()
    url = f"redis://127.0.0.1:{closed_port}/0"
    unreachable = f"cannot reach the workers' Redis at {url}: Error 111 connecting to 127.0.0.1:{closed_port}"
    result = run_scrapy("crawl", "vtv", "-s", f"VNNEWS_REDIS_URL={url}", "-o", str(tmp_path / "out.jsonl"))
    assert result.returncode == 2
    refused = "a worker (VNNEWS_REDIS_URL) writes no file, `scrapy redis-export` does: drop -o/-O"
    assert refused in result.stderr
    assert not (tmp_path / "out.jsonl").exists()
    result = run_scrapy("crawlall", "-s", f"VNNEWS_REDIS_URL={url}")
    assert result.returncode == 2
    assert unreachable in result.stderr
    result = run_scrapy("redis-export", "-s", f"VNNEWS_REDIS_URL={url}")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith(f"vnnews: {unreachable}")


def test_an_exporter_resumes_what_a_killed_one_read_without_a_duplicate_or_a_loss(tmp_path: Path) -> None:
    """The worst moment of an exporter's kill, made certain: lines written, not yet acknowledged."""
    from pipelines.export import record_line
    from pipelines.redis_export import FILES, GROUP, LOCK, StreamExporter

    def record(n: int) -> dict[str, object]:
        return {"id": f"id-{n}", "canonical_url": f"https://vtv.vn/a-{n}.htm", "title": f"Bài số {n}"}

    with RedisServer(tmp_path / "redis") as redis_server:
        client = redis_server.client()
        client.xgroup_create("vnnews:records", GROUP, id="0", mkstream=True)
        ids = [
            client.xadd("vnnews:records", {"spider": "vtv", "revision": 1, "record": json.dumps(record(n))})
            for n in range(1, 6)
        ]
        # The killed exporter had read all five, written and acknowledged the first, written the next two
        # and half of the fourth line when it was killed.
        client.xreadgroup(GROUP, "exporter", {"vnnews:records": ">"}, count=10)
        client.xack("vnnews:records", GROUP, ids[0])
        client.xdel("vnnews:records", ids[0])
        export = tmp_path / "data" / "vtv" / "2026-12-05T07-00-00+00-00.jsonl"
        export.parent.mkdir(parents=True)
        lines = [record_line({**record(n), "revision": 1}) for n in range(1, 4)]
        export.write_text("\n".join(lines) + "\n" + lines[0][:30], encoding="utf-8")
        client.hset(FILES, "vtv", str(export))
        gone = subprocess.Popen(["true"])  # a process of this host that is gone
        gone.wait()
        client.set(LOCK, f"{socket.gethostname()}:{gone.pid}")
        # Records sent since, by workers still running.
        for n in (6, 7):
            client.xadd("vnnews:records", {"spider": "vtv", "revision": 2, "record": json.dumps(record(n))})

        exporter = StreamExporter(
            redis_server.url, str(tmp_path / "data" / "%(name)s" / "%(time)s.jsonl"), idle_exit=0, block_ms=50
        )
        assert exporter.run() == 4

        assert [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()] == [
            {**record(n), "revision": 1 if n <= 5 else 2} for n in range(1, 8)
        ]
        assert list((tmp_path / "data" / "vtv").iterdir()) == [export]
        assert client.xlen("vnnews:records") == 0
        assert client.xpending("vnnews:records", GROUP)["pending"] == 0
        assert client.exists(FILES, LOCK) == 0


def test_the_redis_url_alone_turns_a_crawl_into_a_worker() -> None:
    from scrapy.utils.project import get_project_settings

    from crawler.spiders.vtv import VtvSpider

    alone = get_project_settings()
    alone.set("VNNEWS_JOBS_DIR", "data/jobs")
    VtvSpider.update_settings(alone)
    assert (alone["SCHEDULER"], alone["JOBDIR"], alone.get("REDIS_URL")) == (
        "crawler.jobdir.ResumableScheduler",
        "data/jobs/vtv",
        None,
    )
    worker = get_project_settings()
    worker.set("VNNEWS_REDIS_URL", "redis://10.0.0.5:6379/2", priority="cmdline")
    worker.set("VNNEWS_HEALTH_MIN_RECORDS", 3, priority="cmdline")
    VtvSpider.update_settings(worker)
    assert {
        name: worker[name]
        for name in (
            "SCHEDULER",
            "DUPEFILTER_CLASS",
            "SCHEDULER_QUEUE_KEY",
            "SCHEDULER_PERSIST",
            "SCHEDULER_IDLE_BEFORE_CLOSE",
            "REDIS_URL",
            "VNNEWS_HEALTH_MIN_RECORDS",
        )
    } == {
        "SCHEDULER": "crawler.workers.WorkerScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_KEY": "vnnews:%(spider)s:requests",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_IDLE_BEFORE_CLOSE": 0,
        "REDIS_URL": "redis://10.0.0.5:6379/2",
        "VNNEWS_HEALTH_MIN_RECORDS": 3,  # -s still wins
    }

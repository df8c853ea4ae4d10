"""Scaling out: k = 1, 2, 4… workers (`scrapy crawl vtv`, VNNEWS_REDIS_URL) on one Redis, up to the cores.

The generated vtv.vn of bench/sitegen.py, served by bench/server.py; a
redis-server of its own on a free 127.0.0.1 port (tests/redis_server.py), fresh
for every round; `scrapy redis-export` writing the files beside the workers.
Delays and AutoThrottle off, as in throughput.py.  A round's pages/s is its
articles over the time from the first record reaching Redis to the last (the
workers' start-up left out), polled every 20 ms.  Efficiency: pages/s ÷ (k × one
worker's pages/s).  The server, Redis and the exporter share the cores with the
workers, as they would on one machine.  The workers' CPU time per page depends
far less than pages/s on what else the machine runs: flat over k, the workers
cost each other nothing but the cores.

    python bench/scale.py [--articles 2000] [--runs 3] [--quick] [--max-workers K]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from common import ROOT, Targets, header, median, table
from sitegen import CRAWL_SETTINGS, Server, build_site

from crawler.workers import LAST_HEARTBEAT
from tests.redis_server import RedisServer

TARGET_EFFICIENCY = 0.8


def worker_counts(cores: int) -> list[int]:
    counts, k = [], 1
    while k <= cores:
        counts.append(k)
        k *= 2
    return counts


def scrapy(
    args: list[str], settings: dict[str, str], log: Path, env: dict[str, str]
) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "scrapy", *args]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    with log.open("w") as out:
        return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=out, env=env)


@dataclass
class Round:
    pages_per_second: float  # articles over the time from the first record in Redis to the last
    exported: int  # lines the exporter wrote
    worker_cpu_ms_per_page: float  # the workers' CPU time (user + system) over the articles


def round_of(k: int, articles: int, server: Server, work: Path) -> Round:
    """One round of *k* workers and the exporter, against a fresh Redis."""
    work.mkdir(parents=True)
    env = {key: v for key, v in os.environ.items() if key not in ("VNNEWS_LOG_LEVEL", "VNNEWS_MIRROR")}
    env["VNNEWS_DATA_DIR"] = str(work / "data")
    with RedisServer(work / "redis") as redis_server:
        settings = {**CRAWL_SETTINGS, "VNNEWS_MIRROR": server.url, "VNNEWS_REDIS_URL": redis_server.url}
        workers = [scrapy(["crawl", "vtv"], settings, work / f"worker-{n}.log", env) for n in range(k)]
        running = {w.pid: w for w in workers}
        cpu = 0.0
        client = redis_server.client()
        exporter = None
        first = last = 0.0
        done = 0
        while running:
            if exporter is None and client.exists(LAST_HEARTBEAT):
                # Started once a worker beats: --idle-exit counts from the last heartbeat, not start-ups.
                exporter = scrapy(["redis-export", "--idle-exit", "2"], settings, work / "exporter.log", env)
            done = client.scard("vnnews:outlet:vtv.vn:articles")
            now = time.perf_counter()
            if done and not first:
                first = now
            if done == articles and not last:
                last = now
            for pid in list(running):
                # wait4 rather than poll(): it also gives the worker's CPU time.
                ended, status, usage = os.wait4(pid, os.WNOHANG)
                if ended:
                    running.pop(pid).returncode = os.waitstatus_to_exitcode(status)
                    cpu += usage.ru_utime + usage.ru_stime
            time.sleep(0.02)
        if exporter is None:
            exporter = scrapy(["redis-export", "--idle-exit", "2"], settings, work / "exporter.log", env)
        exporter.wait(timeout=120)
        failed = [n for n, w in enumerate(workers) if w.returncode != 0]
        if failed or exporter.returncode != 0:
            print(f"k={k}: workers {failed} or the exporter failed; logs in {work}", file=sys.stderr)
        last = last or time.perf_counter()
        exported = sum(f.read_bytes().count(b"\n") for f in (work / "data").glob("vtv/*.jsonl"))
    pages_per_second = done / (last - first) if last > first else 0.0
    return Round(pages_per_second, exported, 1000 * cpu / max(done, 1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3, help="rounds of each k (median taken)")
    parser.add_argument("--quick", action="store_true", help="one round of each k, 600 articles")
    parser.add_argument("--max-workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    articles = 600 if args.quick else args.articles
    if not RedisServer.available():
        print("redis-server is not installed (apt-get install redis-server)", file=sys.stderr)
        return 1
    counts = worker_counts(args.max_workers)

    header(f"Scaling out: {articles} articles, k = {', '.join(map(str, counts))} workers, median of {runs}")
    site = build_site(articles)
    work = Path(tempfile.mkdtemp(prefix="vnnews-bench-scale-"))
    results: dict[int, list[Round]] = {k: [] for k in counts}
    try:
        with Server(site.root) as server:
            for n in range(runs):
                order = counts if n % 2 == 0 else counts[::-1]
                for k in order:
                    results[k].append(round_of(k, articles, server, work / f"k{k}-run{n}"))
    finally:
        site.remove()
        shutil.rmtree(work, ignore_errors=True)

    one = median(r.pages_per_second for r in results[1])
    rows = []
    efficiency = {}
    for k in counts:
        pps = median(r.pages_per_second for r in results[k])
        efficiency[k] = pps / (k * one) if one else 0.0
        cpu = median(r.worker_cpu_ms_per_page for r in results[k])
        rows.append((k, pps, efficiency[k], cpu, min(r.exported for r in results[k])))
    table(["workers", "pages/s", "efficiency", "worker CPU ms/page", "fewest records exported"], rows)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"the machine's load average (1, 5, 15 min) at the end: {load}")
    targets = Targets()
    exported = [r.exported for k in counts for r in results[k]]
    targets.check("every article exported once in every round", set(exported) == {articles}, f"{exported}")
    worst = min(efficiency.values())
    goal = f"efficiency ≥ {TARGET_EFFICIENCY} up to {counts[-1]} workers"
    targets.check(goal, worst >= TARGET_EFFICIENCY, f"{worst:.2f}")
    return targets.report()


if __name__ == "__main__":
    sys.exit(main())

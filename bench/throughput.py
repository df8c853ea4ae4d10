"""Crawl throughput: `scrapy crawl vtv` end to end into JSONL against a bare spider on the same pages.

A generated vtv.vn (bench/sitegen.py: real-size article pages, feeds, a sitemap,
paged listings, robots.txt) is served from /tmp by bench/server.py in a process
of its own.  Every crawl runs with the project's settings, AutoThrottle and
delays off, robots.txt obeyed; the bare spider (bench/bare_spider.py) fetches
the same URLs and yields nothing.  Each run crawls both, each run in another
order; figures are medians.  The server's CPU time during each crawl shows
whether it could be the bottleneck.

Unthrottled, the crawl is bound by the CPU that parses and cleans each page in
the crawl's process.  A real crawl is polite: its default settings fetch at most
CONCURRENT_REQUESTS_PER_DOMAIN (4) pages per DOWNLOAD_DELAY (0.25 s) from an
outlet, 16 pages/s, so the figure that matters is the headroom over that.

    python bench/throughput.py [--articles 2000] [--runs 3] [--quick] [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from pathlib import Path

from common import Targets, header, median, table
from sitegen import Crawl, Server, Site, bare_crawl, build_site, vtv_crawl

# The most one outlet is asked for under the default politeness: 4 requests per 0.25 s.
POLITE_PAGES_PER_SECOND = 4 / 0.25
TARGET_HEADROOM = 4.0


def server_capacity(site: Site, server: Server, concurrency: int = 16) -> float:
    """Pages per second the server gives a plain aiohttp client fetching every page (a lower bound)."""
    import aiohttp
    from sitegen import HOST

    paths = [u.split("://", 1)[1] for u in site.urls if HOST in u]

    async def fetch_all() -> float:
        queue: asyncio.Queue[str] = asyncio.Queue()
        for p in paths:
            queue.put_nowait(p)
        async with aiohttp.ClientSession() as session:

            async def worker() -> None:
                while not queue.empty():
                    async with session.get(f"{server.url}/{queue.get_nowait()}") as response:
                        await response.read()

            start = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            return len(paths) / (time.perf_counter() - start)

    return asyncio.run(fetch_all())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3, help="crawls of each side (median taken)")
    parser.add_argument("--quick", action="store_true", help="one run of each side")
    parser.add_argument("--keep", action="store_true", help="keep the generated site and outputs under /tmp")
    parser.add_argument(
        "-s",
        dest="settings",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a Scrapy setting for both crawls",
    )
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    settings = dict(s.split("=", 1) for s in args.settings)

    header(f"Crawl throughput: {args.articles} articles, median of {runs} runs")
    started = time.perf_counter()
    site = build_site(args.articles)
    pages = len(site.urls)
    average_kb = site.article_bytes / args.articles / 1024
    print(
        f"site: {pages} pages ({args.articles} articles of {average_kb:.0f} KB on average, feeds, sitemap, "
        f"listings) written in {time.perf_counter() - started:.0f} s under {site.root}"
    )
    out_dir = Path(tempfile.mkdtemp(prefix="vnnews-bench-out-"))
    results: dict[str, list[Crawl]] = {"vtv": [], "bare": []}
    try:
        with Server(site.root) as server:
            capacity = server_capacity(site, server)
            run_side = {
                "vtv": lambda out: vtv_crawl(server, out, settings),
                "bare": lambda out: bare_crawl(site, server, out, settings),
            }
            for n in range(runs):
                sides = ["bare", "vtv"]
                for side in sides[n % 2 :] + sides[: n % 2]:
                    crawl = run_side[side](out_dir / f"{side}-{n}.jsonl")
                    if crawl.returncode != 0 or crawl.responses < pages:
                        print(
                            f"{side} crawl {n}: exit {crawl.returncode}, {crawl.responses} responses "
                            f"of {pages}\n{crawl.stderr_tail}",
                            file=sys.stderr,
                        )
                    results[side].append(crawl)
    finally:
        if not args.keep:
            site.remove()
            shutil.rmtree(out_dir, ignore_errors=True)

    rows = []
    pps = {}
    labels = {
        "bare": "bare spider (fetch only)",
        "vtv": "scrapy crawl vtv → JSONL",
    }
    for side, label in labels.items():
        crawls = results[side]
        pps[side] = median(c.pages_per_second for c in crawls)
        elapsed = median(c.elapsed for c in crawls)
        rows.append(
            (
                label,
                median(c.responses for c in crawls),
                median(c.items for c in crawls),
                elapsed,
                median(c.wall for c in crawls),
                pps[side],
                median(100 * c.server_cpu / c.elapsed for c in crawls if c.elapsed),
                median(c.peak_rss_mb for c in crawls),
            )
        )
    table(
        [
            "crawl",
            "responses",
            "records",
            "crawl s",
            "process s",
            "pages/s",
            "server CPU %",
            "peak RSS MB",
        ],
        rows,
    )
    share = pps["vtv"] / pps["bare"]
    headroom = pps["vtv"] / POLITE_PAGES_PER_SECOND
    print(f"the server alone answers {capacity:.0f} pages/s to a plain aiohttp client (16 at a time)")
    print(f"full pipeline keeps {100 * share:.0f} % of the bare spider's pages per second")
    polite = f"{POLITE_PAGES_PER_SECOND:.0f} pages/s"
    print(f"full pipeline: {headroom:.1f}× the {polite} a polite crawl asks of one outlet")
    print()
    targets = Targets()
    exported = [c.items for c in results["vtv"]]
    targets.check(
        "every article exported", all(n == args.articles for n in exported), f"{exported} of {args.articles}"
    )
    targets.check(
        f"full pipeline ≥ {TARGET_HEADROOM:.0f}× a polite crawl's pages/s",
        headroom >= TARGET_HEADROOM,
        f"{headroom:.1f}×",
    )
    return targets.report()


if __name__ == "__main__":
    sys.exit(main())

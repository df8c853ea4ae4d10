"""Memory and scale: peak RSS of `scrapy crawl vtv` over 2,000 and 20,000 mirrored articles.

The same generated vtv.vn as bench/throughput.py (one site of the largest size;
the smaller crawl reads a sitemap of its first articles only), served by
bench/server.py in its own process.  Peak RSS is the crawl process's own
(``wait4``); the curve is sampled every half second.  Figures are medians
of ``--runs`` crawls.  ``--quick``: one run each, pages of 20–40 KB (the crawl's
memory does not hold pages, so their size matters little; say so when quoting).

    python bench/memory.py [--sizes 2000,20000] [--runs 3] [--kb 100,300] [--quick] [--keep]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from common import Targets, header, median, table
from sitegen import HOST, Crawl, Server, build_site, path_of, vtv_crawl

TARGET_MB = 300


def limit_sitemap(root: Path, articles: list[str], count: int) -> None:
    """Make the site list only its first *count* articles (feeds and listings only name early ones)."""
    from tests.sites import sitemap

    path_of(root, f"https://{HOST}/latest-news-sitemap.xml").write_text(
        sitemap(articles[:count]), encoding="utf-8"
    )


def curve(crawl: Crawl, points: int = 6) -> str:
    samples = crawl.rss_samples
    if not samples:
        return "-"
    picks = [
        samples[min(len(samples) - 1, round(i * (len(samples) - 1) / (points - 1)))] for i in range(points)
    ]
    return " ".join(f"{mb:.0f}" for _, mb in picks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2000,20000", help="article counts to crawl")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--kb", default="100,300", help="article page size range, KB")
    parser.add_argument("--quick", action="store_true", help="one run each, pages of 20-40 KB")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    runs = 1 if args.quick else args.runs
    lo, hi = (20, 40) if args.quick else (int(k) for k in args.kb.split(","))

    header(
        f"Memory: crawls of {', '.join(f'{s:,}' for s in sizes)} articles of {lo}-{hi} KB, "
        f"median of {runs} runs"
    )
    started = time.perf_counter()
    site = build_site(max(sizes), kb=(lo, hi))
    print(
        f"site: {max(sizes):,} articles, {site.article_bytes / 2**30:.1f} GB, written in "
        f"{time.perf_counter() - started:.0f} s under {site.root}"
    )
    out_dir = Path(tempfile.mkdtemp(prefix="vnnews-bench-out-"))
    results: dict[int, list[Crawl]] = {}
    try:
        with Server(site.root) as server:
            for size in sizes:
                limit_sitemap(site.root, site.articles, size)
                results[size] = []
                for n in range(runs):
                    out = out_dir / f"vtv-{size}-{n}.jsonl"
                    crawl = vtv_crawl(server, out)
                    results[size].append(crawl)
                    if crawl.returncode != 0 or crawl.items != size:
                        print(
                            f"crawl of {size}: exit {crawl.returncode}, {crawl.items} records\n"
                            f"{crawl.stderr_tail}",
                            file=sys.stderr,
                        )
                    out.unlink(missing_ok=True)
    finally:
        if not args.keep:
            site.remove()
            shutil.rmtree(out_dir, ignore_errors=True)

    rows = []
    peaks = {}
    for size in sizes:
        crawls = results[size]
        peaks[size] = median(c.peak_rss_mb for c in crawls)
        rows.append(
            (
                f"{size:,}",
                median(c.items for c in crawls),
                median(c.elapsed for c in crawls),
                median(c.pages_per_second for c in crawls),
                peaks[size],
                curve(crawls[0]),
            )
        )
    table(
        [
            "articles",
            "records",
            "crawl s",
            "pages/s",
            "peak RSS MB",
            "RSS over the crawl MB (first run)",
        ],
        rows,
    )
    small, large = sizes[0], sizes[-1]
    growth = (peaks[large] - peaks[small]) / (large - small) * 1000 if large > small else 0.0
    print(
        f"{large / small:.0f}× the articles, {peaks[large] / peaks[small]:.2f}× the peak RSS "
        f"({growth:.1f} MB more per 1,000 articles)"
    )
    print()
    targets = Targets()
    targets.check(
        f"peak RSS < {TARGET_MB} MB at {large:,}", peaks[large] < TARGET_MB, f"{peaks[large]:.0f} MB"
    )
    targets.check(
        "RSS grows far slower than the page count",
        peaks[large] / peaks[small] < (large / small) / 4,
        f"{peaks[large] / peaks[small]:.2f}× for {large / small:.0f}× the articles",
    )
    complete = all(c.items == size for size in sizes for c in results[size])
    targets.check(
        "every article exported",
        complete,
        "; ".join(f"{size:,}: {[c.items for c in results[size]]}" for size in sizes),
    )
    return targets.report()


if __name__ == "__main__":
    sys.exit(main())

"""Extraction: this project's article path against trafilatura, newspaper4k and a bare lxml parse.

For every real article page in ../shared/corpus (the pages bench/expected.json
describes) and every fixture page with its ``.expected.json``, four things are
timed on the same bytes in this one process:

* ours: ``HtmlResponse`` → ``ArticlePage.draft()`` → every item pipeline →
  ``record_line`` (the JSONL line), as a crawl runs them;
* trafilatura: ``bare_extraction(..., with_metadata=True)``, asked for the
  time of day too so that its dates can agree to the minute;
* newspaper4k: ``newspaper.article(url, input_html=..., language="vi")``;
* lxml: ``lxml.html.fromstring`` of the bytes, the floor no extractor beats.

In each run every side reads all the pages, one after another, as a crawl
does (garbage collection on, as in a crawl; a full collection before each
side's turn); the sides take turns going first.  ``--cold`` times each page
alone instead, right after a full collection, the three sides in turn on each
page: caches are then cold, which costs a long Python path such as ours more
than a parse in C.  Each figure is the median of ``--runs`` runs.  Then both
tools' records are compared with the expected ones: title, published_at to the
minute, authors, body token F1, and (ours) no boilerplate string of the page in
the body.  The targets hold over the real pages of the corpus.  ``--profile`` profiles our path with
pyinstrument instead.

    python bench/extraction.py [--runs 21] [--quick] [--cold] [--profile]
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import sys
import time
import unicodedata
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from common import BENCH, CORPUS, FIXTURES, Targets, header, median, table

VN = timezone(timedelta(hours=7))
# htmldate gives the time of day only when the output format asks for it.
TRAFILATURA_DATES = {"original_date": True, "extensive_search": True, "outputformat": "%Y-%m-%d %H:%M"}
TARGET_VS_TRAFILATURA = 4.0


@dataclass
class Page:
    name: str
    path: Path
    url: str
    expected: dict[str, Any]
    body: bytes = b""
    times: dict[str, list[float]] = field(
        default_factory=lambda: {"ours": [], "trafilatura": [], "newspaper4k": [], "lxml": []}
    )


def pages() -> list[Page]:
    found = []
    expected = json.loads((BENCH / "expected.json").read_text(encoding="utf-8"))["pages"]
    if not CORPUS.exists():
        print(f"note: {CORPUS} is not here; only the fixture pages are measured", file=sys.stderr)
    for name, record in expected.items():
        path = CORPUS / name
        if path.exists():
            found.append(Page(name, path, record["url"], record))
    for path in sorted(FIXTURES.glob("*/*.html")):
        expected_path = path.with_suffix(".expected.json")
        if expected_path.exists():
            record = json.loads(expected_path.read_text(encoding="utf-8"))
            found.append(Page(f"fixture {path.parent.name}/{path.stem}", path, record["url"], record))
    for page in found:
        page.body = page.path.read_bytes()
    return found


# -- the three sides ------------------------------------------------------------------


class Ours:
    """The crawl's article path, from the response's bytes to the exported line."""

    def __init__(self) -> None:
        from scrapy.http import HtmlResponse
        from scrapy.utils.project import get_project_settings

        from crawler.extraction import ArticlePage
        from crawler.offline import OfflineExtractor
        from pipelines.export import record_line

        self.HtmlResponse, self.ArticlePage, self.record_line = HtmlResponse, ArticlePage, record_line
        self.offline = OfflineExtractor(get_project_settings())
        self.dedupe = [s for s in self.offline.pipelines.steps if hasattr(s, "seen_urls")]

    def prepare(self, page: Page) -> Callable[[], dict[str, Any]]:
        spider = self.offline.spider_for(page.url)  # once per outlet in a crawl: not timed

        def run() -> dict[str, Any]:
            response = self.HtmlResponse(url=page.url, body=page.body)
            try:
                draft = self.ArticlePage.from_response(response, spider).draft()
                record = self.offline.pipelines.run(draft, spider)
            except Exception as refused:  # "not an article", a drop: no record, every field wrong
                return {"error": str(refused)}
            self.record_line(record)
            return record

        return run

    def forget(self) -> None:
        """The same page again is not a duplicate: each run starts a new crawl's dedupe."""
        for step in self.dedupe:
            step.seen_urls.clear()
            step.seen_content.clear()


def trafilatura_run(page: Page) -> Callable[[], Any]:
    import trafilatura

    def run() -> Any:
        return trafilatura.bare_extraction(
            page.body, url=page.url, with_metadata=True, date_extraction_params=dict(TRAFILATURA_DATES)
        )

    return run


def newspaper_run(page: Page) -> Callable[[], Any]:
    import newspaper

    text = page.body.decode("utf-8", errors="replace")
    return lambda: newspaper.article(page.url, input_html=text, language="vi", fetch_images=False)


def lxml_run(page: Page) -> Callable[[], Any]:
    from lxml import html

    return lambda: html.fromstring(page.body)


# -- agreement ------------------------------------------------------------------------

TOKEN = re.compile(r"\w+")


def norm(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def token_f1(got: str | None, want: str | None) -> float:
    a = Counter(TOKEN.findall(norm(got).casefold()))
    b = Counter(TOKEN.findall(norm(want).casefold()))
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def minute(value: str | None) -> datetime | None:
    """A date string as an aware datetime to the minute (Vietnam time when it names no zone)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace(" ", "T"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=VN)
    return parsed.replace(second=0, microsecond=0)


def same_authors(got: list[str], want: list[str]) -> bool:
    return sorted(norm(a).casefold() for a in got) == sorted(norm(a).casefold() for a in want)


def agreement(record: dict[str, Any], expected: dict[str, Any]) -> dict[str, float]:
    got_date, want_date = minute(record.get("published_at")), minute(expected.get("published_at"))
    return {
        "title": float(norm(record.get("title")) == norm(expected.get("title"))),
        "published_at": float(got_date is not None and got_date == want_date),
        "published day": float(
            got_date is not None and want_date is not None and got_date.date() == want_date.date()
        ),
        "authors": float(same_authors(record.get("authors") or [], expected.get("authors") or [])),
        "body F1": token_f1(record.get("body"), expected.get("body")),
        "no boilerplate": float(
            not any(b in (record.get("body") or "") for b in expected.get("boilerplate", []))
        ),
    }


def newspaper_record(article: Any) -> dict[str, Any]:
    if article is None:
        return {}
    date = article.publish_date.isoformat() if article.publish_date else None
    return {"title": article.title, "published_at": date, "authors": article.authors, "body": article.text}


def trafilatura_record(doc: Any) -> dict[str, Any]:
    if doc is None:
        return {}
    authors = [a.strip() for a in re.split(r"[;,]", doc.author or "") if a.strip()]
    return {"title": doc.title, "published_at": doc.date, "authors": authors, "body": doc.text}


# -- the run --------------------------------------------------------------------------


def measure(
    all_pages: list[Page], runs: int, cold: bool = False
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    ours = Ours()
    sides = {
        page.name: {
            "ours": ours.prepare(page),
            "trafilatura": trafilatura_run(page),
            "newspaper4k": newspaper_run(page),
            "lxml": lxml_run(page),
        }
        for page in all_pages
    }
    # One untimed run each: imports, caches and lazy loading are start-up, not per-page cost.
    results: dict[str, dict[str, Any]] = {}
    for page in all_pages:
        ours.forget()
        results[page.name] = {side: run() for side, run in sides[page.name].items()}
    order = ["ours", "trafilatura", "newspaper4k", "lxml"]
    for n in range(runs):
        # Rotate which side goes first, so that none always runs on a warm (or cold) cache.
        rotated = order[n % len(order) :] + order[: n % len(order)]
        if cold:
            for page in all_pages:
                for side in rotated:
                    ours.forget()
                    gc.collect()
                    start = time.perf_counter()
                    sides[page.name][side]()
                    page.times[side].append(time.perf_counter() - start)
            continue
        for side in rotated:
            gc.collect()
            for page in all_pages:
                ours.forget()
                start = time.perf_counter()
                sides[page.name][side]()
                page.times[side].append(time.perf_counter() - start)
    agree = {
        page.name: {
            "ours": agreement(results[page.name]["ours"], page.expected),
            "trafilatura": agreement(trafilatura_record(results[page.name]["trafilatura"]), page.expected),
            "newspaper4k": agreement(newspaper_record(results[page.name]["newspaper4k"]), page.expected),
        }
        for page in all_pages
    }
    return {p.name: {side: median(ts) for side, ts in p.times.items()} for p in all_pages}, agree


def profile(all_pages: list[Page], seconds: float) -> None:
    from pyinstrument import Profiler

    ours = Ours()
    runs = [ours.prepare(page) for page in all_pages]
    for run in runs:
        ours.forget()
        run()
    profiler = Profiler(interval=0.0002)
    profiler.start()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        for run in runs:
            ours.forget()
            run()
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=21, help="timed runs per page and side (median taken)")
    parser.add_argument("--quick", action="store_true", help="5 runs")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="time each page alone, right after a full garbage collection (caches cold), the sides in turn",
    )
    parser.add_argument(
        "--profile",
        type=float,
        nargs="?",
        const=10.0,
        metavar="SECONDS",
        help="profile our path with pyinstrument instead of comparing",
    )
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    all_pages = pages()
    if args.profile:
        profile(all_pages, args.profile)
        return 0
    runs = 5 if args.quick else args.runs
    how = "each page alone after a full garbage collection" if args.cold else "page after page, as a crawl"
    header(f"Extraction: {len(all_pages)} article pages, median of {runs} runs, {how}")
    times, agree = measure(all_pages, runs, cold=args.cold)

    sides = ("ours", "trafilatura", "newspaper4k", "lxml")

    def row(name: str, group: list[Page]) -> tuple[object, ...]:
        t = {side: sum(times[p.name][side] for p in group) for side in sides}
        kb = sum(len(p.body) for p in group) // 1024
        return (name, kb, t["ours"] * 1e3, t["trafilatura"] * 1e3, t["newspaper4k"] * 1e3, t["lxml"] * 1e3,
                t["trafilatura"] / t["ours"], t["ours"] / t["lxml"])  # fmt: skip

    rows = [row(page.name, [page]) for page in all_pages]
    real = [p for p in all_pages if not p.name.startswith("fixture")]
    if real:
        rows.append(row(f"real pages ({len(real)})", real))
        rows.append(row(f"fixtures ({len(all_pages) - len(real)})", [p for p in all_pages if p not in real]))
    rows.append(row("all pages", all_pages))
    total = {side: sum(t[side] for t in times.values()) for side in sides}
    table(
        ["page", "KB", "ours ms", "trafilatura ms", "newspaper4k ms", "lxml parse ms", "speed vs trafilatura",
         "ours / parse"],
        rows,
    )  # fmt: skip
    pps = {side: len(all_pages) / total[side] for side in total}
    print(
        f"pages per second: ours {pps['ours']:.0f}, trafilatura {pps['trafilatura']:.0f}, "
        f"newspaper4k {pps['newspaper4k']:.0f}, bare lxml parse {pps['lxml']:.0f}"
    )
    print()

    tools = ("ours", "trafilatura", "newspaper4k")
    fields = ["title", "published_at", "authors", "body F1", "no boilerplate"]
    agree_rows = []
    for page in all_pages:
        a = agree[page.name]
        agree_rows.append((page.name, *(" / ".join(f"{a[t][f]:.2f}" for t in tools) for f in fields)))
    group = real or all_pages
    mean = {
        tool: {f: sum(agree[p.name][tool][f] for p in group) / len(group) for f in fields} for tool in tools
    }
    agree_rows.append(
        (
            f"mean of {len(group)} real pages",
            *(" / ".join(f"{mean[t][f]:.3f}" for t in tools) for f in fields),
        )
    )
    print(
        "Agreement with the expected records (ours / trafilatura / newspaper4k; 1 = agrees, body: token F1):"
    )
    table(["page", *fields], agree_rows)

    targets = Targets()
    count = len(group)

    def every(tool: str, f: str, floor: float = 1.0) -> int:
        return sum(agree[p.name][tool][f] >= floor for p in group)

    targets.check(
        "title right on every real page", every("ours", "title") == count, f"{every('ours', 'title')}/{count}"
    )
    targets.check(
        "published_at right to the minute on every real page",
        every("ours", "published_at") == count,
        f"{every('ours', 'published_at')}/{count}",
    )
    targets.check(
        "authors right on at least 90 % of real pages",
        every("ours", "authors") >= 0.9 * count,
        f"{every('ours', 'authors')}/{count}",
    )
    targets.check(
        "body token F1 ≥ 0.97 on every real page",
        every("ours", "body F1", 0.97) == count,
        f"{every('ours', 'body F1', 0.97)}/{count}",
    )
    targets.check(
        "mean body F1 above trafilatura's and newspaper4k's",
        mean["ours"]["body F1"] > max(mean["trafilatura"]["body F1"], mean["newspaper4k"]["body F1"]),
        " / ".join(f"{mean[t]['body F1']:.3f}" for t in tools),
    )
    targets.check(
        "no boilerplate string in any body",
        every("ours", "no boilerplate") == count,
        f"{every('ours', 'no boilerplate')}/{count}",
    )
    speedup = total["trafilatura"] / total["ours"]
    targets.check(
        "extraction ≥ 4× trafilatura's pages/s", speedup >= TARGET_VS_TRAFILATURA, f"{speedup:.1f}×"
    )
    # The bare parse is the floor no extractor beats: how far above it the whole path is, for the record.
    print(f"ours takes {total['ours'] / total['lxml']:.2f}× the bare lxml parse")
    return targets.report()


if __name__ == "__main__":
    sys.exit(main())

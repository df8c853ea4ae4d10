"""``scrapy crawlall [--outlets a,b] [--since …] [--until …] [--topic NAME] [--reset-state] [--jobdir DIR]``.

Every outlet spider (every spider with an ``outlet``; not ``generic``) runs in
this one process, each writing its own file (``data/<spider>/<start time>.jsonl``
unless ``FEEDS`` says otherwise) and exporting only what is new (the state
store).  At the end a table says, per outlet, what was fetched, exported, new,
updated, dropped (by reason) and failed; the same summary is written as JSON to
``<VNNEWS_DATA_DIR>/summary/<start time>.json``.  The exit status is 2 when any
outlet failed its health check (or fetched nothing, or ended early), so that
cron or scrapyd notice; the failing outlets are named on stderr, one line each.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from argparse import ArgumentParser, Namespace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.commands import ScrapyCommand
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError

from crawler.demo import FIXTURES, DemoServer, demo_pages
from crawler.health import crawl_problems, crawl_stats, watch_crawl
from crawler.outlets import outlet_spiders
from crawler.spiders.base import DateRange
from pipelines.export import default_feeds
from pipelines.topics import Topic, TopicsError, check_topics, find_topic


def crawl_summary(
    name: str, crawler: Crawler, feeds: list[str], setup_error: BaseException | None = None
) -> dict[str, Any]:
    """One outlet's line of the summary, from its crawl's stats."""
    stats = crawl_stats(crawler)

    def counts(prefix: str) -> dict[str, int]:
        return {k[len(prefix) :]: int(v) for k, v in sorted(stats.items()) if k.startswith(prefix)}

    dropped = counts("vnnews/dropped/")
    # Requests that failed after their retries; retried attempts apart (a retry that succeeded is no failure).
    failed = counts("vnnews/errors/")
    problems = crawl_problems(crawler, setup_error)
    return {
        "spider": name,
        "outlet": getattr(crawler.spidercls, "outlet", ""),
        "pages_fetched": int(stats.get("downloader/response_count", 0)),
        # Records that reached the export, less those a failed export did not write.
        "records_exported": int(stats.get("item_scraped_count", 0))
        - int(stats.get("vnnews/export/not_written", 0)),
        "new": int(stats.get("vnnews/state/new", 0)),
        "updated": int(stats.get("vnnews/state/updated", 0)),
        "not_refetched": int(stats.get("vnnews/discovery/known_unchanged", 0)),
        "dropped": dropped,
        "not_found": int(stats.get("vnnews/not_found", 0)),
        "retried": int(stats.get("retry/count", 0)),
        "failed": sum(failed.values()),
        "failed_by_kind": failed,
        "finish_reason": stats.get("finish_reason"),
        "files": feeds,
        "ok": not problems,
        "problems": problems,
    }


def summary_table(outlets: list[dict[str, Any]]) -> str:
    header = ("outlet", "pages", "exported", "new", "updated", "retried", "failed", "dropped", "status")
    rows = [header]
    for o in outlets:
        dropped = ", ".join(f"{reason} {n}" for reason, n in o["dropped"].items()) or "-"
        rows.append(
            (
                o["outlet"] or o["spider"],
                str(o["pages_fetched"]),
                str(o["records_exported"]),
                str(o["new"]),
                str(o["updated"]),
                str(o["retried"]),
                str(o["failed"]),
                dropped,
                "ok" if o["ok"] else "FAILED",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for row in rows:
        cells = [
            cell.ljust(width) if i in (0, 7) else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def write_summary(data_dir: str, started: datetime, summary: dict[str, Any], worker: str = "") -> Path:
    """``<data_dir>/summary/<start time>.json``, written whole (under a temporary name, then renamed).

    A worker's (``VNNEWS_REDIS_URL``) is ``<start time>-<host>-<pid>.json``: workers start together.
    """
    stamp = started.replace(microsecond=0).isoformat().replace(":", "-")
    path = Path(data_dir, "summary", f"{stamp}{'-' + worker if worker else ''}.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".json.part")
    partial.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, path)
    return path


class Command(ScrapyCommand):
    requires_project = True
    # A scheduled job's log: what each outlet did, not every request (VNNEWS_LOG_LEVEL or -L still decide).
    default_settings = {"LOG_LEVEL": "INFO"}

    topic: Topic | None = None

    def syntax(self) -> str:
        return (
            "[--outlets NAME,...] [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--topic NAME] [--reset-state] "
            "[--jobdir D] | --demo"
        )

    def short_desc(self) -> str:
        return "Crawl every outlet in one process, export what is new, print and save a summary"

    def long_desc(self) -> str:
        return (
            "Runs every outlet spider (or those --outlets names, by spider name or domain) in one process. "
            "Each writes its own file and exports only articles new or changed since earlier crawls. Prints "
            "a table per outlet and writes it as JSON to <VNNEWS_DATA_DIR>/summary/<start time>.json. Exits "
            "with status 2 when any outlet failed its health check. --demo crawls the project's own "
            "fixture pages, served on 127.0.0.1, into <VNNEWS_DATA_DIR>/demo: no internet needed."
        )

    def add_options(self, parser: ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--outlets", help="comma-separated spider names or outlet domains (default: all)")
        parser.add_argument("--since", help="backfill: articles published from this day (YYYY-MM-DD)")
        parser.add_argument("--until", help="backfill: up to this day included (YYYY-MM-DD)")
        parser.add_argument(
            "--reset-state", action="store_true", help="forget what earlier crawls of these outlets exported"
        )
        parser.add_argument(
            "--topic", help="also read each outlet's search or tag pages for this topic of the topics file"
        )
        parser.add_argument("--jobdir", help="pause/resume: each outlet keeps its job in DIR/<spider>")
        parser.add_argument(
            "--demo",
            action="store_true",
            help="serve the fixture outlets on 127.0.0.1 and crawl them into <VNNEWS_DATA_DIR>/demo",
        )

    def process_options(self, args: list[str], opts: Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        topics = check_topics(self.settings)
        self.topic = None
        if opts.topic:
            try:
                self.topic = find_topic(topics, opts.topic)
            except TopicsError as exc:
                raise UsageError(str(exc), print_help=False) from None
        if self.settings.get("JOBDIR"):
            raise UsageError("each outlet needs its own JOBDIR: give --jobdir DIR (JOBDIR=DIR/<spider>)")
        if opts.jobdir:
            self.settings.set("VNNEWS_JOBS_DIR", opts.jobdir, priority="cmdline")
        self.demo: DemoServer | None = None
        if opts.demo:
            self.start_demo(opts)
        if self.settings.get("VNNEWS_REDIS_URL"):
            from crawler.workers import check_worker_settings  # here: only workers load redis

            check_worker_settings(self.settings)
        elif not self.settings.getdict("FEEDS"):
            self.settings.set("FEEDS", default_feeds(self.settings), priority="cmdline")
        try:
            DateRange.from_args(opts.since, opts.until)
        except ValueError as exc:
            raise UsageError(str(exc)) from None

    def start_demo(self, opts: Namespace) -> None:
        """The fixture outlets served on 127.0.0.1, and a crawl of them that keeps its files and its state
        store apart (``<VNNEWS_DATA_DIR>/demo``): the fixture articles have real URLs, which the real
        store must not take for exported."""
        assert self.settings is not None
        if opts.since or opts.until or opts.topic or opts.jobdir:
            raise UsageError("--demo takes no --since, --until, --topic or --jobdir")
        spiders = outlet_spiders(self.settings)
        pages = demo_pages(spiders)
        if not pages:
            raise UsageError(f"--demo serves the fixture pages of a checkout, and {FIXTURES} has none")
        demo_dir = Path(self.settings.get("VNNEWS_DATA_DIR", "data"), "demo")
        self.demo = DemoServer(pages)
        for name, value in {
            "VNNEWS_MIRROR": self.demo.url,
            "VNNEWS_DATA_DIR": str(demo_dir),
            "VNNEWS_FEED_URI": f"{demo_dir}/%(name)s/%(time)s.jsonl",
            "VNNEWS_STATE_PATH": str(demo_dir / "state" / "state.sqlite3"),
            # Pages on this machine: no politeness to wait out.
            "AUTOTHROTTLE_ENABLED": False,
            "DOWNLOAD_DELAY": 0,
        }.items():
            self.settings.set(name, value, priority="cmdline")
        # Every run shows the whole crawl, not a quiet rerun that exports nothing.
        opts.reset_state = True
        opts.outlets = opts.outlets or ",".join(n for n in spiders if (FIXTURES / n).is_dir())

    def selected(self, wanted: str | None) -> dict[str, str]:
        spiders = {name: cls.outlet for name, cls in outlet_spiders(self.settings).items()}
        if not wanted:
            return spiders
        names = [w.strip() for w in wanted.split(",") if w.strip()]
        chosen = {n: o for n, o in spiders.items() if n in names or o in names}
        unknown = [w for w in names if w not in spiders and w not in spiders.values()]
        if unknown:
            raise UsageError(f"no outlet spider {', '.join(unknown)}; the outlets: {', '.join(spiders)}")
        return chosen

    def run(self, args: list[str], opts: Namespace) -> None:
        if args:
            raise UsageError("crawlall takes no spider names; use --outlets")
        assert self.crawler_process is not None and self.settings is not None
        try:
            self.crawl_outlets(opts)
        finally:
            if self.demo:
                self.demo.close()

    def crawl_outlets(self, opts: Namespace) -> None:
        assert self.crawler_process is not None and self.settings is not None
        spargs = {k: v for k, v in (("since", opts.since), ("until", opts.until), ("topic", opts.topic)) if v}
        if opts.reset_state:
            spargs["reset_state"] = "1"
        started = datetime.now(UTC)
        crawls: list[tuple[str, Crawler, list[str], list[BaseException]]] = []
        selected = self.selected(opts.outlets)
        if self.topic is not None:
            # A topic followed on some outlets only is crawled on those.
            selected = {n: o for n, o in selected.items() if self.topic.applies_to(o, n)}
            if not selected:
                message = f"topic {opts.topic!r} is followed on none of these outlets"
                raise UsageError(message, print_help=False)
        for name in selected:
            crawler = self.crawler_process.create_crawler(name)
            files: list[str] = []
            crawler.signals.connect(
                lambda slot, files=files: files.append(slot.uri), signal=signals.feed_slot_closed, weak=False
            )
            setup_errors: list[BaseException] = []
            watch_crawl(self.crawler_process.crawl(crawler, **spargs), setup_errors.append)
            crawls.append((name, crawler, files, setup_errors))
        self.crawler_process.start()

        outlets = [
            crawl_summary(name, crawler, files, errors[0] if errors else None)
            for name, crawler, files, errors in crawls
        ]
        summary = {
            "started_at": started.replace(microsecond=0).isoformat(),
            "finished_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "since": opts.since,
            "until": opts.until,
            "topic": opts.topic,
            "ok": all(o["ok"] for o in outlets),
            "outlets": outlets,
        }
        worker = f"{socket.gethostname()}-{os.getpid()}" if self.settings.get("VNNEWS_REDIS_URL") else ""
        print(summary_table(outlets))
        try:
            path = write_summary(self.settings.get("VNNEWS_DATA_DIR", "data"), started, summary, worker)
        except OSError as exc:
            print(
                f"vnnews: FAILED cannot write the summary ({exc.filename}: {exc.strerror})", file=sys.stderr
            )
            summary["ok"] = False
        else:
            print(f"summary: {path}")
        for outlet in outlets:
            for problem in outlet["problems"]:
                print(f"vnnews: FAILED {problem}", file=sys.stderr)
        if self.demo:
            print(f"demo: the outlets of {FIXTURES} served on {self.demo.url}; the records are in")
            for outlet in outlets:
                for file in outlet["files"]:
                    print(f"  {file}")
        if not summary["ok"]:
            self.exitcode = 2

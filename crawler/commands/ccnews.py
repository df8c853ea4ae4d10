"""``scrapy ccnews``: the outlets' pages in Common Crawl's news archive (CC-NEWS) → records."""

from __future__ import annotations

import os
import sys
from argparse import ArgumentParser, Namespace
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.log import configure_logging

from crawler import ccnews
from crawler.replay import counts_line


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_LEVEL": "INFO"}

    def syntax(self) -> str:
        return (
            "[--from YYYY-MM] [--until YYYY-MM] [--base URL] [--outlets a,b] [--domains d1,d2] "
            "[--processes N] (-O FILE | -o FILE) [WARC...]"
        )

    def short_desc(self) -> str:
        return "Extract the outlets' articles from Common Crawl's CC-NEWS WARC files"

    def long_desc(self) -> str:
        return (
            "Reads the WARC files of CC-NEWS for the months --from to --until (the month's "
            "crawl-data/CC-NEWS/YYYY/MM/warc.paths.gz under --base), and the WARC files or URLs given, "
            "each streamed by a worker process of its own (--processes, default: one per core). Pages of "
            "the outlets' hosts (the outlet spiders', or those --outlets names; --domains adds others, "
            "read through the generic extraction) become records through today's extraction and "
            "pipelines; crawled_at is the record's WARC-Date. -o FILE resumes: the files noted in "
            "FILE.done are not read again and records already in FILE are not written twice. A file cut "
            "short is read up to the break, named on stderr, left out of FILE.done, and the exit "
            "status is 1."
        )

    def add_options(self, parser: ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--from", dest="first", metavar="YYYY-MM", help="the first month to read")
        parser.add_argument("--until", metavar="YYYY-MM", help="the last month (default: --from)")
        parser.add_argument("--base", default=ccnews.DEFAULT_BASE, help="where crawl-data/ is served")
        parser.add_argument("--outlets", help="comma-separated spider names or outlet domains (default: all)")
        parser.add_argument("--domains", help="comma-separated other domains, through the generic extraction")
        parser.add_argument(
            "--processes", type=int, default=os.cpu_count() or 1, help="files read at once (default: cores)"
        )
        output = parser.add_mutually_exclusive_group()
        output.add_argument("-o", "--output", metavar="FILE", help="append the records to FILE, resuming")
        output.add_argument(
            "-O", "--overwrite-output", metavar="FILE", help="write the records to FILE, replacing it"
        )

    def run(self, args: list[str], opts: Namespace) -> None:
        assert self.settings is not None
        output = opts.overwrite_output or opts.output
        if not output or output == "-":
            raise UsageError(
                "give the output file, -O FILE or -o FILE (its list of done files goes beside it)"
            )
        if opts.until and not opts.first:
            raise UsageError("--until needs --from")
        if not opts.first and not args:
            raise UsageError("give --from YYYY-MM, or WARC files or URLs")
        if opts.processes < 1:
            raise UsageError("--processes is at least 1")
        configure_logging(self.settings)  # the progress lines, off a terminal
        try:
            months = ccnews.months(opts.first, opts.until or opts.first) if opts.first else []
            hosts = ccnews.outlet_hosts(
                self.settings, (opts.outlets or "").split(","), (opts.domains or "").split(",")
            )
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        sources = []
        for month in months:
            try:
                sources += ccnews.listed_files(opts.base, month, self.settings.get("USER_AGENT"))
            except OSError as exc:
                print(f"ccnews: cannot read the listing of {month} under {opts.base}: {exc}", file=sys.stderr)
                self.exitcode = 1
                return
        sources = ccnews.expand_sources([*sources, *args])
        missing = [s for s in sources if not s.startswith(("http://", "https://")) and not Path(s).is_file()]
        if missing:
            raise UsageError(f"no such file: {', '.join(missing)}")
        summary = ccnews.run(
            sources,
            Path(output),
            overwrite=bool(opts.overwrite_output),
            hosts=hosts,
            processes=opts.processes,
            settings=self.settings,
        )
        c = summary.counts
        print(
            f"ccnews: {summary.files} files read, {summary.already_done} already done, "
            f"{len(summary.broken)} cut short or broken; {c['read']} records read, {c['matched']} of the "
            f"outlets, {c['pages']} pages parsed, {c['exported']} records exported, "
            f"{c['already_exported']} already exported; skipped: {counts_line(c, 'skipped/')}; "
            f"dropped: {counts_line(c, 'dropped/')}; failed: {counts_line(c, 'failed/')}",
            file=sys.stderr,
        )
        for line in summary.broken:
            print(f"ccnews: {line}", file=sys.stderr)
        if summary.broken:
            self.exitcode = 1

"""``scrapy reextract PATH... [-O FILE | -o FILE]``: a crawl's WARC archive → records, with today's rules."""

from __future__ import annotations

import sys
from argparse import ArgumentParser, Namespace
from contextlib import ExitStack

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.log import configure_logging

from crawler.commands import add_output_options, open_output
from crawler.progress import Progress
from crawler.replay import Replayer, counts_line
from crawler.warc import ArchiveReader, warc_files
from pipelines.export import record_line


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_LEVEL": "INFO"}

    def syntax(self) -> str:
        return "PATH... [-O FILE | -o FILE]"

    def short_desc(self) -> str:
        return "Extract the articles of WARC archives (VNNEWS_WARC_DIR) again, with today's rules"

    def long_desc(self) -> str:
        return (
            "Reads WARC files (a folder stands for its *.warc.gz and *.warc files) and runs every archived "
            "200 response whose URL its outlet's spider takes for an article through today's extraction "
            "and pipelines, into the same records as a crawl; crawled_at is the record's WARC-Date. "
            "Records go to FILE with -O (overwrite) or -o (append), else to stdout. A file cut short "
            "or corrupt is read up to the break and named on stderr; the exit status is then 1."
        )

    def add_options(self, parser: ArgumentParser) -> None:
        super().add_options(parser)
        add_output_options(parser)

    def run(self, args: list[str], opts: Namespace) -> None:
        if not args:
            raise UsageError("give at least one WARC file or folder")
        assert self.settings is not None
        files = warc_files(args)
        missing = [str(p) for p in files if not p.is_file()]
        if missing:
            raise UsageError(f"no such file: {', '.join(missing)}")
        configure_logging(self.settings)  # the progress lines, off a terminal
        replayer = Replayer(self.settings, articles_only=True)
        broken: list[str] = []
        with ExitStack() as stack:
            out = open_output(opts, stack)
            progress = stack.enter_context(Progress("reextract", total=len(files), unit="file"))
            for path in files:
                with path.open("rb") as stream:
                    reader = ArchiveReader(stream)
                    exported = 0
                    for record in replayer.records(reader):
                        out.write(record_line(record) + "\n")
                        exported += 1
                if reader.broken:
                    broken.append(f"{path}: {reader.broken}")
                progress.advance()
                progress.count(responses=reader.records, exported=exported)
        counts = replayer.counts
        print(
            f"reextract: {len(files)} files, {progress.counts.get('responses', 0)} responses, "
            f"{counts['pages']} pages parsed, {progress.counts.get('exported', 0)} records exported; "
            f"skipped: {counts_line(counts, 'skipped/')}; dropped: {counts_line(counts, 'dropped/')}; "
            f"failed: {counts_line(counts, 'failed/')}",
            file=sys.stderr,
        )
        for line in broken:
            print(line, file=sys.stderr)
        if broken:
            self.exitcode = 1

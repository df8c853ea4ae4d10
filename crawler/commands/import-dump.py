"""``scrapy import-dump PATH... [-O FILE | -o FILE] [--outlet DOMAIN]``: saved article text → JSONL.

Scrapy names a command after its module, so this file's name is the command's. A long import shows
its progress (``crawler/progress.py``): a bar on a terminal, a log line every 30 s elsewhere.
"""

from __future__ import annotations

import re
import sys
from argparse import ArgumentParser, Namespace
from contextlib import ExitStack
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import DropItem, UsageError
from scrapy.utils.log import configure_logging
from tqdm import tqdm

from crawler.commands import add_output_options, open_output
from crawler.dumps import DumpImporter, NotADump, dump_files, normalize_outlet
from crawler.progress import Progress
from pipelines.export import record_line
from pipelines.topics import check_topics

# What the record's "outlet" may be (the schema's pattern).
OUTLET_DOMAIN = re.compile(r"^[a-z0-9.-]+\.[a-z]+$")


class Command(ScrapyCommand):
    requires_project = True
    # No crawl: no engine to start, and so none of its start-up lines in the log, which is left to
    # the progress lines and warnings.
    requires_crawler_process = False
    default_settings = {"LOG_LEVEL": "INFO"}

    def syntax(self) -> str:
        return "PATH... [-O FILE | -o FILE] [--outlet DOMAIN]"

    def short_desc(self) -> str:
        return "Clean saved article text (dumps) into JSONL records, through every pipeline"

    def long_desc(self) -> str:
        return (
            "Reads saved articles in the dump forms (Jekyll front matter with a link to the article, plain "
            "text with the title first, Markdown with a '# title' and a 'Link bài viết' line); a directory "
            "stands for its *.txt and *.md files, sorted. Records go to stdout, or to FILE with -O "
            "(overwrite) or -o (append), one JSON line each, UTF-8. The URL and outlet come from the "
            "article link the file gives; a file without one gets its file:// URI and the outlet of "
            "--outlet, or else the one its text names itself by. The title is never invented: a file whose "
            "title is not printed (front matter, '# title', the '[title](url)' link, a first line that is no "
            "date or byline) is refused with 'no title'. A file that yields no record prints a "
            "one-line reason on stderr and the exit status is 1; the others are still imported."
        )

    def add_options(self, parser: ArgumentParser) -> None:
        super().add_options(parser)
        add_output_options(parser)
        parser.add_argument(
            "--outlet", metavar="DOMAIN", help="the outlet of dumps that name no article link (vnexpress.net)"
        )

    def run(self, args: list[str], opts: Namespace) -> None:
        if not args:
            raise UsageError("give at least one dump file or directory")
        assert self.settings is not None
        check_topics(self.settings)
        outlet = normalize_outlet(opts.outlet) if opts.outlet else None
        if outlet is not None and not OUTLET_DOMAIN.match(outlet):
            raise UsageError(f"--outlet takes a domain such as vnexpress.net, not {opts.outlet!r}")
        configure_logging(self.settings)
        importer = DumpImporter(self.settings, outlet=outlet)
        paths = list(dump_files(args))
        with ExitStack() as stack:
            out = open_output(opts, stack)
            progress = stack.enter_context(Progress("import-dump", total=len(paths), unit="file"))
            for path in paths:
                try:
                    record = importer.import_file(path)
                except NotADump as exc:
                    self._fail(path, str(exc))
                    progress.count(failed=1)
                except DropItem as exc:
                    self._fail(path, f"dropped ({exc})")
                    progress.count(failed=1)
                else:
                    out.write(record_line(record) + "\n")
                    progress.count(imported=1)
                progress.advance()

    def _fail(self, path: Path, reason: str) -> None:
        # tqdm.write: on a terminal the line goes above the progress bar instead of into it.
        tqdm.write(f"{path}: {reason}", file=sys.stderr)
        self.exitcode = 1

"""``scrapy report [-o FILE] [--since YYYY-MM-DD] [JSONL...]``: one self-contained HTML report.

Built from the ``crawlall`` summaries (``<VNNEWS_DATA_DIR>/summary/*.json``) and the exported
JSONL (``<VNNEWS_DATA_DIR>/*/*.jsonl``, or the files and folders given); see ``crawler/report.py``.
"""

from __future__ import annotations

import os
import sys
from argparse import ArgumentParser, Namespace
from datetime import UTC, date, datetime
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.report import read_inputs, render


def jsonl_files(args: list[str], data_dir: Path) -> list[Path]:
    """The exports to read: the files given, a folder's ``*.jsonl`` (recursive), else the data dir's."""
    if not args:
        return sorted(data_dir.glob("*/*.jsonl"))
    files: list[Path] = []
    for name in args:
        path = Path(name)
        if path.is_dir():
            files.extend(sorted(path.rglob("*.jsonl")))
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"no such file or folder: {name}", print_help=False)
    return files


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[-o FILE] [--since YYYY-MM-DD] [JSONL...]"

    def short_desc(self) -> str:
        return "Write an HTML report of the outlets' health over their runs and of what arrived"

    def long_desc(self) -> str:
        return (
            "Reads the crawlall summaries in <VNNEWS_DATA_DIR>/summary and the exported records "
            "(<VNNEWS_DATA_DIR>/*/*.jsonl, or the JSONL files and folders given) and writes one HTML file "
            "that opens offline: per outlet, its runs (records exported, new, updated, errors, drops by "
            "reason, health status), field coverage, articles per day, topics per day when records have "
            "them, and the latest failures; a table beside each chart. Input that cannot be read is "
            "named on stderr, one line each, and skipped."
        )

    def add_options(self, parser: ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "-o", "--output", metavar="FILE", help="where to write it (default <VNNEWS_DATA_DIR>/report.html)"
        )
        parser.add_argument(
            "--since",
            metavar="YYYY-MM-DD",
            help="every chart from this day on: runs started, records crawled, articles published",
        )

    def run(self, args: list[str], opts: Namespace) -> None:
        assert self.settings is not None
        since = None
        if opts.since:
            try:
                since = date.fromisoformat(opts.since)
            except ValueError:
                raise UsageError(
                    f"--since takes a day as YYYY-MM-DD, not {opts.since!r}", print_help=False
                ) from None
        data_dir = Path(self.settings.get("VNNEWS_DATA_DIR", "data"))
        summaries = sorted((data_dir / "summary").glob("*.json"))
        records = jsonl_files(args, data_dir)
        if not summaries and not records:
            print(
                f"nothing to report: no summary in {data_dir / 'summary'} and no JSONL export",
                file=sys.stderr,
            )
            self.exitcode = 1
            return

        data = read_inputs(summaries, records, since)
        for line in data.skipped:
            print(line, file=sys.stderr)
        output = Path(opts.output or data_dir / "report.html")
        output.parent.mkdir(parents=True, exist_ok=True)
        # Written whole under another name, then renamed: a reader never sees half a report.
        partial = output.with_name(output.name + ".part")
        partial.write_text(render(data, datetime.now(UTC), since), encoding="utf-8")
        os.replace(partial, output)
        print(f"report: {output}")

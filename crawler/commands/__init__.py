"""The project's Scrapy commands (``COMMANDS_MODULE``), one module each, and what several share."""

from __future__ import annotations

import sys
from argparse import ArgumentParser, Namespace
from contextlib import ExitStack
from pathlib import Path
from typing import TextIO

from pipelines.export import repair_jsonl


def add_output_options(parser: ArgumentParser) -> None:
    """``-o FILE`` (append) and ``-O FILE`` (overwrite), as ``scrapy crawl`` has them."""
    output = parser.add_mutually_exclusive_group()
    output.add_argument("-o", "--output", metavar="FILE", help="append the records to FILE")
    output.add_argument(
        "-O", "--overwrite-output", metavar="FILE", help="write the records to FILE, replacing it"
    )


def open_output(opts: Namespace, stack: ExitStack) -> TextIO:
    """The JSONL output of ``-o``/``-O`` (stdout without either, or with ``-``); a file appended to
    first loses a line a killed run left half written."""
    name, mode = (opts.overwrite_output, "w") if opts.overwrite_output else (opts.output, "a")
    if not name or name == "-":
        return sys.stdout
    path = Path(name)
    if mode == "a" and path.exists():
        repair_jsonl(path)
    return stack.enter_context(path.open(mode, encoding="utf-8", newline="\n"))

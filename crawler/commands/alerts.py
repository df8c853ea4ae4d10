"""``scrapy alerts [PATH...] --topic NAME [--since D] [--until D] --format jsonl|atom|jekyll -o OUT``."""

from __future__ import annotations

import sys
from argparse import ArgumentParser, Namespace
from datetime import date
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.alerts import FORMATS, atom_feed, collect, jsonl_lines, write_jekyll
from crawler.spiders.base import DateRange
from pipelines.topics import TopicsError, check_topics, find_topic


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "[PATH...] --topic NAME [--since D] [--until D] --format jsonl|atom|jekyll -o OUT"

    def short_desc(self) -> str:
        return "Collect a topic's records from exported JSONL into a JSONL file, an Atom feed or Jekyll posts"

    def long_desc(self) -> str:
        return (
            "Reads the JSONL exports under PATH (files, or folders read for *.jsonl; default: "
            "VNNEWS_DATA_DIR) "
            "and keeps the records of topic NAME: matched by the topics file's rules when it declares NAME, "
            "else those whose 'topics' lists it. Each article appears once (its latest revision), newest "
            "first, undated ones last. --since/--until keep the days of publication (Vietnam time, both "
            "ends included). OUT is "
            "a file for jsonl and atom ('-': stdout) and a folder for jekyll (one Markdown post an article)."
        )

    def add_options(self, parser: ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--topic", required=True, help="the topic's name")
        parser.add_argument("--since", help="articles published from this day (YYYY-MM-DD)")
        parser.add_argument("--until", help="up to this day included (YYYY-MM-DD)")
        parser.add_argument(
            "--format", choices=FORMATS, default="jsonl", help="jsonl (default), atom or jekyll"
        )
        parser.add_argument(
            "-o", "--output", metavar="OUT", required=True, help="file, '-', or (jekyll) folder"
        )

    def run(self, args: list[str], opts: Namespace) -> None:
        assert self.settings is not None
        topics = check_topics(self.settings)
        try:
            days = DateRange.from_args(opts.since, opts.until)
        except ValueError as exc:
            raise UsageError(str(exc), print_help=False) from None
        try:
            topic = find_topic(topics, opts.topic)
        except TopicsError:
            topic = None  # not declared (any more): the records' own "topics" say
        paths = args or [self.settings.get("VNNEWS_DATA_DIR", "data")]
        missing = [p for p in paths if not Path(p).exists()]
        if missing:
            raise UsageError(f"no such file or folder: {', '.join(missing)}", print_help=False)
        if opts.format == "jekyll" and opts.output == "-":
            raise UsageError("jekyll posts go to a folder: give -o FOLDER", print_help=False)
        since = days.since if days and days.since != date.min else None
        until = days.until if days else None
        found = collect(paths, opts.topic, topic, since, until)
        for bad in found.bad_lines:
            print(f"{bad}: skipped", file=sys.stderr)
        if opts.format == "jekyll":
            written = write_jekyll(found.records, opts.topic, Path(opts.output))
            where = f"{len(written)} posts in {opts.output}"
        elif opts.format == "atom":
            self._write(opts.output, atom_feed(found.records, opts.topic).decode("utf-8"))
            where = opts.output
        else:
            self._write(opts.output, jsonl_lines(found.records))
            where = opts.output
        undated = f"; {found.undated} without a publication day left out" if found.undated else ""
        count = f"{len(found.records)} articles on {opts.topic!r} from {found.files} files"
        print(
            f"alerts: {count} → {where}{undated}",
            file=sys.stderr,
        )
        if found.bad_lines:
            self.exitcode = 1

    @staticmethod
    def _write(output: str, text: str) -> None:
        if output == "-":
            sys.stdout.write(text)
            return
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")
        partial.write_text(text, encoding="utf-8", newline="\n")
        partial.replace(path)

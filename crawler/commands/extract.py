"""``scrapy extract FILE... [--url URL] [--spider NAME]``: saved pages → records on stdout."""

from __future__ import annotations

import sys
from argparse import ArgumentParser, Namespace
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import DropItem, UsageError

from crawler.extraction import NotAnArticle
from crawler.offline import OfflineExtractor, page_url
from pipelines.export import record_line
from pipelines.topics import check_topics


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "FILE... [--url URL] [--spider NAME]"

    def short_desc(self) -> str:
        return "Run the article parse and every pipeline on saved pages; print one JSON record a line"

    def long_desc(self) -> str:
        return (
            "For debugging a selector and for regression tests. The URL defaults to the page's canonical "
            "link (or og:url); the spider is chosen by the URL's domain. A page that is not an article, or "
            "that a pipeline drops, prints a one-line reason on stderr instead of a record, and the exit "
            "status is 1."
        )

    def add_options(self, parser: ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--url", help="the page's URL (default: its canonical link)")
        parser.add_argument("--spider", help="the outlet spider to use (default: by the URL's domain)")

    def run(self, args: list[str], opts: Namespace) -> None:
        if not args:
            raise UsageError("give at least one saved page")
        assert self.settings is not None
        check_topics(self.settings)
        extractor = OfflineExtractor(self.settings, opts.spider)
        # The crawl refuses pages over DOWNLOAD_MAXSIZE; so does this, before reading them.
        max_size = self.settings.getint("DOWNLOAD_MAXSIZE")
        for name in args:
            path = Path(name)
            try:
                size = path.stat().st_size
                if max_size and size > max_size:
                    self._fail(
                        name, f"{size} bytes, over the crawl's limit (DOWNLOAD_MAXSIZE, {max_size} bytes)"
                    )
                    continue
                body = path.read_bytes()
            except OSError as exc:
                self._fail(name, f"cannot read: {exc.strerror}")
                continue
            url = opts.url or page_url(body)
            if not url:
                self._fail(name, "the page names no URL (no canonical link or og:url); give --url")
                continue
            try:
                record = extractor.extract(body, url)
            except NotAnArticle as exc:
                self._fail(name, f"not an article ({exc})")
                continue
            except DropItem as exc:
                self._fail(name, f"dropped ({exc})")
                continue
            sys.stdout.write(record_line(record) + "\n")

    def _fail(self, name: str, reason: str) -> None:
        print(f"{name}: {reason}", file=sys.stderr)
        self.exitcode = 1

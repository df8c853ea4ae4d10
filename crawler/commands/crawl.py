"""``scrapy crawl``, with an exit status that says when a crawl failed.

Scrapy's own command exits 0 whatever happened once the spider started; a
scheduled job needs to know when nothing could be fetched or a check failed.
"""

from __future__ import annotations

import sys
from argparse import Namespace

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from crawler.health import crawl_problems
from pipelines.export import default_feeds
from pipelines.topics import TopicsError, check_topics, find_topic


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts: Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        topics = check_topics(self.settings)
        if opts.spargs.get("topic"):
            try:
                find_topic(topics, opts.spargs["topic"])
            except TopicsError as exc:
                raise UsageError(str(exc), print_help=False) from None
        if not self.settings.getdict("FEEDS"):
            self.settings.set("FEEDS", default_feeds(self.settings), priority="cmdline")
        overwrites = any(o.get("overwrite") for o in self.settings.getdict("FEEDS").values())
        if overwrites and (self.settings.get("JOBDIR") or self.settings.get("VNNEWS_JOBS_DIR")):
            # A resumed job would overwrite what its earlier runs exported.
            raise UsageError("a JOBDIR job appends to its output: use -o, not -O")

    def run(self, args: list[str], opts: Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name (see `scrapy list`)")
        assert self.crawler_process
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
            return
        problems = crawl_problems(crawler)
        for problem in problems:
            print(f"vnnews: FAILED {problem}", file=sys.stderr)
        if problems:
            self.exitcode = 2

"""``scrapy crawl``, with an exit status that says when a crawl failed.

Scrapy's own command exits 0 whatever happened once the spider started; a
scheduled job needs to know when nothing could be fetched or a check failed.
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser, Namespace, RawDescriptionHelpFormatter

from scrapy.commands import ScrapyHelpFormatter
from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError
from scrapy.settings import BaseSettings
from scrapy.spiderloader import SpiderLoader

from crawler.health import CrawlSetupError, crawl_problems, watch_crawl
from pipelines.export import default_feeds
from pipelines.topics import TopicsError, check_topics, find_topic


def spider_arguments(settings: BaseSettings) -> dict[str, str]:
    """Spider name → its -a arguments as a user types them ("-a since=YYYY-MM-DD  -a until=…")."""
    loader = SpiderLoader.from_settings(settings)
    listed = {}
    for name in sorted(loader.list()):
        arguments = getattr(loader.load(name), "arguments", {})
        listed[name] = "  ".join(f"-a {arg}={form}" for arg, form in arguments.items())
    return listed


class HelpFormatter(RawDescriptionHelpFormatter, ScrapyHelpFormatter):
    """Scrapy's help layout, with the epilog's lines kept as written (one spider a line)."""


class Command(ScrapyCrawlCommand):
    def add_options(self, parser: ArgumentParser) -> None:
        super().add_options(parser)
        if self.settings is None:
            return
        parser.formatter_class = HelpFormatter
        lines = [f"  {name}: {arguments}" for name, arguments in spider_arguments(self.settings).items()]
        parser.epilog = "Spider arguments (-a NAME=VALUE, as many as needed):\n" + "\n".join(lines)

    def process_options(self, args: list[str], opts: Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        topics = check_topics(self.settings)
        if opts.spargs.get("topic"):
            try:
                find_topic(topics, opts.spargs["topic"])
            except TopicsError as exc:
                raise UsageError(str(exc), print_help=False) from None
        if self.settings.get("VNNEWS_REDIS_URL"):
            from crawler.workers import check_worker_settings  # here: only workers load redis

            check_worker_settings(self.settings)
            return
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
        setup_errors: list[BaseException] = []
        watch_crawl(self.crawler_process.crawl(crawler, **opts.spargs), setup_errors.append)
        self.crawler_process.start()
        setup_error = setup_errors[0] if setup_errors else None
        if self.crawler_process.bootstrap_failed and not isinstance(setup_error, CrawlSetupError):
            self.exitcode = 1
            return
        problems = crawl_problems(crawler, setup_error)
        for problem in problems:
            print(f"vnnews: FAILED {problem}", file=sys.stderr)
        if problems:
            self.exitcode = 2

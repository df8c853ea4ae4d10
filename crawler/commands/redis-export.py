"""``scrapy redis-export -s VNNEWS_REDIS_URL=… [--idle-exit SECONDS]``: the one writer of workers' files.

See ``pipelines/redis_export.py``.  Scrapy names a command after its module, so
this file's name is the command's.
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser, Namespace

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.log import configure_logging


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "-s VNNEWS_REDIS_URL=redis://host:port/db [--idle-exit SECONDS]"

    def short_desc(self) -> str:
        return "Write the records of workers sharing a Redis to data/<spider>/<start time>.jsonl"

    def long_desc(self) -> str:
        return (
            "Reads the records that `scrapy crawl` and `scrapy crawlall` workers (VNNEWS_REDIS_URL) send "
            "through Redis and writes them, one line each, to data/<spider>/<start time>.jsonl "
            "(VNNEWS_FEED_URI): each line whole, the file fsynced, and only then the record taken off "
            "the stream. One exporter at a time. Runs until SIGTERM or Ctrl-C, or with --idle-exit until "
            "the stream is drained and no worker has been alive for SECONDS."
        )

    def add_options(self, parser: ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--idle-exit",
            type=float,
            metavar="SECONDS",
            help="exit once the stream is drained and no worker has been alive for SECONDS",
        )

    def run(self, args: list[str], opts: Namespace) -> None:
        assert self.settings is not None
        if args:
            raise UsageError("redis-export takes no arguments")
        url = self.settings.get("VNNEWS_REDIS_URL")
        if not url:
            raise UsageError("give the workers' Redis: -s VNNEWS_REDIS_URL=redis://host:port/db")
        if opts.idle_exit is not None and opts.idle_exit < 0:
            raise UsageError("--idle-exit takes a number of seconds, 0 or more")
        # Here: every scrapy command imports this module, and only the exporter needs redis.
        import redis

        from pipelines.redis_export import ExporterBusy, StreamExporter

        configure_logging(self.settings)
        try:
            exporter = StreamExporter(url, self.settings.get("VNNEWS_FEED_URI"), idle_exit=opts.idle_exit)
            exporter.run()
        except ExporterBusy as exc:
            print(f"vnnews: {exc}", file=sys.stderr)
            self.exitcode = 1
        except (redis.RedisError, ValueError) as exc:
            print(f"vnnews: cannot reach the workers' Redis at {url}: {exc}", file=sys.stderr)
            self.exitcode = 1

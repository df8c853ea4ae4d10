"""``scrapy check``: Scrapy's contracts, without what a real crawl keeps (see crawler/contracts.py).

A check reads fixture pages from disk: it must neither take an outlet's lock
(a scheduled crawl may be running), nor touch the state store, nor run the
health checks, which would judge a crawl of one page.
"""

from __future__ import annotations

from argparse import Namespace

from scrapy.commands.check import Command as ScrapyCheckCommand
from scrapy.settings import SETTINGS_PRIORITIES

OFFLINE = {"VNNEWS_STATE_ENABLED": False, "SPIDERMON_ENABLED": False}


class Command(ScrapyCheckCommand):
    def process_options(self, args: list[str], opts: Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        for name, value in OFFLINE.items():
            # Over the project's settings, under the user's -s.
            if self.settings.getpriority(name) < SETTINGS_PRIORITIES["cmdline"]:
                self.settings.set(name, value, priority="cmdline")

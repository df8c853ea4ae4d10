"""The bare spider of bench/throughput.py: it fetches the URLs it is given and yields nothing.

It stands for the least any Scrapy crawl of the same pages costs: same settings,
same downloader, same robots.txt, no parsing.

    scrapy runspider bench/bare_spider.py -a urls=FILE
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import scrapy


class BareSpider(scrapy.Spider):
    name = "bare"
    allowed_domains = ["vtv.vn"]

    def __init__(self, urls: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls_file = Path(urls)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        with self.urls_file.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    yield scrapy.Request(line.strip(), callback=self.parse)

    def parse(self, response: scrapy.http.Response, **kwargs: Any) -> None:
        return None

"""Step 6: each article once per crawl, by canonical URL and by content.

The same story is often reachable under several URLs (a section path and a
short one, a subdomain, tracking parameters).  Only 8-byte digests are kept,
so a crawl of a million pages needs a few tens of MB at most.
"""

from __future__ import annotations

import hashlib
from typing import Any

from crawler.items import Record
from pipelines.base import ArticlePipeline, drop


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()


class DedupePipeline(ArticlePipeline):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen_urls: set[bytes] = set()
        self.seen_content: set[bytes] = set()

    def process(self, item: Record, spider: Any) -> Record:
        url_key = _digest(item["canonical_url"])
        if url_key in self.seen_urls:
            raise drop(self.stats, "duplicate_url", item["canonical_url"])
        content_key = bytes.fromhex(item["content_hash"][:16])
        if content_key in self.seen_content:
            raise drop(self.stats, "duplicate_content", item["canonical_url"])
        self.seen_urls.add(url_key)
        self.seen_content.add(content_key)
        return item

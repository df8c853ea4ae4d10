"""The floor of bench/throughput.py: ``scrapy crawl vtv`` whose parse workers only parse.

Each article page still travels to a parse worker and is parsed there as in the
real crawl (the same bytes, the same parser), but nothing is read from the tree.
The worker answers with the record of the first page it read in full, under the
page's own URL, id and content hash, so that deduplication, the state store and
the export handle as many distinct records as in the real crawl.  What this
crawl keeps of the bare spider's pages per second is about the most a pipeline
that parses each page once can keep on this machine; the real crawl's distance
from it is what reading and cleaning the page cost.

    python bench/parse_floor.py crawl vtv [scrapy options]

It needs parse workers (``VNNEWS_PARSE_PROCESSES`` not 0): without them the
crawl is the real one.
"""

from __future__ import annotations

import hashlib
import sys

import common  # noqa: F401  (puts the project on sys.path)

from crawler.extraction import _page_selector
from crawler.parsing import Cleaning, Outcome, clean_page

_first: dict[str, Outcome] = {}


def parse_only(
    cleaning: Cleaning, response_class: type, url: str, status: int, encoding: str, body: bytes
) -> Outcome:
    """A worker's task in place of ``clean_page``: the page parsed, the first page's record answered."""
    if cleaning.key not in _first:
        _first[cleaning.key] = clean_page(cleaning, response_class, url, status, encoding, body)
    first = _first[cleaning.key]
    _page_selector(response_class(url=url, status=status, body=body, encoding=encoding))
    if first.kind != "record":
        return first
    key = url.encode()
    record = dict(
        first.value,
        url=url,
        canonical_url=url,
        id=hashlib.sha1(key).hexdigest(),
        content_hash=hashlib.sha256(key).hexdigest(),
    )
    return Outcome("record", record, first.stats)


if __name__ == "__main__":
    # This file imported under its own name, so that workers find parse_only by that name
    # (spawned workers get this process's sys.path, which starts with bench/).
    import parse_floor
    from scrapy.cmdline import execute

    import crawler.parsing

    crawler.parsing.clean_page = parse_floor.parse_only  # what ArticleReader sends its workers
    sys.argv[0] = "scrapy"
    execute()

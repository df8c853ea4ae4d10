"""``scrapy check``: each spider's article parse, run on its own fixture page, offline.

Scrapy's ``@url`` contract fetches a live page, which changes from day to day
and needs the network.  ``@fixture`` instead reads the spider's first page in
``tests/fixtures/<spider>/`` from the checkout (through Scrapy's ``file://``
download handler, so the page still goes through the engine), and checks that
the callback yields article drafts with a title and a body.  The pages and
their full expected records are checked field by field by
``tests/test_fixtures.py``; this is the quick look ``scrapy check`` gives.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.contracts import Contract
from scrapy.exceptions import ContractFail

from crawler.items import ArticleDraft

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
# The generic spider has no outlet of its own: it reads vtv's page through its structured data.
FIXTURE_OF = {"generic": "vtv"}


def fixture_page(spider_name: str) -> Path | None:
    folder = FIXTURES / FIXTURE_OF.get(spider_name, spider_name)
    pages = sorted(folder.glob("*.html"))
    return pages[0] if pages else None


class FixtureContract(Contract):
    """@fixture: the spider's fixture page yields article drafts with a title and a body."""

    name = "fixture"

    def __init__(self, method: Any, *args: Any) -> None:
        super().__init__(method, *args)
        self.spider_name = getattr(getattr(method, "__self__", None), "name", "")

    def adjust_request_args(self, args: dict[str, Any]) -> dict[str, Any]:
        page = fixture_page(self.spider_name)
        if page is None:
            raise ContractFail(f"no fixture page in {FIXTURES / self.spider_name}")
        args["url"] = page.as_uri()
        return args

    def post_process(self, output: list[Any]) -> None:
        drafts = [x for x in output if isinstance(x, ArticleDraft)]
        if not drafts:
            raise ContractFail(f"no article from {fixture_page(self.spider_name)}")
        for draft in drafts:
            if not draft.title or not draft.paragraphs:
                raise ContractFail(f"{draft.url}: no title or no body")

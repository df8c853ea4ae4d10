"""The page object's own machinery, checked against the library it stands in for."""

from __future__ import annotations

from pathlib import Path

import pytest
from parsel import Selector
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from crawler.extraction import GENERIC_SELECTORS, ArticlePage
from tests.conftest import CORPUS, FIXTURES


def every_selector() -> list[str]:
    """Every CSS selector extraction runs: each spider's, and the shared ones."""
    found: set[str] = set()
    loader = SpiderLoader.from_settings(get_project_settings())
    for name in loader.list():
        spider = loader.load(name)
        for value in [*spider.selectors.values(), spider.remove_selectors]:
            found.update([value] if isinstance(value, str) else value)
    for values in GENERIC_SELECTORS.values():
        found.update(values)
    # Forms the rewriting of attribute steps must leave alone or get right.
    found.update([
        "li:first-child", ".a:first-child", "[data-role=content] p:nth-of-type(2)", "p:not(.x)",
        "[itemprop=author] a::text", "[title=\"it's\"]", "*[class]", "div.detail-content > p",
        "p.sapo[data-role=sapo]", "span.name[data-role=author]:first-child", "a[href*='/tac-gia/']",
        "a[href*='/tac-gia/']:last-child", "div.a.b", "div > p.Normal",
    ])  # fmt: skip
    return sorted(found)


def pages() -> list[Path]:
    real = sorted(CORPUS.glob("*/*article*.html")) if CORPUS.exists() else []
    return sorted(FIXTURES.glob("*/*.html")) + real


@pytest.mark.parametrize("path", pages(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_css_finds_what_parsel_finds(path: Path) -> None:
    """``ArticlePage.css`` compiles its own XPath (and walks attributes rather than elements where
    that is faster); on every page, for every selector, it must find exactly parsel's nodes."""
    body = path.read_bytes()
    page = ArticlePage.from_html(body, "https://example.vn/a.html")
    reference = Selector(text=body.decode("utf-8", errors="replace"))
    found_any = 0
    for css in every_selector():
        ours = page.css(css)
        theirs = [s.root for s in reference.css(css)]
        if ours and not isinstance(ours[0], str):
            # Two parses of one page: elements compare by their place in the tree.
            ours = [page.root.getroottree().getpath(e) for e in ours]
            theirs = [reference.root.getroottree().getpath(e) for e in theirs]
        assert ours == theirs, css
        found_any += bool(ours)
    assert found_any >= 3, "the page should match several of the selectors"


def test_pages_read_one_after_another_share_nothing() -> None:
    """The HTML parser is made once and reused: a page with bytes that are not UTF-8 must read
    the same before and after others, and leave nothing (errors, base URL) to the next page."""
    from scrapy.http import HtmlResponse

    def read(url: str, body: bytes) -> tuple[str, str | None]:
        page = ArticlePage.from_response(HtmlResponse(url, body=body, encoding="utf-8"))
        return page.root.findtext(".//p"), page.root.getroottree().docinfo.URL

    broken = "<html><body><p>Bão số 3 đổ bộ</p></body></html>".encode().replace(b"3", b"\xff\xfe")
    clean = "<html><body><p>Hà Nội mưa lớn</p></body></html>".encode()
    first = read("https://vtv.vn/a.htm", broken)
    assert first == ("Bão số \ufffd\ufffd đổ bộ", "https://vtv.vn/a.htm")
    assert read("https://vtv.vn/b.htm", clean) == ("Hà Nội mưa lớn", "https://vtv.vn/b.htm")
    assert read("https://vtv.vn/a.htm", broken) == first

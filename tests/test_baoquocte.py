"""baoquocte.vn: the reconstructed page when its selectors fail, and a crawl of a local mirror.

The fixture page's record itself is checked by tests/test_fixtures.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from scrapy.utils.project import get_project_settings

from crawler.extraction import ArticlePage
from crawler.offline import OfflineExtractor
from crawler.schema import schema_errors
from crawler.spiders.baoquocte import BaoquocteSpider
from tests.conftest import FIXTURES, crawl_mirror
from tests.mirror import MirrorServer, Page
from tests.sites import rss, serve_quiet_discovery

FIXTURE = (FIXTURES / "baoquocte" / "article.html").read_text(encoding="utf-8")
URL = "https://baoquocte.vn/tong-bi-thu-to-lam-tiep-bi-thu-quang-tay-trung-quoc-tran-cuong-304517.html"
TITLE = "Tổng Bí thư Tô Lâm tiếp Bí thư Quảng Tây, Trung Quốc Trần Cương"
FIRST_WORDS = "Buổi tiếp diễn ra nhân dịp đồng chí Trần Cương thăm Việt Nam"
FIRST = (
    "Buổi tiếp diễn ra nhân dịp đồng chí Trần Cương thăm Việt Nam và dự chương trình Gặp gỡ đầu Xuân 2025 "
    "giữa Bí thư Tỉnh ủy Khu ủy các địa phương Quảng Ninh, Lạng Sơn, Cao Bằng, Hà Giang của Việt Nam với "
    "Quảng Tây, Trung Quốc."
)
LAST_END = (
    "tăng cường giao lưu hữu nghị và hiểu biết lẫn nhau giữa nhân dân Quảng Tây và các địa phương Việt Nam."
)


@pytest.fixture
def extractor() -> OfflineExtractor:
    # One per test: the dedupe step drops a second record of the same URL.
    return OfflineExtractor(get_project_settings())


def renamed(html: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert old in html
        html = html.replace(old, new)
    return html


def test_body_selector_off_falls_back_to_the_main_text_block(extractor: OfflineExtractor) -> None:
    html = renamed(FIXTURE, ("__MASTERCMS_CONTENT", "__MASTERCMS_CONTENT_V2"))
    draft = ArticlePage.from_html(html, URL, BaoquocteSpider).draft()
    assert draft.field_origins["body"] == "main-text"
    record = extractor.extract(html.encode("utf-8"), URL)
    assert schema_errors(record) == []
    assert record["title"] == TITLE
    assert record["published_at"] == "2025-02-18T19:23:00+07:00"
    assert record["authors"] == ["Bảo Chi"]
    paragraphs = record["body"].split("\n\n")
    assert paragraphs[0] == FIRST
    assert paragraphs[-1].endswith(LAST_END)
    assert len(paragraphs) == 5
    for boilerplate in (
        "Theo dõi Baoquocte.vn",
        "TIN LIÊN QUAN",
        "Ảnh: TTXVN",
        "Toàn văn phát biểu",
        "Đọc thêm",
    ):
        assert boilerplate not in record["body"]


def test_inline_related_box_unknown_to_the_selectors_keeps_the_text_after_it(
    extractor: OfflineExtractor,
) -> None:
    html = renamed(FIXTURE, ("article-relate-inline", "box-lien-quan"))
    record = extractor.extract(html.encode("utf-8"), URL)
    paragraphs = record["body"].split("\n\n")
    assert len(paragraphs) == 5
    assert paragraphs[-1].endswith(LAST_END)
    assert "TIN LIÊN QUAN" not in record["body"]
    assert "Ra mắt nền tảng mua sắm tập trung dược phẩm" not in record["body"]


def test_short_date_in_the_text_is_never_the_date(extractor: OfflineExtractor) -> None:
    # No JSON-LD or meta date and no date element: "Chiều 18/2" (no year) is all the page says.
    html = re.sub(r'\s*"date(?:Published|Modified)": "[^"]+",', "", FIXTURE)
    html = renamed(
        html,
        ('<meta property="article:published_time" content="2025-02-18T19:23:00+07:00">', ""),
        ('<div class="article-date">18/02/2025 19:23 |</div>', ""),
    )
    record = extractor.extract(html.encode("utf-8"), URL)
    assert record["sapo"].startswith("Chiều 18/2, tại Trụ sở Trung ương Đảng")
    assert record["published_at"] is None
    assert record["date_source"] is None


def test_date_element_with_its_trailing_bar(extractor: OfflineExtractor) -> None:
    html = re.sub(r'\s*"date(?:Published|Modified)": "[^"]+",', "", FIXTURE)
    html = renamed(html, ('<meta property="article:published_time" content="2025-02-18T19:23:00+07:00">', ""))
    record = extractor.extract(html.encode("utf-8"), URL)
    assert record["published_at"] == "2025-02-18T19:23:00+07:00"
    assert record["date_raw"] == "18/02/2025 19:23 |"
    assert record["date_source"] == "page"


# -- a crawl of a local mirror ----------------------------------------------------------------


def article_url(n: int) -> str:
    return f"https://baoquocte.vn/bai-viet-thu-{n}-3050{n:02d}.html"


def article(n: int, url: str) -> str:
    html = FIXTURE.replace(URL, url).replace(TITLE, f"{TITLE}, bài số {n}")
    return html.replace(FIRST_WORDS, f"Bài số {n}. {FIRST_WORDS}", 1)


def section_page(urls: list[str], next_url: str | None) -> str:
    """A MasterCMS section listing: div.bx-listing h3.article-title a, paged by ".paging a.next"."""
    items = "".join(f'<article><h3 class="article-title"><a href="{u}">Bài</a></h3></article>' for u in urls)
    paging = f'<div class="paging"><a class="next" href="{next_url}">Sau</a></div>' if next_url else ""
    return f'<html><body><div class="bx-listing">{items}</div>{paging}</body></html>'


NOT_ARTICLE = "<html><head><title>Multimedia</title></head><body><p>Ảnh</p></body></html>"


def build_site(server: MirrorServer) -> list[str]:
    """A baoquocte.vn with its feed, a two-page section, a 404 and a non-article; the URLs to export."""
    serve_quiet_discovery(server, BaoquocteSpider, section_page([], None))
    feed_articles = [article_url(n) for n in (1, 2, 3)]
    missing, not_article = article_url(8), article_url(9)
    listed = [article_url(20), article_url(21)]
    server.add(
        "https://baoquocte.vn/rss_feed/",
        rss([*feed_articles, missing, not_article, "https://baoquocte.vn/the-gioi"]),
        "application/rss+xml",
    )
    second = "https://baoquocte.vn/the-gioi&s_cond=&BRSR=15"
    server.add("https://baoquocte.vn/the-gioi", section_page([listed[0], feed_articles[1]], second))
    server.add(second, section_page([listed[1]], None))
    for n, url in zip((1, 2, 3, 20, 21), [*feed_articles, *listed], strict=True):
        server.add(url, article(n, url))
    server.add(not_article, NOT_ARTICLE)
    server.add(missing, Page(b"<html><body>404</body></html>", status=404))
    return [*feed_articles, *listed]


def test_crawl_of_a_local_mirror(tmp_path: Path) -> None:
    out = tmp_path / "baoquocte.jsonl"
    with MirrorServer() as server:
        expected = build_site(server)
        result, records = crawl_mirror("baoquocte", server.url, out)
        hits = list(server.hits)
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(r["url"] for r in records) == sorted(expected)
    second_page = {r["url"]: r for r in records}[article_url(21)]
    assert second_page["title"] == f"{TITLE}, bài số 21"
    assert second_page["published_at"] == "2025-02-18T19:23:00+07:00"
    assert second_page["authors"] == ["Bảo Chi"]
    assert second_page["body"].startswith(f"Bài số 21. {FIRST_WORDS}")
    assert "baoquocte.vn/the-gioi&s_cond=&BRSR=15" in hits
    assert "'vnnews/skipped/not_article': 1" in result.stderr
    assert "'vnnews/not_found': 1" in result.stderr

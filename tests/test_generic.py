"""The generic spider: any outlet, through structured data, shared CMS markup and the text-density fallback."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.utils.project import get_project_settings

from crawler.offline import OfflineExtractor
from crawler.outlets import spider_for
from crawler.schema import schema_errors
from crawler.spiders.generic import GenericSpider
from tests.conftest import CORPUS, crawl_mirror, shared_file
from tests.mirror import MirrorServer
from tests.sites import NOT_ARTICLE, listing, vtv_article

NLD_URL = "https://nld.com.vn/nhung-sai-sot-ho-kinh-doanh-thuong-gap-khi-thuc-hien-quy-dinh-moi-ve-thue-196260307071308923.htm"


@pytest.fixture(scope="module")
def nld_record() -> dict:
    body = shared_file(CORPUS / "other" / "nld-article-2026-03-07.html").read_bytes()
    return OfflineExtractor(get_project_settings()).extract(body, NLD_URL)


def test_an_outlet_without_a_spider_goes_to_the_generic_one() -> None:
    assert spider_for(get_project_settings(), NLD_URL) is GenericSpider


def test_real_page_of_an_outlet_without_a_spider(nld_record: dict) -> None:
    r = nld_record
    assert schema_errors(r) == []
    assert r["outlet"] == "nld.com.vn"
    # The headline as printed; the page's JSON-LD and og:title say "… quy định thuế mới".
    assert r["title"] == "Những sai sót hộ kinh doanh thường gặp khi thực hiện quy định mới về thuế"
    assert r["published_at"] == "2026-03-07T08:06:00+07:00"
    assert r["authors"] == ["Minh Chiến"]
    assert r["section"] == ["Kinh tế"]
    paragraphs = r["body"].split("\n\n")
    assert paragraphs[0] == (
        "Chính phủ vừa ban hành Nghị định 68/2026/NĐ-CP quy định chính sách thuế và quản lý thuế đối với hộ "
        "kinh doanh, cá nhân kinh doanh (Nghị định 68), có hiệu lực từ ngày 5-3."
    )
    assert paragraphs[-1].endswith("nhưng tổng mức trừ không vượt quá 500 triệu đồng/năm.")
    # The related-news box inside the body, and the photo captions, are not body text.
    assert "Hộ kinh doanh phải kê khai tất cả tài khoản nhận tiền bán hàng" not in r["body"]
    assert "(Ảnh minh hoạ)" not in r["body"]


def test_generic_crawl_of_a_listing(tmp_path: Path) -> None:
    articles = [f"https://tinmoi.vn/thoi-su/bai-viet-so-{n}-202606280{n}1500.htm" for n in range(1, 4)]
    out = tmp_path / "generic.jsonl"
    with MirrorServer() as server:
        server.add(
            "https://tinmoi.vn/thoi-su.htm", listing([*articles, "https://tinmoi.vn/the-thao.htm"], None)
        )
        for n, url in enumerate(articles, 1):
            server.add(url, vtv_article(n, url))
        server.add("https://tinmoi.vn/the-thao.htm", NOT_ARTICLE)
        result, records = crawl_mirror(
            "generic", server.url, out, "-a", "listings=https://tinmoi.vn/thoi-su.htm"
        )
        hits = list(server.hits)
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(r["url"] for r in records) == sorted(articles)
    assert {r["outlet"] for r in records} == {"tinmoi.vn"}
    assert "tinmoi.vn/the-thao.htm" not in hits  # not article-like: never fetched

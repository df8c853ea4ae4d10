"""dantri.com.vn on its real pages in ../shared/corpus."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse
from scrapy.utils.project import get_project_settings

from crawler.offline import OfflineExtractor
from crawler.schema import schema_errors
from crawler.spiders.dantri import DantriSpider
from tests.conftest import CORPUS, make_spider, shared_file

URL = "https://dantri.com.vn/kinh-doanh/gia-vang-giam-van-cao-hon-the-gioi-gan-20-trieu-dongluong-20260307080054340.htm"


@pytest.fixture(scope="module")
def record() -> dict:
    body = shared_file(CORPUS / "dantri" / "dantri-article-2026-03-07.html").read_bytes()
    return OfflineExtractor(get_project_settings()).extract(body, URL)


def test_article_fields(record: dict) -> None:
    assert schema_errors(record) == []
    assert record["outlet"] == "dantri.com.vn"
    assert record["title"] == "Giá vàng giảm, vẫn cao hơn thế giới gần 20 triệu đồng/lượng"
    # The lead without the "(Dân trí) - " prefix the page prints.
    assert record["sapo"].startswith("Giá vàng trong nước tiếp tục giảm, xuống mức 183,8 triệu đồng/lượng")
    assert record["published_at"] == "2026-03-07T08:07:18+07:00"
    assert record["authors"] == ["Tri Túc"]
    assert record["section"] == ["Kinh doanh", "Tài chính"]
    assert record["tags"] == [
        "Vàng trong nước giảm",
        "vàng miếng SJC",
        "giảm 900.000 đồng/lượng",
        "vàng nhẫn",
        "cao hơn thế giới",
    ]


def test_article_body(record: dict) -> None:
    paragraphs = record["body"].split("\n\n")
    assert len(paragraphs) == 12
    assert paragraphs[0].startswith(
        "Cụ thể, chốt phiên 6/3, giá vàng miếng SJC được niêm yết tại mức 180,8-183,8"
    )
    assert paragraphs[-1] == (
        "Tỷ giá USD tại Sở giao dịch Ngân hàng Nhà nước mua vào - bán ra tiếp tục tăng nhẹ, hiện ở mức: "
        "23.855-26.259 đồng."
    )
    assert "Đồng USD duy trì đà tăng" in paragraphs  # a subheading
    assert "Giá vàng miếng SJC giảm, người mua lỗ gần 3 triệu đồng/lượng" not in record["body"]  # related


def test_listing_page_leads_to_articles_and_the_next_page() -> None:
    body = shared_file(CORPUS / "dantri" / "dantri-listing-kinh-doanh.html").read_bytes()
    response = HtmlResponse("https://dantri.com.vn/kinh-doanh.htm", body=body)
    requests = list(make_spider(DantriSpider).parse_listing(response, page=1))
    articles = {r.url for r in requests if r.callback.__name__ == "parse_article"}
    pages = [r.url for r in requests if r.callback.__name__ == "parse_listing"]
    assert len(articles) == 43
    assert URL in articles
    assert all(u.startswith("https://dantri.com.vn/") and u.endswith(".htm") for u in articles)
    assert pages == ["https://dantri.com.vn/kinh-doanh/trang-2.htm"]

"""tuoitre.vn on its real pages in ../shared/corpus."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse
from scrapy.utils.project import get_project_settings

from crawler.offline import OfflineExtractor
from crawler.schema import schema_errors
from crawler.spiders.tuoitre import TuoitreSpider
from tests.conftest import CORPUS, make_spider, shared_file

URL = "https://tuoitre.vn/chien-su-day-gia-hoa-nhap-khau-dip-8-3-tang-manh-20260307075519174.htm"


@pytest.fixture(scope="module")
def record() -> dict:
    body = shared_file(CORPUS / "tuoitre" / "tuoitre-article-2026-03-07.html").read_bytes()
    return OfflineExtractor(get_project_settings()).extract(body, URL)


def test_article_fields(record: dict) -> None:
    assert schema_errors(record) == []
    assert record["outlet"] == "tuoitre.vn"
    assert record["title"] == "Chiến sự đẩy giá hoa nhập khẩu dịp 8-3 tăng mạnh"
    assert record["sapo"] == (
        "Xung đột ở khu vực Trung Đông khiến các shop hoa ghi nhận tình trạng hoa nhập khẩu khan hiếm, "
        "tăng giá do chi phí vận chuyển trong dịp lễ 8-3 năm nay."
    )
    assert record["published_at"] == "2026-03-07T08:01:00+07:00"
    # The header shows the first author; the closing byline prints both.
    assert record["authors"] == ["Nhật Xuân", "Nghi Vũ"]
    assert record["byline"] == "NHẬT XUÂN - NGHI VŨ"
    assert record["section"] == ["Kinh doanh"]
    assert record["tags"] == [
        "chiến sự Trung Đông",
        "Chiến tranh Iran - Israel",
        "Hoa nhập khẩu",
        "ngày 8-3",
        "giá hoa",
    ]


def test_article_body(record: dict) -> None:
    paragraphs = record["body"].split("\n\n")
    assert paragraphs[0] == (
        "Nhiều chuyến bay vận chuyển hoa từ các thị trường truyền thống như Hà Lan hay Ecuador không thể về "
        "đúng kế hoạch, khiến nguồn cung hoa nhập khẩu trở nên khan hiếm."
    )
    assert paragraphs[-1].startswith("Ngoài ra, cửa hàng cũng hướng sang các sản phẩm thay thế như hoa sáp")
    assert paragraphs[-1].endswith("dù nhược điểm là rau củ tươi nên không thể bảo quản lâu như hoa.")
    assert "Hoa nhập khẩu thiếu hàng" in paragraphs  # a subheading, kept as its own paragraph
    body = record["body"]
    for boilerplate in (
        "Đọc tiếp",
        "Về trang Chủ đề",
        "Xung đột ở Trung Đông khiến xuất khẩu Việt lao đao",
        "Ảnh: H.Y.T.",
    ):
        assert boilerplate not in body
    captions = [image["caption"] for image in record["images"] if image["caption"]]
    assert captions == [
        "Theo cửa hàng hoa, một bó hoa hồng từ 10 - 20 bông dao động từ 400.000 đồng đến 1 triệu đồng - Ảnh: H.Y.T.",
        "Một cửa hàng chuyển hướng sang các sản phẩm thay thế như hoa sáp hay bó quà từ rau củ trong dịp 8-3 "
        "năm nay - Ảnh: P.T.",
    ]


def test_listing_page_leads_to_articles() -> None:
    body = shared_file(CORPUS / "tuoitre" / "tuoitre-listing-kinh-doanh.html").read_bytes()
    response = HtmlResponse("https://tuoitre.vn/kinh-doanh.htm", body=body)
    spider = make_spider(TuoitreSpider)
    requests = list(spider.parse_listing(response, page=1))
    urls = [r.url for r in requests]
    assert len(set(urls)) == 15  # 18 distinct headline links, 3 of them to sub-sections
    assert (
        "https://tuoitre.vn/xung-dot-o-trung-dong-khien-xuat-khau-viet-lao-dao-vi-phu-phi-cua-logistics-20260306231657525.htm"
        in urls
    )
    assert "https://tuoitre.vn/kinh-doanh/tai-chinh.htm" not in urls

"""vnexpress.net: the real pages in ../shared/corpus, the credit paragraph, and a crawl of a local mirror."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.http import HtmlResponse
from scrapy.utils.project import get_project_settings

from crawler.extraction import ArticlePage, NotAnArticle
from crawler.items import AuthorCandidate
from crawler.offline import OfflineExtractor, page_url
from crawler.schema import schema_errors
from crawler.spiders.vnexpress import VnexpressSpider
from tests.conftest import CORPUS, FIXTURES, crawl_mirror, make_spider, shared_file
from tests.mirror import MirrorServer, Page
from tests.sites import rss, serve_quiet_discovery

REAL_URL = "https://vnexpress.net/cach-cac-nuoc-doi-pho-cu-soc-nang-luong-tu-trung-dong-5047363.html"
CAPTIONS = [
    "Công nhân đi qua các ống dẫn dầu tại một nhà máy lọc dầu ở Vũ Hán (Hồ Bắc, Trung Quốc). Ảnh: Reuters",
    "Tàu dầu gần thành phố cảng Nakhodka (Nga) tháng 12/2022. Ảnh: Reuters",
]

FIXTURE = (FIXTURES / "vnexpress" / "article.html").read_text(encoding="utf-8")
FIXTURE_URL = "https://vnexpress.net/tong-bi-thu-gap-thu-tuong-trung-quoc-va-chu-tich-dang-nuoc-nga-thong-nhat-4949562.html"
FIXTURE_TITLE = "Tổng Bí thư Tô Lâm gặp Thủ tướng Trung Quốc và Chủ tịch Đảng Nước Nga Thống nhất"
FIXTURE_FIRST_WORDS = "Tại cuộc gặp Thủ tướng Trung Quốc Lý Cường tối 9/10"


@pytest.fixture(scope="module")
def extractor() -> OfflineExtractor:
    return OfflineExtractor(get_project_settings())


@pytest.fixture(scope="module")
def real_page() -> bytes:
    return shared_file(CORPUS / "vnexpress" / "vnexpress-article-2026-03-07.html").read_bytes()


@pytest.fixture(scope="module")
def real_record(real_page: bytes, extractor: OfflineExtractor) -> dict:
    assert page_url(real_page) == REAL_URL
    return extractor.extract(real_page, REAL_URL)


def test_real_article_fields(real_record: dict) -> None:
    r = real_record
    assert schema_errors(r) == []
    assert r["outlet"] == "vnexpress.net"
    assert r["title"] == "Cách các nước đối phó cú sốc năng lượng từ Trung Đông"
    assert r["sapo"] == (
        "Trung Quốc, Nhật Bản, Thái Lan hạn chế xuất khẩu nhiên liệu, Ấn Độ tăng mua dầu Nga, còn Myanmar "
        "hạn chế xe lưu thông khi thị trường năng lượng gián đoạn."
    )
    assert r["published_at"] == "2026-03-07T00:05:00+07:00"
    assert r["modified_at"] == "2026-03-07T07:38:56+07:00"
    # The JSON-LD author is the Organization "VnExpress": not an author.
    assert r["authors"] == ["Hà Thu"]
    assert r["byline"] == "Hà Thu (tổng hợp)"
    assert r["source"] is None
    assert r["section"] == ["Kinh doanh", "Quốc tế", "Phân tích"]
    assert r["language"] == "vi"


def test_real_article_body(real_record: dict) -> None:
    body = real_record["body"]
    paragraphs = body.split("\n\n")
    assert len(paragraphs) == 28
    assert paragraphs[0] == (
        "Xung đột giữa Mỹ - Israel với Iran đã bước sang ngày thứ 6, song chưa có dấu hiệu chấm dứt. "
        "Lãnh đạo Mỹ và Israel vài ngày qua đều ám chỉ chiến dịch tập kích Iran của họ có thể kéo dài "
        "nhiều tuần. Xung đột thậm chí lan ra nhiều quốc gia Trung Đông, gây gián đoạn hoạt động sản xuất "
        "và vận chuyển dầu thô trong khu vực."
    )
    assert paragraphs[-1] == (
        "Trước mắt, cơ quan quản lý tăng kiểm tra tình hình nhập khẩu, dự trữ và phân phối của các doanh "
        "nghiệp đầu mối, đồng thời yêu cầu các đơn vị đảm bảo cung cấp đầy đủ xăng dầu cho hệ thống bán lẻ. "
        "Song song đó, lực lượng quản lý thị trường kiểm tra và xử lý các hành vi găm hàng, đầu cơ hoặc "
        "nâng giá bất hợp lý. Bộ Công Thương cũng kiến nghị Ngân hàng Nhà nước và các địa phương ưu tiên "
        "nguồn ngoại tệ, tín dụng cho doanh nghiệp kinh doanh xăng dầu nhằm phục vụ nhập khẩu trong bối "
        "cảnh thị trường thế giới biến động mạnh."
    )
    # Subheadings stay, each its own paragraph.
    for subheading in (
        "Hạn chế xuất khẩu nhiên liệu",
        "Giảm công suất lọc hóa dầu",
        "Tìm nguồn cung thay thế",
    ):
        assert subheading in paragraphs
    assert "Hà Thu" not in body
    for caption in CAPTIONS:
        assert caption not in body
    assert "Ảnh: Reuters" not in body


def test_real_article_captions_go_to_images(real_record: dict) -> None:
    assert [image["caption"] for image in real_record["images"]] == [None, *CAPTIONS]
    assert real_record["images"][1]["url"] == (
        "https://i1-kinhdoanh.vnecdn.net/2026/03/06/china-refinery-1772774959-5310-1772775403.jpg"
        "?w=680&h=0&q=100&dpr=1&fit=crop&s=_iJwF-D4PhD9YmKSYQy3ZA"
    )


def test_real_byline_is_read_by_the_author_selector(real_page: bytes) -> None:
    # The right-aligned credit paragraph answers as the page's author element and leaves the body there,
    # so the byline step's last-paragraph rule has nothing left to take.
    draft = ArticlePage.from_html(real_page, REAL_URL, VnexpressSpider).draft()
    assert AuthorCandidate("Hà Thu (tổng hợp)", "page") in draft.authors_raw
    assert AuthorCandidate("VnExpress", "json-ld") in draft.authors_raw
    assert not any("Hà Thu" in p for p in draft.paragraphs)
    assert draft.paragraphs[-1].startswith("Trước mắt, cơ quan quản lý tăng kiểm tra")


def test_credit_to_an_agency_goes_to_source(extractor: OfflineExtractor) -> None:
    html = FIXTURE.replace("<strong>Như Tâm</strong>", "<strong>Như Tâm</strong> <em>(theo Reuters)</em>")
    record = extractor.extract(html.encode("utf-8"), FIXTURE_URL)
    assert record["authors"] == ["Như Tâm"]
    assert record["byline"] == "Như Tâm (theo Reuters)"
    assert record["source"] == "Reuters"
    assert "Reuters" not in record["body"]


def test_real_listing_gives_its_articles_and_the_next_page() -> None:
    body = shared_file(CORPUS / "vnexpress" / "vnexpress-listing-kinh-doanh.html").read_bytes()
    spider = make_spider(VnexpressSpider)
    response = HtmlResponse("https://vnexpress.net/kinh-doanh", body=body)
    requests = list(spider.parse_listing(response, page=1))
    articles = [r.url for r in requests if r.callback == spider.parse_article]
    pages = [r for r in requests if r.callback == spider.parse_listing]
    # 47 headlines in the list and 3 top stories; their "#box_comment_vne" comment links are dropped.
    assert len(articles) == 50
    assert len(set(articles)) == 50
    assert articles[0] == "https://vnexpress.net/gia-vang-the-gioi-tang-manh-dau-tho-vuot-90-usd-5047621.html"
    assert REAL_URL in articles  # a top story
    assert not any("#" in url for url in articles)
    assert [(p.url, p.cb_kwargs) for p in pages] == [("https://vnexpress.net/kinh-doanh-p2", {"page": 2})]


def test_real_404_page_is_not_an_article(extractor: OfflineExtractor) -> None:
    body = shared_file(CORPUS / "vnexpress" / "vnexpress-404-missing-article.html").read_bytes()
    with pytest.raises(NotAnArticle) as caught:
        extractor.extract(body, "https://vnexpress.net/bai-viet-da-bi-go-5117107.html")
    assert caught.value.reason == "not_article"


# -- a crawl of a local mirror ----------------------------------------------------------------


def article_url(n: int) -> str:
    return f"https://vnexpress.net/bai-viet-thu-{n}-49500{n:02d}.html"


def article(n: int, url: str) -> str:
    """The fixture as article *n*: its own URL, title and first paragraph."""
    html = FIXTURE.replace(FIXTURE_URL, url).replace(FIXTURE_TITLE, f"{FIXTURE_TITLE}, bài số {n}")
    return html.replace(FIXTURE_FIRST_WORDS, f"Bài số {n}. {FIXTURE_FIRST_WORDS}", 1)


def section_page(urls: list[str], next_url: str | None) -> str:
    """A section listing as vnexpress prints it: article.item-news h3.title-news a, link[rel=next]."""
    items = "".join(
        f'<article class="item-news item-news-common"><h3 class="title-news">'
        f'<a href="{u}" title="Bài">Bài</a></h3><p class="description"><a href="{u}">Mô tả</a></p></article>'
        for u in urls
    )
    nxt = f'<link rel="next" href="{next_url}">' if next_url else ""
    return f'<html><head>{nxt}</head><body><div class="list-news-subfolder">{items}</div></body></html>'


NOT_ARTICLE = (
    "<html><head><title>Video - VnExpress</title></head>"
    "<body><div class='list'><h3 class='title-news'><a href='/video'>Xem</a></h3></div></body></html>"
)


def build_site(server: MirrorServer) -> list[str]:
    """A vnexpress.net with a feed, a two-page section, a 404 and a non-article; the URLs to export."""
    serve_quiet_discovery(server, VnexpressSpider, section_page([], None))
    feed_articles = [article_url(n) for n in (1, 2, 3)]
    missing, not_article = article_url(8), article_url(9)
    listed = [article_url(20), article_url(21)]
    server.add(
        "https://vnexpress.net/rss/tin-moi-nhat.rss",
        rss([*feed_articles, missing, not_article, "https://e.vnexpress.net/news/a-4949999.html"]),
        "application/rss+xml",
    )
    server.add(
        "https://vnexpress.net/kinh-doanh", section_page([listed[0], feed_articles[0]], "/kinh-doanh-p2")
    )
    server.add("https://vnexpress.net/kinh-doanh-p2", section_page([listed[1]], None))
    for n, url in ((1, feed_articles[0]), (2, feed_articles[1]), (3, feed_articles[2])):
        server.add(url, article(n, url))
    for n, url in ((20, listed[0]), (21, listed[1])):
        server.add(url, article(n, url))
    server.add(not_article, NOT_ARTICLE)
    server.add(missing, Page(b"<html><body>404</body></html>", status=404))
    return [*feed_articles, *listed]


def test_crawl_of_a_local_mirror(tmp_path: Path) -> None:
    out = tmp_path / "vnexpress.jsonl"
    with MirrorServer() as server:
        expected = build_site(server)
        result, records = crawl_mirror("vnexpress", server.url, out)
        hits = list(server.hits)
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(r["url"] for r in records) == sorted(expected)
    by_url = {r["url"]: r for r in records}
    second_page = by_url[article_url(21)]
    assert second_page["title"] == f"{FIXTURE_TITLE}, bài số 21"
    assert second_page["published_at"] == "2025-10-10T00:30:00+07:00"
    assert second_page["authors"] == ["Như Tâm"]
    assert second_page["body"].startswith(f"Bài số 21. {FIXTURE_FIRST_WORDS}")
    assert "vnexpress.net/kinh-doanh-p2" in hits
    assert not any(h.startswith("e.vnexpress.net") for h in hits)  # the URL pattern keeps to vnexpress.net
    assert "'vnnews/skipped/not_article': 1" in result.stderr
    assert "'vnnews/not_found': 1" in result.stderr

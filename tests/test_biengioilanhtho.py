"""biengioilanhtho.gov.vn: the reconstructed page, the page when its selectors fail, and a crawl of a mirror.

Nothing of this portal's markup is known, so the tests lean on the fallbacks: the
body found by its paragraph text, and the date printed under the title.  The
fixture page's whole record is checked by tests/test_fixtures.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.utils.project import get_project_settings

from crawler.extraction import ArticlePage
from crawler.offline import OfflineExtractor
from crawler.schema import schema_errors
from crawler.spiders.biengioilanhtho import BiengioilanhthoSpider
from tests.conftest import FIXTURES, crawl_mirror
from tests.mirror import MirrorServer, Page
from tests.sites import sitemap

FIXTURE = (FIXTURES / "biengioilanhtho" / "article.html").read_text(encoding="utf-8")
URL = "https://biengioilanhtho.gov.vn/tin-tuc-su-kien/doan-dai-bieu-dang-cong-san-viet-nam-tham-trung-quoc-5873.html"
TITLE = "Đoàn Đại biểu Đảng Cộng sản Việt Nam thăm Trung Quốc"
FIRST_WORDS = "Ngày 26/4, tại thủ đô Bắc Kinh"
FIRST = (
    "Ngày 26/4, tại thủ đô Bắc Kinh, đồng chí Thường trực Ban Bí thư Trương Thị Mai và đoàn đã có các hoạt "
    "động chào xã giao Tổng Bí thư, Chủ tịch nước Trung Quốc Tập Cận Bình; hội đàm với đồng chí Thái Kỳ, Ủy "
    "viên Thường vụ Bộ Chính trị, Bí thư Ban Bí thư, Chánh Văn phòng Trung ương; làm việc với đồng chí Lý Cán "
    "Kiệt, Ủy viên Bộ Chính trị, Bí thư Ban Bí thư, Trưởng Ban Tổ chức Trung ương Đảng Cộng sản Trung Quốc."
)
# The end mark "./." is gone, its full stop kept.
LAST = (
    "Trong thời gian ở thăm Trung Quốc, Thường trực Ban Bí thư Trương Thị Mai và đoàn đã đến thăm và làm việc "
    "với tập thể cán bộ, nhân viên Đại sứ quán Việt Nam tại Bắc Kinh, Trung Quốc."
)
DATE_LINE = '<div class="news-date">26/04/2023 14:28</div>'


@pytest.fixture
def extractor() -> OfflineExtractor:
    # One per test: the dedupe step drops a second record of the same URL.
    return OfflineExtractor(get_project_settings())


def check_record(record: dict) -> None:
    assert schema_errors(record) == []
    assert record["outlet"] == "biengioilanhtho.gov.vn"
    assert record["title"] == TITLE
    assert record["published_at"] == "2023-04-26T14:28:00+07:00"
    assert record["date_raw"] == "26/04/2023 14:28"
    paragraphs = record["body"].split("\n\n")
    assert paragraphs[0] == FIRST
    assert paragraphs[-1] == LAST
    assert len(paragraphs) == 4
    for boilerplate in ("./.", "Cùng chuyên mục", "Tin đọc nhiều", "Đối thoại biển", "Ảnh: TTXVN"):
        assert boilerplate not in record["body"]
    assert [image["caption"] for image in record["images"]] == [
        "Thường trực Ban Bí thư Trương Thị Mai hội kiến Tổng Bí thư, Chủ tịch Trung Quốc Tập Cận Bình - Ảnh: TTXVN"
    ]


def test_reconstructed_page(extractor: OfflineExtractor) -> None:
    record = extractor.extract(FIXTURE.encode("utf-8"), URL)
    check_record(record)
    assert record["date_source"] == "page"
    # The lead is the content's first paragraph; the page's description repeats it.
    assert record["sapo"].startswith("Nhận lời mời của Trung ương Đảng Cộng sản Trung Quốc")
    assert record["authors"] == []
    assert record["byline"] is None


def test_selectors_off_fall_back_to_the_page_text(extractor: OfflineExtractor) -> None:
    html = FIXTURE.replace("news-content", "noidung-tin").replace("news-date", "ngay-dang")
    html = html.replace("news-detail", "chi-tiet").replace("news-title", "tieu-de")
    draft = ArticlePage.from_html(html, URL, BiengioilanhthoSpider).draft()
    assert draft.field_origins["body"] == "main-text"
    assert draft.field_origins["date"] == "printed"
    record = extractor.extract(html.encode("utf-8"), URL)
    check_record(record)
    assert record["date_source"] == "text"


def test_related_headlines_never_lend_their_dates(extractor: OfflineExtractor) -> None:
    # Without the date line, the dates of the "Cùng chuyên mục" block below (20/10/2025…) are not the date.
    html = FIXTURE.replace(DATE_LINE, "")
    record = extractor.extract(html.encode("utf-8"), URL)
    assert record["published_at"] is None
    assert record["body"].split("\n\n")[0] == FIRST


@pytest.mark.parametrize(
    ("after_title", "expected"),
    [
        ("<div><span>26/04/2023</span> <span>14:28</span></div>", "26/04/2023 14:28"),
        ("<p class='meta'>Cập nhật: 01:38 06/09/2023</p>", "Cập nhật: 01:38 06/09/2023"),
        ("<p>Chiều 18/2, hai bên đã hội đàm.</p>", None),
        ("<script>var d = '01/01/2020';</script><p>Không có ngày.</p>", None),
        (f"<p>{'Đoạn dài. ' * 20}</p><p>{'Đoạn dài nữa. ' * 15}</p><p>Hà Nội, 20/10/2025</p>", None),
    ],
)
def test_date_printed_under_the_title(after_title: str, expected: str | None) -> None:
    html = f"<html><body><h1>Tiêu đề</h1>{after_title}<p>Hết.</p></body></html>"
    assert ArticlePage.from_html(html, "https://example.vn/a.html")._date_near_title() == expected


# -- a crawl of a local mirror ----------------------------------------------------------------


def article_url(n: int) -> str:
    return f"https://biengioilanhtho.gov.vn/tin-tuc-su-kien/bai-viet-ve-bien-gioi-so-{n}-{6000 + n}.html"


def article(n: int, url: str) -> str:
    html = FIXTURE.replace(URL, url).replace(TITLE, f"{TITLE}, bài số {n}")
    return html.replace(FIRST_WORDS, f"Bài số {n}. {FIRST_WORDS}", 1)


def portal_page(urls: list[str], next_url: str | None = None) -> str:
    """A portal page: a menu, the article links, and a "Trang sau" link."""
    menu = (
        '<ul class="topmenu"><li><a href="/">Trang chủ</a></li>'
        '<li><a href="/tin-tuc-su-kien">Tin tức - Sự kiện</a></li>'
        '<li><a href="/gioi-thieu-uy-ban-bien-gioi-quoc-gia">Giới thiệu</a></li>'
        '<li><a href="https://www.mofa.gov.vn/bo-ngoai-giao-viet-nam-tin-tuc">Bộ Ngoại giao</a></li></ul>'
    )
    items = "".join(f'<div class="item"><a href="{u}">Bài</a></div>' for u in urls)
    paging = f'<div class="paging"><a title="Trang sau" href="{next_url}">»</a></div>' if next_url else ""
    return f"<html><body>{menu}<div class='list'>{items}</div>{paging}</body></html>"


ABOUT_PAGE = (
    "<html><head><title>Giới thiệu</title></head><body><h2>Giới thiệu</h2>"
    "<p>Ủy ban Biên giới quốc gia là cơ quan trực thuộc Bộ Ngoại giao.</p></body></html>"
)


def build_site(server: MirrorServer) -> list[str]:
    """The portal's sitemap, home page and a two-page news section, a 404 and a non-article."""
    in_sitemap = [article_url(1), article_url(2)]
    missing = article_url(8)
    on_home = [article_url(3), article_url(1)]
    in_section = [article_url(4)]
    on_second_page = [article_url(5)]
    server.add(
        "https://biengioilanhtho.gov.vn/sitemap.xml", sitemap([*in_sitemap, missing]), "application/xml"
    )
    server.add("https://biengioilanhtho.gov.vn/", portal_page(on_home))
    section = "https://biengioilanhtho.gov.vn/tin-tuc-su-kien"
    server.add(section, portal_page(in_section, f"{section}?page=2"))
    server.add(f"{section}?page=2", portal_page(on_second_page))
    for n in (1, 2, 3, 4, 5):
        server.add(article_url(n), article(n, article_url(n)))
    server.add("https://biengioilanhtho.gov.vn/gioi-thieu-uy-ban-bien-gioi-quoc-gia", ABOUT_PAGE)
    server.add(missing, Page(b"<html><body>404</body></html>", status=404))
    return [article_url(n) for n in (1, 2, 3, 4, 5)]


def test_crawl_of_a_local_mirror(tmp_path: Path) -> None:
    out = tmp_path / "biengioilanhtho.jsonl"
    with MirrorServer() as server:
        expected = build_site(server)
        result, records = crawl_mirror("biengioilanhtho", server.url, out)
        hits = list(server.hits)
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(r["url"] for r in records) == sorted(expected)
    second_page = {r["url"]: r for r in records}[article_url(5)]
    assert second_page["title"] == f"{TITLE}, bài số 5"
    assert second_page["published_at"] == "2023-04-26T14:28:00+07:00"
    assert second_page["body"].startswith(f"Bài số 5. {FIRST_WORDS}")
    assert "biengioilanhtho.gov.vn/tin-tuc-su-kien?page=2" in hits
    assert not any("mofa.gov.vn" in h for h in hits)
    # The "Giới thiệu" page has an article-like slug: fetched, then skipped as no article.
    assert "'vnnews/skipped/not_article': 1" in result.stderr
    assert "'vnnews/not_found': 1" in result.stderr

"""nguoilambao.vn: the reconstructed page, the page when its selectors fail, and a crawl of a local mirror.

The fixture page's whole record is checked by tests/test_fixtures.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.utils.project import get_project_settings

from crawler.extraction import ArticlePage
from crawler.offline import OfflineExtractor
from crawler.schema import schema_errors
from crawler.spiders.nguoilambao import NguoilambaoSpider
from tests.conftest import FIXTURES, crawl_mirror
from tests.mirror import MirrorServer, Page
from tests.sites import serve_quiet_discovery

FIXTURE = (FIXTURES / "nguoilambao" / "article.html").read_text(encoding="utf-8")
URL = "https://nguoilambao.vn/public/tong-bi-thu-nguyen-phu-trong-tiep-truong-ban-lien-lac-doi-ngoai-trung-uong-dang-cong-san-trung-quoc"
TITLE = "Tổng Bí thư Nguyễn Phú Trọng tiếp Trưởng Ban Liên lạc Đối ngoại Trung ương Đảng Cộng sản Trung Quốc"
FIRST_WORDS = "Tại cuộc tiếp, Tổng Bí thư Nguyễn Phú Trọng hoan nghênh"
FIRST = (
    "Tại cuộc tiếp, Tổng Bí thư Nguyễn Phú Trọng hoan nghênh đồng chí Lưu Kiến Siêu thăm Việt Nam trong bối "
    "cảnh quan hệ hai Đảng, hai nước duy trì đà phát triển tốt đẹp và có nhiều tiến triển thực chất, nhất là "
    "khi hai nước đang cùng nhau kỷ niệm 15 năm thiết lập khuôn khổ quan hệ Đối tác hợp tác chiến lược toàn "
    "diện (6/2008 - 6/2023)."
)
LAST = (
    "Đồng chí Lưu Kiến Siêu khẳng định, Ban Liên lạc Đối ngoại Trung ương Đảng Cộng sản Trung Quốc sẽ tiếp "
    "tục phối hợp chặt chẽ với Ban Đối ngoại Trung ương và các cơ quan đối ngoại, ngoại giao của Việt Nam "
    "quán triệt, thực hiện tốt nhận thức chung và thỏa thuận quan trọng giữa hai đồng chí Tổng Bí thư, phát "
    "huy vai trò tham mưu chiến lược của cơ chế Gặp gỡ thường niên giữa hai Trưởng Ban Đối ngoại Trung ương "
    "trong việc kịp thời đề xuất với Trung ương hai Đảng về các phương hướng tăng cường hợp tác giữa hai "
    "Đảng, hai nước trong tình hình mới."
)


@pytest.fixture
def extractor() -> OfflineExtractor:
    # One per test: the dedupe step drops a second record of the same URL.
    return OfflineExtractor(get_project_settings())


def check_record(record: dict) -> None:
    """What the page says, whichever layer read it."""
    assert schema_errors(record) == []
    assert record["title"] == TITLE
    assert record["published_at"] == "2023-09-06T01:38:00+07:00"
    # "Tác giả: Đang cập nhật" names nobody; the closing "PV" is a staff credit.
    assert record["authors"] == []
    assert record["byline"] == "PV"
    paragraphs = record["body"].split("\n\n")
    assert paragraphs[0] == FIRST
    assert paragraphs[-1] == LAST
    # The two paragraphs split in the middle of a sentence are whole again.
    assert "Tổng Bí thư Nguyễn Phú Trọng bày tỏ trân trọng sự giúp đỡ" in paragraphs[1]
    assert "sự xúc động và đánh giá cao tình cảm, sự ủng hộ của Tổng Bí thư" in paragraphs[3]
    assert len(paragraphs) == 5
    for boilerplate in ("Link bài viết", "Đang cập nhật", "Ảnh: TTXVN", "Tác giả"):
        assert boilerplate not in record["body"]
    assert not record["body"].endswith("PV")


def test_reconstructed_page(extractor: OfflineExtractor) -> None:
    record = extractor.extract(FIXTURE.encode("utf-8"), URL)
    check_record(record)
    assert record["date_source"] == "page"
    assert record["section"] == ["Vấn đề - Sự kiện"]
    assert record["images"][1] == {
        "url": None,
        "caption": "Tổng Bí thư Nguyễn Phú Trọng tiếp Trưởng Ban Liên lạc Đối ngoại Trung ương Đảng Cộng sản "
        "Trung Quốc Lưu Kiến Siêu - Ảnh: TTXVN",
    }


def test_body_and_date_selectors_off_fall_back_to_the_page_text(extractor: OfflineExtractor) -> None:
    html = FIXTURE.replace('class="description"', 'class="noi-dung"').replace('class="info"', 'class="time"')
    draft = ArticlePage.from_html(html, URL, NguoilambaoSpider).draft()
    assert draft.field_origins["body"] == "main-text"
    assert draft.field_origins["date"] == "printed"
    record = extractor.extract(html.encode("utf-8"), URL)
    check_record(record)
    assert record["date_raw"] == "01:38 06/09/2023"
    assert record["date_source"] == "text"


# -- a crawl of a local mirror ----------------------------------------------------------------


def article_url(n: int) -> str:
    return f"https://nguoilambao.vn/bai-viet-thu-{n}-n70{n:02d}.html"


def article(n: int, url: str) -> str:
    html = FIXTURE.replace(URL, url).replace(TITLE, f"{TITLE}, bài số {n}")
    return html.replace(FIRST_WORDS, f"Bài số {n}. {FIRST_WORDS}", 1)


def section_page(urls: list[str], next_url: str | None) -> str:
    """A section listing: article.post-item h2 a, paged by "ul.pagination li.next a"."""
    items = "".join(f'<article class="post-item"><h2><a href="{u}">Bài</a></h2></article>' for u in urls)
    menu = '<ul class="menu"><li><a href="https://nguoilambao.vn/bao-chi-truyen-thong.html">Báo chí - Truyền thông</a></li></ul>'
    paging = (
        f'<ul class="pagination"><li class="next"><a href="{next_url}">»</a></li></ul>' if next_url else ""
    )
    return f"<html><body>{menu}<div class='list-news'>{items}</div>{paging}</body></html>"


NOT_ARTICLE = "<html><head><title>Người Làm Báo</title></head><body><p>Trang đang bảo trì</p></body></html>"


def build_site(server: MirrorServer) -> list[str]:
    """nguoilambao.vn with a two-page section holding both URL forms, a 404 and a non-article."""
    serve_quiet_discovery(server, NguoilambaoSpider, section_page([], None))
    public = "https://nguoilambao.vn/public/bao-chi-voi-cong-cuoc-chuyen-doi-so"
    first_page = [article_url(1), public, article_url(2), article_url(8), article_url(9)]
    second_page = [article_url(3)]
    server.add(
        "https://nguoilambao.vn/van-de-su-kien/",
        section_page(first_page, "https://nguoilambao.vn/van-de-su-kien/?page=2"),
    )
    server.add("https://nguoilambao.vn/van-de-su-kien/?page=2", section_page(second_page, None))
    for n, url in ((1, article_url(1)), (2, article_url(2)), (3, article_url(3)), (4, public)):
        server.add(url, article(n, url))
    server.add(article_url(9), NOT_ARTICLE)
    server.add(article_url(8), Page(b"<html><body>404</body></html>", status=404))
    return [article_url(1), public, article_url(2), article_url(3)]


def test_crawl_of_a_local_mirror(tmp_path: Path) -> None:
    out = tmp_path / "nguoilambao.jsonl"
    with MirrorServer() as server:
        expected = build_site(server)
        result, records = crawl_mirror("nguoilambao", server.url, out)
        hits = list(server.hits)
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(r["url"] for r in records) == sorted(expected)
    second_page = {r["url"]: r for r in records}[article_url(3)]
    assert second_page["title"] == f"{TITLE}, bài số 3"
    assert second_page["published_at"] == "2023-09-06T01:38:00+07:00"
    assert second_page["body"].startswith(f"Bài số 3. {FIRST_WORDS}")
    assert "nguoilambao.vn/van-de-su-kien/?page=2" in hits
    assert "nguoilambao.vn/bao-chi-truyen-thong.html" not in hits  # a menu link, not an article URL
    assert "'vnnews/skipped/not_article': 1" in result.stderr
    assert "'vnnews/not_found': 1" in result.stderr

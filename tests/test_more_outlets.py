"""thanhnien.vn, vietnamplus.vn and nhandan.vn: crawls of small local mirrors through the real
engine, and what the generic layers give when an outlet changes its markup.

No real page of these outlets is at hand: their pages are the hand-written fixtures in
tests/fixtures/<spider>/ (see the comment at the top of each).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from scrapy.utils.project import get_project_settings

from crawler.extraction import ArticlePage
from crawler.offline import OfflineExtractor
from crawler.spiders.nhandan import NhandanSpider
from crawler.spiders.thanhnien import ThanhnienSpider
from crawler.spiders.vietnamplus import VietnamplusSpider, recent_months
from pipelines.text.dates import VN_TZ, parse_datetime
from tests.conftest import FIXTURES, crawl_mirror
from tests.mirror import MirrorServer, Page
from tests.sites import rss, serve_quiet_discovery


@dataclass(frozen=True)
class Outlet:
    spider: str
    feed: str  # one of the feeds the spider reads
    url: str  # the fixture page's own URL
    title: str
    first_sentence: str  # changed in the copy, so that its content differs
    copy_url: str  # the fixture page again, under another URL and title
    copy_title: str
    missing_url: str  # in the feed, answered 404

    @property
    def page(self) -> str:
        return (FIXTURES / self.spider / "article.html").read_text(encoding="utf-8")

    @property
    def expected(self) -> dict:
        path = FIXTURES / self.spider / "article.expected.json"
        return json.loads(path.read_text(encoding="utf-8"))

    def copy(self) -> str:
        return (
            self.page.replace(self.url, self.copy_url)
            .replace(self.title, self.copy_title)
            .replace(self.first_sentence, "Bản sao: " + self.first_sentence)
        )


THANHNIEN = Outlet(
    spider="thanhnien",
    feed="https://thanhnien.vn/rss/home.rss",
    url="https://thanhnien.vn/da-nang-thi-diem-thu-gom-rac-tai-che-qua-ung-dung-dien-thoai-185250318084512345.htm",
    title="Đà Nẵng thí điểm thu gom rác tái chế qua ứng dụng điện thoại",
    first_sentence="Theo Sở Tài nguyên và Môi trường Đà Nẵng",
    copy_url="https://thanhnien.vn/doi-song/hue-thi-diem-thu-gom-rac-tai-che-qua-ung-dung-185250320101500456.htm",
    copy_title="Huế thí điểm thu gom rác tái chế qua ứng dụng",
    missing_url="https://thanhnien.vn/bai-da-go-185250319070000789.htm",
)
VIETNAMPLUS = Outlet(
    spider="vietnamplus",
    feed="https://www.vietnamplus.vn/rss/home.rss",
    url="https://www.vietnamplus.vn/xuat-khau-ca-phe-hai-thang-dau-nam-tang-gan-30-post1014523.vnp",
    title="Xuất khẩu cà phê hai tháng đầu năm tăng gần 30%",
    first_sentence="Theo Cục Xuất nhập khẩu",
    copy_url="https://vietnamplus.vn/xuat-khau-ho-tieu-hai-thang-dau-nam-tang-manh-post1014600.vnp",
    copy_title="Xuất khẩu hồ tiêu hai tháng đầu năm tăng mạnh",
    missing_url="https://www.vietnamplus.vn/bai-da-go-post1014599.vnp",
)
NHANDAN = Outlet(
    spider="nhandan",
    feed="https://nhandan.vn/rss/home.rss",
    url="https://nhandan.vn/hon-2000-van-dong-vien-du-giai-chay-gay-quy-cho-hoc-sinh-vung-cao-post854321.html",
    title="Hơn 2.000 vận động viên dự giải chạy gây quỹ cho học sinh vùng cao",
    first_sentence="Giải chạy do Trung ương Hội Liên hiệp Thanh niên Việt Nam",
    copy_url="https://www.nhandan.vn/giai-chay-bac-ninh-gay-quy-cho-tre-em-post854400.html",
    copy_title="Giải chạy ở Bắc Ninh gây quỹ cho trẻ em vùng cao",
    missing_url="https://nhandan.vn/bai-da-go-post854399.html",
)
OUTLETS = [THANHNIEN, VIETNAMPLUS, NHANDAN]


def thanhnien_rss(entries: list[tuple[str, str]]) -> str:
    """A feed as thanhnien.vn writes it: titles as character references, 2-digit years."""
    items = "".join(
        f"<item><title>{''.join(c if c.isascii() else f'&#{ord(c)};' for c in title)}</title>"
        f"<link>{url}</link><pubDate>Tue, 18 Mar 25 08:{i:02d}:00 +0700</pubDate></item>"
        for i, (title, url) in enumerate(entries)
    )
    channel = f"<channel><title>Thanh Ni&#234;n - Trang ch&#7911;</title>{items}</channel>"
    return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0">{channel}</rss>'


SPIDERS = {"thanhnien": ThanhnienSpider, "vietnamplus": VietnamplusSpider, "nhandan": NhandanSpider}


def build_mirror(server: MirrorServer, outlet: Outlet) -> None:
    """One feed listing the fixture page, a copy of it under another URL, and a 404.

    The spider's other feeds, sitemaps and section pages are there and empty, as on a
    quiet day: only the 404 fails.
    """
    spidercls = SPIDERS[outlet.spider]
    serve_quiet_discovery(server, spidercls)
    entries = [
        (outlet.title, outlet.url),
        (outlet.copy_title, outlet.copy_url),
        ("Bài đã gỡ", outlet.missing_url),
    ]
    feed = thanhnien_rss(entries) if outlet is THANHNIEN else rss([url for _, url in entries])
    assert outlet.feed in spidercls.feeds
    server.add(outlet.feed, feed, "application/rss+xml")
    server.add(outlet.url, outlet.page)
    server.add(outlet.copy_url, outlet.copy())
    server.add(outlet.missing_url, Page(b"<html><body>404</body></html>", status=404))


@pytest.mark.parametrize("outlet", OUTLETS, ids=lambda o: o.spider)
def test_crawl_of_a_local_mirror(outlet: Outlet, tmp_path: Path) -> None:
    out = tmp_path / f"{outlet.spider}.jsonl"
    with MirrorServer() as server:
        build_mirror(server, outlet)
        result, records = crawl_mirror(outlet.spider, server.url, out)
        hits = list(server.hits)
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(r["url"] for r in records) == sorted([outlet.url, outlet.copy_url])
    by_url = {r["url"]: r for r in records}

    # The fixture page crawled gives the record it gives offline.
    crawled = by_url[outlet.url]
    crawled.pop("crawled_at")
    assert crawled == outlet.expected

    copy = by_url[outlet.copy_url]
    assert copy["title"] == outlet.copy_title
    assert copy["canonical_url"] == outlet.copy_url
    assert copy["published_at"] == outlet.expected["published_at"]
    assert copy["authors"] == outlet.expected["authors"]
    assert copy["body"].startswith("Bản sao: " + outlet.first_sentence)

    # The 404 was asked for, counted, and not exported.
    missing = outlet.missing_url.split("://", 1)[1]
    assert missing in hits
    assert "'vnnews/not_found': 1" in result.stderr


def test_thanhnien_feed_dates_read_with_their_two_digit_year() -> None:
    assert parse_datetime("Tue, 18 Mar 25 08:45:00 +0700") == datetime(2025, 3, 18, 8, 45, tzinfo=VN_TZ)


# Each outlet's body element with its class renamed, as a redesign would do it.
RENAMED_BODY = {
    # The VCCorp data-role stays: the markup of the outlet's CMS answers.
    "thanhnien": ('class="detail-content afcbc-body"', 'class="detail-body-v2"', "cms"),
    # The schema.org itemprop stays: the microdata any CMS may print answers.
    "vietnamplus": ('class="article__body zce-content-body cms-body"', 'class="article-content"', "generic"),
    # Class and itemprop gone: the main text block, found by text and link density, answers.
    "nhandan": (
        'class="article__body zce-content-body cms-body" itemprop="articleBody"',
        'class="article-content"',
        "main-text",
    ),
}


@pytest.fixture
def extractor() -> OfflineExtractor:
    # One per test: its dedupe step would drop a second record of the same URL.
    return OfflineExtractor(get_project_settings())


@pytest.mark.parametrize("outlet", OUTLETS, ids=lambda o: o.spider)
def test_renamed_body_class_falls_back_on_the_generic_layers(
    outlet: Outlet, extractor: OfflineExtractor
) -> None:
    old, new, origin = RENAMED_BODY[outlet.spider]
    assert outlet.page.count(old) == 1
    html = outlet.page.replace(old, new)
    spider = extractor.spider_for(outlet.url)
    assert ArticlePage.from_html(html, outlet.url, spider).draft().field_origins["body"] == origin
    record = extractor.extract(html.encode("utf-8"), outlet.url)
    expected = outlet.expected
    assert record["title"] == outlet.title
    assert record["published_at"] == expected["published_at"]
    assert record["body"].split("\n\n")[0] == expected["body"].split("\n\n")[0]
    assert record["body"].split("\n\n")[0].startswith(outlet.first_sentence)
    assert record["body"] == expected["body"]


# What each page prints as its date, and the datetime attribute of the element, if any.
PRINTED_DATES = {
    "thanhnien": ("18/03/2025 08:45 GMT+7", None),
    "vietnamplus": ("20/02/2025 14:30", ' datetime="2025-02-20T14:30:00+0700"'),
    "nhandan": ("Thứ Ba, ngày 14/01/2025 - 06:01", ' datetime="2025-01-14T06:01:00+0700"'),
}


@pytest.mark.parametrize("outlet", OUTLETS, ids=lambda o: o.spider)
def test_printed_date_answers_without_structured_data(outlet: Outlet, extractor: OfflineExtractor) -> None:
    printed, attribute = PRINTED_DATES[outlet.spider]
    html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", outlet.page, flags=re.S)
    html = re.sub(r'<meta property="article:(?:published|modified)_time"[^>]*>', "", html)
    if attribute:
        assert html.count(attribute) == 1
        html = html.replace(attribute, "")
    record = extractor.extract(html.encode("utf-8"), outlet.url)
    assert record["date_source"] == "page"
    assert record["date_raw"] == printed
    assert record["published_at"] == outlet.expected["published_at"]
    assert record["modified_at"] is None
    # Without JSON-LD the page's own author element still names the author.
    assert record["authors"] == outlet.expected["authors"]


@pytest.mark.parametrize(
    ("spidercls", "articles", "not_articles"),
    [
        (
            ThanhnienSpider,
            [
                THANHNIEN.url,
                "https://www.thanhnien.vn/da-nang-thi-diem-185250318084512345.htm",
                "http://thanhnien.vn/thoi-su/mot-bai-viet-185241231235959999.htm",
            ],
            [
                "https://thanhnien.vn/thoi-su.htm",
                "https://thanhnien.vn/bai-viet-100250318084512345.htm",  # vtv's prefix
                "https://thanhnien.vn/bai-viet-18525031808451234.htm",  # 17 digits
                "https://tuoitre.vn/bai-viet-185250318084512345.htm",
            ],
        ),
        (
            VietnamplusSpider,
            [VIETNAMPLUS.url, "https://vietnamplus.vn/mot-bai-viet-post1.vnp"],
            [
                "https://www.vietnamplus.vn/kinhte/",
                "https://www.vietnamplus.vn/mot-bai-viet-post1014523.html",
                "https://en.vietnamplus.vn/an-article-post1014523.vnp",
            ],
        ),
        (
            NhandanSpider,
            [NHANDAN.url, "https://www.nhandan.vn/mot-bai-viet-post1.html"],
            [
                "https://nhandan.vn/xahoi/",
                "https://nhandan.vn/mot-bai-viet-post854321.vnp",
                "https://nhandan.vn/tag/giai-chay-1234.html",
            ],
        ),
    ],
    ids=["thanhnien", "vietnamplus", "nhandan"],
)
def test_article_url_patterns(spidercls: type, articles: list[str], not_articles: list[str]) -> None:
    spider = spidercls()
    assert [u for u in articles if not spider.is_article_url(u)] == []
    assert [u for u in not_articles if spider.is_article_url(u)] == []


def test_vietnamplus_reads_this_and_last_months_sitemaps() -> None:
    assert recent_months(date(2025, 1, 15)) == [(2025, 1), (2024, 12)]
    assert recent_months(date(2025, 7, 1)) == [(2025, 7), (2025, 6)]
    this_year, this_month = recent_months()[0]
    assert VietnamplusSpider.sitemaps[0] == (
        f"https://www.vietnamplus.vn/sitemaps/news-{this_year}-{this_month}.xml"
    )

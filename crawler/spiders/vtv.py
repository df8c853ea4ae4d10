"""vtv.vn, Báo điện tử VTV (Đài Truyền hình Việt Nam), on VCCorp's CMS.

Two layouts: the current one (2025+, article URLs ``<slug>-100YYMMDDhhmmssmmm.htm``)
and the older one still served for archives (``<section>/<slug>-YYYYMMDDhhmmssmmm.htm``),
whose author line carries the date: "PV Thường trú THVN tại Trung Quốc-Thứ sáu, ngày
11/10/2024 20:02 GMT+7" (the byline step leaves the date out of the credit).
"""

from collections.abc import Iterable
from datetime import date

from crawler.spiders.cms import VccorpSpider

SECTIONS = ("the-gioi", "kinh-te", "chinh-tri", "xa-hoi", "phap-luat", "cong-nghe", "the-thao")


class VtvSpider(VccorpSpider):
    name = "vtv"
    outlet = "vtv.vn"
    # THVN is the broadcaster's own abbreviation ("PV Thường trú THVN tại Trung Quốc").
    self_names = (
        "Báo điện tử VTV",
        "VTV Digital",
        "VTV News",
        "VTV Online",
        "Đài Truyền hình Việt Nam",
        "THVN",
    )
    expects_authors = True

    feeds = [f"https://vtv.vn/rss/{s}.rss" for s in ("home", "tin-moi-nhat", *SECTIONS)]
    sitemaps = ["https://vtv.vn/latest-news-sitemap.xml"]
    # Backfill (-a since=…): the index lists archive sitemaps cut into irregular runs of days,
    # https://vtv.vn/sitemaps/sitemaps-2026-6-21-25.xml; only those of the requested days are read.
    dated_sitemap_pattern = (
        r"/sitemaps-(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<first>\d{1,2})-(?P<last>\d{1,2})\.xml$"
    )
    listings = [f"https://vtv.vn/{s}.htm" for s in SECTIONS]
    listing_links = "h3 a::attr(href), h2 a::attr(href), a.box-category-link-title::attr(href)"
    # Topic crawls: the site search answers a plain GET with the results in HTML (seen in 2025-2026 code).
    topic_pages = ["https://vtv.vn/tim-kiem.htm?keywords={query}"]
    article_urls = [
        r"^https?://(?:[a-z0-9-]+\.)?vtv\.vn/(?:[a-z0-9-]+/)?[a-z0-9-]+-(?:100\d{15}|20\d{15})\.htm$"
    ]

    selectors = {
        "title": ["h1.title[data-role=title]", "h1.title_detail"],
        "sapo": ["p.sapo[data-role=sapo]", "h2.sapo"],
        "body": [
            "div.detail-cmain div.detail-content[data-role=content]",
            "div.noidung #entry-body",
            "#entry-body",
        ],
        "author": ["div.flex-author span.name[data-role=author]", "p.author"],
        "date": ["div.flex-author p.days", "p.author span.time"],
        "section": ["div.list-cate a.item-cate", "ul.breadcrumb li a"],
        "tags": ["div.box-tag div.list-tag a.item", "div.tag_detail a", "ul.tags li a"],
    }
    remove_selectors = [
        "div.box-new-lq",
        "div.box-tag",
        "div.like-fanpage-vtv",
        "a[href*='like-fanpage-vtv']",
        "img[src*='like-fanpage-vtv']",
        "div.news_keyword",
        "div.box-zalo",
    ]

    def dated_sitemaps(self, since: date, until: date) -> Iterable[str]:
        return ["https://vtv.vn/sitemap.xml"]

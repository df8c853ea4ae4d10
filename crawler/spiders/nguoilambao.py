"""nguoilambao.vn, Tạp chí Người Làm Báo (Hội Nhà báo Việt Nam).

Only crawler code from 2020–2022 and seed 004 were seen, no saved page: that
code read OpenGraph tags and no JSON-LD or dated meta, so the date is the
visible "01:38 06/09/2023" line, read by its selector or, when that is off,
as the first date printed under the title.  "Tác giả: Đang cập nhật" means no
author; the closing "PV" is a staff credit.  Article URLs look like
``…-n5660.html`` or ``/public/<slug>``.
"""

from crawler.spiders.base import NewsSpider

SECTIONS = ("van-de-su-kien", "kinh-te", "van-hoa", "phap-luat", "the-gioi", "goc-nhin", "binh-luan")


class NguoilambaoSpider(NewsSpider):
    name = "nguoilambao"
    outlet = "nguoilambao.vn"
    self_names = ("Người Làm Báo", "Tạp chí Người Làm Báo")

    listings = [f"https://nguoilambao.vn/{s}/" for s in SECTIONS]
    listing_links = "article.post-item h2 a::attr(href)"
    next_page = 'link[rel="next"]::attr(href), a[rel="next"]::attr(href), ul.pagination li.next a::attr(href)'
    article_urls = [r"^https?://(?:www\.)?nguoilambao\.vn/(?:[a-z0-9-]+-n\d+\.html|public/[a-z0-9-]+)$"]

    selectors = {
        "title": "h1.title",
        "sapo": ".summary h2",
        "body": [".news-detail .description", ".description"],
        # "Tác giả: Đang cập nhật": the byline step reads the placeholder as no author.
        "author": ".news-detail .author",
        "date": ".news-detail .info",
        "section": ".breadcrumb-item > a > span",
        "tags": ".tags a",
    }
    # No outlet-only boilerplate is known: "Link bài viết: <url>", the caption line "…_Ảnh: TTXVN"
    # and the paragraphs split mid-sentence are handled by the shared rules, the closing "PV"
    # (a staff credit, no author) by the byline step.

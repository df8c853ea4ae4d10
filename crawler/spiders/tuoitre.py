"""tuoitre.vn, Báo Tuổi Trẻ (the same VCCorp CMS family as vtv.vn)."""

from crawler.spiders.base import NewsSpider

SECTIONS = ("thoi-su", "the-gioi", "phap-luat", "kinh-doanh", "cong-nghe", "xe", "giao-duc", "suc-khoe")


class TuoitreSpider(NewsSpider):
    name = "tuoitre"
    outlet = "tuoitre.vn"
    allowed_domains = ["tuoitre.vn"]
    language = "vi"
    # The outlet prints its authors: the health check wants them on most records.
    expects_authors = True

    feeds = [f"https://tuoitre.vn/rss/{s}.rss" for s in ("tin-moi-nhat", *SECTIONS)]
    listings = [f"https://tuoitre.vn/{s}.htm" for s in SECTIONS]
    listing_links = "h3 a::attr(href), h2 a::attr(href)"
    # <slug>-<YYYYMMDDhhmmss + 2 to 4 digits>.htm
    article_urls = [r"^https?://(?:www\.)?tuoitre\.vn/[a-z0-9-]+-20\d{12,16}\.htm$"]

    selectors = {
        "title": "h1.detail-title",
        "sapo": "h2.detail-sapo",
        "body": "div.detail-cmain div.detail-content[data-role=content]",
        # The closing byline names every author ("NHẬT XUÂN - NGHI VŨ"); the header shows the first.
        "author": ["div.detail-author-bot", "div.author-info a.name"],
        "date": "div.detail-time [data-role=publishdate]",
        "section": "div.detail-cate a",
        "tags": "div.detail-tab a.item",
    }
    remove_selectors = [
        "div.readmore-body-box",
        "[data-marked-zoneid=tto_detail_relateboot]",
        "[data-marked-zoneid=tto_detail_tin_cung_muc]",
        "[data-marked-zoneid=tto_detail_list_mostview]",
    ]

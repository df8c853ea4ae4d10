"""tuoitre.vn, Báo Tuổi Trẻ, on VCCorp's CMS (as vtv.vn).

Its leads start "TTO - " (2015 and before: "TT - "); bylines print names in capitals.
"""

from crawler.spiders.cms import VccorpSpider

SECTIONS = ("thoi-su", "the-gioi", "phap-luat", "kinh-doanh", "cong-nghe", "xe", "giao-duc", "suc-khoe")


class TuoitreSpider(VccorpSpider):
    name = "tuoitre"
    outlet = "tuoitre.vn"
    self_names = ("Tuổi Trẻ", "Báo Tuổi Trẻ", "Tuổi Trẻ Online", "TTO")
    lead_prefixes = ("TTO", "TT", "Tuổi Trẻ")
    expects_authors = True

    feeds = [f"https://tuoitre.vn/rss/{s}.rss" for s in ("tin-moi-nhat", *SECTIONS)]
    listings = [f"https://tuoitre.vn/{s}.htm" for s in SECTIONS]
    listing_links = "h3 a::attr(href), h2 a::attr(href)"
    # Topic crawls: the site search, results in HTML as a section listing prints them.
    topic_pages = ["https://tuoitre.vn/tim-kiem.htm?keywords={query}"]
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
    # Its related zones (tto_detail_relateboot, tto_detail_tin_cung_muc, tto_detail_list_mostview) are
    # data-marked-zoneid zones, which go on every VCCorp outlet.
    remove_selectors = ["div.readmore-body-box"]

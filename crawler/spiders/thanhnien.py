"""thanhnien.vn, Báo Thanh Niên, on VCCorp's CMS (as tuoitre.vn and vtv.vn).

Article URLs are ``<slug>-185YYMMDDhhmmssmmm.htm``: an 18-digit id, the prefix 185
then the creation time.  The RSS feeds encode their titles as entities and print
``pubDate`` with a 2-digit year ("Tue, 18 Mar 25 08:45:00 +0700"); only their links
are read.
"""

from crawler.spiders.cms import VccorpSpider

SECTIONS = ("thoi-su", "the-gioi", "kinh-te", "doi-song", "suc-khoe", "giao-duc", "cong-nghe", "the-thao")


class ThanhnienSpider(VccorpSpider):
    name = "thanhnien"
    outlet = "thanhnien.vn"
    self_names = ("Thanh Niên", "Báo Thanh Niên")
    lead_prefixes = ("TN", "Thanh Niên")
    expects_authors = True

    feeds = [f"https://thanhnien.vn/rss/{s}.rss" for s in ("home", *SECTIONS)]
    listings = [f"https://thanhnien.vn/{s}.htm" for s in SECTIONS]
    listing_links = "h3 a::attr(href), h2 a::attr(href), a.box-category-link-title::attr(href)"
    # Topic crawls: the site search, results in HTML as a section listing prints them.
    topic_pages = ["https://thanhnien.vn/tim-kiem.htm?keywords={query}"]
    article_urls = [r"^https?://(?:www\.)?thanhnien\.vn/(?:[a-z0-9-]+/)?[a-z0-9-]+-185\d{15}\.htm$"]

    selectors = {
        "title": ["h1.detail-title span[data-role=title]", "h1.detail-title"],
        "sapo": "h2.detail-sapo",
        "body": "div.detail-cmain div.detail-content.afcbc-body",
        "author": ["div.detail-author div.author-info a.name", "div.detail-info a.name"],
        "date": "div.detail-time div[data-role=publishdate]",
        # Not confirmed by a real page: the VCCorp names tuoitre.vn uses.
        "section": "div.detail-cate a",
        "tags": "div.detail-tab a.item",
    }

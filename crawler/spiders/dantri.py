"""dantri.com.vn, Báo Dân trí: its classes are generated, its data attributes are stable."""

from crawler.spiders.base import NewsSpider

SECTIONS = ("xa-hoi", "the-gioi", "kinh-doanh", "phap-luat", "suc-khoe", "giao-duc", "cong-nghe")


class DantriSpider(NewsSpider):
    name = "dantri"
    outlet = "dantri.com.vn"
    self_names = ("Dân trí", "Báo Dân trí")
    lead_prefixes = ("Dân trí",)
    # Like VCCorp's outlets it writes the creation time in its article URLs: -YYYYMMDDhhmmssmmm.htm.
    url_date = (
        r"-(?P<year>20\d{2})(?P<month>\d{2})(?P<day>\d{2})"
        r"(?P<hour>\d{2})(?P<minute>\d{2})(?P<second>\d{2})\d{3}\.htm$"
    )
    expects_authors = True

    feeds = ["https://dantri.com.vn/rss/home.rss", *(f"https://dantri.com.vn/rss/{s}.rss" for s in SECTIONS)]
    listings = [f"https://dantri.com.vn/{s}.htm" for s in SECTIONS]
    listing_links = "h3 a::attr(href)"
    # Topic crawls: the site search, results in HTML as a section listing prints them.
    topic_pages = ["https://dantri.com.vn/tim-kiem.htm?keywords={query}"]
    # Paging is /<section>/trang-N.htm, linked from the pager (no rel=next).
    next_page = 'link[rel="next"]::attr(href), a[href*="/trang-"]::attr(href)'
    article_urls = [r"^https?://(?:www\.)?dantri\.com\.vn/(?:[a-z0-9-]+/)+[a-z0-9-]+-20\d{15}\.htm$"]

    selectors = {
        "title": "[data-slot=title]",
        "sapo": "[data-slot=sapo]",
        "body": "[data-slot=content]",
        "author": 'a[href*="/tac-gia/"]',
        "date": "time[datetime]",
        "section": "a[data-content-name=article-breadcrumb]",
        "tags": "a[data-content-name=article-tags]",
    }
    remove_selectors = [
        "[data-content-name=article-related]",
        "[data-content-name=article-popular]",
        "div.dantri-widget",
        "aside",
    ]

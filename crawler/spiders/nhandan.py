"""nhandan.vn, Báo Nhân Dân: the CMS of vietnamplus.vn, with its ``article__*`` classes.

Article URLs are ``https://nhandan.vn/<slug>-post<id>.html``.  The date is printed
"Thứ Ba, ngày 14/01/2025 - 06:01" in ``time.time``; the author comes after the body
(``p.name``).
"""

from crawler.spiders.base import NewsSpider

FEEDS = ("home", "chinhtri-1171", "kinhte-1185", "xahoi-1211", "thegioi-1231", "giaoduc-1303")


class NhandanSpider(NewsSpider):
    name = "nhandan"
    outlet = "nhandan.vn"
    allowed_domains = ["nhandan.vn"]
    language = "vi"
    # The outlet prints its authors: the health check wants them on most records.
    expects_authors = True

    feeds = [f"https://nhandan.vn/rss/{f}.rss" for f in FEEDS]
    listing_links = "h2.story__heading a::attr(href), h3.story__heading a::attr(href)"
    article_urls = [r"^https?://(?:www\.)?nhandan\.vn/[a-z0-9-]+-post\d+\.html$"]

    selectors = {
        "title": "h1.article__title",
        "sapo": "div.article__sapo",
        "body": "div.article__body",
        "author": ["div.article__author p.name", "p.name"],
        "date": ["div.article__meta time.time", "time.time"],
        "section": "div.breadcrumb a",
        "tags": "div.article__tag a",
    }
    remove_selectors = [
        "div.article__relate",
        "div.box-relate",
        "div.article__tag",
        "div.article__social",
    ]

"""nhandan.vn, Báo Nhân Dân, on the ``article__*`` CMS it shares with vietnamplus.vn.

Article URLs are ``https://nhandan.vn/<slug>-post<id>.html``.  The date is printed
"Thứ Ba, ngày 14/01/2025 - 06:01" in ``time.time``; the author comes after the body
(``p.name``).  Its leads may start "NDO - ".
"""

from crawler.spiders.cms import ArticleCmsSpider

FEEDS = ("home", "chinhtri-1171", "kinhte-1185", "xahoi-1211", "thegioi-1231", "giaoduc-1303")


class NhandanSpider(ArticleCmsSpider):
    name = "nhandan"
    outlet = "nhandan.vn"
    self_names = ("Nhân Dân", "Báo Nhân Dân", "Báo Nhân Dân điện tử")
    lead_prefixes = ("NDO",)
    expects_authors = True

    feeds = [f"https://nhandan.vn/rss/{f}.rss" for f in FEEDS]
    # Topic crawls: the first page of the site search is HTML ("Xem thêm" loads more by script).
    topic_pages = ["https://nhandan.vn/tim-kiem/?q={query}"]
    article_urls = [r"^https?://(?:www\.)?nhandan\.vn/[a-z0-9-]+-post\d+\.html$"]

    selectors = {"author": ["div.article__author p.name", "p.name"]}

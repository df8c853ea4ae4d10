"""vietnamplus.vn, VietnamPlus (TTXVN): the CMS of nhandan.vn, with its ``article__*`` classes.

Article URLs are ``https://www.vietnamplus.vn/<slug>-post<id>.vnp``.  Besides its RSS
feeds the outlet has one news sitemap a month (``sitemaps/news-YYYY-M.xml``): the
spider reads this month's and last month's.
"""

from datetime import date

from crawler.spiders.base import NewsSpider

FEEDS = ("home", "kinhte-311", "thegioi-209", "xahoi-314")


def recent_months(today: date | None = None) -> list[tuple[int, int]]:
    """(year, month) of this month and the one before."""
    today = today or date.today()
    previous = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return [(today.year, today.month), previous]


class VietnamplusSpider(NewsSpider):
    name = "vietnamplus"
    outlet = "vietnamplus.vn"
    allowed_domains = ["vietnamplus.vn"]
    language = "vi"
    # The outlet prints its authors: the health check wants them on most records.
    expects_authors = True

    feeds = [f"https://www.vietnamplus.vn/rss/{f}.rss" for f in FEEDS]
    sitemaps = [f"https://www.vietnamplus.vn/sitemaps/news-{y}-{m}.xml" for y, m in recent_months()]
    listing_links = "h2.story__heading a::attr(href), h3.story__heading a::attr(href)"
    article_urls = [r"^https?://(?:www\.)?vietnamplus\.vn/[a-z0-9-]+-post\d+\.vnp$"]

    selectors = {
        "title": "h1.article__title",
        "sapo": "div.article__sapo",
        "body": "div.article__body",
        "author": ["div.article__meta span.cms-author", "div.article__meta a.name", "span.cms-author"],
        "date": ["div.article__meta time.time", "time.time"],
        "section": "div.breadcrumb a",
        "tags": "div.article__tag a",
    }
    remove_selectors = [
        # The CMS's inline and closing related boxes ("Tin liên quan", "Xem thêm").
        "div.article__relate",
        "div.box-relate",
        "div.article__tag",
        "div.article__social",
    ]

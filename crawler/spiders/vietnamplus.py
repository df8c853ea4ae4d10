"""vietnamplus.vn, VietnamPlus (TTXVN), on the ``article__*`` CMS it shares with nhandan.vn.

Article URLs are ``https://www.vietnamplus.vn/<slug>-post<id>.vnp``.  Besides its RSS
feeds the outlet has one news sitemap a month (``sitemaps/news-YYYY-M.xml``): the
spider reads this month's and last month's.  TTXVN, its owner, is credited as a
source ("Thanh Tùng/TTXVN"), so it is not one of its self-names.
"""

from datetime import date

from crawler.spiders.cms import ArticleCmsSpider

FEEDS = ("home", "kinhte-311", "thegioi-209", "xahoi-314")


def recent_months(today: date | None = None) -> list[tuple[int, int]]:
    """(year, month) of this month and the one before."""
    today = today or date.today()
    previous = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return [(today.year, today.month), previous]


class VietnamplusSpider(ArticleCmsSpider):
    name = "vietnamplus"
    outlet = "vietnamplus.vn"
    self_names = ("VietnamPlus", "Vietnam+", "Báo điện tử VietnamPlus")
    expects_authors = True

    feeds = [f"https://www.vietnamplus.vn/rss/{f}.rss" for f in FEEDS]
    sitemaps = [f"https://www.vietnamplus.vn/sitemaps/news-{y}-{m}.xml" for y, m in recent_months()]
    # Topic crawls: the site search, results in HTML with paging (?q=…&page=2).
    topic_pages = ["https://www.vietnamplus.vn/tim-kiem?q={query}"]
    article_urls = [r"^https?://(?:www\.)?vietnamplus\.vn/[a-z0-9-]+-post\d+\.vnp$"]

    selectors = {
        "author": ["div.article__meta span.cms-author", "div.article__meta a.name", "span.cms-author"],
    }

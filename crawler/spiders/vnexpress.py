"""vnexpress.net, VnExpress (FPT).

Article URLs end in ``-<7 digits>.html``.  The JSON-LD ``NewsArticle`` gives the
title, dates and breadcrumb, but its author is the Organization "VnExpress": the
real credit is the last right-aligned paragraph of the body ("Hà Thu (tổng hợp)",
"Minh Anh (theo Reuters)").
"""

from crawler.spiders.base import NewsSpider

SECTIONS = ("thoi-su", "the-gioi", "kinh-doanh", "khoa-hoc-cong-nghe", "phap-luat", "giao-duc", "suc-khoe")

# The credit paragraph: the body's last <p>, right-aligned ("text-align:right;" or "text-align: right").
BYLINE_PARAGRAPH = 'article.fck_detail > p.Normal[style*="right"]:last-of-type'


class VnexpressSpider(NewsSpider):
    name = "vnexpress"
    outlet = "vnexpress.net"
    self_names = ("VnExpress", "Báo VnExpress", "VnE")
    expects_authors = True

    feeds = [f"https://vnexpress.net/rss/{s}.rss" for s in ("tin-moi-nhat", *SECTIONS)]
    listings = [f"https://vnexpress.net/{s}" for s in SECTIONS]
    # Section pages list articles as h3 titles (and comment-count links, which the URL pattern drops);
    # the next page, /<section>-p2, is a link[rel=next].
    listing_links = "h3.title-news a::attr(href)"
    # Topic crawls: the search site (a subdomain) lists results as section pages do.
    topic_pages = ["https://timkiem.vnexpress.net/?q={query}"]
    article_urls = [r"^https?://(?:www\.)?vnexpress\.net/[a-z0-9-]+-\d{7,}\.html$"]

    selectors = {
        "title": "h1.title-detail",
        "sapo": "p.description",
        "body": "article.fck_detail",
        "author": [BYLINE_PARAGRAPH, "p.author_mail"],
        "date": "span.date",
        "section": "ul.breadcrumb li a",
    }
    remove_selectors = [
        BYLINE_PARAGRAPH,
        "p.author_mail",
        # Related boxes: filled by script (empty in the HTML), or the inline "Xem thêm" box.
        "div[data-component-type]",
        "div.box-tinlienquanv2",
    ]

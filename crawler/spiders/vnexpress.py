"""vnexpress.net, VnExpress (FPT).

Article URLs end in ``-<7 digits>.html``.  The JSON-LD ``NewsArticle`` gives the
title, dates and breadcrumb, but its author is the Organization "VnExpress": the
real credit is the last right-aligned paragraph of the body ("Hà Thu (tổng hợp)",
"Minh Anh (theo Reuters)").

Older layouts are read too, for archives: 2019 (``h1.title_news_detail``,
``span.time``) and 2012, shared with iOne and Ngôi Sao (``h1.Title`` or
``h3.Title``, ``h2.Lead``, paragraphs ``p.Normal`` in ``div.cxtLeft`` or
``div.dtContent``, the date in ``span.spanTime``, the credit a right-aligned
``p.Normal``).
"""

from crawler.spiders.base import NewsSpider

SECTIONS = ("thoi-su", "the-gioi", "kinh-doanh", "khoa-hoc-cong-nghe", "phap-luat", "giao-duc", "suc-khoe")

# The credit paragraph: the body's last <p>, right-aligned ("text-align:right;" or "text-align: right").
BYLINE_PARAGRAPH = 'article.fck_detail > p.Normal[style*="right"]:last-of-type'
# 2012: the credit is a right-aligned paragraph too, by attribute.
BYLINE_PARAGRAPH_2012 = 'div.cxtLeft > p.Normal[align="right"], div.dtContent > p.Normal[align="right"]'


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
        "title": ["h1.title-detail", "h1.title_news_detail", "h1.Title", "h3.Title"],
        "sapo": ["p.description", "h2.Lead"],
        "body": ["article.fck_detail", "div.cxtLeft", "div.dtContent"],
        "author": [BYLINE_PARAGRAPH, "p.author_mail", BYLINE_PARAGRAPH_2012],
        "date": ["span.date", "span.time", "span.spanTime"],
        "section": "ul.breadcrumb li a",
    }
    remove_selectors = [
        BYLINE_PARAGRAPH,
        BYLINE_PARAGRAPH_2012,
        "h2.Lead",
        "p.author_mail",
        # Related boxes: filled by script (empty in the HTML), or the inline "Xem thêm" box.
        "div[data-component-type]",
        "div.box-tinlienquanv2",
    ]
    # The 2012 reader-story pages ("Bạn đọc viết") end with a call for more stories.
    boilerplate_patterns = [r"Chia sẻ bài viết của bạn .{0,80} tại đây\."]

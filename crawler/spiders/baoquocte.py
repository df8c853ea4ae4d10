"""baoquocte.vn, Báo Thế giới và Việt Nam (Bộ Ngoại giao), on MasterCMS.

Only public crawler code and seed 001 were seen, no saved page: the selectors
are those known for MasterCMS, and every field also has a layer that does not
depend on them (JSON-LD and OpenGraph for title, dates and author, the main
text block of the page, a date printed under the title).  Article URLs end in
``-<id>.html``; section listings page by ``&s_cond=&BRSR=<offset>`` (15 a page).
"""

from crawler.spiders.base import NewsSpider

# Section slugs: "kinh-te" is seen in public feed lists, the others are guessed from the menu's names.
SECTIONS = ("thoi-su", "the-gioi", "kinh-te", "van-hoa", "nguoi-viet-o-xa")


class BaoquocteSpider(NewsSpider):
    name = "baoquocte"
    outlet = "baoquocte.vn"
    self_names = ("Báo Thế giới và Việt Nam", "Thế giới và Việt Nam", "TG&VN", "TGVN", "Báo Quốc tế")
    lead_prefixes = ("TG&VN",)
    expects_authors = True

    feeds = ["https://baoquocte.vn/rss_feed/", *(f"https://baoquocte.vn/rss_feed/{s}" for s in SECTIONS)]
    listings = [f"https://baoquocte.vn/{s}" for s in SECTIONS]
    listing_links = "div.bx-listing h3.article-title a::attr(href)"
    next_page = 'link[rel="next"]::attr(href), a[rel="next"]::attr(href), .paging a.next::attr(href)'
    article_urls = [r"^https?://(?:www\.)?baoquocte\.vn/[a-z0-9-]+-\d{5,}\.html$"]

    selectors = {
        "title": "h1.article-detail-title",
        "sapo": "div.article-detail-desc",
        "body": "div.__MASTERCMS_CONTENT",
        # "Bảo Chi" or "Bảo Chi/TTXVN": the byline step splits the name from the source.
        "author": ["div.article-member", "span.cms-author"],
        # "18/02/2025 19:23 |": the date step drops the trailing bar.
        "date": "div.article-date",
        "section": "ul.breadcrumb li a",
    }
    # The inline "TIN LIÊN QUAN" box between paragraphs (class as in the reconstruction, not seen);
    # should it change, the shared stop-heading rule still takes the box out and keeps the text after it.
    # "Theo dõi Baoquocte.vn trên", captions, the related-headline runs, "Đọc thêm" and
    # "Phiên bản di động" are handled by the shared rules, or lie outside the body.
    remove_selectors = ["div.article-relate-inline"]

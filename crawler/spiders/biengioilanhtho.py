"""biengioilanhtho.gov.vn, Ủy ban Biên giới quốc gia (Bộ Ngoại giao).

Nothing of this portal was seen but seed 002, so nothing here is confirmed:
the selectors are those of the reconstructed fixture, and the spider leans on
what a plain government page always has: an ``h1`` title, the date printed
under it ("26/04/2023 14:28", read as the date when no date element matches),
a body found by its paragraph text when no body element matches, and the
"./." end mark, "Cùng chuyên mục" and "Tin đọc nhiều" that the shared rules
cut.  Discovery is the home page and a guessed news section and sitemap;
article URLs are recognised by a long slug, since their scheme is not known.
"""

from crawler.spiders.base import NewsSpider


class BiengioilanhthoSpider(NewsSpider):
    name = "biengioilanhtho"
    outlet = "biengioilanhtho.gov.vn"
    self_names = ("Ủy ban Biên giới quốc gia", "Uỷ ban Biên giới quốc gia")

    sitemaps = ["https://biengioilanhtho.gov.vn/sitemap.xml"]
    listings = ["https://biengioilanhtho.gov.vn/", "https://biengioilanhtho.gov.vn/tin-tuc-su-kien"]
    # Every link of a listing page; the article URL pattern keeps the articles.
    listing_links = "a::attr(href)"
    next_page = (
        'link[rel="next"]::attr(href), a[rel="next"]::attr(href), '
        '.pagination a.next::attr(href), a[title="Trang sau"]::attr(href)'
    )
    # A slug of five words or more, with an optional id and extension, at the end of the path.
    article_urls = [
        r"^https?://(?:www\.)?biengioilanhtho\.gov\.vn/(?:[\w.-]+/)*[a-z0-9]+(?:-[a-z0-9]+){4,}"
        r"(?:\.html?|\.aspx)?$"
    ]

    selectors = {
        # Any h1 last: without a title element the page is not taken for an article, and only
        # URLs with an article's slug are parsed as articles.
        "title": ["h1.news-title", ".news-detail h1", "h1"],
        "body": ["div.news-content", ".news-detail .content"],
        "date": ["div.news-date", ".news-detail .date"],
        "section": "div.path a",
    }
    # The related blocks are outside the body; should a layout change bring them in, the shared
    # stop headings ("Cùng chuyên mục", "Tin đọc nhiều") and the "./." end mark end the article.
    remove_selectors = ["div.box-cungchuyenmuc", "div.box-docnhieu"]

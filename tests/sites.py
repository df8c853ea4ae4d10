"""Small mirrors of outlets, built from the fixture pages, for end-to-end crawls."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from tests.conftest import FIXTURES
from tests.mirror import MirrorServer, Page, redirect

VTV_CURRENT = (FIXTURES / "vtv" / "article-current.html").read_text(encoding="utf-8")
VTV_CURRENT_URL = (
    "https://vtv.vn/ha-noi-mo-them-3-tuyen-buyt-dien-noi-cac-khu-do-thi-phia-tay-100260628091500123.htm"
)
VTV_TITLE = "Hà Nội mở thêm 3 tuyến buýt điện nối các khu đô thị phía Tây"
PLACES = [
    "Hà Nội",
    "Hải Phòng",
    "Đà Nẵng",
    "Huế",
    "Cần Thơ",
    "Nghệ An",
    "Quảng Ninh",
    "Lào Cai",
    "Đắk Lắk",
    "Cà Mau",
]


def vtv_article_url(n: int, host: str = "vtv.vn") -> str:
    # 100 + YYMMDDhhmmss + a 3-digit serial: a current-layout URL, a minute apart.
    return f"https://{host}/bai-viet-thu-{n}-100260628{(n // 60) % 24:02d}{n % 60:02d}00{n % 1000:03d}.htm"


def vtv_article(n: int, url: str | None = None, *, words: int = 0) -> str:
    """Article *n*: the current-layout fixture with its own URL, title, time and text."""
    url = url or vtv_article_url(n)
    place = PLACES[n % len(PLACES)]
    title = f"{place} mở thêm {n + 3} tuyến buýt điện nối các khu đô thị, bài số {n}"
    html = VTV_CURRENT.replace(VTV_CURRENT_URL, url).replace(VTV_TITLE, title)
    html = html.replace("Thành phố đặt mục tiêu", f"Bài số {n}: {place} đặt mục tiêu")
    if words:
        filler = " ".join(
            f"Đoạn bổ sung số {i} của bài {n} về giao thông công cộng tại {place}."
            for i in range(words // 12)
        )
        html = html.replace(
            '<div data-check-position="body_end"', f'<p>{filler}</p><div data-check-position="body_end"'
        )
    minute = f"{(n // 60) % 24:02d}:{n % 60:02d}"
    return re.sub(r"2026-06-28T09:15:00", f"2026-06-28T{minute}:00", html)


def rss(urls: list[str]) -> str:
    items = "".join(
        f"<item><title>Bài {i}</title><link>{u}</link>"
        f"<pubDate>Sun, 28 Jun 2026 09:{i % 60:02d}:00 +07</pubDate></item>"
        for i, u in enumerate(urls)
    )
    channel = f"<channel><title>VTV</title>{items}</channel>"
    return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0">{channel}</rss>'


def sitemap(urls: list[str]) -> str:
    entries = "".join(f"<url><loc>{u}</loc><lastmod>2026-06-28T09:15:00+07:00</lastmod></url>" for u in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'


def listing(urls: list[str], next_url: str | None) -> str:
    links = "".join(
        f'<article class="box-category-item"><h3><a href="{u}">Bài</a></h3></article>' for u in urls
    )
    nxt = f'<link rel="next" href="{next_url}">' if next_url else ""
    return f"<html><head>{nxt}</head><body><div class='list'>{links}</div></body></html>"


NOT_ARTICLE = (
    "<html><head><title>Video - VTV.vn</title></head>"
    "<body><div class='list'><h3><a href='/x.htm'>Xem</a></h3></div></body></html>"
)


def build_vtv_site(server: MirrorServer) -> dict[str, str]:
    """A vtv.vn with a feed, a sitemap, a paged listing, a 404, redirects and a non-article.

    Returns the URL each exported record must have, keyed by what led to it.
    """
    feed_articles = [vtv_article_url(i) for i in range(1, 4)]
    old_url = "https://vtv.vn/chinh-tri/thuong-truc-ban-bi-thu-luong-cuong-hoi-kien-tong-bi-thu-chu-tich-nuoc-tap-can-binh-20241011191126043.htm"
    moved = vtv_article_url(10)
    moved_to = vtv_article_url(10, host="worldcup.vtv.vn")
    offsite = vtv_article_url(11)
    missing = vtv_article_url(12)
    not_article = vtv_article_url(13)
    sitemap_article = vtv_article_url(20)
    listing_articles = [vtv_article_url(30), vtv_article_url(31)]

    server.add(
        "https://vtv.vn/rss/home.rss",
        rss([*feed_articles, old_url, moved, offsite, missing, not_article]),
        "application/rss+xml",
    )
    server.add(
        "https://vtv.vn/latest-news-sitemap.xml",
        sitemap([sitemap_article, feed_articles[0]]),
        "application/xml",
    )
    server.add("https://vtv.vn/xa-hoi.htm", listing([listing_articles[0]], "/xa-hoi/trang-2.htm"))
    server.add("https://vtv.vn/xa-hoi/trang-2.htm", listing([listing_articles[1]], None))
    for i, url in enumerate([*feed_articles, sitemap_article, *listing_articles]):
        server.add(url, vtv_article(i + 100, url))
    server.add(old_url, (FIXTURES / "vtv" / "article-old.html").read_bytes())
    server.add(moved, redirect(moved_to))
    server.add(moved_to, vtv_article(110, moved_to))
    server.add(offsite, redirect("https://example.com/elsewhere.htm"))
    server.add(not_article, NOT_ARTICLE)
    server.add(missing, Page(b"<html><body>404</body></html>", status=404))
    return {
        **{f"feed-{i}": u for i, u in enumerate(feed_articles)},
        "old-layout": old_url,
        "redirect": moved_to,
        "sitemap": sitemap_article,
        "listing-1": listing_articles[0],
        "listing-2": listing_articles[1],
    }


def write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# -- larger mirrors, for scheduled crawls (state, backfill, kill and resume) ------------------------


def vtv_url_on(day: date, n: int) -> str:
    """A current-layout vtv.vn article URL created on *day* (its id carries the day and a serial)."""
    return f"https://vtv.vn/bai-ngay-{day:%d-%m}-so-{n}-100{day:%y%m%d}{(n // 60) % 24:02d}{n % 60:02d}00{n % 1000:03d}.htm"


def vtv_article_on(day: date, n: int) -> str:
    """Article *n* published on *day* (every date the page prints moved to that day)."""
    html = vtv_article(n, vtv_url_on(day, n))
    return html.replace("2026-06-28", day.isoformat()).replace("28/06/2026", f"{day:%d/%m/%Y}")


def dated_sitemap(entries: list[tuple[str, str]]) -> str:
    """A sitemap whose entries are (URL, lastmod)."""
    urls = "".join(f"<url><loc>{u}</loc><lastmod>{m}</lastmod></url>" for u, m in entries)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'


def sitemap_index(locs: list[str]) -> str:
    entries = "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in locs)
    return f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'


def build_vtv_archive(server: MirrorServer, count: int, *, in_feed: int = 20) -> list[str]:
    """vtv.vn with *count* articles: all in the latest-news sitemap (lastmod 28/06/2026 10:00),
    the first *in_feed* also in the home feed.  Returns the article URLs."""
    urls = [vtv_article_url(i) for i in range(count)]
    lastmod = "2026-06-28T10:00:00+07:00"
    server.add(
        "https://vtv.vn/latest-news-sitemap.xml",
        dated_sitemap([(u, lastmod) for u in urls]),
        "application/xml",
    )
    server.add("https://vtv.vn/rss/home.rss", rss(urls[:in_feed]), "application/rss+xml")
    for i, url in enumerate(urls):
        server.add(url, vtv_article(i, url))
    return urls


def serve_quiet_discovery(server: MirrorServer, spidercls: type, empty_listing: str | None = None) -> None:
    """Every feed, sitemap and section page *spidercls* starts from, there and empty, as on a quiet day.

    A test then adds the few it fills; the health check sees no failed request but its own.
    """
    for url in spidercls.feeds:
        server.add(url, rss([]), "application/rss+xml")
    for url in spidercls.sitemaps:
        server.add(url, sitemap([]), "application/xml")
    for url in spidercls.listings:
        server.add(url, empty_listing if empty_listing is not None else listing([], None))

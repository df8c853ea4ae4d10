"""``scrapy crawlall --demo``: the outlets played on 127.0.0.1 from the project's own fixture pages.

Each outlet with pages in ``tests/fixtures/<spider>/`` (pages written on the
outlet's structure, each with its canonical link) is served as the real crawl
expects it, through ``VNNEWS_MIRROR``: every feed, sitemap and listing page the
spider starts from answers, empty, but for the first one, which lists the
outlet's fixture articles.  So a newcomer sees the real ``crawlall`` work, from
discovery to the export and the summary, without the internet.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from crawler.offline import page_url

# The fixture pages live in the checkout, beside the package.
FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"

RSS = "application/rss+xml"
XML = "application/xml"
HTML = "text/html; charset=utf-8"


def rss(urls: list[str]) -> bytes:
    items = "".join(f"<item><title>{i}</title><link>{escape(u)}</link></item>" for i, u in enumerate(urls))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()
    )


def sitemap(urls: list[str]) -> bytes:
    entries = "".join(f"<url><loc>{escape(u)}</loc></url>" for u in urls)
    xmlns = "http://www.sitemaps.org/schemas/sitemap/0.9"
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="{xmlns}">{entries}</urlset>'.encode()


def listing(urls: list[str]) -> bytes:
    # One markup that each outlet's listing selector finds its links in.
    links = "".join(
        f'<article class="post-item"><h2 class="story__heading"><a href="{escape(u)}">{i}</a></h2>'
        f'<h3 class="title-news article-title story__heading"><a href="{escape(u)}">{i}</a></h3></article>'
        for i, u in enumerate(urls)
    )
    return f'<html><body><div class="bx-listing">{links}</div></body></html>'.encode()


def mirror_key(url: str) -> str:
    """Where ``VNNEWS_MIRROR`` asks for *url*: ``/<host>/<path>?<query>``."""
    parts = urlsplit(url)
    return f"/{parts.netloc}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")


def demo_pages(spiders: Mapping[str, Any], fixtures: Path = FIXTURES) -> dict[str, tuple[bytes, str]]:
    """The pages of every outlet of *spiders* (name → class) that has fixture pages: (body, type) by
    mirror path."""
    pages: dict[str, tuple[bytes, str]] = {}
    for name, spider in spiders.items():
        articles = []
        for path in sorted((fixtures / name).glob("*.html")):
            body = path.read_bytes()
            url = page_url(body)
            if url:
                pages[mirror_key(url)] = (body, HTML)
                articles.append(url)
        if not articles:
            continue
        starts = [(u, rss) for u in spider.feeds] + [(u, sitemap) for u in spider.sitemaps]
        starts += [(u, listing) for u in spider.listings]
        for index, (url, page) in enumerate(starts):
            kind = HTML if page is listing else (RSS if page is rss else XML)
            pages[mirror_key(url)] = (page(articles if index == 0 else []), kind)
    return pages


class DemoServer:
    """The demo pages on 127.0.0.1, a free port, in a thread of this process (a context manager)."""

    def __init__(self, pages: dict[str, tuple[bytes, str]]) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body, kind = pages.get(self.path, (b"Not found", "text/plain"))
                self.send_response(200 if self.path in pages else 404)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # the crawl logs its requests
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> DemoServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

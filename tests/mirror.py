"""A small web server on 127.0.0.1 that plays the outlets, for end-to-end crawls.

Pages are kept in a dict keyed by the real URL; the server answers
``/<host>/<path>`` as ``VNNEWS_MIRROR`` expects.  It runs in a thread of the
test process and serves only what the test put in it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Page:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    # Set: the answer waits until the event is set (a test's stuck download), at most a minute.
    hold: threading.Event | None = None


def redirect(to: str, status: int = 301) -> Page:
    return Page(status=status, headers={"Location": to})


class MirrorServer:
    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.hits: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                host, _, rest = self.path.lstrip("/").partition("/")
                key = f"{host}/{rest}"
                server.hits.append(key)
                self.send_page(
                    server.pages.get(key) or Page(b"<html><body>Not found</body></html>", status=404)
                )

            def send_page(self, page: Page) -> None:
                if page.hold is not None:
                    page.hold.wait(60)
                self.send_response(page.status)
                self.send_header("Content-Type", page.content_type)
                self.send_header("Content-Length", str(len(page.body)))
                for name, value in page.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(page.body)

            def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def add(self, url: str, page: Page | str | bytes, content_type: str | None = None) -> None:
        """Serve *page* for the real outlet URL *url*."""
        if not isinstance(page, Page):
            page = Page(page.encode("utf-8") if isinstance(page, str) else page)
        if content_type:
            page.content_type = content_type
        parts = urlsplit(url)
        key = f"{parts.netloc}{parts.path}" + (f"?{parts.query}" if parts.query else "")
        self.pages[key] = page

    def __enter__(self) -> MirrorServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

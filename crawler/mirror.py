"""Fetching from a local mirror of the outlets, for tests and replays of saved sites.

With ``VNNEWS_MIRROR=http://127.0.0.1:8000`` every ``http(s)`` request for
``https://vtv.vn/a.htm?x=1`` is fetched from ``http://127.0.0.1:8000/vtv.vn/a.htm?x=1``
(the layout ``wget --mirror`` writes).  It is done in the download handler, the
last step before the network, so that robots.txt, offsite filtering, redirects,
spiders and records all see the outlet's real URLs, never the mirror's.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.http import Response


def mirrored_url(mirror: str, url: str) -> str:
    parts = urlsplit(url)
    return f"{mirror}/{parts.netloc}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")


class MirrorDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, sending requests to ``VNNEWS_MIRROR`` when it is set."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.mirror = (crawler.settings.get("VNNEWS_MIRROR") or "").rstrip("/")

    async def download_request(self, request: Request) -> Response:
        if not self.mirror:
            return await super().download_request(request)
        response = await super().download_request(request.replace(url=mirrored_url(self.mirror, request.url)))
        location = response.headers.get("Location")
        if location:
            response.headers["Location"] = self._unmirror(location.decode("latin-1"), request.url)
        return response.replace(url=request.url, request=request)

    def _unmirror(self, location: str, real_url: str) -> str:
        """A redirect from the mirror, as the outlet would have sent it."""
        if location.startswith(self.mirror):
            location = location[len(self.mirror) :]
        if location.startswith("/") and not location.startswith("//"):
            host, _, path = location[1:].partition("/")
            if "." in host:
                return f"{urlsplit(real_url).scheme}://{host}/{path}"
        return location

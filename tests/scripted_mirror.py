"""The test mirror with scripted behaviour, for politeness, health and kill/resume tests.

:class:`ScriptedMirror` serves what :class:`tests.mirror.MirrorServer` serves,
and also: a sequence of answers for a URL (503, then 503, then the page),
slow answers (pages it serves, not 404s), conditional GETs (304 when ``If-None-Match``/``If-Modified-Since``
match the page's ``ETag``/``Last-Modified``), and a log of every request with
its time and headers, and of the most slow answers being prepared at once.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from tests.mirror import MirrorServer, Page


@dataclass
class Hit:
    at: float  # time.monotonic()
    key: str  # host/path?query, as MirrorServer.hits
    headers: dict[str, str]


class ScriptedMirror(MirrorServer):
    def __init__(self, delay: float = 0.0) -> None:
        super().__init__()
        self.delay = delay
        self.sequences: dict[str, list[Page]] = {}
        self.log: list[Hit] = []
        self.in_flight = 0
        self.max_in_flight = 0
        lock = threading.Lock()
        mirror = self
        base = self.httpd.RequestHandlerClass

        class Handler(base):  # type: ignore[misc, valid-type]
            def do_GET(self) -> None:
                host, _, rest = self.path.lstrip("/").partition("/")
                key = f"{host}/{rest}"
                with lock:
                    mirror.log.append(Hit(time.monotonic(), key, dict(self.headers.items())))
                if mirror.delay and key in mirror.pages and not key.endswith(("robots.txt", ".rss", ".xml")):
                    # Counted while the answer is being prepared, not while it is sent: the client may
                    # send its next request as soon as it has this answer, before this thread is done.
                    with lock:
                        mirror.in_flight += 1
                        mirror.max_in_flight = max(mirror.max_in_flight, mirror.in_flight)
                    time.sleep(mirror.delay)
                    with lock:
                        mirror.in_flight -= 1
                page = mirror.scripted_answer(key, self.headers)
                if page is None:
                    super().do_GET()
                    return
                mirror.hits.append(key)
                self.send_page(page)

        self.httpd.RequestHandlerClass = Handler

    def script(self, url: str, *answers: Page) -> None:
        """Answer the first requests for *url* with *answers*, in order; then serve the page as usual."""
        self.sequences[self._key(url)] = list(answers)

    def _key(self, url: str) -> str:
        host_path = url.split("://", 1)[1]
        return host_path if "/" in host_path else host_path + "/"

    def scripted_answer(self, key: str, headers: object) -> Page | None:
        queue = self.sequences.get(key)
        if queue:
            return queue.pop(0)
        page = self.pages.get(key)
        if page is None or page.status != 200:
            return None
        etag, modified = page.headers.get("ETag"), page.headers.get("Last-Modified")
        if (etag and headers.get("If-None-Match") == etag) or (  # type: ignore[attr-defined]
            modified and headers.get("If-Modified-Since") == modified  # type: ignore[attr-defined]
        ):
            return Page(
                b"", status=304, headers={k: v for k, v in page.headers.items() if k != "Content-Length"}
            )
        return None

    def requests_for(self, url: str) -> list[Hit]:
        key = self._key(url)
        return [hit for hit in self.log if hit.key == key]

"""Serve a generated site directory on 127.0.0.1 as VNNEWS_MIRROR expects: /<host>/<path>.

Run by bench/sitegen.py in a process of its own, so that serving never takes the
crawl's CPU.  Files go out with sendfile; the first line printed is the address.

    python bench/server.py DIRECTORY [PORT]
"""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from aiohttp import web

TYPES = {
    ".htm": "text/html; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


def make_app(root: Path) -> web.Application:
    root = root.resolve()

    async def serve(request: web.Request) -> web.StreamResponse:
        path = (root / request.match_info["path"]).resolve()
        if root not in path.parents or not path.is_file():
            return web.Response(status=404, text="Not found", content_type="text/html")
        content_type = TYPES.get(path.suffix, "application/octet-stream")
        return web.FileResponse(path, headers={"Content-Type": content_type})

    app = web.Application()
    app.router.add_get("/{path:.*}", serve)
    return app


async def main(root: Path, port: int) -> None:
    runner = web.AppRunner(make_app(root), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, backlog=1024)
    await site.start()
    bound = runner.addresses[0][1]
    print(f"serving on http://127.0.0.1:{bound}", flush=True)
    while True:
        await asyncio.sleep(3600)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 0))

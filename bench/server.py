"""Serve a generated site directory on 127.0.0.1 as VNNEWS_MIRROR expects: /<host>/<path>.

Run by bench/sitegen.py in a process of its own.  It shares the machine's cores
with the crawl it serves, where a real outlet's server would not, so it does as
little as an HTTP/1.1 server can: a thread per connection, keep-alive, the
request's path looked up under the directory and the file sent with
``sendfile`` (the bytes never enter Python).  aiohttp's file server, used before,
spent 0.4 ms of CPU a 220 KB page serving the bare spider, 0.7 ms serving the
full crawl; this one spends 0.18 and 0.3 ms, most of it in the kernel's loopback TCP.
The first line printed is the address.

    python bench/server.py DIRECTORY [PORT]
"""

from __future__ import annotations

import os
import signal
import socket
import socketserver
import stat
import sys
from pathlib import Path
from urllib.parse import unquote

TYPES = {
    ".htm": b"text/html; charset=utf-8",
    ".html": b"text/html; charset=utf-8",
    ".rss": b"application/rss+xml; charset=utf-8",
    ".xml": b"application/xml; charset=utf-8",
    ".txt": b"text/plain; charset=utf-8",
}
NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 9\r\n\r\nNot found"
BAD_REQUEST = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
MAX_HEAD = 64 * 1024


class Connection(socketserver.BaseRequestHandler):
    """One client connection: GET and HEAD requests answered in turn until it closes."""

    server: Server

    def handle(self) -> None:
        conn: socket.socket = self.request
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pending = b""
        while True:
            end = pending.find(b"\r\n\r\n")
            while end < 0:
                data = conn.recv(65536)
                if not data or len(pending) > MAX_HEAD:
                    return
                pending += data
                end = pending.find(b"\r\n\r\n")
            head, pending = pending[:end], pending[end + 4 :]
            request_line, _, headers = head.partition(b"\r\n")
            parts = request_line.split(b" ")
            if len(parts) != 3 or parts[0] not in (b"GET", b"HEAD"):
                conn.sendall(BAD_REQUEST)
                return
            keep_alive = parts[2] == b"HTTP/1.1" and b"connection: close" not in headers.lower()
            if not self.answer(conn, parts[1], head_only=parts[0] == b"HEAD", keep_alive=keep_alive):
                return

    def answer(self, conn: socket.socket, target: bytes, head_only: bool, keep_alive: bool) -> bool:
        """Send the file *target* names, or a 404; whether the connection stays open."""
        root = self.server.root
        path = os.path.normpath(os.path.join(root, unquote(target.split(b"?", 1)[0].decode("latin-1"))[1:]))
        try:
            if not path.startswith(root + os.sep):
                raise FileNotFoundError(path)
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            conn.sendall(NOT_FOUND)
            return keep_alive
        try:
            status = os.fstat(fd)
            if not stat.S_ISREG(status.st_mode):  # a directory: no index pages here
                conn.sendall(NOT_FOUND)
                return keep_alive
            size = status.st_size
            content_type = TYPES.get(os.path.splitext(path)[1], b"application/octet-stream")
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n%s\r\n"
                % (content_type, size, b"" if keep_alive else b"Connection: close\r\n")
            )
            offset = 0
            while not head_only and offset < size:
                sent = os.sendfile(conn.fileno(), fd, offset, size - offset)
                if not sent:
                    return False
                offset += sent
        except OSError:
            return False
        finally:
            os.close(fd)
        return keep_alive


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024

    def __init__(self, root: Path, port: int) -> None:
        self.root = str(root.resolve())
        super().__init__(("127.0.0.1", port), Connection)


def main(root: Path, port: int) -> None:
    with Server(root, port) as server:
        print(f"serving on http://127.0.0.1:{server.server_address[1]}", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 0)

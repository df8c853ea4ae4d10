"""Start-up: time from launching `scrapy crawl vtv` to its first request reaching the server.

A tiny server on 127.0.0.1 (a thread of this process) notes when the first
request arrives (robots.txt) and answers 404 to everything; the crawl is
stopped there.  Median of ``--runs`` launches.  One more launch with
``python -X importtime`` lists the slowest imports done by then, and whether
dateparser is among them (it should load only when a date needs it).

    python bench/startup.py [--runs 7] [--quick]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from common import ROOT, Targets, header, median, table

TARGET_SECONDS = 2.0


class FirstHit:
    def __init__(self) -> None:
        self.arrived = threading.Event()
        self.at = 0.0
        first = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if not first.arrived.is_set():
                    first.at = time.perf_counter()
                    first.arrived.set()
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def launch(self, *python_flags: str) -> tuple[float, str]:
        """Seconds from launch to the first request, and what the crawl printed by then."""
        self.arrived.clear()
        env = {k: v for k, v in os.environ.items() if k not in ("VNNEWS_LOG_LEVEL", "VNNEWS_MIRROR")}
        args = [
            sys.executable,
            *python_flags,
            "-m",
            "scrapy",
            "crawl",
            "vtv",
            "-O",
            f"{os.devnull}:jsonl",
            "-s",
            f"VNNEWS_MIRROR={self.url}",
            "-s",
            "LOG_LEVEL=INFO",
        ]
        # A file, not a pipe: -X importtime writes more than a pipe holds before the first request.
        with tempfile.TemporaryFile("w+") as err:
            start = time.perf_counter()
            process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
            got = self.arrived.wait(timeout=60)
            seconds = self.at - start if got else float("inf")
            process.kill()
            process.wait()
            err.seek(0)
            return seconds, err.read()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="3 runs")
    args = parser.parse_args()
    runs = 3 if args.quick else args.runs
    header(f"Start-up: `scrapy crawl vtv` to its first request, median of {runs} launches")
    server = FirstHit()
    python_only = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        python_only.append(time.perf_counter() - start)
    times = [server.launch()[0] for _ in range(runs)]
    _, imports = server.launch("-X", "importtime")
    server.httpd.shutdown()

    cumulative: dict[str, int] = {}
    for line in imports.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\s*)(\S+)", line)
        if match and not match.group(2):  # top-level imports only
            cumulative[match.group(3)] = cumulative.get(match.group(3), 0) + int(match.group(1))
    dateparser_loaded = any(re.search(r"\|\s+dateparser$", line) for line in imports.splitlines())

    table(
        ["", "median s", "min s", "max s"],
        [
            ("python -c pass", median(python_only), min(python_only), max(python_only)),
            ("scrapy crawl vtv → first request", median(times), min(times), max(times)),
        ],
    )
    print(
        "slowest top-level imports before the first request (cumulative ms, one launch with -X importtime):"
    )
    top = sorted(cumulative.items(), key=lambda kv: -kv[1])[:10]
    print("  " + ", ".join(f"{name} {us / 1000:.0f}" for name, us in top))
    print(f"dateparser imported before the first request: {'yes' if dateparser_loaded else 'no'}")
    print()
    targets = Targets()
    targets.check("start-up < 2 s", median(times) < TARGET_SECONDS, f"{median(times):.2f} s")
    return targets.report()


if __name__ == "__main__":
    sys.exit(main())

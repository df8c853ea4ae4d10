"""A generated vtv.vn of real-size pages under /tmp, and the crawls the benchmarks run against it.

Every article is the current-layout fixture (``tests.sites.vtv_article``: its own
URL, title, time and a body of 200–1,500 words) wrapped in the chrome a real
outlet page carries, so that pages weigh what real ones do (100–300 KB, about
a thousand elements, a third of the bytes in inline scripts and styles, like
the saved pages in ../shared/corpus): head tags, styles, scripts, a menu, a
column of related headlines with thumbnails and sapos, a footer.  Feeds,
sections with two more listing pages each, a sitemap of every article and a
robots.txt complete the site.  ``bench/server.py`` serves the directory.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import BENCH, ROOT

HOST = "vtv.vn"
SECTIONS = ("the-gioi", "kinh-te", "chinh-tri", "xa-hoi", "phap-luat", "cong-nghe", "the-thao")
FEEDS = ("home", "tin-moi-nhat", *SECTIONS)
FEED_ITEMS = 50
LISTING_PAGES = 3  # the spider's VNNEWS_MAX_LISTING_PAGES
LISTING_ITEMS = 20
INSERT_HEAD = "</head>"
INSERT_TOP = '<div class="detail__smain">'
INSERT_BOTTOM = '<footer class="footer">'

VOCABULARY = (
    "thành phố giao thông công cộng xe buýt điện đường sắt đô thị hành khách tuyến mới kế hoạch năm "
    "nay chính phủ bộ trưởng quốc hội kinh tế tăng trưởng doanh nghiệp thị trường giá vàng xăng dầu "
    "xuất khẩu nông sản mùa vụ thời tiết mưa lớn bão lũ miền Trung học sinh giáo dục đại học tuyển "
    "sinh bệnh viện y tế sức khỏe bóng đá đội tuyển giải đấu huấn luyện viên công nghệ trí tuệ nhân "
    "tạo dữ liệu an ninh mạng chuyển đổi số người dân địa phương tỉnh huyện xã dự án đầu tư hạ tầng "
    "cao tốc sân bay cảng biển"
)
WORDS = VOCABULARY.split()


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def _css_chunk(rng: random.Random) -> str:
    rules = []
    for _ in range(120):
        block = rng.choice(["box", "item", "list", "detail", "header", "menu", "cate"])
        cls = f".{block}-{rng.randint(1, 999)}"
        rules.append(
            f"{cls} {rng.choice(['a', 'p', 'h3', 'span', 'img', 'li'])}{{margin:{rng.randint(0, 24)}px "
            f"{rng.randint(0, 24)}px;font-size:{rng.randint(11, 22)}px;"
            f"line-height:{rng.randint(12, 18) / 10};"
            f"color:#{rng.randint(0, 0xFFFFFF):06x}}}"
        )
    return "\n".join(rules)


def _js_chunk(rng: random.Random) -> str:
    lines = [f"var _cfg{rng.randint(0, 99999)} = {{"]
    for _ in range(90):
        lines.append(
            f'  "{rng.choice(["zone", "ads", "track", "player", "cate", "box"])}_{rng.randint(0, 9999)}": '
            f'{{"id": {rng.randint(1, 10**9)}, "url": "https://static.vtv.vn/js/{rng.randint(0, 9999)}.js", '
            f'"enabled": {rng.choice(["true", "false"])}}},'
        )
    lines.append("};")
    lines.append(
        "(function(w,d){var s=d.createElement('script');s.async=true;"
        f"s.src='https://static.vtv.vn/js/main-{rng.randint(0, 9999)}.js';"
        "d.getElementsByTagName('head')[0].appendChild(s);})(window,document);"
    )
    return "\n".join(lines)


class Chrome:
    """Pools of page chrome, drawn from per page so that 20,000 pages take seconds to write."""

    def __init__(self, seed: int = 7) -> None:
        rng = random.Random(seed)
        self.css = [_css_chunk(rng) for _ in range(12)]
        self.js = [_js_chunk(rng) for _ in range(24)]
        self.menu = self._menu(rng)
        self.footer = self._footer(rng)
        self.headlines = [
            (
                f"https://{HOST}/tin-{i}-{rng.randint(10**14, 10**15 - 1)}.htm",
                _words(rng, rng.randint(9, 16)),
                _words(rng, rng.randint(25, 45)),
            )
            for i in range(600)
        ]

    def _menu(self, rng: random.Random) -> str:
        groups = []
        for s in SECTIONS:
            links = "".join(
                f'<li><a href="/{s}/muc-{i}.htm" title="{_words(rng, 3)}">{_words(rng, 2)}</a></li>'
                for i in range(18)
            )
            groups.append(
                f'<li class="menu-item"><a href="/{s}.htm">{s}</a><ul class="sub">{links}</ul></li>'
            )
        return f'<header class="header"><nav class="menu"><ul>{"".join(groups)}</ul></nav></header>'

    def _footer(self, rng: random.Random) -> str:
        links = "".join(f'<li><a href="/lien-he-{i}.htm">{_words(rng, 2)}</a></li>' for i in range(60))
        about = "".join(f"<p>{_words(rng, 30)}.</p>" for _ in range(4))
        return f'<div class="footer__top"><ul>{links}</ul>{about}</div>'

    def column(self, rng: random.Random, items: int) -> str:
        boxes = []
        for url, title, sapo in rng.sample(self.headlines, items):
            image = f"https://cdn-images.vtv.vn/thumb_w/300/{rng.randint(0, 10**6)}.jpg"
            boxes.append(
                f'<div class="box-category-item"><a class="box-category-link-with-avatar" href="{url}" '
                f'title="{title}"><img src="{image}" alt="{title}" loading="lazy"></a>'
                f'<h3 class="box-title-text"><a href="{url}">{title}</a></h3>'
                f'<p class="box-category-sapo">{sapo}</p></div>'
            )
        return f'<div class="box-category sidebar" data-marked-zoneid="vtv_tin_moi">{"".join(boxes)}</div>'

    def wrap(self, html: str, rng: random.Random, target_bytes: int) -> str:
        """*html* with scripts and styles, a menu, a column of headlines and a footer: near *target_bytes*."""
        size = len(html.encode("utf-8")) + len(self.menu) * 2 + len(self.footer) * 2
        head: list[str] = [
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            *(f'<link rel="preload" href="https://static.vtv.vn/css/p{i}.css" as="style">' for i in range(8)),
        ]
        budget_scripts = int((target_bytes - size) * 0.45)
        while budget_scripts > 0:
            chunk = (
                f"<style>{rng.choice(self.css)}</style>"
                if rng.random() < 0.35
                else f'<script type="text/javascript">{rng.choice(self.js)}</script>'
            )
            head.append(chunk)
            budget_scripts -= len(chunk)
            size += len(chunk)
        items = max(10, (target_bytes - size) // 560)
        column = self.column(rng, min(items, len(self.headlines)))
        html = html.replace(INSERT_HEAD, "".join(head) + INSERT_HEAD, 1)
        html = html.replace(INSERT_TOP, self.menu + INSERT_TOP, 1)
        return html.replace(INSERT_BOTTOM, column + INSERT_BOTTOM + self.footer, 1)


@dataclass
class Site:
    root: Path
    articles: list[str]
    urls: list[str]  # everything a crawl fetches but robots.txt, for the bare spider
    urls_file: Path
    article_bytes: int

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def path_of(root: Path, url: str) -> Path:
    host_and_path = url.split("://", 1)[1]
    return root / host_and_path


def _write(root: Path, url: str, text: str) -> int:
    path = path_of(root, url)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    path.write_bytes(data)
    return len(data)


def build_site(articles: int, kb: tuple[int, int] = (100, 300), seed: int = 1) -> Site:
    """Write a vtv.vn of *articles* articles of *kb* KB each under a new /tmp directory."""
    from tests.sites import listing, rss, sitemap, vtv_article, vtv_article_url  # importable: see common.py

    root = Path(tempfile.mkdtemp(prefix="vnnews-bench-site-"))
    chrome = Chrome()
    rng = random.Random(seed)
    article_urls = [vtv_article_url(n) for n in range(articles)]
    total = 0
    for n, url in enumerate(article_urls):
        page = vtv_article(n, url, words=rng.randint(200, 1500))
        total += _write(root, url, chrome.wrap(page, rng, rng.randint(kb[0], kb[1]) * 1024))
    urls: list[str] = []
    _write(root, f"https://{HOST}/robots.txt", "User-agent: *\nDisallow: /admin/\nDisallow: /search\n")
    for i, name in enumerate(FEEDS):
        url = f"https://{HOST}/rss/{name}.rss"
        start = (i * FEED_ITEMS) % max(1, articles)
        _write(root, url, rss(article_urls[start : start + FEED_ITEMS]))
        urls.append(url)
    url = f"https://{HOST}/latest-news-sitemap.xml"
    _write(root, url, sitemap(article_urls))
    urls.append(url)
    for i, section in enumerate(SECTIONS):
        for page_no in range(1, LISTING_PAGES + 1):
            url = (
                f"https://{HOST}/{section}.htm"
                if page_no == 1
                else f"https://{HOST}/{section}/trang-{page_no}.htm"
            )
            nxt = f"/{section}/trang-{page_no + 1}.htm" if page_no < LISTING_PAGES else None
            start = ((i * LISTING_PAGES + page_no) * LISTING_ITEMS) % max(1, articles)
            body = listing(article_urls[start : start + LISTING_ITEMS], nxt)
            body = body.replace(
                "<body>", '<body><div class="detail__smain"></div><footer class="footer"></footer>'
            )
            _write(root, url, chrome.wrap(body, rng, rng.randint(kb[0], kb[1]) * 1024))
            urls.append(url)
    urls.extend(article_urls)
    urls_file = root / "urls.txt"
    urls_file.write_text("\n".join(urls) + "\n", encoding="utf-8")
    return Site(root, article_urls, urls, urls_file, total)


# -- the server ---------------------------------------------------------------------


class Server:
    """``bench/server.py`` serving a site directory, in its own process."""

    def __init__(self, root: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(BENCH / "server.py"), str(root)], stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        match = re.match(r"serving on (http://\S+)", line)
        if not match:
            self.stop()
            raise RuntimeError(f"the mirror server did not start: {line!r}")
        self.url = match.group(1)

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# -- crawls ---------------------------------------------------------------------------

# AutoThrottle and delays off, robots.txt obeyed, the same for every crawl the benchmarks compare.
CRAWL_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "ROBOTSTXT_OBEY": "True",
    "LOG_LEVEL": "INFO",
    # Every article of the site, however many the sitemap lists (a real crawl takes the newest 2,000).
    "VNNEWS_SITEMAP_MAX_ARTICLES": "0",
}
STAT = re.compile(r"'([a-z_/]+)': ([0-9.]+)")


@dataclass
class Crawl:
    returncode: int
    wall: float  # process start to exit
    elapsed: float  # Scrapy's elapsed_time_seconds: spider opened to closed
    responses: int
    items: int
    peak_rss_mb: float  # the crawl process's peak (wait4)
    server_cpu: float
    rss_samples: list[tuple[float, float]]  # (seconds since start, RSS MB)
    stderr_tail: str

    @property
    def pages_per_second(self) -> float:
        return self.responses / self.elapsed if self.elapsed else 0.0


def run_crawl(
    command: list[str],
    mirror: Server,
    out: Path,
    settings: dict[str, Any] | None = None,
    sample_every: float = 0.5,
) -> Crawl:
    """``python -m scrapy COMMAND -O OUT -s ...`` against *mirror*; its time, stats and peak memory."""
    all_settings = {**CRAWL_SETTINGS, "VNNEWS_MIRROR": mirror.url, **(settings or {})}
    args = [sys.executable, "-m", "scrapy", *command, "-O", str(out)]
    for name, value in all_settings.items():
        args += ["-s", f"{name}={value}"]
    log = out.with_suffix(".log")
    env = {k: v for k, v in os.environ.items() if k not in ("VNNEWS_LOG_LEVEL", "VNNEWS_MIRROR")}
    server_before = mirror.cpu_seconds()
    start = time.perf_counter()
    with log.open("w") as err:
        process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err, env=env)
        samples = []
        status_path = Path(f"/proc/{process.pid}/status")
        while True:
            # wait4 rather than poll(): it also gives the child's peak RSS.
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                process.returncode = os.waitstatus_to_exitcode(status)
                break
            rss = re.search(r"VmRSS:\s+(\d+)", status_path.read_text())
            if rss:
                samples.append((time.perf_counter() - start, int(rss.group(1)) / 1024))
            time.sleep(sample_every)
    wall = time.perf_counter() - start
    server_cpu = mirror.cpu_seconds() - server_before
    text = log.read_text(errors="replace")
    stats_text = text.rsplit("Dumping Scrapy stats:", 1)[-1]
    stats = {k: float(v) for k, v in STAT.findall(stats_text)}
    return Crawl(
        returncode=process.returncode,
        wall=wall,
        elapsed=stats.get("elapsed_time_seconds", 0.0),
        responses=int(stats.get("downloader/response_count", 0)),
        items=int(stats.get("item_scraped_count", 0)),
        peak_rss_mb=usage.ru_maxrss / 1024,
        server_cpu=server_cpu,
        rss_samples=samples,
        stderr_tail=text[-3000:],
    )


def vtv_crawl(mirror: Server, out: Path, settings: dict[str, Any] | None = None) -> Crawl:
    return run_crawl(["crawl", "vtv"], mirror, out, settings)


def bare_crawl(site: Site, mirror: Server, out: Path, settings: dict[str, Any] | None = None) -> Crawl:
    return run_crawl(
        ["runspider", str(BENCH / "bare_spider.py"), "-a", f"urls={site.urls_file}"], mirror, out, settings
    )

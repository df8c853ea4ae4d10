"""Politeness under schedule: backoff and Retry-After, conditional requests, per-outlet concurrency, robots.txt."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from scrapy.utils.project import get_project_settings

from crawler.middlewares import backoff_seconds, retry_after_seconds
from tests.conftest import read_jsonl, run_scrapy
from tests.mirror import Page
from tests.scripted_mirror import ScriptedMirror
from tests.sites import rss, vtv_article, vtv_article_url


def serve_articles(server: ScriptedMirror, count: int, feed: Page | None = None) -> list[str]:
    urls = [vtv_article_url(i) for i in range(count)]
    page = feed or Page(rss(urls).encode("utf-8"))
    page.content_type = "application/rss+xml"
    server.add("https://vtv.vn/rss/home.rss", page)
    for i, url in enumerate(urls):
        server.add(url, vtv_article(i, url))
    return urls


def crawl(server: ScriptedMirror, *extra: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = run_scrapy(
        "crawl",
        "vtv",
        "-s",
        f"VNNEWS_MIRROR={server.url}",
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
        "-s",
        "DOWNLOAD_DELAY=0",
        *extra,
        env=env,
    )
    return result.returncode, result.stderr


def test_polite_defaults() -> None:
    settings = get_project_settings()
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    assert middlewares["scrapy.downloadermiddlewares.retry.RetryMiddleware"] is None
    assert middlewares["crawler.middlewares.BackoffRetryMiddleware"] == 550
    assert {429, 503} <= {int(code) for code in settings.getlist("RETRY_HTTP_CODES")}


def test_retry_after_and_backoff_arithmetic() -> None:
    now = datetime(2026, 6, 28, 2, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds(b"Sun, 28 Jun 2026 02:00:30 GMT", now) == 30.0
    assert retry_after_seconds("Sun, 28 Jun 2026 01:00:00 GMT", now) == 0.0  # already past
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None
    assert [backoff_seconds(n, 1.0, 5.0) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 5.0]


def test_retry_after_is_honoured(tmp_path: Path) -> None:
    out = tmp_path / "vtv.jsonl"
    with ScriptedMirror() as server:
        (url,) = serve_articles(server, 1)
        server.script(url, Page(b"busy", status=503, headers={"Retry-After": "1"}))
        code, log = crawl(server, "-O", str(out), "-s", "RETRY_TIMES=2")
        attempts = [hit.at for hit in server.requests_for(url)]
    assert code == 0, log[-3000:]
    assert [r["url"] for r in read_jsonl(out)] == [url]
    assert len(attempts) == 2
    assert attempts[1] - attempts[0] >= 1.0
    assert "'vnnews/retry/retry_after_honoured': 1" in log


def test_retries_back_off_exponentially(tmp_path: Path) -> None:
    out = tmp_path / "vtv.jsonl"
    with ScriptedMirror() as server:
        (url,) = serve_articles(server, 1)
        server.script(url, Page(b"slow down", status=429), Page(b"slow down", status=429))
        code, log = crawl(server, "-O", str(out), "-s", "RETRY_TIMES=2", "-s", "VNNEWS_RETRY_BACKOFF=0.4")
        attempts = [hit.at for hit in server.requests_for(url)]
    assert code == 0, log[-3000:]
    assert [r["url"] for r in read_jsonl(out)] == [url]
    assert len(attempts) == 3
    assert attempts[1] - attempts[0] >= 0.4
    assert attempts[2] - attempts[1] >= 0.8
    assert "'vnnews/retry/slowed_down': 2" in log  # a 429 slows the whole outlet down too


def test_a_retry_after_too_long_for_this_run_is_given_up(tmp_path: Path) -> None:
    out = tmp_path / "vtv.jsonl"
    with ScriptedMirror() as server:
        urls = serve_articles(server, 2)
        server.script(urls[0], Page(b"later", status=503, headers={"Retry-After": "3600"}))
        code, log = crawl(server, "-O", str(out), "-s", "RETRY_TIMES=2")
        attempts = server.requests_for(urls[0])
    assert code == 0, log[-3000:]
    assert [r["url"] for r in read_jsonl(out)] == [urls[1]]
    assert len(attempts) == 1
    assert "'vnnews/retry/retry_after_too_long': 1" in log


def test_feeds_are_asked_for_only_if_changed(tmp_path: Path) -> None:
    env = {"VNNEWS_DATA_DIR": str(tmp_path / "data")}
    validators = {"ETag": '"feed-v1"', "Last-Modified": "Sun, 28 Jun 2026 03:00:00 GMT"}
    with ScriptedMirror() as server:
        urls = serve_articles(server, 3)
        server.add(
            "https://vtv.vn/rss/home.rss", Page(rss(urls).encode(), headers=validators), "application/rss+xml"
        )
        first_code, _ = crawl(server, env=env)
        second_code, second_log = crawl(server, env=env)
        backfill_code, _ = crawl(server, "-a", "since=2026-06-01", env=env)
        feed_requests = server.requests_for("https://vtv.vn/rss/home.rss")
    assert (first_code, second_code, backfill_code) == (0, 0, 0), second_log[-3000:]
    assert "If-None-Match" not in feed_requests[0].headers
    assert feed_requests[1].headers["If-None-Match"] == '"feed-v1"'
    assert feed_requests[1].headers["If-Modified-Since"] == "Sun, 28 Jun 2026 03:00:00 GMT"
    # 304: nothing new, nothing fetched, and not a failure.
    assert "'vnnews/conditional/not_modified': 1" in second_log
    assert "'downloader/response_status_count/304': 1" in second_log
    assert not any(
        "bai-viet" in hit.key
        for hit in server.log
        if hit.at > feed_requests[1].at and hit.at < feed_requests[2].at
    )
    # A backfill reads the feed whatever earlier runs saw.
    assert "If-None-Match" not in feed_requests[2].headers


def test_concurrency_is_set_per_outlet(tmp_path: Path) -> None:
    one_at_a_time = 'VNNEWS_OUTLET_SETTINGS={"vtv": {"CONCURRENT_REQUESTS_PER_DOMAIN": 1}}'
    # A delay above 0, as in production: Scrapy 2.19 on asyncio does not hold a slot to its
    # concurrency when DOWNLOAD_DELAY is 0 (it starts every queued request of the slot at once).
    delay = ("-s", "DOWNLOAD_DELAY=0.01")
    with ScriptedMirror(delay=0.25) as server:
        serve_articles(server, 6)
        code, _ = crawl(server, "-O", str(tmp_path / "a.jsonl"), *delay)
        default_max = server.max_in_flight
        server.max_in_flight = 0
        limited_code, limited_log = crawl(
            server, "-O", str(tmp_path / "b.jsonl"), *delay, "-s", one_at_a_time
        )
        limited_max = server.max_in_flight
    assert (code, limited_code) == (0, 0), limited_log[-3000:]
    assert default_max > 1
    assert limited_max == 1
    assert len(read_jsonl(tmp_path / "b.jsonl")) == 6


def test_robots_txt_is_obeyed(tmp_path: Path) -> None:
    out = tmp_path / "vtv.jsonl"
    with ScriptedMirror() as server:
        urls = serve_articles(server, 3)
        server.add("https://vtv.vn/robots.txt", "User-agent: *\nDisallow: /bai-viet-thu-1-\n", "text/plain")
        code, log = crawl(server, "-O", str(out))
        hits = list(server.hits)
    assert code == 0, log[-3000:]
    assert sorted(r["url"] for r in read_jsonl(out)) == [urls[0], urls[2]]
    assert not any("bai-viet-thu-1-" in hit for hit in hits)
    assert "'robotstxt/forbidden': 1" in log


# -- meta refresh ----------------------------------------------------------------------


def test_a_meta_refresh_is_followed_within_the_outlet(tmp_path: Path) -> None:
    """Scrapy's own MetaRefreshMiddleware: a moved article is read at its new address."""
    out = tmp_path / "vtv.jsonl"
    with ScriptedMirror() as server:
        moved, target = vtv_article_url(0), vtv_article_url(1)
        server.add("https://vtv.vn/rss/home.rss", Page(rss([moved]).encode()), "application/rss+xml")
        refresh = (
            f'<html><head><meta http-equiv="refresh" content="0; url={target}"></head><body></body></html>'
        )
        server.add(moved, refresh)
        server.add(target, vtv_article(1, target))
        code, log = crawl(server, "-O", str(out))
        fetched = [len(server.requests_for(url)) for url in (moved, target)]
    assert code == 0, log[-3000:]
    assert [r["url"] for r in read_jsonl(out)] == [target]
    assert fetched == [1, 1]

"""Article pages read in parse workers give exactly what the crawl's own process gives."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

from crawler.extraction import ArticlePage, page_encoding
from crawler.parsing import ArticleReader, Cleaning, ParsePool, parse_processes
from crawler.spiders.vtv import VtvSpider
from pipelines.base import OfflineStats
from tests.conftest import FIXTURES, crawl_mirror
from tests.mirror import MirrorServer
from tests.sites import build_vtv_site, rss, vtv_article, vtv_article_url

STAT = re.compile(r"'(vnnews/[^']+)': (\d+)")


def thin(n: int) -> str:
    """An article whose body is a single short paragraph: dropped as short_body."""
    return re.sub(
        r"(<div class=\"detail-cmain\">).*?(<footer>)",
        r"\1<p>Chỉ một câu.</p></div>\2",
        vtv_article(n),
        flags=re.S,
    )


def crawl(tmp_path: Path, processes: int) -> tuple[list[dict[str, Any]], dict[str, int]]:
    out = tmp_path / f"vtv-{processes}.jsonl"
    with MirrorServer() as server:
        build_vtv_site(server)
        server.add(vtv_article_url(40), thin(40))
        server.add("https://vtv.vn/rss/the-gioi.rss", rss([vtv_article_url(40)]), "application/rss+xml")
        result, records = crawl_mirror("vtv", server.url, out, "-s", f"VNNEWS_PARSE_PROCESSES={processes}")
    assert result.returncode == 0, result.stderr[-3000:]
    stats = {
        key: int(value) for key, value in STAT.findall(result.stderr.rsplit("Dumping Scrapy stats", 1)[-1])
    }
    return sorted(({**r, "crawled_at": None} for r in records), key=lambda r: r["url"]), stats


def test_records_and_stats_are_the_same_with_and_without_parse_workers(tmp_path: Path) -> None:
    here, here_stats = crawl(tmp_path, 0)
    workers, worker_stats = crawl(tmp_path, 2)
    assert here_stats["vnnews/parse_workers"] == 0
    assert worker_stats["vnnews/parse_workers"] == 2
    assert len(here) == 8
    assert workers == here
    # Counted in the workers, added to the crawl's stats: which layer answered each field, the
    # boilerplate removed, the drop (logged by Scrapy as any other) and the page that was no article.
    assert here_stats["vnnews/dropped/short_body"] == 1
    assert here_stats["vnnews/skipped/not_article"] == 1
    assert {k: v for k, v in worker_stats.items() if k != "vnnews/parse_workers"} == {
        k: v for k, v in here_stats.items() if k != "vnnews/parse_workers"
    }


@pytest.mark.parametrize(
    ("value", "cores", "expected"), [("0", 8, 0), ("3", 1, 3), (None, 1, 0), (None, 2, 1), (None, 16, 4)]
)
def test_how_many_workers(
    monkeypatch: pytest.MonkeyPatch, value: str | None, cores: int, expected: int
) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: cores)
    assert parse_processes(Settings({"VNNEWS_PARSE_PROCESSES": value})) == expected


def test_workers_run_the_cleaning_steps_up_to_the_first_that_needs_the_crawl() -> None:
    settings = get_project_settings()
    settings.set("VNNEWS_MIN_BODY_CHARS", 150)
    cleaning = Cleaning.for_crawler(Crawler(VtvSpider, settings))
    assert [path.rsplit(".", 1)[1] for path in cleaning.steps] == [
        "NormalizePipeline",
        "BoilerplatePipeline",
        "DatesPipeline",
        "BylinePipeline",
        "ValidatePipeline",
    ]
    assert cleaning.spider == "crawler.spiders.vtv.VtvSpider"
    assert cleaning.settings["VNNEWS_MIN_BODY_CHARS"] == 150


def test_a_charset_declared_late_in_the_head_is_read_without_guessing() -> None:
    """Scrapy reads a <meta> charset only in the first 4 KB, and otherwise guesses by decoding the page;
    tuoitre.vn declares it after 18 KB of <head>."""
    head = "<head>" + '<link rel="dns-prefetch" href="https://cdn.example.vn">' * 400
    html = f'<html>{head}<meta http-equiv="Content-Type" content="text/html;charset=windows-1258"></head>'
    body = (html + "<body><h1>Báo Đà</h1></body></html>").encode("cp1258")
    response = HtmlResponse(url="https://nguoilambao.vn/a.html", body=body)
    assert page_encoding(response) == "cp1258"
    page = ArticlePage.from_response(response)
    assert page.sel.css("h1::text").get() == "Báo Đà"
    # What the response itself says still comes first.
    declared = HtmlResponse(url=response.url, body=body, headers={"Content-Type": "text/html; charset=utf-8"})
    assert page_encoding(declared) == "utf-8"


def test_a_worker_that_dies_is_replaced_and_its_page_read_again() -> None:
    """A worker killed (out of memory, a crash in a C library) costs a retry, not the crawl."""
    settings = get_project_settings()
    settings.set("VNNEWS_PARSE_PROCESSES", 1)
    crawler = SimpleNamespace(settings=settings, stats=OfflineStats(), spidercls=VtvSpider)
    reader = ArticleReader(crawler)  # type: ignore[arg-type]
    page = FIXTURES / "vtv" / "article-current.html"
    url = json.loads(page.with_suffix(".expected.json").read_text(encoding="utf-8"))["url"]
    response = HtmlResponse(url=url, body=page.read_bytes())

    async def read_kill_read() -> tuple[Any, Any]:
        reader.open()
        first = await reader.read(response, None)
        assert reader.pool is not None
        for worker in reader.pool.workers:
            os.kill(worker.process.pid, signal.SIGKILL)
        return first, await reader.read(response, None)

    try:
        first, again = asyncio.run(read_kill_read())
    finally:
        reader.close()
    assert first["title"] == again["title"] and first["body"] == again["body"]
    assert crawler.stats.get_value("vnnews/errors/parse_worker_died") == 1
    assert crawler.stats.get_value("vnnews/articles/parsed") == 2


def test_workers_start_when_the_spider_is_made_once_the_loop_runs_and_open_reuses_them() -> None:
    """A worker's imports should overlap the crawl's own start-up; starting twice must not leak a pool user."""
    settings = get_project_settings()
    settings.set("VNNEWS_PARSE_PROCESSES", 1)
    crawler = SimpleNamespace(settings=settings, stats=OfflineStats(), spidercls=VtvSpider)
    reader = ArticleReader(crawler)  # type: ignore[arg-type]
    reader.start()  # no event loop yet (Scrapy's CrawlerProcess makes spiders before it runs): open() will
    assert reader.pool is None

    async def start_then_open() -> tuple[ParsePool | None, ParsePool | None, int]:
        reader.start()
        started = reader.pool
        reader.open()
        return started, reader.pool, reader.pool.users if reader.pool else 0

    try:
        started, opened, users = asyncio.run(start_then_open())
    finally:
        reader.close()
    assert started is not None and opened is started and users == 1
    assert ParsePool.shared is None  # released: its workers were ended
    assert all(not worker.process.is_alive() for worker in started.workers)


def test_workers_answer_every_task_in_turn_and_raise_its_errors_with_their_traceback() -> None:
    async def run() -> tuple[pytest.ExceptionInfo[ValueError], int, ParsePool]:
        pool = ParsePool(2)
        try:
            # Pages of every size, many at once: each answer reaches its own caller.
            sizes = [0, 1, 7, 300_000, *range(2, 60)]
            assert await asyncio.gather(*(pool.submit(len, b"x" * n) for n in sizes)) == sizes
            with pytest.raises(ValueError, match="invalid literal") as raised:
                await pool.submit(int, "not a number")
            after = await pool.submit(len, "the worker goes on")
        finally:
            pool.close()
        return raised, after, pool

    raised, after, pool = asyncio.run(run())
    assert any("raised in a parse worker" in note for note in raised.value.__notes__)
    assert after == len("the worker goes on")
    assert not any(worker.process.is_alive() for worker in pool.workers)

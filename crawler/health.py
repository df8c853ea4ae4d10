"""What makes a crawl a failure, for the exit status of scheduled runs.

Cron and scrapyd only see an exit status; a crawl that fetched nothing or
ended early must not look like a quiet day.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler


def crawl_problems(crawler: Crawler) -> list[str]:
    """One line per reason this crawl failed; empty when it went well.

    The health checks of ``crawler/monitors.py`` (spidermon, at the close of the
    crawl) add theirs to the stats under ``vnnews/health/problems``.
    """
    stats: dict[str, Any] = crawler.stats.get_stats() if crawler.stats else {}
    name = crawler.spider.name if crawler.spider else getattr(crawler.spidercls, "name", "?")
    if crawler.spider is None:
        return [f"{name}: the crawl did not start"]
    problems = []
    reason = stats.get("finish_reason")
    if reason not in (None, "finished"):
        problems.append(f"{name}: the crawl ended early ({reason})")
    failed_exports = sum(v for k, v in stats.items() if k.startswith("feedexport/failed_count/"))
    if failed_exports:
        problems.append(f"{name}: {failed_exports} export file(s) could not be written (see the log)")
    if not stats.get("downloader/response_count"):
        errors = {k.rsplit("/", 1)[-1]: v for k, v in stats.items() if k.startswith("vnnews/errors/")}
        detail = ", ".join(f"{v} {k}" for k, v in sorted(errors.items())) or "no request was answered"
        problems.append(
            f"{name}: no page could be fetched ({detail}); is the network up, or VNNEWS_MIRROR right?"
        )
        return problems  # the health checks would only repeat it
    problems.extend(str(p) for p in stats.get("vnnews/health/problems", []))
    return problems

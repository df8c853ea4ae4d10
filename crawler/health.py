"""What makes a crawl a failure, for the exit status of scheduled runs.

Cron and scrapyd only see an exit status; a crawl that fetched nothing or
ended early must not look like a quiet day.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler


def crawl_problems(crawler: Crawler) -> list[str]:
    """One line per reason this crawl failed; empty when it went well."""
    stats: dict[str, Any] = crawler.stats.get_stats() if crawler.stats else {}
    name = crawler.spider.name if crawler.spider else "?"
    problems = []
    reason = stats.get("finish_reason")
    if reason not in (None, "finished"):
        problems.append(f"{name}: the crawl ended early ({reason})")
    if not stats.get("downloader/response_count"):
        errors = {k.rsplit("/", 1)[-1]: v for k, v in stats.items() if k.startswith("vnnews/errors/")}
        detail = ", ".join(f"{v} {k}" for k, v in sorted(errors.items())) or "no request was answered"
        problems.append(
            f"{name}: no page could be fetched ({detail}); is the network up, or VNNEWS_MIRROR right?"
        )
    problems.extend(str(p) for p in stats.get("vnnews/health/problems", []))
    return problems

"""Close-of-crawl health checks, run by spidermon: a spider that silently stopped working fails its crawl.

An outlet changes its layout and a spider goes on "succeeding" with empty or
thin records, or none.  When a crawl closes, spidermon runs
:class:`OutletHealth`; each check that fails adds a phrase naming the field that
fell short, and the crawl gets one problem line in ``vnnews/health/problems``,
which ``scrapy crawl`` and ``scrapy crawlall`` print and turn into exit status 2:

    vnnews: FAILED vtv (vtv.vn): health check failed: body: 12 of 12 articles dropped as short_body …

The checks (thresholds are settings, so a spider's ``custom_settings`` or
``VNNEWS_OUTLET_SETTINGS`` can change them for one outlet):

* records: at least ``VNNEWS_HEALTH_MIN_RECORDS`` (1) records seen, counting
  those exported and those unchanged since an earlier crawl (fetched and dropped,
  or not fetched at all thanks to a sitemap ``lastmod``), so that a rerun that
  finds nothing new passes; so does a crawl whose feeds and sitemaps all answered
  304 Not Modified;
* coverage, over at least ``VNNEWS_HEALTH_MIN_SAMPLE`` (10) records: the share
  with ``published_at`` (``VNNEWS_HEALTH_PUBLISHED_AT``, 0.95), with a body over
  500 characters (``VNNEWS_HEALTH_LONG_BODY``, 0.90) and, for outlets that print
  their authors (spider attribute ``expects_authors``), with authors
  (``VNNEWS_HEALTH_AUTHORS``, 0.6);
* drops: articles parsed and then dropped as unusable (short body, no title,
  invalid record; not the unchanged, duplicate or out-of-range ones) at most
  ``VNNEWS_HEALTH_MAX_DROP_RATE`` (0.3);
* errors: requests that finally failed, after their retries (403, 429, 5xx,
  network errors; not 404) at most ``VNNEWS_HEALTH_MAX_ERROR_RATE`` (0.2) of all
  requests (a retried request counts once);
* topic pages: in a topic crawl (``-a topic=NAME``), the outlet's search or tag pages
  yield at least ``VNNEWS_HEALTH_MIN_TOPIC_LINKS`` (1) article links, so that a
  search page that changed its layout, moved or became blocked fails the crawl;
* schema: no record fails validation against ``article.schema.json`` (a bug, never a
  page's fault: ``pipelines/validate.py`` checks every record).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

from spidermon import Monitor, MonitorSuite
from spidermon.core.actions import Action

from pipelines.state import LONG_BODY_CHARS

# spidermon 1.27 writes its report with Spider.log(), which Scrapy 2.19 deprecates: a warning at the end of
# every crawl that is not ours to fix.
warnings.filterwarnings("ignore", message=r"Spider\.log\(\) is deprecated", module=r"spidermon\.")

# Drops that say nothing about the spider's health.
BENIGN_DROPS = ("unchanged", "duplicate_url", "duplicate_content", "out_of_range")
# The field a drop reason points at.
DROP_FIELDS = {
    "short_body": "body",
    "missing_title": "title",
    "missing_url": "url",
}


def _counts(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    return {key[len(prefix) :]: int(value) for key, value in stats.items() if key.startswith(prefix)}


def _download_failures(stats: dict[str, Any]) -> dict[str, int]:
    """Requests that finally failed, after their retries, by kind ("HTTP 503", "TimeoutError").

    The spider's errback counts them (``vnnews/errors/*``).  Not a 404: a missing
    page or feed says nothing of the outlet's health (the records check notices
    when nothing is found any more); not an attempt that a retry then got right.
    """
    failures = {}
    for kind, n in _counts(stats, "vnnews/errors/").items():
        failures[f"HTTP {kind[5:]}" if kind.startswith("http_") else kind] = n
    return failures


def requests_made(stats: dict[str, Any]) -> int:
    """Requests sent, each counted once however often it was retried."""
    return int(stats.get("downloader/request_count") or 0) - int(stats.get("retry/count") or 0)


@dataclass
class Health:
    """What a crawl's stats say about its spider, and the thresholds it is held to."""

    name: str
    outlet: str
    seen: int  # records that reached the state step, exported or unchanged
    known_unchanged: int  # articles not fetched: known unchanged from their sitemap lastmod
    with_published_at: int
    with_long_body: int
    with_authors: int
    parsed: int
    requests: int
    discovery_responses: int
    not_modified: int
    validation_errors: int
    topic_requested: int = 0  # search or tag pages of a topic crawl
    topic_pages: int = 0  # those that answered
    topic_links: int = 0  # article links found on them
    topic_error: str | None = None
    drops: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    validation_fields: dict[str, int] = field(default_factory=dict)
    expects_authors: bool = False
    min_records: int = 1
    min_sample: int = 10
    min_published_at: float = 0.95
    min_long_body: float = 0.90
    min_authors: float = 0.6
    max_drop_rate: float = 0.3
    max_error_rate: float = 0.2
    min_topic_links: int = 1

    @classmethod
    def from_crawl(cls, stats: dict[str, Any], settings: Any, spider: Any) -> Health:
        get = lambda key: int(stats.get(key) or 0)  # noqa: E731
        return cls(
            name=getattr(spider, "name", "?"),
            outlet=getattr(spider, "outlet", "") or "",
            seen=get("vnnews/seen/records"),
            known_unchanged=get("vnnews/discovery/known_unchanged"),
            with_published_at=get("vnnews/seen/with_published_at"),
            with_long_body=get("vnnews/seen/with_long_body"),
            with_authors=get("vnnews/seen/with_authors"),
            parsed=get("vnnews/articles/parsed"),
            requests=requests_made(stats),
            discovery_responses=get("vnnews/discovery/responses"),
            not_modified=get("vnnews/conditional/not_modified"),
            validation_errors=get("vnnews/dropped/invalid_record"),
            topic_requested=get("vnnews/topic/requested"),
            topic_pages=get("vnnews/topic/pages"),
            topic_links=get("vnnews/topic/links"),
            topic_error=stats.get("vnnews/topic/error"),
            drops=_counts(stats, "vnnews/dropped/"),
            skipped=_counts(stats, "vnnews/skipped/"),
            errors=_download_failures(stats),
            validation_fields=_counts(stats, "vnnews/invalid/"),
            expects_authors=bool(getattr(spider, "expects_authors", False)),
            min_records=settings.getint("VNNEWS_HEALTH_MIN_RECORDS", 1),
            min_sample=settings.getint("VNNEWS_HEALTH_MIN_SAMPLE", 10),
            min_published_at=settings.getfloat("VNNEWS_HEALTH_PUBLISHED_AT", 0.95),
            min_long_body=settings.getfloat("VNNEWS_HEALTH_LONG_BODY", 0.90),
            min_authors=settings.getfloat("VNNEWS_HEALTH_AUTHORS", 0.6),
            max_drop_rate=settings.getfloat("VNNEWS_HEALTH_MAX_DROP_RATE", 0.3),
            max_error_rate=settings.getfloat("VNNEWS_HEALTH_MAX_ERROR_RATE", 0.2),
            min_topic_links=settings.getint("VNNEWS_HEALTH_MIN_TOPIC_LINKS", 1),
        )

    @property
    def label(self) -> str:
        return f"{self.name} ({self.outlet})" if self.outlet and self.outlet != self.name else self.name

    # -- the checks: None when fine, else one phrase starting with the field that fell short ---------

    def records_problem(self) -> str | None:
        total = self.seen + self.known_unchanged
        if total >= self.min_records:
            return None
        if self.not_modified and self.not_modified == self.discovery_responses:
            return None  # every feed and sitemap said: nothing new since the last crawl
        skipped = ", ".join(f"{n} {reason}" for reason, n in sorted(self.skipped.items()))
        detail = f"; pages skipped: {skipped}" if skipped else ""
        return f"records: {total} seen, at least {self.min_records} needed{detail}"

    def coverage_problems(self) -> list[str]:
        if self.seen < max(1, self.min_sample):
            return []
        long_body = f"with a body over {LONG_BODY_CHARS} characters"
        checks = [
            ("published_at", self.with_published_at, self.min_published_at, "with a publication date"),
            ("body", self.with_long_body, self.min_long_body, long_body),
        ]
        if self.expects_authors:
            checks.append(("authors", self.with_authors, self.min_authors, "with authors"))
        return [
            f"{name}: {count} of {self.seen} records {what} "
            f"({count / self.seen:.0%}, at least {least:.0%} needed)"
            for name, count, least, what in checks
            if count / self.seen < least
        ]

    def drop_problem(self) -> str | None:
        # Invalid records are the schema check's: any one of them fails the crawl.
        bad = {
            reason: n
            for reason, n in self.drops.items()
            if reason not in BENIGN_DROPS and reason != "invalid_record" and n
        }
        if not bad or not self.parsed:
            return None
        if self.parsed < self.min_sample and self.seen + self.known_unchanged >= self.min_records:
            return None
        dropped = sum(bad.values())
        if dropped / self.parsed <= self.max_drop_rate:
            return None
        fields = sorted({DROP_FIELDS.get(reason, reason) for reason in bad})
        reasons = ", ".join(f"{n} {reason}" for reason, n in sorted(bad.items(), key=lambda kv: -kv[1]))
        return (
            f"{'/'.join(fields)}: {dropped} of {self.parsed} articles dropped ({reasons}; "
            f"at most {self.max_drop_rate:.0%} may be)"
        )

    def error_problem(self) -> str | None:
        failed = sum(self.errors.values())
        if self.requests < max(1, self.min_sample) or failed / self.requests <= self.max_error_rate:
            return None
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(self.errors.items(), key=lambda kv: -kv[1]))
        return (
            f"downloads: {failed} of {self.requests} requests failed after retries ({kinds}; "
            f"at most {self.max_error_rate:.0%} may)"
        )

    def topic_problem(self) -> str | None:
        if self.topic_error:
            return f"topic pages: {self.topic_error}"
        if not self.topic_requested or self.topic_links >= self.min_topic_links:
            return None
        return (
            f"topic pages: {self.topic_links} article links on the search or tag pages "
            f"({self.topic_pages} of {self.topic_requested} answered; at least {self.min_topic_links} needed)"
        )

    def schema_problem(self) -> str | None:
        if not self.validation_errors:
            return None
        fields = ", ".join(sorted({key.split("/", 1)[0] for key in self.validation_fields})) or "?"
        return f"schema: {self.validation_errors} records failed validation ({fields})"

    def problems(self) -> list[str]:
        found = [*self.coverage_problems(), self.drop_problem(), self.schema_problem()]
        found += [self.records_problem(), self.error_problem(), self.topic_problem()]
        return [p for p in found if p]


# -- spidermon -------------------------------------------------------------------------------


class HealthMonitor(Monitor):
    """The outlet's health at the close of the crawl."""

    @property
    def health(self) -> Health:
        crawler = self.data.crawler
        return Health.from_crawl(self.data.stats, crawler.settings, self.data.spider)

    def test_coverage(self) -> None:
        """Fields filled on enough records"""
        problems = self.health.coverage_problems()
        if problems:
            self.fail("; ".join(problems))

    def test_drops(self) -> None:
        """Few articles dropped as unusable"""
        problem = self.health.drop_problem()
        if problem:
            self.fail(problem)

    def test_schema(self) -> None:
        """Every record valid against the JSON Schema"""
        problem = self.health.schema_problem()
        if problem:
            self.fail(problem)

    def test_records(self) -> None:
        """Enough records seen"""
        problem = self.health.records_problem()
        if problem:
            self.fail(problem)

    def test_topic_pages(self) -> None:
        """Search or tag pages yield article links"""
        problem = self.health.topic_problem()
        if problem:
            self.fail(problem)

    def test_errors(self) -> None:
        """Few failed downloads"""
        problem = self.health.error_problem()
        if problem:
            self.fail(problem)


class RecordHealthProblems(Action):
    """Put the failed checks in the crawl's stats, as one line, for the exit status."""

    def run_action(self) -> None:
        reasons = [str(result.reason) for result in self.result.monitors_failed_results if result.reason]
        spider = self.data.spider
        stats = self.data.crawler.stats
        label = Health.from_crawl({}, self.data.crawler.settings, spider).label
        problems = list(stats.get_value("vnnews/health/problems") or [])
        problems.append(f"{label}: health check failed: {'; '.join(reasons)}")
        stats.set_value("vnnews/health/problems", problems)


class OutletHealth(MonitorSuite):
    """``SPIDERMON_SPIDER_CLOSE_MONITORS``: every health check of an outlet crawl."""

    monitors = [HealthMonitor]
    monitors_failed_actions = [RecordHealthProblems]

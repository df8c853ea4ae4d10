"""Step 3: the publication and modification dates, chosen among the candidates and written in Vietnam time.

The grammar of a printed date lives in ``pipelines/text/dates.py``; this step
decides which candidate the record takes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from crawler.items import ArticleDraft
from pipelines.base import ArticlePipeline
from pipelines.text.dates import (
    date_in_url,
    has_clock_time,
    parse_datetime,
    vietnam_day,
    vietnam_now,
    vietnam_time,
)

# A published date this far after the crawl is a page error (or a wrong year).
FUTURE_TOLERANCE = timedelta(hours=1)

# Where a date was read, best first.
ORIGIN_PRIORITY: tuple[str, ...] = ("json-ld", "meta", "page", "text", "front-matter")
# Dates in the page's metadata, and dates printed for the reader.
METADATA_ORIGINS = ("json-ld", "meta")
PRINTED_ORIGINS = ("page", "text")
# A printed date this close to the metadata's but not at the same minute is the right one (a wrong
# offset in the metadata, a time zone slip); further apart, the printed line may be another date.
PRINTED_OVERRIDE_SPAN = timedelta(hours=36)


class DatesPipeline(ArticlePipeline):
    """Decide ``published_at``, ``modified_at``, ``date_raw`` and ``date_source``.

    Candidates are tried by origin (json-ld > meta > page > text > front-matter, then
    the draft's order); the first that parses and is not more than an hour after the
    crawl wins, except that a date printed on the page (a date element or the date line
    by the headline) beats metadata naming another minute within a day and a half of
    it: the reader's date is the right one when the metadata's offset or zone is wrong.
    The time the outlet writes in its URLs (the spider's ``url_date``) is the last
    resort for the publication date.  Every output is written in Vietnam time
    ("2026-06-25T16:19:00+07:00") whatever offset the page used, so that records
    compare as strings.  The future check applies to modified dates too; a modified
    date before the published one is dropped.  A candidate without a clock time (a
    bare day) is passed over: records are dated to the minute or not at all.

    ``published_date`` is the Vietnam day of ``published_at``; without one, the day of
    the best candidate that gives a day without its time ("2025-10-10"), so that
    analysts can still group the article by day.

    Stats: ``vnnews/date_source/<origin>`` for the published date's origin,
    ``vnnews/dates/missing``, ``vnnews/dates/unparsed``, ``vnnews/dates/future``, ``vnnews/dates/no_time``,
    ``vnnews/dates/modified_before_published``.

    *now* returns the crawl time (default: the clock); tests pass a fixed one.  A draft of a page
    fetched earlier (``fetched_at``, an archived response) is judged at its fetch time instead.
    """

    def __init__(
        self,
        stats: Any = None,
        settings: Any = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(stats, settings)
        self.now = now if now is not None else vietnam_now

    def process(self, item: ArticleDraft, spider: Any) -> ArticleDraft:
        crawl_time = vietnam_time(item.fetched_at or self.now())

        published = self._choose(item, "published", crawl_time)
        if published is not None and published[2] in METADATA_ORIGINS:
            printed = self._choose(item, "published", crawl_time, origins=PRINTED_ORIGINS)
            if printed is not None and _printed_wins(printed, published):
                self.stats.inc_value("vnnews/dates/printed_over_metadata")
                published = printed
        if published is None:
            url = item.canonical_url or item.url
            from_url = date_in_url(url, getattr(spider, "url_date", None))
            if from_url is not None and not self._is_future(from_url, crawl_time):
                published = (from_url, url, "url")
        if published is None:
            self.stats.inc_value("vnnews/dates/missing")
            item.published_at = item.date_raw = item.date_source = None
            day = self._choose(item, "published", crawl_time, day_only=True)
            item.published_date = vietnam_day(day[0]).isoformat() if day else None
        else:
            moment, raw, origin = published
            self.stats.inc_value(f"vnnews/date_source/{origin}")
            item.published_at = vietnam_time(moment).isoformat(timespec="seconds")
            item.published_date = vietnam_day(moment).isoformat()
            item.date_raw = raw
            item.date_source = origin

        modified = self._choose(item, "modified", crawl_time)
        if modified is not None and published is not None and modified[0] < published[0]:
            self.stats.inc_value("vnnews/dates/modified_before_published")
            modified = None
        item.modified_at = vietnam_time(modified[0]).isoformat(timespec="seconds") if modified else None
        return item

    def _choose(
        self,
        draft: ArticleDraft,
        kind: str,
        crawl_time: datetime,
        day_only: bool = False,
        origins: tuple[str, ...] | None = None,
    ) -> tuple[datetime, str, str] | None:
        """(moment, raw, origin) of the best candidate of *kind* (of *origins*, by default any) that
        parses, or None.

        *day_only*: the best candidate that says the day, with or without a clock time (for
        ``published_date`` when no candidate gives the time); no stats, the first pass counted."""
        candidates = [c for c in draft.dates if c.kind == kind and (origins is None or c.origin in origins)]
        candidates.sort(key=lambda c: _origin_rank(c.origin))
        for candidate in candidates:
            raw = (candidate.raw or "").strip()
            moment = parse_datetime(raw, now=crawl_time)
            if day_only:
                if moment is not None and moment <= crawl_time + FUTURE_TOLERANCE:
                    return moment, raw, candidate.origin
                continue
            if moment is None:
                self.stats.inc_value("vnnews/dates/unparsed")
                continue
            if not has_clock_time(raw):
                # A day without a time ("2025-10-10", "hôm qua") would read as midnight:
                # a time the page never gave.
                self.stats.inc_value("vnnews/dates/no_time")
                continue
            if self._is_future(moment, crawl_time):
                continue
            return moment, raw, candidate.origin
        return None

    def _is_future(self, moment: datetime, crawl_time: datetime) -> bool:
        if moment > crawl_time + FUTURE_TOLERANCE:
            self.stats.inc_value("vnnews/dates/future")
            return True
        return False


def _printed_wins(printed: tuple[datetime, str, str], metadata: tuple[datetime, str, str]) -> bool:
    """The date printed for the reader wins over the metadata's when they name another minute but
    lie close (a wrong offset: "17:08+08:00" for a page printing "17:08 (GMT+7)"), or when the
    metadata gives no offset and the printed date does not contradict it by more than a day."""
    gap = abs(printed[0] - metadata[0])
    if gap < timedelta(minutes=1):
        return False
    return gap <= PRINTED_OVERRIDE_SPAN


def _origin_rank(origin: str) -> int:
    # Unknown origins go after the known ones (sort is stable: the draft's order stays within a rank).
    return ORIGIN_PRIORITY.index(origin) if origin in ORIGIN_PRIORITY else len(ORIGIN_PRIORITY)

"""Publication and modification dates: parse the candidates, pick one, write it in Vietnam time.

The outlets print dates in a handful of numeric forms ("25/06/2026 16:19 GMT+7",
"Thứ bảy, 7/3/2026, 00:05 (GMT+7)", RSS and ISO stamps...).  Precompiled regexes
read those in microseconds; ``dateparser`` (about 2 ms a call, imported only when
needed) is the fallback for the rest ("12 tháng 10 năm 2024", "hôm qua").
Dates are always day first, and a date without a year is never completed with a
guessed one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from urllib.parse import urlsplit

from crawler.items import ArticleDraft
from pipelines.base import ArticlePipeline

# Vietnam has no daylight saving time: a fixed offset is exact.
VN_TZ = timezone(timedelta(hours=7), "ICT")

# A published date this far after the crawl is a page error (or a wrong year).
FUTURE_TOLERANCE = timedelta(hours=1)

# Longer texts are not one date expression; dateparser would be slow and unreliable there.
MAX_FALLBACK_CHARS = 80

# Where a date was read, best first.
ORIGIN_PRIORITY: tuple[str, ...] = ("json-ld", "meta", "page", "text", "front-matter")

_OFFSET = r"[+-](?:\d{4}|\d{1,2}(?::\d{2})?)(?!\d)"

# "Thứ sáu, ", "Chủ nhật - ", "T4, ": read so that find_datetime cuts it off with the date.
_WEEKDAY = r"(?<!\w)(?:thứ\s*(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s*nhật|t[2-7]|cn)\s*[,|\-–]?\s*"

# Day-first numeric dates with an optional clock time before or after and an optional "GMT+7".
_VN_NUMERIC = re.compile(
    rf"""
    (?:{_WEEKDAY})?
    (?:(?:lúc\s+)?(?<!\d)(?P<hour1>\d{{1,2}})[:h](?P<minute1>\d{{2}})(?::(?P<second1>\d{{2}}))?
       \s*[,|\-–]?\s*)?
    (?:ngày\s+)?
    (?<!\d)(?P<day>\d{{1,2}})(?P<sep>[/.\-])(?P<month>\d{{1,2}})(?P=sep)(?P<year>\d{{4}})(?!\d)
    (?:\s*[,|\-–]?\s*(?:lúc\s+)?
       (?P<hour2>\d{{1,2}})[:h](?P<minute2>\d{{2}})(?::(?P<second2>\d{{2}}))?(?!\d))?
    (?:\s*\(\s*(?:GMT|UTC)\s*(?P<offset1>{_OFFSET})?\s*\)
     |\s*(?:GMT|UTC)(?![a-z])\s*(?P<offset2>{_OFFSET})?)?
    """,
    re.IGNORECASE | re.VERBOSE,
)

# ISO 8601 as in JSON-LD, meta tags and time[datetime]: "2026-06-25T16:19:00+07:00", "2026-03-07 08:07".
_ISO = re.compile(
    rf"""
    (?<!\d)(?P<year>\d{{4}})-(?P<month>\d{{2}})-(?P<day>\d{{2}})
    (?:[T\s](?P<hour>\d{{2}}):(?P<minute>\d{{2}})(?::(?P<second>\d{{2}})(?:[.,]\d+)?)?
       (?:\s*(?P<zulu>Z)|\s*(?P<offset>{_OFFSET}))?)?
    (?!\d)
    """,
    re.VERBOSE,
)

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

# RFC 822 as in RSS pubDate: "Sat, 12 Oct 2024 10:00:00 +0700", "+07" (vtv), 2-digit years (thanhnien).
_RFC822 = re.compile(
    rf"""
    (?:(?<![a-z])(?:mon|tue|wed|thu|fri|sat|sun)[a-z]{{0,6}}\.?,?\s*)?
    (?<!\d)(?P<day>\d{{1,2}})\s+
    (?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?
       |sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\.?,?\s+
    (?P<year>\d{{4}}|\d{{2}})(?!\d)
    (?:,?\s+(?P<hour>\d{{1,2}}):(?P<minute>\d{{2}})(?::(?P<second>\d{{2}}))?(?!\d)
       (?:\s*(?P<zone>GMT|UTC|UT|Z)(?![a-z]))?
       (?:\s*(?P<offset>{_OFFSET}))?)?
    """,
    re.IGNORECASE | re.VERBOSE,
)

# Labels printed before a date ("Cập nhật: ", "Ngày đăng: ", "Published: ").
_LEADING_LABEL = re.compile(
    r"""
    ^[\s|,;:\-–]*
    (?:(?:ngày\s+)?(?:cập\s+nhật|đăng(?:\s+tải)?|xuất\s+bản|thời\s+gian(?:\s+đăng)?
        |last\s+updated|updated|published|posted|date)
       (?:\s+(?:lúc|ngày|vào|on|at))?\s*:?\s*)?
    """,
    re.IGNORECASE | re.VERBOSE,
)
_TRAILING_NOISE = re.compile(r"[\s|,;:\-–]+$")

# A clock time, a sub-day unit or "now": the text fixes the time of day, not only the date.
_HAS_CLOCK = re.compile(
    r"\d{1,2}\s*[:h]\s*\d{2}|giờ|tiếng|phút|giây|\b(?:hours?|hrs?|minutes?|mins?|seconds?|secs?|now)\b",
    re.IGNORECASE,
)

# The publication time some CMSs put in the article URL, just before ".htm(l)".
_URL_STAMP = re.compile(r"-(\d{17,18})\.html?$")


def _timezone(offset: str | None, zone: str | None = None) -> tzinfo:
    """The tzinfo for "+7", "+07", "+0700", "+07:00" or "GMT"/"Z"; Vietnam time when none is given."""
    if offset:
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        hours, minutes = (int(digits), 0) if len(digits) <= 2 else (int(digits[:-2]), int(digits[-2:]))
        if minutes >= 60:
            raise ValueError(f"bad offset {offset!r}")
        delta = sign * timedelta(hours=hours, minutes=minutes)
        return VN_TZ if delta == timedelta(hours=7) else timezone(delta)
    if zone:
        return UTC
    return VN_TZ


def _make(
    year: int, month: int, day: int, hour: str | None, minute: str | None, second: str | None, tz: tzinfo
) -> datetime | None:
    try:
        return datetime(year, month, day, int(hour or 0), int(minute or 0), int(second or 0), tzinfo=tz)
    except ValueError:  # 31/02, 25:61...
        return None


def _from_vn_numeric(match: re.Match[str]) -> datetime | None:
    # The clock time is printed either before the date ("01:38 06/09/2023") or after it.
    after = match["hour2"] is not None
    try:
        tz = _timezone(match["offset1"] or match["offset2"])
    except ValueError:
        return None
    return _make(
        int(match["year"]),
        int(match["month"]),
        int(match["day"]),
        match["hour2"] if after else match["hour1"],
        match["minute2"] if after else match["minute1"],
        match["second2"] if after else match["second1"],
        tz,
    )


def _from_iso(match: re.Match[str]) -> datetime | None:
    try:
        tz = _timezone(match["offset"], match["zulu"])
    except ValueError:
        return None
    return _make(
        int(match["year"]),
        int(match["month"]),
        int(match["day"]),
        match["hour"],
        match["minute"],
        match["second"],
        tz,
    )


def _from_rfc822(match: re.Match[str]) -> datetime | None:
    year = int(match["year"])
    if len(match["year"]) == 2:  # RFC 2822's rule for 2-digit years
        year += 2000 if year < 50 else 1900
    try:
        tz = _timezone(match["offset"], match["zone"])
    except ValueError:
        return None
    month = _MONTHS.index(match["month"][:3].lower()) + 1
    return _make(year, month, int(match["day"]), match["hour"], match["minute"], match["second"], tz)


_FAST_FORMS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], datetime | None]], ...] = (
    (_VN_NUMERIC, _from_vn_numeric),
    (_ISO, _from_iso),
    (_RFC822, _from_rfc822),
)


def _vietnam_now() -> datetime:
    return datetime.now(VN_TZ)


def _in_vietnam_time(moment: datetime) -> datetime:
    """*moment* at +07:00; a naive value is taken to be Vietnam time already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=VN_TZ)
    return moment.astimezone(VN_TZ)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text).strip()
    text = _LEADING_LABEL.sub("", text, count=1)
    return _TRAILING_NOISE.sub("", text)


def _parse_with_dateparser(text: str, now: datetime) -> datetime | None:
    """The slow fallback: dateparser, for forms the regexes do not read."""
    try:
        import dateparser  # imported here: it costs ~60 ms and most dates never need it

        base = _in_vietnam_time(now).replace(tzinfo=None)
        parsed = dateparser.parse(
            text,
            languages=["vi", "en"],
            settings={
                "DATE_ORDER": "DMY",
                "TIMEZONE": "+0700",
                "RETURN_AS_TIMEZONE_AWARE": True,
                "PREFER_DATES_FROM": "past",
                # An absolute date must spell its year; relative ones ("hôm qua") get it from `now`.
                "REQUIRE_PARTS": ["day", "month", "year"],
                "RELATIVE_BASE": base,
            },
        )
    except Exception:  # dateparser raises on some odd inputs; a date we cannot read is just None
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=VN_TZ)
    if not _HAS_CLOCK.search(text):
        # "hôm qua" comes back with the clock time of `now`, which the page never said.
        parsed = parsed.replace(hour=0, minute=0, second=0)
    return parsed.replace(microsecond=0)


def parse_datetime(text: str, *, now: datetime | None = None) -> datetime | None:
    """Read one date expression into a timezone-aware datetime, or None.

    Noise around the date is allowed: labels ("Cập nhật: "), a weekday ("Thứ bảy, ",
    "T4, "), "ngày", "(GMT+7)", a trailing "|".  Without an offset the time is Vietnam
    time (+07:00); a printed offset is kept as printed (the pipeline converts).  A date
    without a clock time is at 00:00.

    Relative expressions ("hôm qua", "2 giờ trước") are resolved against *now*
    (default: the current time in Vietnam).  When the expression gives no time of day
    ("hôm qua", "3 ngày trước") the result is that day at 00:00, not the clock time of
    *now*; "2 giờ trước" keeps it (to the second).

    Returns None when the text is not a date, when the year is not given ("Chiều 18/2"),
    and for impossible dates (31/02/2026, 25:61).  Never raises.
    """
    if not isinstance(text, str):
        return None
    cleaned = _clean(text)
    if not cleaned:
        return None
    for pattern, build in _FAST_FORMS:
        match = pattern.fullmatch(cleaned)
        if match:
            return build(match)  # None for an impossible date: dateparser would not do better
    if len(cleaned) <= MAX_FALLBACK_CHARS:
        parsed = _parse_with_dateparser(cleaned, now if now is not None else _vietnam_now())
        if parsed is not None:
            return parsed
    # Words around a numeric date that no rule knows ("Hà Nội, 5/9/2023"): take the date.
    found = find_datetime(cleaned)
    return found[0] if found else None


def find_datetime(text: str, *, now: datetime | None = None) -> tuple[datetime, str] | None:
    """The first full date (with a year) in *text*, with the exact substring it was read from.

    The substring includes a leading weekday and "ngày", so that cutting it off
    "PV Thường trú THVN tại Trung Quốc-Thứ sáu, ngày 11/10/2024 20:02 GMT+7" leaves the
    byline and its separator.  Only the numeric, ISO and RFC 822 forms are looked for:
    relative expressions are not, so *now* is accepted for symmetry with
    :func:`parse_datetime` and unused.
    """
    if not isinstance(text, str):
        return None
    best: tuple[int, datetime, str] | None = None
    for pattern, build in _FAST_FORMS:
        for match in pattern.finditer(text):
            if best is not None and match.start() >= best[0]:
                break
            moment = build(match)
            if moment is not None:
                best = (match.start(), moment, match.group())
                break
    if best is None:
        return None
    return best[1], best[2]


def date_from_url(url: str) -> datetime | None:
    """The creation time some CMSs write in the article URL, in Vietnam time, or None.

    ``<slug>-YYYYMMDDhhmmssmmm.htm`` (vtv before 2025, tuoitre, dantri, nld) and
    ``<slug>-PPPYYMMDDhhmmssmmm.htm`` with a 3-digit prefix (vtv 2025+ "100", nld "196").
    It is when the article was created in the CMS, so only a last resort.
    """
    if not isinstance(url, str):
        return None
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    match = _URL_STAMP.search(path)
    if not match:
        return None
    digits = match.group(1)
    stamp = "20" + digits[3:15] if len(digits) == 18 else digits[:14]
    try:
        moment = datetime.strptime(stamp, "%Y%m%d%H%M%S")
    except ValueError:
        return None
    if moment.year < 2000:  # an id that happens to have 17 digits
        return None
    return moment.replace(tzinfo=VN_TZ)


# A clock time in a date string ("16:19", "8h05", "2 giờ trước"): records are dated to the minute.
CLOCK_TIME = re.compile(r"\d{1,2}\s*[:h]\s*\d{2}|\d+\s*(?:giờ|phút|hours?|minutes?|mins?)\b", re.IGNORECASE)


class DatesPipeline(ArticlePipeline):
    """Decide ``published_at``, ``modified_at``, ``date_raw`` and ``date_source``.

    Candidates are tried by origin (json-ld > meta > page > text > front-matter, then
    the draft's order); the first that parses and is not more than an hour after the
    crawl wins.  The URL's timestamp is the last resort for the publication date.
    Every output is written in Vietnam time ("2026-06-25T16:19:00+07:00") whatever
    offset the page used, so that records compare as strings.  The future check
    applies to modified dates too; a modified date before the published one is dropped.
    A candidate without a clock time (a bare day) is passed over: records are dated to
    the minute or not at all.

    Stats: ``vnnews/date_source/<origin>`` for the published date's origin,
    ``vnnews/dates/missing``, ``vnnews/dates/unparsed``, ``vnnews/dates/future``, ``vnnews/dates/no_time``,
    ``vnnews/dates/modified_before_published``.

    *now* returns the crawl time (default: the clock); tests pass a fixed one.
    """

    def __init__(
        self,
        stats: Any = None,
        settings: Any = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(stats, settings)
        self.now = now if now is not None else _vietnam_now

    def process(self, item: Any, spider: Any) -> Any:
        if not isinstance(item, ArticleDraft):
            return item
        crawl_time = _in_vietnam_time(self.now())

        published = self._choose(item, "published", crawl_time)
        if published is None:
            url = item.canonical_url or item.url
            from_url = date_from_url(url)
            if from_url is not None and self._is_future(from_url, crawl_time):
                from_url = None
            if from_url is not None:
                published = (from_url, url, "url")
        if published is None:
            self.stats.inc_value("vnnews/dates/missing")
            item.published_at = item.date_raw = item.date_source = None
        else:
            moment, raw, origin = published
            self.stats.inc_value(f"vnnews/date_source/{origin}")
            item.published_at = _in_vietnam_time(moment).isoformat(timespec="seconds")
            item.date_raw = raw
            item.date_source = origin

        modified = self._choose(item, "modified", crawl_time)
        if modified is not None and published is not None and modified[0] < published[0]:
            self.stats.inc_value("vnnews/dates/modified_before_published")
            modified = None
        item.modified_at = _in_vietnam_time(modified[0]).isoformat(timespec="seconds") if modified else None
        return item

    def _choose(
        self, draft: ArticleDraft, kind: str, crawl_time: datetime
    ) -> tuple[datetime, str, str] | None:
        """(moment, raw, origin) of the best candidate of *kind* that parses, or None."""
        candidates = [c for c in draft.dates if getattr(c, "kind", None) == kind]
        candidates.sort(key=lambda c: _origin_rank(getattr(c, "origin", None)))
        for candidate in candidates:
            raw = candidate.raw.strip() if isinstance(candidate.raw, str) else ""
            moment = parse_datetime(raw, now=crawl_time)
            if moment is None:
                self.stats.inc_value("vnnews/dates/unparsed")
                continue
            if not CLOCK_TIME.search(raw):
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


def _origin_rank(origin: object) -> int:
    # Unknown origins go after the known ones (sort is stable: the draft's order stays within a rank).
    return ORIGIN_PRIORITY.index(origin) if origin in ORIGIN_PRIORITY else len(ORIGIN_PRIORITY)

"""Vietnam time, and the one grammar of a date as Vietnamese news pages print it.

The outlets print dates in a handful of numeric forms ("25/06/2026 16:19 GMT+7",
"Thứ bảy, 7/3/2026, 00:05 (GMT+7)", "01:38 06/09/2023", RSS and ISO stamps...).
Compiled patterns read those in microseconds; ``dateparser`` (about 2 ms a call,
imported only when needed) is the fallback for the rest ("12 tháng 10 năm 2024",
"hôm qua").  Dates are always day first, and a date without a year is never
completed with a guessed one.

Every reader of dates goes through here: the dates step (:func:`parse_datetime`),
the boilerplate step's date lines (:func:`whole_line_date`, :func:`split_trailing_date`),
the byline step, extraction's date printed under a title (:func:`find_datetime`),
discovery (:func:`parse_lastmod`, :func:`date_in_url`) and the dump importer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import NamedTuple
from urllib.parse import urlsplit

# Vietnam has no daylight saving time: a fixed offset is exact.
VN_TZ = timezone(timedelta(hours=7), "ICT")

# Longer texts are not one date expression; dateparser would be slow and unreliable there.
MAX_FALLBACK_CHARS = 80

_OFFSET = r"[+-](?:\d{4}|\d{1,2}(?::\d{2})?)(?!\d)"

# "Thứ sáu, ", "Chủ nhật - ", "T4, ": read so that a date found in a line takes its weekday with it.
_WEEKDAY = r"(?<!\w)(?:thứ\s*(?:hai|ba|tư|năm|sáu|bảy|bẩy|[2-7])|chủ\s*nhật|t[2-7]|cn)\s*[,|\-–]?\s*"

# Day-first numeric dates with an optional clock time before or after and an optional "GMT+7".
# A two-digit year is read only after a slash ("24/12/12"): "1.2.10" is a version number.
# The part of the day after a clock time: "09:40 PM", "11:05 tối" (evening), "04:00 chiều" (afternoon).
_MERIDIEM = r"(?P<m>am|pm|sáng|trưa|chiều|tối|đêm)(?!\w)"
# An English label before a date: software in an English locale (vBulletin, WordPress) prints the month
# first ("Published on 03-08-2011 01:00 AM" is 8 March).
_ENGLISH_LABEL = re.compile(
    r"(?<!\w)(?:published|posted|updated|last\s+modified)(?:\s+(?:on|at))?\s*:?\s*$", re.I
)
_ENGLISH_INSIDE = re.compile(r"(?<!\w)(?:published|posted|updated)(?:\s+(?:on|at))?\s*:?\s*\d", re.I)
_ENGLISH_LEAD = re.compile(r"^\W*(?:published|posted|updated|last\s+modified)(?!\w)", re.I)

_VN_NUMERIC = re.compile(
    rf"""
    (?:{_WEEKDAY})?
    (?:(?:lúc\s+)?(?<!\d)(?P<hour1>\d{{1,2}})[:h](?P<minute1>\d{{2}})(?::(?P<second1>\d{{2}}))?
       (?:\s*{_MERIDIEM.replace("(?P<m>", "(?P<meridiem1>")})?
       \s*[,|\-–]?\s*)?
    (?:ngày\s+)?
    (?<!\d)(?P<day>\d{{1,2}})(?P<sep>[/.\-])(?P<month>\d{{1,2}})(?P=sep)(?P<year>\d{{4}}|\d{{2}})(?!\d)
    (?:\s*[,|\-–]?\s*(?:lúc\s+)?
       (?P<hour2>\d{{1,2}})[:h](?P<minute2>\d{{2}})(?::(?P<second2>\d{{2}}))?(?!\d)
       (?:\s*{_MERIDIEM.replace("(?P<m>", "(?P<meridiem2>")})?)?
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

# A clock time, a sub-day unit or "now": the text fixes the time of day, not only the day.
_HAS_CLOCK = re.compile(
    r"\d{1,2}\s*[:h]\s*\d{2}|giờ|tiếng|phút|giây|\b(?:hours?|hrs?|minutes?|mins?|seconds?|secs?|now)\b",
    re.IGNORECASE,
)
# A clock time or a count of hours or minutes ("16:19", "8h05", "2 giờ trước"): what a record
# dated to the minute needs.
_CLOCK_TIME = re.compile(r"\d{1,2}\s*[:h]\s*\d{2}|\d+\s*(?:giờ|phút|hours?|minutes?|mins?)\b", re.IGNORECASE)

# A day and month as a lead prints them ("Chiều 18/2", "Ngày 5/9, tại …"): a date without a year.
_DAY_MONTH = re.compile(r"(?<![\d/])\d{1,2}/\d{1,2}(?![\d])")


class FoundDate(NamedTuple):
    """A date found in a line: when, and the text it was read from, with its place in the line."""

    moment: datetime
    text: str
    start: int
    end: int


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


def _full_year(year: str) -> int:
    """A printed year; two digits are read as RFC 2822 reads them (00–49: 2000s, 50–99: 1900s)."""
    value = int(year)
    if len(year) == 2:
        value += 2000 if value < 50 else 1900
    return value


def _make(
    year: int, month: int, day: int, hour: str | None, minute: str | None, second: str | None, tz: tzinfo
) -> datetime | None:
    try:
        return datetime(year, month, day, int(hour or 0), int(minute or 0), int(second or 0), tzinfo=tz)
    except ValueError:  # 31/02, 25:61...
        return None


def _hour(hour: str | None, meridiem: str | None) -> str | None:
    """The hour on a 24-hour clock: "09" PM is 21, "11" tối (evening) 23, "2" đêm (night) stays 2."""
    if hour is None or meridiem is None:
        return hour
    value, part = int(hour), meridiem.lower()
    if part == "am":
        value = 0 if value == 12 else value
    elif part in ("pm", "chiều", "tối") or (part == "trưa" and value < 6) or (part == "đêm" and value >= 6):
        value = value + 12 if value < 12 else value
    return str(value)


def _from_vn_numeric(match: re.Match[str], month_first: bool = False) -> datetime | None:
    if len(match["year"]) == 2 and match["sep"] != "/":
        return None
    # The clock time is printed either before the date ("01:38 06/09/2023") or after it.
    after = match["hour2"] is not None
    try:
        tz = _timezone(match["offset1"] or match["offset2"])
    except ValueError:
        return None
    day, month = int(match["day"]), int(match["month"])
    if month_first or month > 12:
        day, month = month, day
    return _make(
        _full_year(match["year"]),
        month,
        day,
        _hour(match["hour2"], match["meridiem2"]) if after else _hour(match["hour1"], match["meridiem1"]),
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
    try:
        tz = _timezone(match["offset"], match["zone"])
    except ValueError:
        return None
    month = _MONTHS.index(match["month"][:3].lower()) + 1
    return _make(
        _full_year(match["year"]),
        month,
        int(match["day"]),
        match["hour"],
        match["minute"],
        match["second"],
        tz,
    )


_FORMS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], datetime | None]], ...] = (
    (_VN_NUMERIC, _from_vn_numeric),
    (_ISO, _from_iso),
    (_RFC822, _from_rfc822),
)


# -- Vietnam time ----------------------------------------------------------------------------


def vietnam_now() -> datetime:
    return datetime.now(VN_TZ)


def vietnam_time(moment: datetime) -> datetime:
    """*moment* at +07:00; a naive value is taken to be Vietnam time already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=VN_TZ)
    return moment.astimezone(VN_TZ)


def vietnam_day(moment: datetime) -> date:
    """The day *moment* falls on in Vietnam."""
    return vietnam_time(moment).date()


# -- reading a date ---------------------------------------------------------------------------


def _without_labels(text: str) -> str:
    text = unicodedata.normalize("NFC", text).strip()
    text = _LEADING_LABEL.sub("", text, count=1)
    return _TRAILING_NOISE.sub("", text)


def _parse_with_dateparser(text: str, now: datetime) -> datetime | None:
    """The slow fallback: dateparser, for forms the patterns do not read."""
    try:
        import dateparser  # imported here: it costs ~60 ms and most dates never need it

        base = vietnam_time(now).replace(tzinfo=None)
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
    time (+07:00); a printed offset is kept as printed.  A date without a clock time
    is at 00:00.

    Relative expressions ("hôm qua", "2 giờ trước") are resolved against *now*
    (default: the current time in Vietnam).  When the expression gives no time of day
    ("hôm qua", "3 ngày trước") the result is that day at 00:00, not the clock time of
    *now*; "2 giờ trước" keeps it (to the second).

    Returns None when the text is not a date, when the year is not given ("Chiều 18/2"),
    and for impossible dates (31/02/2026, 25:61).  Never raises.
    """
    if not isinstance(text, str):
        return None
    cleaned = _without_labels(text)
    if not cleaned:
        return None
    for pattern, build in _FORMS:
        match = pattern.fullmatch(cleaned)
        if match:
            if build is _from_vn_numeric:
                return _from_vn_numeric(match, month_first=bool(_ENGLISH_LEAD.match(text)))
            return build(match)  # None for an impossible date: dateparser would not do better
    # An English label inside the text ("by Admin Published on 03-08-2011"): the patterns read the
    # month first; dateparser would read the day first.
    found = find_datetime(text) if _ENGLISH_INSIDE.search(text) else None
    if found:
        return found.moment
    if len(cleaned) <= MAX_FALLBACK_CHARS:
        parsed = _parse_with_dateparser(cleaned, now if now is not None else vietnam_now())
        if parsed is not None:
            return parsed
    # Words around a numeric date that no rule knows ("Hà Nội, 5/9/2023"): take the date.
    found = find_datetime(cleaned)
    return found.moment if found else None


def _dates_in(text: str) -> list[FoundDate]:
    """Every full date (with a year) the patterns read in *text*, in order of place."""
    found = []
    for pattern, build in _FORMS:
        for match in pattern.finditer(text):
            if build is _from_vn_numeric:
                english = bool(_ENGLISH_LABEL.search(text[max(0, match.start() - 40) : match.start()]))
                moment = _from_vn_numeric(match, month_first=english)
            else:
                moment = build(match)
            if moment is not None:
                found.append(FoundDate(moment, match.group(), match.start(), match.end()))
    return sorted(found, key=lambda date_found: date_found.start)


def find_datetime(text: str) -> FoundDate | None:
    """The first full date (with a year) in *text*, with the exact text it was read from.

    The text includes a leading weekday and "ngày", so that cutting it off
    "PV Thường trú THVN tại Trung Quốc-Thứ sáu, ngày 11/10/2024 20:02 GMT+7" leaves
    the credit and its separator.  Only the numeric, ISO and RFC 822 forms are looked
    for, not relative expressions.
    """
    if not isinstance(text, str):
        return None
    found = _dates_in(text)
    return found[0] if found else None


def whole_line_date(line: str) -> str | None:
    """The date a line holds when it holds nothing else, labels aside ("Cập nhật: 26/04/2023 14:28 |"
    → "26/04/2023 14:28"); None for any other line."""
    if len(line) > MAX_FALLBACK_CHARS + 20:  # longer than the longest date and label
        return None
    cleaned = _without_labels(line)
    for pattern, build in _FORMS:
        match = pattern.fullmatch(cleaned)
        if match and build(match):
            return cleaned
    return None


def split_trailing_date(line: str) -> tuple[str, str] | None:
    """(what comes before, the date) for a line that ends with a full date, as a credit with its
    date does ("Thu Hằng - 12/05/2024 09:15"); None when the line does not end with one."""
    end = len(_TRAILING_NOISE.sub("", line))
    for found in _dates_in(line):
        if found.end == end:
            return line[: found.start], found.text
    return None


def has_clock_time(text: str) -> bool:
    """Whether a date expression gives the time of day ("16:19", "8h05", "2 giờ trước")."""
    return bool(_CLOCK_TIME.search(text))


def mentions_day_month(text: str) -> bool:
    """Whether *text* names a day and month without a year ("Chiều 18/2")."""
    return bool(_DAY_MONTH.search(text))


# -- dates outside the text -----------------------------------------------------------------


def date_in_url(url: str, pattern: re.Pattern[str] | str | None) -> datetime | None:
    """The time an outlet writes in its article URLs, read with the outlet's *pattern*, in Vietnam time.

    *pattern* is searched in the URL's path; its named groups are ``year`` (two or
    four digits), ``month``, ``day``, ``hour``, ``minute`` and optionally ``second``.
    None when there is no pattern, no match, or an impossible time.
    """
    if not pattern or not isinstance(url, str):
        return None
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    match = re.search(pattern, path)
    if not match:
        return None
    parts = match.groupdict()
    try:
        moment = datetime(
            _full_year(parts["year"]),
            int(parts["month"]),
            int(parts["day"]),
            int(parts["hour"]),
            int(parts["minute"]),
            int(parts.get("second") or 0),
            tzinfo=VN_TZ,
        )
    except (KeyError, TypeError, ValueError):
        return None
    return moment if moment.year >= 2000 else None


def parse_lastmod(value: str | None) -> datetime | None:
    """A sitemap ``lastmod`` (W3C datetime) as an aware datetime, or None.

    A day alone ("2026-06-28") stands for the whole day, so it is read as its
    last second, in Vietnam time when no offset is given: an article is only
    known unchanged when it was seen after the day ended.
    """
    if not value:
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            moment = datetime.fromisoformat(text) + timedelta(days=1, seconds=-1)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=VN_TZ)

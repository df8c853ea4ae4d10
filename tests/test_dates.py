"""The date step: the fast regexes, the dateparser fallback, URL stamps and the choice of a date."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from crawler.items import ArticleDraft, DateCandidate
from crawler.spiders.generic import GenericSpider
from crawler.spiders.tuoitre import TuoitreSpider
from crawler.spiders.vnexpress import VnexpressSpider
from crawler.spiders.vtv import VtvSpider
from pipelines.base import OfflineStats
from pipelines.dates import DatesPipeline
from pipelines.text import dates
from pipelines.text.dates import VN_TZ, date_in_url, find_datetime, parse_datetime

MAIN = Path(__file__).resolve().parents[1]
SEEDS = MAIN.parent / "shared" / "seeds"

NOW = datetime(2026, 3, 7, 15, 45, 30, tzinfo=VN_TZ)

# Every form seen on the outlets (shared/outlets.md), with the value it must give.
FAST_FORMS = [
    ("25/06/2026 16:19 GMT+7", "2026-06-25T16:19:00+07:00"),
    ("Thứ sáu, ngày 11/10/2024 20:02 GMT+7", "2024-10-11T20:02:00+07:00"),
    ("Thứ bảy, 7/3/2026, 00:05 (GMT+7)", "2026-03-07T00:05:00+07:00"),
    ("26/04/2023 14:28", "2023-04-26T14:28:00+07:00"),
    ("01:38 06/09/2023", "2023-09-06T01:38:00+07:00"),
    ("07/03/2026 - 08:07", "2026-03-07T08:07:00+07:00"),
    ("Thứ bảy, 07/03/2026 - 08:07", "2026-03-07T08:07:00+07:00"),
    ("Thứ Ba, ngày 14/01/2025 - 06:01", "2025-01-14T06:01:00+07:00"),
    ("T4, 22/10/2025", "2025-10-22T00:00:00+07:00"),
    ("T4, 22/10/2025 10:30", "2025-10-22T10:30:00+07:00"),
    ("Cập nhật: 22/10/2025 10:30", "2025-10-22T10:30:00+07:00"),
    ("22/10/2025 10:30 |", "2025-10-22T10:30:00+07:00"),
    ("THỨ TƯ, 22/10/2025 10:30 (GMT+7)", "2025-10-22T10:30:00+07:00"),
    ("Sat, 12 Oct 2024 10:00:00 +0700", "2024-10-12T10:00:00+07:00"),
    ("Fri, 11 Oct 2024 20:02:00 +07", "2024-10-11T20:02:00+07:00"),
    ("Sat, 07 Mar 26 08:01:00 +0700", "2026-03-07T08:01:00+07:00"),
    ("Fri, 11 Oct 2024 13:02:00 GMT", "2024-10-11T13:02:00+00:00"),
    ("2026-06-25T16:19:00+07:00", "2026-06-25T16:19:00+07:00"),
    ("2026-06-25T16:19:00", "2026-06-25T16:19:00+07:00"),
    ("2026-03-07 08:07", "2026-03-07T08:07:00+07:00"),
    ("2026-06-25T09:19:00Z", "2026-06-25T09:19:00+00:00"),
    ("2026-06-25T16:19:00.123+07:00", "2026-06-25T16:19:00+07:00"),
    ("2026-06-25", "2026-06-25T00:00:00+07:00"),
    ("2025-10-10", "2025-10-10T00:00:00+07:00"),
    ("12:30 ngày 5/9/2023", "2023-09-05T12:30:00+07:00"),
    ("5/9/2023", "2023-09-05T00:00:00+07:00"),
    ("Thứ Hai, 05/09/2023 | 12:30", "2023-09-05T12:30:00+07:00"),
    ("06/09/2023 01:38:12", "2023-09-06T01:38:12+07:00"),
]


@pytest.mark.parametrize(("text", "expected"), FAST_FORMS)
def test_parse_datetime_fast_forms(text: str, expected: str) -> None:
    assert parse_datetime(text, now=NOW).isoformat() == expected


def test_fast_forms_never_call_dateparser(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fallback(text: str, now: datetime) -> datetime | None:
        raise AssertionError(f"dateparser called for {text!r}")

    monkeypatch.setattr(dates, "_parse_with_dateparser", no_fallback)
    for text, expected in FAST_FORMS:
        assert parse_datetime(text, now=NOW).isoformat() == expected
    # The patch does reach the fallback: a form the regexes do not read goes there.
    with pytest.raises(AssertionError, match="hôm qua"):
        parse_datetime("hôm qua", now=NOW)


def test_import_does_not_import_dateparser() -> None:
    code = "import sys, pipelines.dates, pipelines.text.dates; print('dateparser' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=MAIN, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 tháng 10 năm 2024", "2024-10-12T00:00:00+07:00"),
        ("ngày 12 tháng 10 năm 2024 lúc 10:30", "2024-10-12T10:30:00+07:00"),
        ("October 12, 2024", "2024-10-12T00:00:00+07:00"),
        # A named zone the regexes do not know: dateparser converts it.
        ("Sat, 12 Oct 2024 10:00:00 EST", "2024-10-12T22:00:00+07:00"),
    ],
)
def test_parse_datetime_dateparser_fallback(text: str, expected: str) -> None:
    assert parse_datetime(text, now=NOW).isoformat() == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # No time of day in the text: the day at 00:00, not the clock time of NOW.
        ("hôm qua", "2026-03-06T00:00:00+07:00"),
        ("3 ngày trước", "2026-03-04T00:00:00+07:00"),
        ("Cập nhật: hôm qua", "2026-03-06T00:00:00+07:00"),
        ("10:30 hôm qua", "2026-03-06T10:30:00+07:00"),
        ("2 giờ trước", "2026-03-07T13:45:30+07:00"),
        ("15 phút trước", "2026-03-07T15:30:30+07:00"),
    ],
)
def test_parse_datetime_relative_to_now(text: str, expected: str) -> None:
    assert parse_datetime(text, now=NOW).isoformat() == expected


def test_parse_datetime_relative_follows_now() -> None:
    other_now = datetime(2025, 1, 1, 8, 0, tzinfo=VN_TZ)
    assert parse_datetime("hôm qua", now=other_now).isoformat() == "2024-12-31T00:00:00+07:00"


@pytest.mark.parametrize(
    "text",
    [
        "Chiều 18/2",  # no year: never guessed
        "18/2",
        "Oct 12",
        "tháng 3/2024",  # no day
        "31/02/2026",
        "25/06/2026 25:61",
        "2026-02-30",
        "2026-06-25T25:61:00",
        "Sat, 31 Feb 2024 10:00:00 +0700",
        "",
        "   |  ",
        "abc",
        "Tác giả: Đang cập nhật",
    ],
)
def test_parse_datetime_none(text: str) -> None:
    assert parse_datetime(text, now=NOW) is None


def test_parse_datetime_non_string_is_none() -> None:
    assert parse_datetime(None) is None  # type: ignore[arg-type]
    assert parse_datetime(20240101) is None  # type: ignore[arg-type]


def test_parse_datetime_takes_a_date_among_unknown_words() -> None:
    assert parse_datetime("Hà Nội, 5/9/2023", now=NOW).isoformat() == "2023-09-05T00:00:00+07:00"
    assert parse_datetime("Chiều 18/2/2026", now=NOW).isoformat() == "2026-02-18T00:00:00+07:00"


BYLINE = "PV Thường trú THVN tại Trung Quốc-Thứ sáu, ngày 11/10/2024 20:02 GMT+7"


def test_find_datetime_byline_line() -> None:
    moment, matched, *_ = find_datetime(BYLINE)
    assert moment.isoformat() == "2024-10-11T20:02:00+07:00"
    assert matched == "Thứ sáu, ngày 11/10/2024 20:02 GMT+7"
    assert BYLINE[: BYLINE.index(matched)].rstrip(" -") == "PV Thường trú THVN tại Trung Quốc"


def test_find_datetime_on_seed_000() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"seed folder {SEEDS} is absent")
    seed = next(SEEDS.glob("000_*.txt"))
    lines = [line for line in seed.read_text(encoding="utf-8").splitlines() if "PV Thường trú" in line]
    assert lines == [BYLINE]
    moment, matched, *_ = find_datetime(lines[0])
    assert (moment.isoformat(), matched) == (
        "2024-10-11T20:02:00+07:00",
        "Thứ sáu, ngày 11/10/2024 20:02 GMT+7",
    )


@pytest.mark.parametrize(
    ("text", "expected", "matched"),
    [
        ("Bài đăng 01:38 06/09/2023 bởi PV", "2023-09-06T01:38:00+07:00", "01:38 06/09/2023"),
        (
            "xem pubDate Sat, 12 Oct 2024 10:00:00 +0700 rồi",
            "2024-10-12T10:00:00+07:00",
            "Sat, 12 Oct 2024 10:00:00 +0700",
        ),
        ("meta 2026-06-25T16:19:00+07:00.", "2026-06-25T16:19:00+07:00", "2026-06-25T16:19:00+07:00"),
        # The first valid date wins; an impossible one before it is skipped.
        ("31/02/2026 rồi 5/9/2023 và 2024-01-01", "2023-09-05T00:00:00+07:00", "5/9/2023"),
        ("Nhà văn - T4, 22/10/2025 10:30 |", "2025-10-22T10:30:00+07:00", "T4, 22/10/2025 10:30"),
    ],
)
def test_find_datetime_in_a_line(text: str, expected: str, matched: str) -> None:
    moment, found, *_ = find_datetime(text)
    assert (moment.isoformat(), found) == (expected, matched)
    assert found in text


@pytest.mark.parametrize("text", ["Chiều 18/2, tại Trụ sở", "hôm qua lúc 10:30", "", "từ ngày 25 - 28/4."])
def test_find_datetime_none(text: str) -> None:
    assert find_datetime(text) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://vtv.vn/thu-tuong-lam-viec-100260624162946883.htm", "2026-06-24T16:29:46+07:00"),
        (
            "https://vtv.vn/chinh-tri/thuong-truc-ban-bi-thu-luong-cuong-hoi-kien-tong-bi-thu-chu-tich-nuoc-"
            "tap-can-binh-20241011191126043.htm",
            "2024-10-11T19:11:26+07:00",
        ),
        ("https://tuoitre.vn/mot-bai-20260307075519174.htm?utm_source=rss", "2026-03-07T07:55:19+07:00"),
        ("https://nld.com.vn/mot-bai-196260307071308923.htm", "2026-03-07T07:13:08+07:00"),
    ],
)
def test_date_in_url(url: str, expected: str) -> None:
    spider = {"vtv.vn": VtvSpider, "tuoitre.vn": TuoitreSpider}.get(url.split("/")[2], GenericSpider)
    assert date_in_url(url, spider.url_date).isoformat() == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://vnexpress.net/tong-bi-thu-gap-thu-tuong-trung-quoc-5047363.html",
        "https://baoquocte.vn/tong-bi-thu-tiep-bi-thu-quang-tay-305478.html",
        "https://nguoilambao.vn/public/tong-bi-thu-tiep-truong-ban-lien-lac",
        "https://example.vn/a-12345678901234567.htm",  # 17 digits, year 1234
        "https://vtv.vn/a-20241399191126043.htm",  # month 13
        "https://vtv.vn/a-20241011191126043.htm/amp",
        "",
        "http://[bad",
    ],
)
def test_date_in_url_none(url: str) -> None:
    assert date_in_url(url, VtvSpider.url_date) is None
    assert date_in_url(url, VnexpressSpider.url_date) is None  # vnexpress.net writes no time in its URLs


# --- the pipeline ---------------------------------------------------------------------


def make_pipeline(now: datetime = NOW) -> tuple[DatesPipeline, OfflineStats]:
    stats = OfflineStats()
    return DatesPipeline(stats, now=lambda: now), stats


def make_draft(*candidates: DateCandidate, url: str = "https://vnexpress.net/a-5047363.html") -> ArticleDraft:
    return ArticleDraft(url=url, outlet="test", dates=list(candidates))


def test_pipeline_origin_priority() -> None:
    pipeline, stats = make_pipeline()
    draft = make_draft(
        DateCandidate("5/9/2023", "text"),
        DateCandidate("2023-09-05T12:31:00", "meta"),
        DateCandidate("2023-09-05T12:32:00+07:00", "json-ld"),
        DateCandidate("Tue, 05 Sep 2023 12:33:00 +0700", "front-matter"),
    )
    assert pipeline.process(draft, VtvSpider) is draft
    assert draft.published_at == "2023-09-05T12:32:00+07:00"
    assert draft.date_raw == "2023-09-05T12:32:00+07:00"
    assert draft.date_source == "json-ld"
    assert stats.values["vnnews/date_source/json-ld"] == 1
    assert "vnnews/dates/printed_over_metadata" not in stats.values


def test_pipeline_the_printed_date_beats_metadata_that_names_another_minute() -> None:
    # vnexpress.net, 2019: JSON-LD says 17:34 at +08:00 (16:34 in Vietnam); the page prints 17:34 (GMT+7).
    pipeline, stats = make_pipeline()
    draft = make_draft(
        DateCandidate("2019-02-18T17:34:20+08:00", "json-ld"),
        DateCandidate("Thứ hai, 18/2/2019, 17:34 (GMT+7)", "text"),
    )
    pipeline.process(draft, VtvSpider)
    assert (draft.published_at, draft.date_source) == ("2019-02-18T17:34:00+07:00", "text")
    assert stats.values["vnnews/dates/printed_over_metadata"] == 1


def test_pipeline_metadata_stays_when_the_printed_date_agrees_or_is_days_away() -> None:
    pipeline, _ = make_pipeline()
    agreeing = make_draft(
        DateCandidate("2026-03-07T08:07:18+07:00", "json-ld"),
        DateCandidate("Thứ bảy, 07/03/2026 - 08:07", "page"),
    )
    pipeline.process(agreeing, VtvSpider)
    assert (agreeing.published_at, agreeing.date_source) == ("2026-03-07T08:07:18+07:00", "json-ld")
    # Three days apart: the line by the headline is another date (an event's), not a slip of the metadata.
    far = make_draft(
        DateCandidate("2026-03-07T08:07:18+07:00", "json-ld"),
        DateCandidate("04/03/2026 10:00", "text"),
    )
    pipeline.process(far, VtvSpider)
    assert (far.published_at, far.date_source) == ("2026-03-07T08:07:18+07:00", "json-ld")


def test_pipeline_page_before_text_and_front_matter() -> None:
    pipeline, _ = make_pipeline()
    draft = make_draft(
        DateCandidate("Sat, 12 Oct 2024 10:00:00 +0700", "front-matter"),
        DateCandidate("PV-Thứ sáu, ngày 11/10/2024 20:02 GMT+7", "text"),
        DateCandidate("11/10/2024 20:01", "page"),
    )
    pipeline.process(draft, VtvSpider)
    assert (draft.published_at, draft.date_source) == ("2024-10-11T20:01:00+07:00", "page")


def test_pipeline_unparsed_candidate_counted_and_skipped() -> None:
    pipeline, stats = make_pipeline()
    draft = make_draft(
        DateCandidate("Chiều 18/2", "json-ld"),
        DateCandidate("không rõ", "meta"),
        DateCandidate("26/04/2023 14:28", "page"),
    )
    pipeline.process(draft, VtvSpider)
    assert (draft.published_at, draft.date_raw, draft.date_source) == (
        "2023-04-26T14:28:00+07:00",
        "26/04/2023 14:28",
        "page",
    )
    assert stats.values == {"vnnews/dates/unparsed": 2, "vnnews/date_source/page": 1}


def test_pipeline_normalises_to_vietnam_time() -> None:
    pipeline, _ = make_pipeline()
    draft = make_draft(DateCandidate("2026-03-07T01:19:00Z", "json-ld"))
    pipeline.process(draft, VtvSpider)
    assert draft.published_at == "2026-03-07T08:19:00+07:00"
    assert draft.date_raw == "2026-03-07T01:19:00Z"


def test_pipeline_rejects_future_date() -> None:
    pipeline, stats = make_pipeline()
    draft = make_draft(
        DateCandidate("2026-06-25T16:19:00+07:00", "json-ld"),  # months after NOW
        DateCandidate("07/03/2026 16:45", "page"),  # 59 minutes after NOW: clock skew, accepted
    )
    pipeline.process(draft, VtvSpider)
    assert (draft.published_at, draft.date_source) == ("2026-03-07T16:45:00+07:00", "page")
    assert stats.values == {"vnnews/dates/future": 1, "vnnews/date_source/page": 1}


def test_pipeline_rejects_date_just_over_an_hour_ahead() -> None:
    pipeline, stats = make_pipeline()
    draft = make_draft(DateCandidate("07/03/2026 16:46", "page"))
    pipeline.process(draft, VtvSpider)
    assert draft.published_at is None
    assert stats.values == {"vnnews/dates/future": 1, "vnnews/dates/missing": 1}


def test_pipeline_url_fallback() -> None:
    pipeline, stats = make_pipeline()
    url = "https://vtv.vn/chinh-tri/bai-20241011191126043.htm"
    draft = make_draft(DateCandidate("Chiều 18/2", "text"), url=url)
    pipeline.process(draft, VtvSpider)
    assert (draft.published_at, draft.date_raw, draft.date_source) == (
        "2024-10-11T19:11:26+07:00",
        url,
        "url",
    )
    assert stats.values == {"vnnews/dates/unparsed": 1, "vnnews/date_source/url": 1}


def test_pipeline_url_fallback_prefers_canonical_url() -> None:
    pipeline, _ = make_pipeline()
    draft = make_draft(url="https://m.vtv.vn/bai-20241011191126043.htm")
    draft.canonical_url = "https://vtv.vn/bai-100260224162946883.htm"
    pipeline.process(draft, VtvSpider)
    assert (draft.published_at, draft.date_source) == ("2026-02-24T16:29:46+07:00", "url")


def test_pipeline_url_is_only_a_last_resort() -> None:
    pipeline, _ = make_pipeline()
    draft = make_draft(
        DateCandidate("5/9/2023 08:30", "text"), url="https://vtv.vn/bai-20241011191126043.htm"
    )
    pipeline.process(draft, VtvSpider)
    assert (draft.published_at, draft.date_source) == ("2023-09-05T08:30:00+07:00", "text")


def test_pipeline_passes_over_a_day_without_a_time() -> None:
    # "5/9/2023" alone would read as midnight, a time the page never gave: the URL's time is better,
    # and with no URL time the record has no date.
    pipeline, stats = make_pipeline()
    draft = make_draft(DateCandidate("5/9/2023", "text"), url="https://vtv.vn/bai-20241011191126043.htm")
    pipeline.process(draft, VtvSpider)
    assert (draft.published_at, draft.date_source) == ("2024-10-11T19:11:26+07:00", "url")
    assert stats.values["vnnews/dates/no_time"] == 1
    draft = make_draft(DateCandidate("2025-10-10", "text"))
    pipeline.process(draft, VtvSpider)
    assert (draft.published_at, draft.date_raw) == (None, None)


def test_pipeline_missing_date() -> None:
    pipeline, stats = make_pipeline()
    draft = make_draft(DateCandidate("2026-03-07 09:15", "meta", kind="modified"))
    pipeline.process(draft, VtvSpider)
    assert (draft.published_at, draft.date_raw, draft.date_source) == (None, None, None)
    assert draft.modified_at == "2026-03-07T09:15:00+07:00"
    assert stats.values == {"vnnews/dates/missing": 1}


def test_pipeline_modified_date() -> None:
    pipeline, stats = make_pipeline()
    draft = make_draft(
        DateCandidate("2026-03-07T08:07:00+07:00", "json-ld"),
        DateCandidate("2026-03-07T09:30:00+07:00", "json-ld", kind="modified"),
        DateCandidate("2026-03-07 10:00", "meta", kind="modified"),
    )
    pipeline.process(draft, VtvSpider)
    assert draft.published_at == "2026-03-07T08:07:00+07:00"
    assert draft.modified_at == "2026-03-07T09:30:00+07:00"
    assert draft.date_raw == "2026-03-07T08:07:00+07:00"  # date_raw and date_source are the published one's
    assert stats.values == {"vnnews/date_source/json-ld": 1}


def test_pipeline_drops_modified_before_published() -> None:
    pipeline, stats = make_pipeline()
    draft = make_draft(
        DateCandidate("07/03/2026 - 08:07", "page"),
        DateCandidate("2026-03-06T23:00:00+07:00", "meta", kind="modified"),
    )
    pipeline.process(draft, VtvSpider)
    assert draft.published_at == "2026-03-07T08:07:00+07:00"
    assert draft.modified_at is None
    assert stats.values["vnnews/dates/modified_before_published"] == 1


def test_pipeline_modified_has_no_url_fallback() -> None:
    pipeline, _ = make_pipeline()
    draft = make_draft(url="https://vtv.vn/bai-20241011191126043.htm")
    pipeline.process(draft, VtvSpider)
    assert draft.published_at == "2024-10-11T19:11:26+07:00"
    assert draft.modified_at is None


def test_pipeline_relative_date_uses_crawl_time() -> None:
    pipeline, _ = make_pipeline(now=datetime(2026, 3, 7, 1, 0, tzinfo=VN_TZ))
    draft = make_draft(DateCandidate("10:30 hôm qua", "page"))
    pipeline.process(draft, VtvSpider)
    assert draft.published_at == "2026-03-06T10:30:00+07:00"
    draft = make_draft(DateCandidate("2 giờ trước", "page"))
    pipeline.process(draft, VtvSpider)
    assert draft.published_at == "2026-03-06T23:00:00+07:00"
    draft = make_draft(DateCandidate("hôm qua", "page"))  # a day, no time: no date
    pipeline.process(draft, VtvSpider)
    assert draft.published_at is None


def test_pipeline_bad_input_does_not_raise() -> None:
    pipeline, stats = make_pipeline()
    draft = make_draft(DateCandidate(None, "meta"), DateCandidate("", "page"))  # type: ignore[arg-type]
    draft.url = None  # type: ignore[assignment]
    pipeline.process(draft, VtvSpider)
    assert draft.published_at is None
    assert stats.values == {"vnnews/dates/unparsed": 2, "vnnews/dates/missing": 1}


def test_pipeline_default_clock_is_now() -> None:
    pipeline = DatesPipeline(OfflineStats())
    tomorrow = datetime.now(VN_TZ) + timedelta(days=1)
    draft = make_draft(
        DateCandidate(tomorrow.isoformat(), "json-ld"), DateCandidate("5/9/2023 07:00", "page")
    )
    pipeline.process(draft, VtvSpider)
    assert (draft.published_at, draft.date_source) == ("2023-09-05T07:00:00+07:00", "page")


def test_an_outlet_without_a_url_time_gives_no_url_fallback() -> None:
    pipeline, _ = make_pipeline()
    draft = make_draft(url="https://vtv.vn/bai-20241011191126043.htm")
    pipeline.process(draft, VnexpressSpider)
    assert draft.published_at is None


# --- the date lines of a body ----------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("26/04/2023 14:28", "26/04/2023 14:28"),
        ("01:38 06/09/2023", "01:38 06/09/2023"),
        ("Cập nhật: Thứ bảy, 7/3/2026, 00:05 (GMT+7)", "Thứ bảy, 7/3/2026, 00:05 (GMT+7)"),
        ("Đăng lúc 12:30 ngày 5/9/2023 |", "12:30 ngày 5/9/2023"),
        ("Thứ Hai, 24/12/2012 15:02", "Thứ Hai, 24/12/2012 15:02"),
        ("2023-04-26T14:28", "2023-04-26T14:28"),
    ],
)
def test_a_line_that_is_only_a_date(line: str, date: str) -> None:
    assert dates.whole_line_date(line) == date


@pytest.mark.parametrize(
    "line", ["Hà Nội, ngày 5/9/2023", "Chiều 18/2", "31/02/2026 10:00", "Ngày 5/9/2023, tại Hà Nội"]
)
def test_a_line_with_more_than_a_date(line: str) -> None:
    assert dates.whole_line_date(line) is None


def test_a_line_that_ends_with_a_date() -> None:
    assert dates.split_trailing_date("Thu Hằng - 12/05/2024 09:15") == ("Thu Hằng - ", "12/05/2024 09:15")
    assert dates.split_trailing_date(BYLINE) == (
        "PV Thường trú THVN tại Trung Quốc-",
        BYLINE.split("-", 1)[1],
    )
    assert dates.split_trailing_date("Ngày 5/9/2023, tại Hà Nội") is None


def test_two_digit_years_only_after_a_slash() -> None:
    assert parse_datetime("ngày 24/12/12 11:05", now=NOW).isoformat() == "2012-12-24T11:05:00+07:00"
    assert find_datetime("phiên bản 1.2.10 mới") is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # Date lines and byline rows as pages print them, in any layout.
        ("Thu Hằng - 12/05/2024 09:15", "2024-05-12T09:15:00+07:00"),
        ("Thứ Ba, 14/05/2013 - 10:03", "2013-05-14T10:03:00+07:00"),
        ("Thứ Tư, 15/05/2013 17:14", "2013-05-15T17:14:00+07:00"),
        ("12-05-2024 - 09:40 AM", "2024-05-12T09:40:00+07:00"),
        ("12-05-2024 - 09:40 PM", "2024-05-12T21:40:00+07:00"),
        ("08:12 12/05/2024", "2024-05-12T08:12:00+07:00"),
        ("12/05/2017 08:30 GMT+7", "2017-05-12T08:30:00+07:00"),
        # 2012 portals: the time first with AM/PM, the part of the day in words, a weekday glued on.
        ("15:20 PM  |  21/12/2012", "2012-12-21T15:20:00+07:00"),
        ("| Cập nhật thứ hai, ngày 24/12/12 11:05 tối", "2012-12-24T23:05:00+07:00"),
        ("Cập nhật thứ sáu, ngày 30/11/12 04:00 chiều", "2012-11-30T16:00:00+07:00"),
        # English software prints the month first.
        ("by Admin Published on 03-08-2011  01:00 AM", "2011-03-08T01:00:00+07:00"),
    ],
)
def test_printed_date_lines(line: str, expected: str) -> None:
    found = find_datetime(line)
    assert found is not None and found.moment.isoformat() == expected
    assert parse_datetime(line).isoformat() == expected

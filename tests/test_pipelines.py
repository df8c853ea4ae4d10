"""The steps around the cleaning proper: normalisation, validation into the record, deduplication, export."""

from __future__ import annotations

import json
import unicodedata

import pytest
from scrapy.exceptions import DropItem

from crawler.items import RECORD_FIELDS, SCHEMA_VERSION, ArticleDraft, AuthorCandidate, DateCandidate, Image
from crawler.schema import compiled_check, record_validator, schema_errors
from pipelines.base import OfflineStats
from pipelines.dedupe import DedupePipeline
from pipelines.export import record_line
from pipelines.normalize import NormalizePipeline
from pipelines.text.words import normalize_text, word_count
from pipelines.validate import ValidatePipeline, build_record

BODY = [
    "Sở Xây dựng Hà Nội cho biết ba tuyến buýt điện mới nối các khu đô thị phía Tây với trung tâm thành phố.",
    "Theo kế hoạch, các tuyến mới sử dụng 45 xe buýt điện loại 60 chỗ, có sàn thấp và chỗ cho người khuyết tật.",
]


def draft(**fields: object) -> ArticleDraft:
    values: dict[str, object] = {
        "url": "https://vtv.vn/bai-viet-100260628091500123.htm",
        "outlet": "vtv.vn",
        "title": "Hà Nội mở thêm 3 tuyến buýt điện",
        "paragraphs": list(BODY),
    }
    values.update(fields)
    return ArticleDraft(**values)  # type: ignore[arg-type]


# -- normalize --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (unicodedata.normalize("NFD", "Tiếng Việt"), "Tiếng Việt"),  # decomposed → composed
        ("Chi&amp;#7871;n s&#7921;", "Chiến sự"),  # entities, even double-encoded
        ("  Hà\u00a0Nội\t\n mở\u200b thêm\ufeff  ", "Hà Nội mở thêm"),  # nbsp, tabs, zero-width, BOM
        ("a\x00b\x07c", "abc"),  # control characters
        # One clean line skips the whitespace and invisible-character passes: each of these must not.
        ("Hà Nội mở thêm.", "Hà Nội mở thêm."),
        ("Hà\u00a0Nội", "Hà Nội"),
        ("Hà&nbsp;Nội", "Hà Nội"),
        ("Tiế\u00adng Việt", "Tiếng Việt"),
        ("Hà\u200bNội", "HàNội"),
        ("Hà Nội\u2028mở", "Hà Nội mở"),
        ("Hà  Nội", "Hà Nội"),
        (" Hà Nội", "Hà Nội"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_text(raw: str | None, clean: str) -> None:
    assert normalize_text(raw) == clean
    assert unicodedata.is_normalized("NFC", normalize_text(raw))


@pytest.mark.parametrize(
    "paragraphs",
    [
        ["Hà Nội mở thêm 3 tuyến buýt điện.", "Tuyến mới chạy từ sáng mai."],
        ["Hà  Nội", " mở\u00a0thêm ", "", "\u200b", "a\tb\nc"],
        [],
    ],
)
def test_word_count_counts_whitespace_separated_tokens(paragraphs: list[str]) -> None:
    assert word_count("\n\n".join(paragraphs)) == sum(len(p.split()) for p in paragraphs)


def test_normalize_pipeline_cleans_every_text_field_and_drops_empty_ones() -> None:
    d = draft(
        title="  Hà  Nội ",
        sapo="\u200b",
        paragraphs=["Đoạn\u00a0một", "   ", unicodedata.normalize("NFD", "Đoạn hai")],
        tags=["xe buýt", ""],
        images=[Image("https://x/a.jpg", "  Ảnh:  TTXVN ")],
        dates=[DateCandidate(" 25/06/2026\u00a016:19 ", "page"), DateCandidate("  ", "meta")],
        authors_raw=[AuthorCandidate("Giáp  Công", "page")],
    )
    NormalizePipeline().process(d, None)
    assert (d.title, d.sapo) == ("Hà Nội", None)
    assert d.paragraphs == ["Đoạn một", "Đoạn hai"]
    assert d.tags == ["xe buýt"]
    assert d.images[0].caption == "Ảnh: TTXVN"
    assert [c.raw for c in d.dates] == ["25/06/2026 16:19"]
    assert d.authors_raw[0].raw == "Giáp Công"


# -- validate ---------------------------------------------------------------------------------


def test_a_sound_draft_becomes_a_record_in_schema_order() -> None:
    record = ValidatePipeline().process(draft(published_at="2026-06-28T09:15:00+07:00"), None)
    assert tuple(record) == RECORD_FIELDS
    assert schema_errors(record) == []
    assert record["schema_version"] == SCHEMA_VERSION
    assert record["body"] == "\n\n".join(BODY)
    assert record["canonical_url"] == record["url"]  # no canonical link: the URL stands for it
    assert record["word_count"] == len(" ".join(BODY).split())
    assert record["crawled_at"].endswith("+00:00")


BREAKS = [
    {"title": " Tiêu đề"},
    {"title": ""},
    {"id": "zz"},
    {"url": "ftp://vtv.vn/a"},
    {"outlet": "VTV"},
    {"sapo": ""},
    {"authors": [""]},
    {"authors": "Giáp Công"},
    {"images": [{"url": 3}]},
    {"published_at": "2026-06-25"},
    {"published_at": "25/06/2026 16:19"},
    {"schema_version": 1},
    {"revision": 0},
    {"word_count": -1},
    {"extra": 1},
]


@pytest.mark.parametrize("change", [{}, {"sapo": None, "published_at": None}, *BREAKS], ids=str)
def test_the_compiled_check_agrees_with_jsonschema(change: dict[str, object]) -> None:
    """Records are checked by the compiled schema; jsonschema, the reference, must say the same."""
    record = {**build_record(draft(published_at="2026-06-28T09:15:00+07:00")), **change}
    reference = not list(record_validator().iter_errors(record))
    try:
        compiled_check()(record)
        compiled = True
    except ValueError:
        compiled = False
    assert compiled == reference == (change in ({}, {"sapo": None, "published_at": None}))
    assert (schema_errors(record) == []) == reference


def test_the_id_is_stable_and_the_content_hash_follows_the_body() -> None:
    first, again = build_record(draft()), build_record(draft())
    changed = build_record(draft(paragraphs=[*BODY, "Một đoạn mới được thêm vào sau khi bài đã đăng."]))
    assert first["id"] == again["id"] == changed["id"]
    assert first["content_hash"] == again["content_hash"] != changed["content_hash"]


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"title": None}, "missing_title"),
        ({"paragraphs": ["Quá ngắn."]}, "short_body"),
        ({"url": ""}, "missing_url"),
        ({"published_at": "25/06/2026"}, "invalid_record"),  # not ISO 8601: never reaches the file
    ],
)
def test_unusable_drafts_are_dropped_with_a_counted_reason(fields: dict, reason: str) -> None:
    stats = OfflineStats()
    with pytest.raises(DropItem, match=reason):
        ValidatePipeline(stats).process(draft(**fields), None)
    assert stats.get_value(f"vnnews/dropped/{reason}") == 1


# -- dedupe -----------------------------------------------------------------------------------


def test_the_same_article_is_kept_once_by_url_and_by_content() -> None:
    stats = OfflineStats()
    dedupe = DedupePipeline(stats)
    first = build_record(draft())
    assert dedupe.process(first, None) is first
    with pytest.raises(DropItem):
        dedupe.process(build_record(draft()), None)  # the same canonical URL
    with pytest.raises(DropItem):
        dedupe.process(
            build_record(draft(url="https://worldcup.vtv.vn/bai-viet-100260628091500123.htm")), None
        )
    other = build_record(
        draft(url="https://vtv.vn/bai-khac-100260628091600123.htm", paragraphs=[*BODY, "Khác."])
    )
    assert dedupe.process(other, None) is other
    assert stats.get_value("vnnews/dropped/duplicate_url") == 1
    assert stats.get_value("vnnews/dropped/duplicate_content") == 1


# -- export -----------------------------------------------------------------------------------


def test_a_record_line_is_readable_utf8_json_in_schema_order() -> None:
    record = build_record(draft())
    line = record_line(dict(reversed(list(record.items()))))
    assert "\n" not in line
    assert "\\u" not in line and "Hà Nội" in line
    assert list(json.loads(line)) == list(RECORD_FIELDS)

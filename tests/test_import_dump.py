"""``scrapy import-dump``: the five seeds as records, the dump reader's rules, and the real command."""

from __future__ import annotations

import fcntl
import hashlib
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.project import get_project_settings

from crawler.dumps import (
    DumpImporter,
    NotADump,
    article_url,
    complete_title,
    draft_from_dump,
    dump_files,
    outlets_named_in,
    read_dump,
    split_dump,
    split_keyword_tags,
)
from crawler.outlets import self_names_by_outlet
from crawler.schema import schema_errors
from tests.conftest import ROOT, SEEDS, read_jsonl, run_scrapy, shared_file

# The outlets the spiders know, with the names they credit themselves by.
KNOWN = self_names_by_outlet(get_project_settings())

VTV_URL = (
    "https://vtv.vn/chinh-tri/thuong-truc-ban-bi-thu-luong-cuong-hoi-kien-tong-bi-thu-chu-tich-nuoc-"
    "tap-can-binh-20241011191126043.htm"
)
NGUOILAMBAO_URL = (
    "https://nguoilambao.vn/public/tong-bi-thu-nguyen-phu-trong-tiep-truong-ban-lien-lac-doi-ngoai-"
    "trung-uong-dang-cong-san-trung-quoc"
)

# Boilerplate the seeds print: none of it may reach a body.
SEED_BOILERPLATE = (
    "Mời quý độc giả",
    "Theo dõi Baoquocte.vn trên",
    "Đọc thêm",
    "Phiên bản di động",
    "Cùng chuyên mục",
    "Tin đọc nhiều",
    "./.",
    "Link bài viết",
    "Tác giả",
    "Đang cập nhật",
    "Ảnh: TTXVN",
    "date 2025-10-10",
    "GMT+7",
    "**",
    "](",
    "https://",
)


# -- the seeds ----------------------------------------------------------------------------

SEEDS_USED = ("000", "001", "002", "003", "004")


def seed(number: str) -> Path:
    paths = sorted(shared_file(SEEDS).glob(f"{number}_*.txt"))
    if not paths:
        pytest.skip(f"seed {number} is not in {SEEDS}")
    return paths[0]


def seed_line(number: str, line_number: int) -> str:
    """Line *line_number* (1-based) of a seed, NFC and single-spaced as the normalize step leaves it."""
    line = seed(number).read_text(encoding="utf-8").split("\n")[line_number - 1]
    return " ".join(unicodedata.normalize("NFC", line).split())


@pytest.fixture(scope="module")
def importer() -> DumpImporter:
    return DumpImporter(get_project_settings())


def import_seed(number: str, outlet: str | None = None) -> dict[str, Any]:
    record = DumpImporter(get_project_settings(), outlet=outlet).import_file(seed(number))
    assert schema_errors(record) == []
    return record


def paragraphs(record: dict[str, Any]) -> list[str]:
    return record["body"].split("\n\n")


@pytest.fixture(scope="module")
def records() -> dict[str, dict[str, Any]]:
    """Each seed's record; seed 003 names neither link nor outlet, so it is imported with --outlet."""
    return {
        number: import_seed(number, "vnexpress.net" if number == "003" else None) for number in SEEDS_USED
    }


@pytest.mark.parametrize("number", SEEDS_USED)
def test_seed_records_are_valid_and_clean(records: dict[str, dict[str, Any]], number: str) -> None:
    record = records[number]
    assert schema_errors(record) == []
    assert record["language"] == "vi"
    for paragraph in paragraphs(record):
        for marker in SEED_BOILERPLATE:
            assert marker not in paragraph, f"{marker!r} left in seed {number}: {paragraph[:80]!r}"
    for image in record["images"]:
        if image["caption"]:
            assert image["caption"] not in record["body"]


def test_seed_000_vtv(records: dict[str, dict[str, Any]]) -> None:
    record = records["000"]
    assert record["outlet"] == "vtv.vn"
    assert record["url"] == record["canonical_url"] == VTV_URL
    # "[Tập Cận Bình] … Chủ ...": the tag is a keyword; the cut title is completed from the
    # URL's slug with the words as the text spells them ("Chủ tịch nước Tập Cận Bình").
    assert record["keywords"] == ["Tập Cận Bình"]
    assert record["title"] == (
        "Thường trực Ban Bí thư Lương Cường hội kiến Tổng Bí thư, Chủ tịch nước Tập Cận Bình"
    )
    # The byline line's date beats the front matter's (when the file was saved).
    assert record["published_at"] == "2024-10-11T20:02:00+07:00"
    assert record["date_raw"] == "Thứ sáu, ngày 11/10/2024 20:02 GMT+7"
    assert record["date_source"] == "text"
    assert record["byline"] == "PV Thường trú THVN tại Trung Quốc"
    assert record["authors"] == []
    assert record["source"] is None
    # The feed summary, cut short, is the lead; it is not body.
    assert record["sapo"] == seed_line("000", 11)
    assert record["sapo"].endswith("Tổng Bí thư, Chủ tịch nước ...")
    body = paragraphs(record)
    assert body[0] == seed_line("000", 17)
    assert body[0].startswith("Chúc mừng 75 năm Quốc khánh Trung Quốc, đồng chí Lương Cường")
    assert body[-1] == seed_line("000", 31)
    assert body[-1] == (
        "Nhân dịp này, Đoàn đã tìm hiểu một số kinh nghiệm của Trung Quốc trong xây dựng lực lượng sản "
        "xuất chất lượng mới và chuyển đổi số trong các cơ quan Đảng."
    )
    assert len(body) == 6
    assert "Mời quý độc giả" not in record["body"]
    assert record["images"] == [
        {
            "url": "https://cdn-images.vtv.vn/fb_thumb_bn/66349b6076cb4dee98746cf1/2024/10/11/"
            "viet-trung-111024-1-25714543531601649773878-85995788662765615315695.jpg",
            "caption": None,
        },
        {"url": None, "caption": seed_line("000", 15)},
        {"url": None, "caption": seed_line("000", 23)},
    ]
    assert record["images"][1]["caption"] == (
        "Tổng Bí thư Đảng Cộng sản Trung Quốc Tập Cận Bình tiếp đồng chí Lương Cường cùng đoàn công tác "
        "Đảng Cộng sản Việt Nam. Ảnh: TTXVN"
    )


def test_seed_001_baoquocte(records: dict[str, dict[str, Any]]) -> None:
    record = records["001"]
    # No link: the file's own URI, and the outlet its text names ("Theo dõi Baoquocte.vn trên").
    assert record["outlet"] == "baoquocte.vn"
    assert record["url"] == record["canonical_url"] == seed("001").resolve().as_uri()
    assert record["url"].startswith("file:///")
    assert record["title"] == "Tổng Bí thư Tô Lâm tiếp Bí thư Quảng Tây, Trung Quốc Trần Cương"
    assert record["authors"] == ["Bảo Chi"]
    assert record["byline"] == "Bảo Chi"
    # "Chiều 18/2" has no year: no date at all rather than a guessed one.
    assert record["published_at"] is None
    assert record["date_raw"] is None
    assert record["keywords"] == []
    body = paragraphs(record)
    assert body[0] == seed_line("001", 4)
    assert body[0].startswith("Chiều 18/2, tại Trụ sở Trung ương Đảng, Tổng Bí thư Tô Lâm đã tiếp")
    assert body[-1] == seed_line("001", 24)
    assert body[-1].endswith("giữa nhân dân Quảng Tây và các địa phương Việt Nam.")
    assert len(body) == 8
    for related in ("Toàn văn phát biểu bế mạc", "Đọc thêm", "Phiên bản di động", "ASEAN Cup 2026"):
        assert related not in record["body"]
    assert [image["caption"] for image in record["images"]] == [
        "Tổng Bí thư Tô Lâm tiếp Bí thư Quảng Tây, Trung Quốc Trần Cương, chiều 18/2.",
        seed_line("001", 19),
    ]


def test_seed_002_biengioilanhtho(records: dict[str, dict[str, Any]]) -> None:
    record = records["002"]
    # No link; the outlet's self-name "Ủy ban Biên giới quốc gia" (its spider's self_names) identifies it.
    assert record["outlet"] == "biengioilanhtho.gov.vn"
    assert record["url"] == seed("002").resolve().as_uri()
    assert record["title"] == "Đoàn Đại biểu Đảng Cộng sản Việt Nam thăm Trung Quốc"
    assert record["published_at"] == "2023-04-26T14:28:00+07:00"
    assert record["date_raw"] == "26/04/2023 14:28"
    assert record["authors"] == []
    assert record["byline"] is None
    body = paragraphs(record)
    assert body[0] == seed_line("002", 5)
    assert body[0].startswith("Nhận lời mời của Trung ương Đảng Cộng sản Trung Quốc, Đoàn đại biểu")
    assert body[-1] == (
        "Trong thời gian ở thăm Trung Quốc, Thường trực Ban Bí thư Trương Thị Mai và đoàn đã đến thăm và "
        "làm việc với tập thể cán bộ, nhân viên Đại sứ quán Việt Nam tại Bắc Kinh, Trung Quốc."
    )
    assert len(body) == 10
    for tail in ("./.", "Cùng chuyên mục", "Tin đọc nhiều", "Đồn Biên phòng cửa khẩu quốc tế Lào Cai"):
        assert tail not in record["body"]


def test_seed_003_vnexpress(records: dict[str, dict[str, Any]]) -> None:
    record = records["003"]
    assert record["outlet"] == "vnexpress.net"
    assert record["url"] == seed("003").resolve().as_uri()
    assert record["authors"] == ["Như Tâm"]
    assert record["byline"] == "Như Tâm"
    # The dump tool's "date 2025-10-10 " prefix is not part of the title; a day without a time
    # would read as midnight, so the record has no date rather than an invented time.
    assert record["published_at"] is None
    assert record["date_raw"] is None
    draft = DumpImporter(get_project_settings(), outlet="vnexpress.net").draft(seed("003"))
    assert [(c.raw, c.origin) for c in draft.dates] == [("2025-10-10", "text")]
    assert ("date-prefix", "date 2025-10-10") in draft.removed
    # No title line: the first line (the lead) is the title, without the prefix and the full stop.
    assert record["title"] == (
        "Tổng Bí thư Tô Lâm gặp Thủ tướng Trung Quốc Lý Cường, Chủ tịch Đảng Nước Nga Thống nhất Dmitry "
        "Medvedev bên lề Lễ kỷ niệm 80 năm thành lập Đảng Lao động Triều Tiên"
    )
    body = paragraphs(record)
    assert body[0] == seed_line("003", 3)
    assert body[0].startswith("Tại cuộc gặp Thủ tướng Trung Quốc Lý Cường tối 9/10 tại Bình Nhưỡng")
    assert body[-1] == (
        "Thay mặt các lãnh đạo chủ chốt Việt Nam, Tổng Bí thư gửi lời mời Tổng thống Putin và ông "
        "Medvedev sớm thăm Việt Nam."
    )
    assert len(body) == 11
    assert "Như Tâm" not in record["body"]
    assert [image["caption"] for image in record["images"]] == [seed_line("003", 11), seed_line("003", 17)]


def test_seed_003_names_no_outlet(importer: DumpImporter) -> None:
    with pytest.raises(NotADump, match=r"^unknown outlet; give --outlet$"):
        importer.import_file(seed("003"))


def test_seed_004_nguoilambao(records: dict[str, dict[str, Any]]) -> None:
    record = records["004"]
    assert record["outlet"] == "nguoilambao.vn"
    assert record["url"] == record["canonical_url"] == NGUOILAMBAO_URL
    assert record["title"] == (
        "Tổng Bí thư Nguyễn Phú Trọng tiếp Trưởng Ban Liên lạc Đối ngoại Trung ương Đảng Cộng sản Trung Quốc"
    )
    assert record["published_at"] == "2023-09-06T01:38:00+07:00"
    assert record["authors"] == []
    assert record["byline"] == "PV"
    body = paragraphs(record)
    assert body[0] == seed_line("004", 9).strip("*")
    assert body[0].startswith("Ngày 5/9, tại Trụ sở Trung ương Đảng, Tổng Bí thư Nguyễn Phú Trọng")
    assert body[-1] == seed_line("004", 31)
    assert body[-1].endswith(
        "các phương hướng tăng cường hợp tác giữa hai Đảng, hai nước trong tình hình mới."
    )
    assert len(body) == 8
    # The paragraph split after "Nguyễn Phú" is one again.
    assert seed_line("004", 17) + " " + seed_line("004", 19) in body
    for marker in ("Link bài viết", "Tác giả", "Đang cập nhật"):
        assert marker not in record["body"]


# -- the reader's rules, on small dumps written here ------------------------------------------

FRONT_MATTER_DUMP = """---
layout: post
title: "[Biển Đông] [Ngoại giao] Việt Nam và Philippines ký kết thỏa thuận hợp tác ..."
date: Wed, 19 Feb 2025 08:00:00 +0700
---
[Việt Nam và Philippines ký kết thỏa thuận hợp tác ...](https://vtv.vn/the-gioi/viet-nam-va-philippines-ky-ket-thoa-thuan-hop-tac-bien-20250218100000123.htm)

Chiều 18/2, tại Hà Nội, hai bên đã ký kết thỏa thuận hợp tác về cảnh sát biển, mở ra giai đoạn mới trong quan hệ hai nước, theo thông tin từ Bộ Ngoại giao.

Việt Nam và Philippines ký kết thỏa thuận hợp tác biển

Thỏa thuận bao gồm các nội dung trao đổi thông tin, phối hợp tìm kiếm cứu nạn trên biển và đào tạo lực lượng chấp pháp của hai nước trong những năm tới.

Hai bên nhất trí tiếp tục duy trì các cơ chế đối thoại, tăng cường tin cậy và giải quyết các bất đồng bằng biện pháp hòa bình, phù hợp với luật pháp quốc tế.
"""


def test_front_matter_dump(tmp_path: Path) -> None:
    path = tmp_path / "dump.md"
    draft = draft_from_dump(FRONT_MATTER_DUMP, path, known=KNOWN)
    assert draft.keywords == ["Biển Đông", "Ngoại giao"]
    # The title printed whole in the text (a line that starts with the cut title) completes it.
    assert draft.title == "Việt Nam và Philippines ký kết thỏa thuận hợp tác biển"
    assert draft.outlet == "vtv.vn"
    assert draft.url.startswith("https://vtv.vn/the-gioi/viet-nam-va-philippines")
    # The lead dates the article "Chiều 18/2": the save date is no candidate for it.
    assert draft.dates == []


def test_save_date_dates_only_a_text_that_dates_nothing(tmp_path: Path) -> None:
    undated = FRONT_MATTER_DUMP.replace("Chiều 18/2, tại Hà Nội", "Tại Hà Nội")
    draft = draft_from_dump(undated, tmp_path / "dump.md", known=KNOWN)
    assert [(d.raw, d.origin) for d in draft.dates] == [("Wed, 19 Feb 2025 08:00:00 +0700", "front-matter")]


def test_year_less_date_is_not_completed_from_the_save_date(importer: DumpImporter, tmp_path: Path) -> None:
    path = tmp_path / "dump.md"
    path.write_text(FRONT_MATTER_DUMP, encoding="utf-8")
    record = importer.import_file(path)
    # "Chiều 18/2" gives no year, and the save date (19/2) is not the day of the article:
    # the article's own URL, which vtv builds from its creation time, dates it.
    assert record["published_at"] == "2025-02-18T10:00:00+07:00"
    assert record["date_source"] == "url"
    assert record["keywords"] == ["Biển Đông", "Ngoại giao"]


def test_split_dump() -> None:
    parts = split_dump(
        '---\ntitle: "Nói \\"không\\""\ndate: 2024-01-02\n---\n\n# Tiêu đề\n\nDòng một\nDòng hai\n'
    )
    assert parts.front_matter == {"title": 'Nói "không"', "date": "2024-01-02"}
    assert parts.heading == "Tiêu đề"
    assert parts.lines == ["Dòng một", "Dòng hai"]


def test_keyword_tags() -> None:
    assert split_keyword_tags(" [Tập Cận Bình] Thường trực") == (["Tập Cận Bình"], "Thường trực")
    assert split_keyword_tags("Không có thẻ [giữa câu]") == ([], "Không có thẻ [giữa câu]")


def test_truncated_title_without_the_whole_title_in_the_text_keeps_its_dots() -> None:
    title = "Thường trực Ban Bí thư Lương Cường hội kiến Tổng Bí thư, Chủ ..."
    lines = ["Một đoạn văn không nhắc lại tiêu đề."]
    assert complete_title(title, lines, None) == title
    # A slug that spells the title on, but words the text never prints: not completed.
    assert complete_title(title, lines, VTV_URL) == title
    # A sentence that merely starts like the title is not the title.
    sentence = "Thường trực Ban Bí thư Lương Cường hội kiến Tổng Bí thư, Chủ tịch nước hôm qua."
    assert complete_title(title, [sentence], None) == title


def test_truncated_title_cut_inside_a_word() -> None:
    title = "Thường trực Ban Bí thư Lương Cường hội kiến Tổng Bí thư, Chủ tị..."
    lines = ["đã hội kiến với Tổng Bí thư, Chủ tịch nước Tập Cận Bình tại Bắc Kinh."]
    assert complete_title(title, lines, VTV_URL) == (
        "Thường trực Ban Bí thư Lương Cường hội kiến Tổng Bí thư, Chủ tịch nước Tập Cận Bình"
    )


def test_outlet_self_names_are_matched_as_printed() -> None:
    assert outlets_named_in("Theo dõi Baoquocte.vn trên", KNOWN) == ["baoquocte.vn"]
    assert outlets_named_in("Ủy ban Biên giới quốc gia, Bộ Ngoại giao", KNOWN) == ["biengioilanhtho.gov.vn"]
    # "nhân dân" is the people, "Nhân Dân" the newspaper.
    assert outlets_named_in("đời sống nhân dân ngày càng ấm no", KNOWN) == []
    assert outlets_named_in("theo báo Nhân Dân và VnExpress", KNOWN) == ["nhandan.vn", "vnexpress.net"]


def test_several_outlets_named_is_refused(tmp_path: Path) -> None:
    text = "Tiêu đề bài báo\n\nTheo Báo Tuổi Trẻ và Báo Dân trí, một đoạn văn dài.\n"
    with pytest.raises(NotADump, match=r"^unknown outlet \(the text names dantri.com.vn, tuoitre.vn\); give"):
        draft_from_dump(text, tmp_path / "x.txt", known=KNOWN)
    assert draft_from_dump(text, tmp_path / "x.txt", outlet="tuoitre.vn", known=KNOWN).outlet == "tuoitre.vn"


def test_article_url_order() -> None:
    # A labelled link line wins over any other link; a bare link counts only to a news domain.
    labelled = split_dump(
        "Tiêu đề\n\nXem https://vnexpress.net/khac-1234567.html\n\n**Link bài viết:** <https://x.example/bai>"
    )
    assert article_url(labelled, {"vnexpress.net"}) == ("https://x.example/bai", "link-line")
    bare = split_dump(
        "Tiêu đề\n\nẢnh https://cdn.example.com/a.jpg và https://vnexpress.net/bai-1234567.html."
    )
    assert article_url(bare, {"vnexpress.net"}) == ("https://vnexpress.net/bai-1234567.html", "link")
    assert article_url(split_dump("Tiêu đề\n\nhttps://cdn.example.com/a.jpg"), {"vnexpress.net"}) is None


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not text (binary file)"),
    ],
)
def test_not_an_article_file(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(content)
    with pytest.raises(NotADump, match=rf"^{re.escape(reason)}$"):
        read_dump(path)


def test_dump_files_of_a_directory(tmp_path: Path) -> None:
    for name in ("b.txt", "a.md", "c.json", "sub/d.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in dump_files([tmp_path])] == [
        "a.md",
        "b.txt",
        "sub/d.txt",
    ]


# -- the real command ------------------------------------------------------------------------


def test_import_dump_command(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    out = tmp_path / "out.jsonl"
    out.write_text("an older line that -O replaces\n", encoding="utf-8")

    seeds = [str(seed(n)) for n in ("000", "001", "002", "004")]
    result = run_scrapy("import-dump", seeds[0], str(empty), *seeds[1:], str(binary), "-O", str(out))

    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    problems = [line for line in result.stderr.splitlines() if line.startswith(str(tmp_path))]
    assert problems == [f"{empty}: empty file", f"{binary}: not text (binary file)"]
    # stderr is not a terminal: the progress is a log line (every 30 s, and one at the end).
    assert re.fullmatch(
        r"\S+ \S+ \[crawler\.progress\] INFO: "
        r"import-dump: 6/6 files; [\d.]+ files/s; imported 4, failed 2; done in \d+ s",
        result.stderr.splitlines()[-1],
    ), result.stderr[-2000:]
    records = read_jsonl(out)
    assert [r["outlet"] for r in records] == [
        "vtv.vn",
        "baoquocte.vn",
        "biengioilanhtho.gov.vn",
        "nguoilambao.vn",
    ]
    assert [r["published_at"] for r in records] == [
        "2024-10-11T20:02:00+07:00",
        None,
        "2023-04-26T14:28:00+07:00",
        "2023-09-06T01:38:00+07:00",
    ]
    for record in records:
        assert schema_errors(record) == []


def test_import_dump_command_appends_and_takes_the_outlet(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    first = run_scrapy("import-dump", str(seed("004")), "-o", str(out))
    assert first.returncode == 0, first.stderr
    refused = run_scrapy("import-dump", str(seed("003")), "-o", str(out))
    assert refused.returncode == 1
    assert f"{seed('003')}: unknown outlet; give --outlet" in refused.stderr.splitlines()
    second = run_scrapy("import-dump", str(seed("003")), "--outlet", "vnexpress.net", "-o", str(out))
    assert second.returncode == 0, second.stderr
    records = read_jsonl(out)
    assert [(r["outlet"], r["authors"]) for r in records] == [
        ("nguoilambao.vn", []),
        ("vnexpress.net", ["Như Tâm"]),
    ]


def test_import_dump_command_to_stdout() -> None:
    result = run_scrapy("import-dump", str(seed("001")))
    assert result.returncode == 0, result.stderr
    [line] = result.stdout.splitlines()
    assert '"authors": ["Bảo Chi"]' in line  # UTF-8, not \\u escapes


BAOQUOCTE_BOX_DUMP = """---
layout: post
title: "[Biển Đông] Thứ trưởng Ngoại giao dự Hội thảo quốc tế về Biển Đông"
date: 2025-10-10
---
[Thứ trưởng Ngoại giao dự Hội thảo quốc tế về Biển Đông](https://baoquocte.vn/thu-truong-ngoai-giao-du-hoi-thao-quoc-te-ve-bien-dong-301234.html)

TGVN. Sáng 10/10, tại Hà Nội, Học viện Ngoại giao tổ chức Hội thảo quốc tế về Biển Đông lần thứ 16 với sự tham dự của hơn 200 đại biểu trong nước và quốc tế.

TIN LIÊN QUAN

hoi thao quoc te ve bien dong lan thu 15 khai mac tai ha noi Hội thảo quốc tế về Biển Đông lần thứ 15 khai mạc tại Hà Nội

thu truong ngoai giao tiep dai su nhat ban nhan dip ket thuc nhiem ky Thứ trưởng Ngoại giao tiếp Đại sứ Nhật Bản nhân dịp kết thúc nhiệm kỳ công tác

Thứ trưởng Ngoại giao phát biểu khai mạc hội thảo. (Ảnh: Tuấn Anh)

Phát biểu khai mạc, Thứ trưởng nhấn mạnh hội thảo là diễn đàn để các học giả trao đổi thẳng thắn, cởi mở về những vấn đề an ninh, hợp tác trên biển.

Trong hai ngày, các đại biểu thảo luận về luật pháp quốc tế, an ninh hàng hải, hợp tác khai thác tài nguyên và bảo vệ môi trường biển trong khu vực.

Hội thảo năm nay có sự tham gia của nhiều học giả trẻ, với các tham luận về công nghệ mới trong quản lý và giám sát hoạt động trên biển.
"""


def test_a_related_box_after_the_lead_of_a_dump_is_cut_out(tmp_path: Path) -> None:
    path = tmp_path / "dump.md"
    path.write_text(BAOQUOCTE_BOX_DUMP, encoding="utf-8")
    record = DumpImporter(get_project_settings()).import_file(path)
    assert paragraphs(record)[0].startswith("Phát biểu khai mạc, Thứ trưởng nhấn mạnh")
    assert paragraphs(record)[-1].startswith("Hội thảo năm nay có sự tham gia")
    assert len(paragraphs(record)) == 3
    for boxed in ("TIN LIÊN QUAN", "hoi thao quoc te", "Đại sứ Nhật Bản", "Tuấn Anh"):
        assert boxed not in record["body"]


# -- a title is read, never invented (issue 16, item 9) ------------------------------------------

LEAD = (
    "Chiều 18/2, tại Hà Nội, hai bên đã ký kết thỏa thuận hợp tác về cảnh sát biển, mở ra giai đoạn mới "
    "trong quan hệ hai nước, theo thông tin từ Bộ Ngoại giao và các cơ quan liên quan của hai nước."
)
SECOND = (
    "Thỏa thuận bao gồm các nội dung trao đổi thông tin, phối hợp tìm kiếm cứu nạn trên biển và đào tạo "
    "lực lượng chấp pháp của hai nước trong những năm tới."
)
ARTICLE_LINK = "https://vtv.vn/the-gioi/viet-nam-va-philippines-ky-ket-thoa-thuan-20250218100000123.htm"


@pytest.mark.parametrize(
    "first_line",
    [
        "26/04/2023 14:28",  # a date line
        "Cập nhật: 26/04/2023 14:28 |",
        "Bảo Chi",  # a byline: a bare name
        "PV Thường trú THVN tại Trung Quốc-Thứ sáu, ngày 11/10/2024 20:02 GMT+7",  # a credit and its date
        "Tác giả: Đang cập nhật",
        "Theo TTXVN",
    ],
)
def test_a_dump_without_a_title_line_is_refused(tmp_path: Path, first_line: str) -> None:
    text = f"{first_line}\n\n{LEAD}\n\n{SECOND}\n"
    with pytest.raises(NotADump, match=r"^no title$"):
        draft_from_dump(text, tmp_path / "x.txt", outlet="vtv.vn", known=KNOWN)


def test_a_dump_without_a_title_line_takes_its_link_text(tmp_path: Path) -> None:
    text = f"Bảo Chi\n\n[Việt Nam và Philippines ký thỏa thuận]({ARTICLE_LINK})\n\n{LEAD}\n\n{SECOND}\n"
    draft = draft_from_dump(text, tmp_path / "x.txt", known=KNOWN)
    assert draft.title == "Việt Nam và Philippines ký thỏa thuận"
    assert draft.field_origins["title"] == "link-text"
    assert draft.url == ARTICLE_LINK
    # Front matter without a title: the link to the article titles it, not the lead.
    front_matter = (
        f"---\ndate: 2025-02-19\n---\n[Hai nước ký thỏa thuận hợp tác biển]({ARTICLE_LINK})\n\n{LEAD}\n"
    )
    draft = draft_from_dump(front_matter, tmp_path / "y.md", known=KNOWN)
    assert (draft.title, draft.field_origins["title"]) == ("Hai nước ký thỏa thuận hợp tác biển", "link-text")


def test_a_dump_without_a_title_is_refused_by_the_command(tmp_path: Path) -> None:
    path = tmp_path / "untitled.txt"
    path.write_text(f"26/04/2023 14:28\n\n{LEAD}\n\n{SECOND}\n", encoding="utf-8")
    result = run_scrapy("import-dump", str(path), "--outlet", "vtv.vn")
    assert result.returncode == 1
    assert result.stdout == ""
    assert f"{path}: no title" in result.stderr.splitlines()


def test_a_dump_without_a_link_has_an_id_from_its_content(tmp_path: Path) -> None:
    text = f"Hai nước ký thỏa thuận hợp tác biển\n\n{LEAD}\n\n{SECOND}\n"
    for folder in ("a", "b/c"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "dump.txt").write_text(text, encoding="utf-8")
    # Two imports (one importer would drop the second copy as a duplicate of the first).
    first = DumpImporter(get_project_settings(), outlet="vtv.vn").import_file(tmp_path / "a" / "dump.txt")
    second = DumpImporter(get_project_settings(), outlet="vtv.vn").import_file(
        tmp_path / "b" / "c" / "dump.txt"
    )
    # The URL says where the file was; the id is the same wherever it is read from.
    assert first["url"] == (tmp_path / "a" / "dump.txt").as_uri()
    assert second["url"] == (tmp_path / "b" / "c" / "dump.txt").as_uri()
    assert first["id"] == second["id"] == hashlib.sha1(text.encode("utf-8")).hexdigest()
    # Another text, another id.
    (tmp_path / "a" / "other.txt").write_text(text + "\nMột đoạn nữa.\n", encoding="utf-8")
    other = DumpImporter(get_project_settings(), outlet="vtv.vn").import_file(tmp_path / "a" / "other.txt")
    assert other["id"] == hashlib.sha1((text + "\nMột đoạn nữa.\n").encode("utf-8")).hexdigest()


def test_a_dump_with_a_link_keeps_the_id_of_its_url(importer: DumpImporter) -> None:
    record = import_seed("004")
    assert record["id"] == hashlib.sha1(NGUOILAMBAO_URL.encode("utf-8")).hexdigest()


def test_import_dump_shows_a_bar_on_a_terminal(tmp_path: Path) -> None:
    """With stderr on a terminal (a real pseudo-terminal here), the progress is a tqdm bar."""
    out = tmp_path / "out.jsonl"
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    controller, terminal = pty.openpty()
    # A terminal of 120 columns: a new pseudo-terminal has none, and tqdm fits its bar to the width.
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    try:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scrapy",
                "import-dump",
                str(seed("001")),
                str(empty),
                str(seed("004")),
                "-O",
                str(out),
            ],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=terminal,
        )
        os.close(terminal)
        shown = b""
        while True:  # until the command has exited and its side of the terminal is closed
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # EIO: nothing left to read
                break
            if not chunk:
                break
            shown += chunk
        assert process.wait(timeout=120) == 1, shown.decode(errors="replace")
    finally:
        os.close(controller)
    screen = shown.decode("utf-8", errors="replace")
    assert re.search(
        r"import-dump: 100%\S* 3/3 \[[\d:]+<[\d:]+, +[\d.]+file/s, imported=2, failed=1\]", screen
    ), screen
    # The failure is a line of its own above the bar, not written into it.
    assert f"{empty}: empty file" in re.split(r"\r\n|\r", screen), screen
    assert "[crawler.progress] INFO" not in screen
    assert len(read_jsonl(out)) == 2

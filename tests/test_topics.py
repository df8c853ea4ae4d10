"""Topics: the topics file, the matching rules on hand-made texts, and the seeds imported with a topics file."""

from __future__ import annotations

import tomllib
import unicodedata
from pathlib import Path

import pytest

from pipelines.topics import (
    TopicsError,
    comparable,
    find_topic,
    load_topics,
    load_topics_file,
    parse_topics,
    topics_of,
)
from tests.conftest import SEEDS, read_jsonl, run_scrapy, shared_file

TOPICS_TOML = """\
[[topics]]
name = "Tập Cận Bình"
aliases = ["Tập Cận Bình", "Xi Jinping"]

[[topics]]
name = "Lý Cường"
aliases = ["Lý Cường"]
exclude = ["cầu thủ Lý Cường"]

[[topics]]
name = "Tô Lâm"
aliases = ["To Lam"]

[[topics]]
name = "Quảng Tây"
aliases = ["Quảng Tây"]
outlets = ["baoquocte.vn"]
"""


def topics_in(text: str, toml: str = TOPICS_TOML, outlet: str = "vtv.vn") -> list[str]:
    return topics_of(parse_topics(tomllib.loads(toml), "test"), outlet, [text])


def one_topic(aliases: str, exclude: str = "") -> str:
    return f'[[topics]]\nname = "T"\naliases = [{aliases}]\n' + (
        f"exclude = [{exclude}]\n" if exclude else ""
    )


# -- matching -----------------------------------------------------------------------------------


def test_whole_syllables_only() -> None:
    assert topics_in("Thủ tướng Lý Cường phát biểu.") == ["Lý Cường"]
    assert topics_in("Thường trực Ban Bí thư Lương Cường hội kiến.") == []
    # "Lý Cường" inside a longer name: only whole syllables count, so "Lý Cườnghoa" is not it...
    assert topics_in("ông Lý Cườnghoa") == []
    # ...but a whole-syllable run inside a longer phrase is.
    assert topics_in("Lý Cường Hoa") == ["Lý Cường"]
    assert topics_in("ông Lý, Cường") == []  # two names, not one
    assert topics_in("(Lý Cường)") == ["Lý Cường"]
    # No phrase runs from one part of the record (title, sapo, paragraph, tag) into the next.
    topics = parse_topics(tomllib.loads(TOPICS_TOML), "test")
    assert topics_of(topics, "vtv.vn", ["Gặp ông Lý", "Cường nói"]) == []
    assert topics_of(topics, "vtv.vn", ["Gặp ông", None, "Lý Cường nói"]) == ["Lý Cường"]


def test_case_and_normal_forms() -> None:
    assert topics_in("THỦ TƯỚNG LÝ CƯỜNG") == ["Lý Cường"]
    decomposed = unicodedata.normalize("NFD", "thủ tướng lý cường")
    assert topics_in(decomposed) == ["Lý Cường"]
    assert comparable("Tập Cận Bình!") == comparable(unicodedata.normalize("NFD", "tập cận bình!"))


def test_tone_mark_placement_is_unified() -> None:
    assert comparable("hoà") == comparable("hòa")
    assert comparable("Thuỷ") == comparable("thủy")
    assert comparable("khoẻ") == comparable("khỏe")
    toml = one_topic('"Khánh Hòa", "thủy điện"')
    assert topics_in("Tỉnh Khánh Hoà", toml) == ["T"]
    assert topics_in("nhà máy thuỷ điện", toml) == ["T"]
    # Different tones stay different syllables.
    assert topics_in("Khánh Hóa", toml) == []


def test_diacritic_less_alias_matches_the_text_without_its_diacritics() -> None:
    assert topics_in("Tổng Bí thư Tô Lâm tiếp") == ["Tô Lâm"]
    assert topics_in("Tong Bi thu To Lam") == ["Tô Lâm"]
    assert topics_in("Chủ tịch Tập Cận Bình") == ["Tập Cận Bình"]
    assert topics_in("President Xi Jinping") == ["Tập Cận Bình"]
    # đ is read as d.
    assert topics_in("Đà Nẵng", one_topic('"Da Nang"')) == ["T"]
    # An alias written with diacritics is never matched without them.
    assert topics_in("Tap Can Binh") == []
    assert topics_in("Thu tuong Ly Cuong") == []
    assert topics_in("Lỳ Cường") == []


def test_exclusions() -> None:
    assert topics_in("Thủ tướng Lý Cường và cầu thủ Lý Cường") == []
    assert topics_in("Cầu thủ Lý Cường ghi bàn") == []
    assert topics_in("Thủ tướng Lý Cường") == ["Lý Cường"]


def test_topics_per_outlet_in_the_files_order() -> None:
    text = "Bí thư Quảng Tây gặp Tô Lâm và Tập Cận Bình"
    assert topics_in(text, outlet="vtv.vn") == ["Tập Cận Bình", "Tô Lâm"]
    assert topics_in(text, outlet="baoquocte.vn") == ["Tập Cận Bình", "Tô Lâm", "Quảng Tây"]


# -- the file -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("", "topics file t.toml: no [[topics]] entries (an empty list is written: topics = [])"),
        ("[[topics]]\naliases = ['a']\n", "topics file t.toml: topic 1: 'name' must be a non-empty string"),
        (
            "[[topics]]\nname = 'A'\n",
            "topics file t.toml: topic 'A': 'aliases' must be a list of non-empty strings",
        ),
        (
            "[[topics]]\nname = 'A'\naliases = 'a'\n",
            "topics file t.toml: topic 'A': 'aliases' must be a list of non-empty strings",
        ),
        (
            "[[topics]]\nname = 'A'\naliases = ['a']\nexclude = [1]\n",
            "topics file t.toml: topic 'A': 'exclude' must be a list of non-empty strings",
        ),
        (
            "[[topics]]\nname = 'A'\naliases = ['a']\nalias = ['b']\n",
            "topics file t.toml: topic 'A': unknown key alias (name, aliases, exclude, outlets)",
        ),
        (
            "[[topics]]\nname = 'A'\naliases = ['a']\n[[topics]]\nname = 'A'\naliases = ['b']\n",
            "topics file t.toml: topic 'A': declared twice",
        ),
        (
            "[[topics]\n",
            "topics file t.toml: not valid TOML (Expected ']]' at the end of an array declaration (at line 1, column 9))",
        ),
    ],
)
def test_a_bad_topics_file_is_one_clear_line(tmp_path: Path, toml: str, message: str, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("t.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(TopicsError) as raised:
        load_topics_file("t.toml")
    assert str(raised.value) == message


def test_the_file_setting_and_its_default(tmp_path: Path) -> None:
    from scrapy.settings import Settings

    data = tmp_path / "data"
    data.mkdir()
    assert load_topics(Settings({"VNNEWS_DATA_DIR": str(data)})) == []
    (data / "topics.toml").write_text("topics = []\n", encoding="utf-8")
    assert load_topics(Settings({"VNNEWS_DATA_DIR": str(data)})) == []
    (data / "topics.toml").write_text(TOPICS_TOML, encoding="utf-8")
    assert [t.name for t in load_topics(Settings({"VNNEWS_DATA_DIR": str(data)}))] == [
        "Tập Cận Bình",
        "Lý Cường",
        "Tô Lâm",
        "Quảng Tây",
    ]
    other = tmp_path / "other.toml"
    other.write_text(one_topic('"x"'), encoding="utf-8")
    settings = Settings({"VNNEWS_DATA_DIR": str(data), "VNNEWS_TOPICS": str(other)})
    assert [t.name for t in load_topics(settings)] == ["T"]
    with pytest.raises(TopicsError, match=r"^no topic named 'Z' in the topics file \(declared: 'T'\)$"):
        find_topic(load_topics(settings), "Z")
    missing = Settings({"VNNEWS_TOPICS": str(tmp_path / "none.toml")})
    with pytest.raises(TopicsError, match=r"none\.toml: cannot read \(No such file or directory\)$"):
        load_topics(missing)


# -- the seeds ----------------------------------------------------------------------------------


def test_seeds_imported_with_a_topics_file(tmp_path: Path) -> None:
    shared_file(SEEDS)
    topics = tmp_path / "topics.toml"
    topics.write_text(TOPICS_TOML, encoding="utf-8")
    out = tmp_path / "seeds.jsonl"
    seeds = sorted(SEEDS.glob("*.txt"))
    first = run_scrapy(
        "import-dump", *map(str, seeds[:3]), str(seeds[4]), "-O", str(out), "-s", f"VNNEWS_TOPICS={topics}"
    )
    assert first.returncode == 0, first.stderr
    second = run_scrapy(
        "import-dump",
        str(seeds[3]),
        "--outlet",
        "vnexpress.net",
        "-o",
        str(out),
        "-s",
        f"VNNEWS_TOPICS={topics}",
    )
    assert second.returncode == 0, second.stderr
    got = [(r["outlet"], r["published_at"], r["published_date"], r["topics"]) for r in read_jsonl(out)]
    assert got == [
        ("vtv.vn", "2024-10-11T20:02:00+07:00", "2024-10-11", ["Tập Cận Bình", "Tô Lâm"]),
        # "Chiều 18/2" has no year: neither the time nor the day is known.
        ("baoquocte.vn", None, None, ["Tập Cận Bình", "Tô Lâm", "Quảng Tây"]),
        ("biengioilanhtho.gov.vn", "2023-04-26T14:28:00+07:00", "2023-04-26", ["Tập Cận Bình"]),
        ("nguoilambao.vn", "2023-09-06T01:38:00+07:00", "2023-09-06", ["Tập Cận Bình"]),
        # "date 2025-10-10" gives the day and no time. Seed 000 names "Lương Cường", not "Lý Cường".
        ("vnexpress.net", None, "2025-10-10", ["Lý Cường", "Tô Lâm"]),
    ]


def test_import_with_a_broken_topics_file_says_so_in_one_line(tmp_path: Path) -> None:
    topics = tmp_path / "topics.toml"
    topics.write_text("[[topics]]\nname = 'A'\n", encoding="utf-8")
    seed = tmp_path / "a.txt"
    seed.write_text("Tiêu đề\n\n" + "Nội dung bài. " * 30, encoding="utf-8")
    result = run_scrapy("import-dump", str(seed), "--outlet", "vtv.vn", "-s", f"VNNEWS_TOPICS={topics}")
    assert result.returncode == 2
    # Scrapy's usage error: one line, prefixed with the program's name (here "python -m scrapy").
    assert result.stderr.strip().splitlines()[-1] == (
        f"__main__.py: error: topics file {topics}: topic 'A': 'aliases' must be a list of non-empty strings"
    )
    assert "Traceback" not in result.stderr

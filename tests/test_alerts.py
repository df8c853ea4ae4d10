"""``scrapy alerts``: a topic's records from exports, as JSONL, an Atom feed (parsed back) and Jekyll posts
(front matter read back by a YAML parser); and the alerts made of the five seeds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import feedparser
import pytest
import yaml

from crawler.items import ArticleDraft, Image
from crawler.schema import schema_errors
from pipelines.validate import build_record
from tests.conftest import SEEDS, read_jsonl, run_scrapy, shared_file

TOPICS = """\
[[topics]]
name = "Tập Cận Bình"
aliases = ["Tập Cận Bình", "Xi Jinping"]
"""

BODY = [
    "Tổng Bí thư, Chủ tịch nước Tập Cận Bình tiếp đoàn đại biểu Việt Nam tại Bắc Kinh chiều nay.",
    ("Hai bên nhất trí tăng cường hợp tác trên nhiều lĩnh vực, " * 4).strip(),
]


def record(number: int, **fields: Any) -> dict[str, Any]:
    draft = ArticleDraft(
        url=f"https://vtv.vn/bai-{number}.htm",
        outlet="vtv.vn",
        title=fields.pop("title", f"Bài số {number}: Tập Cận Bình tiếp đoàn Việt Nam"),
        sapo=fields.pop("sapo", "VTV.vn - Lời dẫn."),
        paragraphs=fields.pop("paragraphs", BODY),
    )
    for key, value in fields.items():
        setattr(draft, key, value)
    result = build_record(draft)
    result["crawled_at"] = "2026-12-01T03:00:00+00:00"
    assert schema_errors(result) == []
    return result


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    """Two exports: three articles on the topic (one exported twice), one off it, one undated."""
    data = tmp_path / "data"
    (data / "vtv").mkdir(parents=True)
    first = [
        record(
            1,
            published_at="2024-10-11T20:02:00+07:00",
            published_date="2024-10-11",
            authors=["Giáp Công", "Phạm Bằng"],
            byline="Giáp Công - Phạm Bằng",
            source="TTXVN",
            images=[Image("https://cdn.vtv.vn/1.jpg"), Image("https://cdn.vtv.vn/2.jpg", "Ảnh: TTXVN")],
        ),
        record(2, published_at="2025-02-18T15:00:00+07:00", published_date="2025-02-18"),
        record(3, title="Giá vàng hôm nay", paragraphs=["Giá vàng tăng. " * 20], published_date="2025-03-01"),
        record(4, published_date=None),
    ]
    changed = record(2, published_at="2025-02-18T15:00:00+07:00", published_date="2025-02-18")
    changed.update(revision=2, body=changed["body"] + "\n\nĐoạn bổ sung.")
    (data / "vtv" / "2026-12-01.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in first), encoding="utf-8"
    )
    (data / "vtv" / "2026-12-02.jsonl").write_text(
        json.dumps(changed, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (tmp_path / "topics.toml").write_text(TOPICS, encoding="utf-8")
    return data


def alerts(data: Path, *args: str) -> Any:
    return run_scrapy("alerts", str(data), "-s", f"VNNEWS_TOPICS={data.parent / 'topics.toml'}", *args)


def test_jsonl_alerts_latest_revisions_newest_first(exports: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = alerts(exports, "--topic", "Tập Cận Bình", "--format", "jsonl", "-o", str(out))
    assert result.returncode == 0, result.stderr
    got = [(r["url"].rsplit("/", 1)[-1], r["revision"]) for r in read_jsonl(out)]
    assert got == [("bai-2.htm", 2), ("bai-1.htm", 1), ("bai-4.htm", 1)]
    assert f"alerts: 3 articles on 'Tập Cận Bình' from 2 files → {out}" in result.stderr


def test_a_date_range_keeps_the_days_and_says_what_it_left_out(exports: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = alerts(exports, "--topic", "Tập Cận Bình", "--since", "2025-01-01", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert [r["url"] for r in read_jsonl(out)] == ["https://vtv.vn/bai-2.htm"]
    assert "; 1 without a publication day left out" in result.stderr


def test_a_topic_not_in_the_file_is_read_from_the_records(exports: Path, tmp_path: Path) -> None:
    (exports.parent / "topics.toml").write_text('[[topics]]\nname = "Khác"\naliases = ["khác"]\n')
    lines = (exports / "vtv" / "2026-12-01.jsonl").read_text(encoding="utf-8").splitlines()
    tagged = json.loads(lines[2])
    tagged["topics"] = ["Tập Cận Bình"]  # as an earlier crawl with another topics file wrote it
    lines[2] = json.dumps(tagged, ensure_ascii=False)
    lines.append("{not json")
    (exports / "vtv" / "2026-12-01.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = alerts(exports, "--topic", "Tập Cận Bình", "-o", str(out))
    assert [r["title"] for r in read_jsonl(out)] == ["Giá vàng hôm nay"]
    assert f"{exports / 'vtv' / '2026-12-01.jsonl'}:5: not JSON: skipped" in result.stderr
    assert result.returncode == 1


def test_atom_feed_parses_back(exports: Path, tmp_path: Path) -> None:
    out = tmp_path / "feed.atom"
    result = alerts(exports, "--topic", "Tập Cận Bình", "--format", "atom", "-o", str(out))
    assert result.returncode == 0, result.stderr
    feed = feedparser.parse(out.read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "vnnews: Tập Cận Bình"
    assert feed.feed.updated == "2026-12-01T03:00:00+00:00"
    assert [e.link for e in feed.entries] == [
        "https://vtv.vn/bai-2.htm",
        "https://vtv.vn/bai-1.htm",
        "https://vtv.vn/bai-4.htm",
    ]
    first = feed.entries[1]
    assert first.id == "https://vtv.vn/bai-1.htm"
    assert first.title == "Bài số 1: Tập Cận Bình tiếp đoàn Việt Nam"
    assert first.published == "2024-10-11T20:02:00+07:00"
    assert first.updated == "2024-10-11T20:02:00+07:00"
    assert [a.name for a in first.authors] == ["Giáp Công", "Phạm Bằng"]
    assert [t.term for t in first.tags] == ["Tập Cận Bình"]
    assert first.summary == "VTV.vn - Lời dẫn."
    assert first.content[0].value == "\n\n".join(BODY)
    assert "published" not in feed.entries[2]
    assert feed.entries[2].updated == "2026-12-01T03:00:00+00:00"  # when it was found


def test_jekyll_posts_read_back(exports: Path, tmp_path: Path) -> None:
    posts = tmp_path / "_posts"
    result = alerts(exports, "--topic", "Tập Cận Bình", "--format", "jekyll", "-o", str(posts))
    assert result.returncode == 0, result.stderr
    ids = {n: record(n)["id"][:8] for n in (1, 2, 4)}
    assert sorted(p.name for p in posts.iterdir()) == [
        f"2024-10-11-bai-so-1-tap-can-binh-tiep-doan-viet-nam-{ids[1]}.md",
        f"2025-02-18-bai-so-2-tap-can-binh-tiep-doan-viet-nam-{ids[2]}.md",
        f"2026-12-01-bai-so-4-tap-can-binh-tiep-doan-viet-nam-{ids[4]}.md",
    ]
    text = (posts / f"2024-10-11-bai-so-1-tap-can-binh-tiep-doan-viet-nam-{ids[1]}.md").read_text(
        encoding="utf-8"
    )
    _, front, content = text.split("---\n", 2)
    assert yaml.safe_load(front) == {
        "layout": "post",
        "title": "[Tập Cận Bình] Bài số 1: Tập Cận Bình tiếp đoàn Việt Nam",
        "date": yaml.safe_load("2024-10-11 20:02:00 +0700"),
        "categories": ["Tập Cận Bình", "vtv.vn"],
    }
    assert content.split("\n\n") == [
        "[Bài số 1: Tập Cận Bình tiếp đoàn Việt Nam](https://vtv.vn/bai-1.htm)",
        "![Bài số 1: Tập Cận Bình tiếp đoàn Việt Nam](https://cdn.vtv.vn/1.jpg)",
        "VTV.vn - Lời dẫn.",
        "Giáp Công - Phạm Bằng - Theo TTXVN - 11/10/2024 20:02 GMT+7",
        *BODY[:-1],
        BODY[-1] + "\n",
    ]
    undated = (posts / f"2026-12-01-bai-so-4-tap-can-binh-tiep-doan-viet-nam-{ids[4]}.md").read_text("utf-8")
    assert yaml.safe_load(undated.split("---\n", 2)[1])["date"] == yaml.safe_load("2026-12-01 10:00:00 +0700")


def test_bad_options_are_one_line_errors(exports: Path, tmp_path: Path) -> None:
    result = alerts(exports, "--topic", "Tập Cận Bình", "--since", "2025-13-01", "-o", str(tmp_path / "o"))
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .endswith("error: since=2025-13-01 is not a day: give YYYY-MM-DD, e.g. 2026-06-01")
    )
    result = run_scrapy("alerts", str(tmp_path / "none"), "--topic", "X", "-o", "-")
    assert result.returncode == 2
    assert (
        result.stderr.strip().splitlines()[-1].endswith(f"error: no such file or folder: {tmp_path / 'none'}")
    )


def test_alerts_made_of_the_five_seeds(tmp_path: Path) -> None:
    shared_file(SEEDS)
    topics = tmp_path / "topics.toml"
    topics.write_text(TOPICS, encoding="utf-8")
    seeds = sorted(SEEDS.glob("*.txt"))
    out = tmp_path / "data" / "seeds.jsonl"
    out.parent.mkdir()
    setting = f"VNNEWS_TOPICS={topics}"
    assert (
        run_scrapy(
            "import-dump", *map(str, seeds[:3]), str(seeds[4]), "-O", str(out), "-s", setting
        ).returncode
        == 0
    )
    assert (
        run_scrapy(
            "import-dump", str(seeds[3]), "--outlet", "vnexpress.net", "-o", str(out), "-s", setting
        ).returncode
        == 0
    )
    posts = tmp_path / "_posts"
    result = run_scrapy(
        "alerts",
        str(out.parent),
        "--topic",
        "Tập Cận Bình",
        "--format",
        "jekyll",
        "-o",
        str(posts),
        "-s",
        setting,
    )
    assert result.returncode == 0, result.stderr
    # Seed 003 (Lý Cường) does not name Tập Cận Bình; seed 001 dates nothing but its import.
    titles = {}
    for post in sorted(posts.iterdir()):
        front = yaml.safe_load(post.read_text(encoding="utf-8").split("---\n", 2)[1])
        titles[post.name[:10]] = (front["title"], front["categories"])
    today = sorted(titles)[-1]
    assert titles == {
        "2023-04-26": (
            "[Tập Cận Bình] Đoàn Đại biểu Đảng Cộng sản Việt Nam thăm Trung Quốc",
            ["Tập Cận Bình", "biengioilanhtho.gov.vn"],
        ),
        "2023-09-06": (
            "[Tập Cận Bình] Tổng Bí thư Nguyễn Phú Trọng tiếp Trưởng Ban Liên lạc Đối ngoại Trung ương Đảng Cộng sản Trung Quốc",
            ["Tập Cận Bình", "nguoilambao.vn"],
        ),
        "2024-10-11": (
            "[Tập Cận Bình] Thường trực Ban Bí thư Lương Cường hội kiến Tổng Bí thư, Chủ tịch nước Tập Cận Bình",
            ["Tập Cận Bình", "vtv.vn"],
        ),
        today: (
            "[Tập Cận Bình] Tổng Bí thư Tô Lâm tiếp Bí thư Quảng Tây, Trung Quốc Trần Cương",
            ["Tập Cận Bình", "baoquocte.vn"],
        ),
    }
    vtv = next(posts.glob("2024-10-11-*.md")).read_text(encoding="utf-8")
    assert "\nPV Thường trú THVN tại Trung Quốc - 11/10/2024 20:02 GMT+7\n" in vtv
    assert "Mời quý độc giả" not in vtv

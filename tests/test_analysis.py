"""The README's pandas and DuckDB snippets, run on an export, read every column with the record's type."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from crawler.analysis import DUCKDB_COLUMNS
from crawler.items import RECORD_FIELDS, ArticleDraft
from pipelines.validate import build_record
from tests.conftest import ROOT

BODY = "Một đoạn văn của bài báo, đủ dài để là thân bài của một bản ghi thử nghiệm trong bộ kiểm thử."
VTV_FILE = "data/vtv/2026-06-25T16-19-00+00-00.jsonl"
DANTRI_FILE = "data/dantri/2026-06-25T16-19-00+00-00.jsonl"


def record(url: str, title: str, published_at: str | None, date_raw: str | None) -> dict[str, Any]:
    draft = ArticleDraft(url=url, outlet=url.split("/")[2], title=title, paragraphs=[BODY], language="vi")
    draft.authors = ["Hà Thu"]
    draft.published_at, draft.date_raw = published_at, date_raw
    draft.published_date = published_at[:10] if published_at else None
    draft.topics = ["Giao thông"] if published_at else []
    draft.date_source = "page" if date_raw else None
    return build_record(draft, crawled_at=datetime(2026, 6, 25, 9, 19, tzinfo=UTC))


@pytest.fixture
def exports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two outlets' exports where a type guesser goes wrong: a date_raw that looks like a timestamp,
    a source that is null in every record, a record without a date."""
    monkeypatch.chdir(tmp_path)
    files = {
        VTV_FILE: [
            record("https://vtv.vn/a-1.htm", "Bài một", "2026-06-25T16:19:00+07:00", "2026-06-25 16:19"),
            record("https://vtv.vn/b-2.htm", "Bài hai", None, None),
        ],
        DANTRI_FILE: [
            record("https://dantri.com.vn/c-3.htm", "Bài ba", "2026-06-24T08:05:00+07:00", "2026-06-24 08:05")
        ],
    }
    for name, records in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        (tmp_path / name).write_text(lines, encoding="utf-8")
    return tmp_path


def readme_snippets() -> list[str]:
    """The Python blocks of the README's paragraph on analysts."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("Analysts read the exports") : readme.index("## The record")]
    return re.findall(r"```python\n(.*?)```", section, re.DOTALL)


def test_every_field_has_its_column_type() -> None:
    assert tuple(DUCKDB_COLUMNS) == RECORD_FIELDS


def test_readme_pandas_snippet(exports: Path) -> None:
    [snippet] = [s for s in readme_snippets() if "read_records" in s]
    namespace: dict[str, Any] = {}
    exec(snippet, namespace)
    df = namespace["df"]
    assert list(df.columns) == list(RECORD_FIELDS)
    assert str(df["source"].dtype) == "string"
    assert str(df["date_raw"].dtype) == "string"
    assert str(df["published_at"].dt.tz) == "Asia/Ho_Chi_Minh"
    assert str(df["word_count"].dtype) == "int64"
    assert df["title"].tolist() == ["Bài một", "Bài hai"]
    assert df["date_raw"].tolist() == ["2026-06-25 16:19", pd.NA]
    assert df["source"].isna().tolist() == [True, True]
    assert df["published_at"][0] == pd.Timestamp("2026-06-25T16:19:00+07:00")
    assert pd.isna(df["published_at"][1])
    assert df["crawled_at"].tolist() == [pd.Timestamp("2026-06-25T16:19:00+07:00")] * 2
    assert df["authors"].tolist() == [["Hà Thu"], ["Hà Thu"]]
    assert df["word_count"].tolist() == [len(BODY.split())] * 2
    assert df["published_date"].tolist()[0] == pd.Timestamp("2026-06-25")
    assert pd.isna(df["published_date"][1])
    assert df["topics"].tolist() == [["Giao thông"], []]


EXPECTED_DUCKDB_TYPES = {
    "schema_version": "INTEGER",
    "source": "VARCHAR",
    "date_raw": "VARCHAR",
    "published_at": "TIMESTAMP WITH TIME ZONE",
    "published_date": "DATE",
    "topics": "VARCHAR[]",
    "authors": "VARCHAR[]",
    "images": "STRUCT(url VARCHAR, caption VARCHAR)[]",
    "word_count": "INTEGER",
}


def check_articles(con: duckdb.DuckDBPyConnection) -> None:
    types = dict(con.sql("SELECT column_name, column_type FROM (DESCRIBE articles)").fetchall())
    assert list(types) == list(RECORD_FIELDS)
    assert {name: types[name] for name in EXPECTED_DUCKDB_TYPES} == EXPECTED_DUCKDB_TYPES
    rows = con.sql(
        "SELECT outlet, strftime(published_at AT TIME ZONE 'Asia/Ho_Chi_Minh', '%Y-%m-%d %H:%M'), title, "
        "date_raw, source, CAST(published_date AS VARCHAR), topics FROM articles "
        "ORDER BY published_at DESC NULLS LAST"
    ).fetchall()
    assert rows == [
        ("vtv.vn", "2026-06-25 16:19", "Bài một", "2026-06-25 16:19", None, "2026-06-25", ["Giao thông"]),
        (
            "dantri.com.vn",
            "2026-06-24 08:05",
            "Bài ba",
            "2026-06-24 08:05",
            None,
            "2026-06-24",
            ["Giao thông"],
        ),
        ("vtv.vn", None, "Bài hai", None, None, None, []),
    ]


def test_readme_duckdb_snippet(exports: Path, capsys: pytest.CaptureFixture[str]) -> None:
    [snippet] = [s for s in readme_snippets() if "duckdb" in s]
    namespace: dict[str, Any] = {}
    exec(snippet, namespace)
    check_articles(namespace["con"])
    shown = capsys.readouterr().out
    assert [title in shown for title in ("Bài một", "Bài hai", "Bài ba")] == [True, True, True]


def test_view_sql_for_the_duckdb_shell(exports: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "crawler.analysis", "data/*/*.jsonl"],
        cwd=exports,
        env={"PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    con = duckdb.connect()
    con.execute(result.stdout)
    check_articles(con)

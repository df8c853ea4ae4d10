"""The exports read with the right column types, in DuckDB and pandas.

Readers that guess types from the values guess wrong on news records: DuckDB's
``read_json_auto`` reads ``date_raw`` ("2025-10-10 08:00") as a TIMESTAMP and a
column that is null in every record (``source`` of an outlet that credits no
agency) as type NULL; pandas turns every column whose name starts with "date"
into dates.  The types below are the record's (``crawler/article.schema.json``).
DuckDB and pandas are the analyst's, not the crawl's: they are imported when used.

    python -m crawler.analysis 'data/*/*.jsonl' > articles.sql

prints the DuckDB view for the DuckDB shell (``duckdb -init articles.sql``).
"""

from __future__ import annotations

import sys
from typing import Any

# Each field of the record (crawler.items.RECORD_FIELDS, in order) and its DuckDB type. Times are instants
# (TIMESTAMPTZ): "2026-06-25T16:19:00+07:00" keeps its moment whatever the reader's time zone.
DUCKDB_COLUMNS: dict[str, str] = {
    "schema_version": "INTEGER",
    "id": "VARCHAR",
    "url": "VARCHAR",
    "canonical_url": "VARCHAR",
    "outlet": "VARCHAR",
    "title": "VARCHAR",
    "sapo": "VARCHAR",
    "body": "VARCHAR",
    "authors": "VARCHAR[]",
    "byline": "VARCHAR",
    "source": "VARCHAR",
    "published_at": "TIMESTAMPTZ",
    "published_date": "DATE",
    "modified_at": "TIMESTAMPTZ",
    "date_raw": "VARCHAR",
    "date_source": "VARCHAR",
    # The keys a record may give; one it does not give is NULL ("origins.body = 'main-text'").
    "origins": "STRUCT(title VARCHAR, sapo VARCHAR, body VARCHAR, authors VARCHAR, published_at VARCHAR,"
    " section VARCHAR)",
    "section": "VARCHAR[]",
    "tags": "VARCHAR[]",
    "keywords": "VARCHAR[]",
    "topics": "VARCHAR[]",
    "images": "STRUCT(url VARCHAR, caption VARCHAR)[]",
    "language": "VARCHAR",
    "word_count": "INTEGER",
    "content_hash": "VARCHAR",
    "revision": "INTEGER",
    "crawled_at": "TIMESTAMPTZ",
}

VIETNAM_TIME_ZONE = "Asia/Ho_Chi_Minh"


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def read_json_sql(files: str) -> str:
    """DuckDB's ``read_json`` of the export files *files* (a path or a glob) with the record's types."""
    columns = ", ".join(f"{_sql_string(name)}: {_sql_string(kind)}" for name, kind in DUCKDB_COLUMNS.items())
    return f"read_json({_sql_string(files)}, format = 'newline_delimited', columns = {{{columns}}})"


def view_sql(files: str, name: str = "articles") -> str:
    """``CREATE OR REPLACE VIEW <name>`` over the export files *files*, with the record's types."""
    return f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM {read_json_sql(files)};"


def articles_view(connection: Any, files: str, name: str = "articles") -> None:
    """Create the view *name* of the export files *files* in a DuckDB connection."""
    connection.execute(view_sql(files, name))


def read_records(path: str) -> Any:
    """One export file as a pandas DataFrame with the record's types: text as text (missing: <NA>), the
    times in Vietnam time, the day as a date, counts as integers, lists and images as Python lists."""
    import pandas as pd

    frame = pd.read_json(path, lines=True, dtype=False)  # no guessing: not even dates
    frame = frame.reindex(columns=list(DUCKDB_COLUMNS))  # an empty file has no columns at all
    for column, kind in DUCKDB_COLUMNS.items():
        if kind == "VARCHAR":
            frame[column] = frame[column].astype("string")
        elif kind == "INTEGER":
            frame[column] = frame[column].astype("int64")
        elif kind == "DATE":
            frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d")
        elif kind == "TIMESTAMPTZ":
            times = pd.to_datetime(frame[column], utc=True, format="ISO8601")
            frame[column] = times.dt.tz_convert(VIETNAM_TIME_ZONE)
        else:  # lists, the images' list of {url, caption}, the origins' {field: origin}
            frame[column] = frame[column].astype(object)
    return frame


if __name__ == "__main__":
    print(view_sql(sys.argv[1] if len(sys.argv) > 1 else "data/*/*.jsonl"))

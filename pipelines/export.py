"""Step 7: the JSONL export.

Scrapy's feed exports do the writing (``FEEDS`` in the settings, ``-o``/``-O``
on the command line); this module makes sure every line is the same whatever
the options: UTF-8 text (never ``\\uXXXX`` escapes), keys in schema order, one
record a line.
"""

from __future__ import annotations

import json
from typing import Any

from scrapy.exporters import JsonLinesItemExporter
from scrapy.settings import BaseSettings

from crawler.items import RECORD_FIELDS


def default_feeds(settings: BaseSettings) -> dict[str, dict[str, Any]]:
    """The FEEDS of a crawl given no -o/-O: a new file per crawl under data/<spider>/."""
    return {settings.get("VNNEWS_FEED_URI"): {"format": "jsonlines"}}


def record_line(record: dict[str, Any]) -> str:
    """One JSONL line (without the newline), as the feed export writes it."""
    ordered = {key: record[key] for key in RECORD_FIELDS if key in record}
    return json.dumps(ordered, ensure_ascii=False)


class ArticleJsonLinesExporter(JsonLinesItemExporter):
    """JSON lines that stay readable Vietnamese, whatever FEED_EXPORT_ENCODING says."""

    def __init__(self, file: Any, **kwargs: Any) -> None:
        kwargs["ensure_ascii"] = False
        kwargs["encoding"] = "utf-8"
        kwargs.setdefault("fields_to_export", list(RECORD_FIELDS))
        super().__init__(file, **kwargs)

"""The article as it moves through the crawl.

A spider (or the dump importer) fills an :class:`ArticleDraft` with what the
page says, keeping every candidate value and where it came from.  The item
pipelines clean it and decide, and the last one turns it into the exported
record, whose fields and order are :data:`RECORD_FIELDS` (documented in the
README and in ``crawler/article.schema.json``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

SCHEMA_VERSION = 3

# The exported record: a dict with the keys of RECORD_FIELDS, in that order, holding JSON values only.
Record = dict[str, Any]

# The exported record, in the order its keys are written.
RECORD_FIELDS: tuple[str, ...] = (
    "schema_version",
    "id",
    "url",
    "canonical_url",
    "outlet",
    "title",
    "sapo",
    "body",
    "authors",
    "byline",
    "source",
    "published_at",
    "published_date",
    "modified_at",
    "date_raw",
    "date_source",
    "origins",
    "section",
    "tags",
    "keywords",
    "topics",
    "images",
    "language",
    "word_count",
    "content_hash",
    "revision",
    "crawled_at",
)

# Where a value was read, best first: structured data, then the outlet's own
# markup, then the text of the article, then the URL.
Origin = Literal["json-ld", "meta", "page", "text", "url", "front-matter"]


@dataclass
class DateCandidate:
    raw: str
    origin: Origin
    kind: Literal["published", "modified"] = "published"


@dataclass
class AuthorCandidate:
    raw: str
    origin: Origin


@dataclass
class Image:
    url: str | None
    caption: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"url": self.url, "caption": self.caption}


@dataclass
class ArticleDraft:
    """Everything a page says about one article, before cleaning."""

    url: str
    outlet: str
    canonical_url: str | None = None
    # The record's id when the canonical URL cannot give it: an imported dump that names no link
    # (a hash of its text, since its file:// URL depends on the folder it was read from).
    id: str | None = None
    title: str | None = None
    sapo: str | None = None
    # Body blocks in reading order (paragraphs, subheadings, list items).
    paragraphs: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    dates: list[DateCandidate] = field(default_factory=list)
    authors_raw: list[AuthorCandidate] = field(default_factory=list)
    section: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    language: str | None = None
    # Which extraction layer answered each field ("json-ld", "meta", "selector",
    # "fallback"...), for the per-field stats and for debugging a selector.
    field_origins: dict[str, str] = field(default_factory=dict)
    # Lines the cleaning steps removed, as (rule, text), for debugging a selector.
    removed: list[tuple[str, str]] = field(default_factory=list)
    # When the page was fetched, for a page fetched before now (an archived response's WARC-Date):
    # the record's crawled_at, and the "now" of relative dates and of the future check.
    fetched_at: datetime | None = None

    # Decided by the pipelines.
    authors: list[str] = field(default_factory=list)
    byline: str | None = None
    source: str | None = None
    published_at: str | None = None
    # The Vietnam day of publication (YYYY-MM-DD), known even when the time is not.
    published_date: str | None = None
    modified_at: str | None = None
    date_raw: str | None = None
    date_source: str | None = None
    # The names of the user's topics the clean text mentions (pipelines/topics.py).
    topics: list[str] = field(default_factory=list)

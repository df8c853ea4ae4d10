"""Step 5: the draft becomes the exported record, or is dropped with a counted reason.

A record needs a URL, a title and a body of some substance; whatever else the
page did not say stays null or empty, never invented.  Every record is checked
against the published JSON Schema, so nothing malformed reaches the file (the
steps after this one only drop records or raise their ``revision``).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from crawler.items import RECORD_FIELDS, SCHEMA_VERSION, ArticleDraft, Record
from crawler.schema import schema_errors
from pipelines.base import ArticlePipeline, drop
from pipelines.text.words import word_count

# The least text of an article: its body and its lead together.
MIN_BODY_CHARS = 200


# The fields whose winning candidate the record names, with the draft's name for each.
ORIGIN_FIELDS = ("title", "sapo", "body", "authors", "section")


def record_origins(draft: ArticleDraft) -> dict[str, str]:
    """Where each field that has a value was read: the layer or candidate that won."""
    values = {"title": draft.title, "sapo": draft.sapo, "body": draft.paragraphs, "authors": draft.authors,
              "section": draft.section}  # fmt: skip
    origins = {f: draft.field_origins[f] for f in ORIGIN_FIELDS if values[f] and f in draft.field_origins}
    if draft.date_source:
        origins["published_at"] = draft.date_source
    return origins


def build_record(draft: ArticleDraft, crawled_at: datetime | None = None) -> Record:
    """The exported record for a cleaned draft, keys in schema order."""
    canonical = draft.canonical_url or draft.url
    body = "\n\n".join(draft.paragraphs)
    crawled = (crawled_at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    record = {
        "schema_version": SCHEMA_VERSION,
        "id": draft.id or hashlib.sha1(canonical.encode("utf-8")).hexdigest(),
        "url": draft.url,
        "canonical_url": canonical,
        "outlet": draft.outlet,
        "title": draft.title,
        "sapo": draft.sapo or None,
        "body": body,
        "authors": list(draft.authors),
        "byline": draft.byline or None,
        "source": draft.source or None,
        "published_at": draft.published_at,
        "published_date": draft.published_date,
        "modified_at": draft.modified_at,
        "date_raw": draft.date_raw or None,
        "date_source": draft.date_source,
        "origins": record_origins(draft),
        "section": list(draft.section),
        "tags": list(draft.tags),
        "keywords": list(draft.keywords),
        "topics": list(draft.topics),
        "images": [image.as_dict() for image in draft.images],
        "language": draft.language,
        "word_count": word_count(body),
        "content_hash": hashlib.sha256(body.encode("utf-8")).hexdigest(),
        # The state pipeline raises it when an article exported before comes back changed.
        "revision": 1,
        "crawled_at": crawled.isoformat(),
    }
    assert tuple(record) == RECORD_FIELDS
    return record


class ValidatePipeline(ArticlePipeline):
    def __init__(self, stats: Any = None, settings: Any = None) -> None:
        super().__init__(stats, settings)
        self.min_body_chars = (
            settings.getint("VNNEWS_MIN_BODY_CHARS", MIN_BODY_CHARS) if settings else MIN_BODY_CHARS
        )

    def process(self, item: ArticleDraft, spider: Any) -> Record:
        min_chars = self.min_body_chars
        if not item.url:
            raise drop(self.stats, "missing_url", "no URL")
        if not item.title:
            raise drop(self.stats, "missing_title", item.url)
        # The lead counts: a photo story is a lead and a line under its photos.
        body_chars = sum(len(p) for p in item.paragraphs)
        text_chars = body_chars + len(item.sapo or "")
        if not body_chars or text_chars < min_chars:
            raise drop(
                self.stats,
                "short_body",
                f"{item.url} ({body_chars} characters of body and {text_chars - body_chars} of lead,"
                f" {min_chars} needed)",
            )
        record = build_record(item, item.fetched_at)
        errors = schema_errors(record)
        if errors:
            # A bug, not a page: the close-of-crawl health check fails the crawl on any of these.
            for field in {error.split(":", 1)[0].split("/", 1)[0] for error in errors}:
                self.stats.inc_value(f"vnnews/invalid/{field}")
            raise drop(self.stats, "invalid_record", f"{item.url}: {'; '.join(errors)}")
        self.stats.inc_value("vnnews/records/valid")
        return record

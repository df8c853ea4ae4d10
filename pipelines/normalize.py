"""Step 1: Vietnamese text normalised the same way everywhere.

Unicode NFC (Vietnamese is often served decomposed, and "ệ" typed two ways
must compare equal), HTML entities decoded (feeds and CMS fields double-encode
them), zero-width and control characters removed, whitespace collapsed.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any

from crawler.items import ArticleDraft
from pipelines.base import ArticlePipeline

# Zero-width characters, the BOM, soft hyphens and C0/C1 controls (tabs and newlines become spaces first).
INVISIBLE = re.compile(
    "[\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\ufeff\u00ad\x00-\x08\x0b-\x1f\x7f-\x9f]"
)
SPACES = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});")


def is_clean_line(text: str) -> bool:
    """True when *text* has no whitespace but single ASCII spaces between words, and no invisible
    character: every whitespace but that space, and every character INVISIBLE matches, is
    unprintable.  Most paragraphs come from extraction so, and need no collapsing."""
    return text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "


def word_count(paragraphs: list[str]) -> int:
    """``len("\\n\\n".join(paragraphs).split())``, without splitting the clean lines."""
    return sum((p.count(" ") + 1 if is_clean_line(p) else len(p.split())) for p in paragraphs if p)


def normalize_text(text: str | None) -> str:
    """One line of clean text: entities decoded, NFC, no invisible characters, single spaces."""
    if not text:
        return ""
    if "&" in text and ENTITY.search(text):
        text = html.unescape(html.unescape(text))
    if is_clean_line(text):
        return unicodedata.normalize("NFC", text)
    # str.split() splits on exactly what SPACES matches (Unicode whitespace), several times faster.
    text = " ".join(text.split())
    if INVISIBLE.search(text):
        text = " ".join(INVISIBLE.sub("", text).split())
    return unicodedata.normalize("NFC", text)


def _clean_list(values: list[str]) -> list[str]:
    return [t for t in (normalize_text(v) for v in values) if t]


class NormalizePipeline(ArticlePipeline):
    def process(self, item: Any, spider: Any) -> Any:
        if not isinstance(item, ArticleDraft):
            return item
        draft = item
        draft.title = normalize_text(draft.title) or None
        draft.sapo = normalize_text(draft.sapo) or None
        draft.paragraphs = _clean_list(draft.paragraphs)
        draft.section = _clean_list(draft.section)
        draft.tags = _clean_list(draft.tags)
        draft.keywords = _clean_list(draft.keywords)
        for image in draft.images:
            image.caption = normalize_text(image.caption) or None
        for candidate in [*draft.dates, *draft.authors_raw]:
            candidate.raw = normalize_text(candidate.raw)
        draft.dates = [c for c in draft.dates if c.raw]
        draft.authors_raw = [c for c in draft.authors_raw if c.raw]
        return draft

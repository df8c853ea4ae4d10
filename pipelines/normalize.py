"""Step 1: Vietnamese text normalised the same way everywhere (``pipelines/text/words.py``).

Unicode NFC, HTML entities decoded, zero-width and control characters removed,
whitespace collapsed, in every text field and every candidate.
"""

from __future__ import annotations

from typing import Any

from crawler.items import ArticleDraft
from pipelines.base import ArticlePipeline
from pipelines.text.words import normalize_text


def _clean_list(values: list[str]) -> list[str]:
    return [t for t in (normalize_text(v) for v in values) if t]


class NormalizePipeline(ArticlePipeline):
    def process(self, item: ArticleDraft, spider: Any) -> ArticleDraft:
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

"""Step 1: Vietnamese text normalised the same way everywhere (``pipelines/text/words.py``).

Unicode NFC, HTML entities decoded, zero-width and control characters removed,
whitespace collapsed, in every text field and every candidate.  First, a text in
a legacy Vietnamese font encoding (TCVN3, VNI: ``pipelines/text/legacy.py``) is
converted to Unicode, and a text still garbled after that is dropped: a record
of mojibake would be silently wrong.  Each conversion, and each page the crawl
read in another encoding than it declares (``crawler.extraction.vietnamese_encoding``),
is counted under ``vnnews/encoding/<how>``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crawler.items import ArticleDraft
from pipelines.base import ArticlePipeline, drop
from pipelines.text.legacy import (
    LEGACY_ENCODINGS,
    SUSPECT,
    UNICODE_ONLY,
    WORD,
    suspects,
    vietnamese_share,
)
from pipelines.text.words import normalize_text

# The text examined for a legacy encoding: the title, lead and the start of the body.
SAMPLE_CHARS = 4000
# Vietnamese in Unicode has a letter beyond Latin-1 in about one character of ten.
UNICODE_SHARE = 0.03
# A text is Vietnamese when this share of its words are Vietnamese syllables (Vietnamese text:
# 0.95-1.0; the same text in TCVN3 or VNI read as Latin-1: 0.2-0.4; English: about 0.25).
VIETNAMESE_SHARE = 0.7
# A text not Vietnamese whose words hold this many garbled letters (per word) is mojibake.
GARBLED_PER_WORD = 0.05


def _clean_list(values: list[str]) -> list[str]:
    return [t for t in (normalize_text(v) for v in values) if t]


def legacy_encoding(text: str) -> str | None:
    """The legacy encoding *text* is in ("tcvn3", "vni"), or None: the one whose conversion reads as
    Vietnamese where the text as it is does not."""
    if not suspects(text) or vietnamese_share(text) >= VIETNAMESE_SHARE:
        return None
    for name, convert in LEGACY_ENCODINGS.items():
        if vietnamese_share(convert(text)) >= VIETNAMESE_SHARE:
            return name
    return None


def is_garbled(text: str) -> bool:
    """Whether *text* is mojibake: many words with a letter no language writes next to another."""
    words = len(WORD.findall(text))
    return words > 0 and suspects(text) / words >= GARBLED_PER_WORD


def convert_draft(draft: ArticleDraft, legacy: Callable[[str], str]) -> None:
    """Every text of *draft* in the legacy encoding converted (before it is normalised, which would
    drop the soft hyphen that is TCVN3's "ư").  A text already in Unicode stays as it is: a page
    may mix both."""

    def convert(text: str) -> str:
        return text if UNICODE_ONLY.search(text) else legacy(text)

    draft.title = convert(draft.title) if draft.title else draft.title
    draft.sapo = convert(draft.sapo) if draft.sapo else draft.sapo
    for name in ("paragraphs", "section", "tags", "keywords"):
        setattr(draft, name, [convert(text) for text in getattr(draft, name)])
    for image in draft.images:
        image.caption = convert(image.caption) if image.caption else image.caption
    for candidate in [*draft.dates, *draft.authors_raw]:
        candidate.raw = convert(candidate.raw)


class NormalizePipeline(ArticlePipeline):
    def process(self, item: ArticleDraft, spider: Any) -> ArticleDraft:
        draft = item
        self.decode_legacy(draft)
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
        if (how := draft.field_origins.get("encoding")) is not None:
            self.stats.inc_value(f"vnnews/encoding/{how}")
        return draft

    def decode_legacy(self, draft: ArticleDraft) -> None:
        """A draft in TCVN3 or VNI converted to Unicode; a garbled one dropped."""
        sample = "\n".join([draft.title or "", draft.sapo or "", *draft.paragraphs])[:SAMPLE_CHARS]
        if not SUSPECT.search(sample):  # the common case, and the quickest to tell
            return
        if len(UNICODE_ONLY.findall(sample)) >= UNICODE_SHARE * len(sample):
            # Vietnamese in Unicode: letters beyond Latin-1 ("ư", "ạ", "đ") all through it, where a text in
            # TCVN3 or VNI read as Latin-1 has none (a page mixing both has them in its Unicode parts only).
            return
        name = legacy_encoding(sample)
        if name is not None:
            convert_draft(draft, LEGACY_ENCODINGS[name])
            draft.field_origins["encoding"] = name
        elif is_garbled(sample):
            raise drop(self.stats, "garbled_text", f"{draft.url} (mojibake: {sample[:60]!r})")

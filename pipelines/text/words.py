"""Vietnamese text made comparable: one clean line, one folding, one word count.

Vietnamese is often served decomposed ("ệ" typed two ways must compare equal),
with entities encoded twice by feeds and CMS fields, and with zero-width and
control characters pasted in from word processors.
"""

from __future__ import annotations

import html
import re
import unicodedata

# Zero-width characters, the BOM, soft hyphens and C0/C1 controls (tabs and newlines become spaces first).
INVISIBLE = re.compile(
    "[\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\ufeff\u00ad\x00-\x08\x0b-\x1f\x7f-\x9f]"
)
ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});")
# The marks NFD splits off Vietnamese letters (tones, breve, circumflex, horn) and every other
# combining diacritic of Latin script.
COMBINING_MARKS = re.compile("[\u0300-\u036f]")
NOT_SLUG = re.compile(r"[^a-z0-9]+")
# Letters only Vietnamese uses: a text with them is Vietnamese.
VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)


def normalize_text(text: str | None) -> str:
    """One line of clean text: entities decoded, NFC, no invisible characters, single spaces."""
    if not text:
        return ""
    if ENTITY.search(text):
        text = html.unescape(html.unescape(text))
    # str.split() splits on every Unicode space (no-break, ideographic...) and drops the edges.
    text = " ".join(text.split())
    if not text.isprintable():  # the invisible characters are all unprintable
        text = " ".join(INVISIBLE.sub("", text).split())
    return unicodedata.normalize("NFC", text)


def word_count(text: str) -> int:
    """Whitespace-separated tokens: Vietnamese syllables, numbers, punctuation runs."""
    return len(text.split())


def fold(text: str) -> str:
    """Lower case without diacritics, as URL slugs spell Vietnamese: "Chủ tịch Đà" → "chu tich da"."""
    return COMBINING_MARKS.sub("", unicodedata.normalize("NFD", text.casefold().replace("đ", "d")))


def slug(text: str) -> str:
    """Words as URL slugs spell them: "Tập Cận Bình" → "tap-can-binh"."""
    return NOT_SLUG.sub("-", fold(text)).strip("-")


def is_vietnamese(text: str) -> bool:
    """Whether *text* holds letters only Vietnamese writes."""
    return bool(VIETNAMESE_LETTERS.search(text))

"""Step 4b: the record's language, read from its text when the text is not Vietnamese.

A page's ``lang`` (else its outlet's language) says "vi" on the English or
Chinese pages of a Vietnamese outlet as well, and on a page garbled by a wrong
decoding.  A text that holds letters only Vietnamese writes, as any Vietnamese
article does, is Vietnamese, and costs no more than that look.  Any other text is
identified by CLD2 (``pycld2``): its answer replaces the page's when CLD2 calls it
reliable, and is counted under ``vnnews/language/<code>``; otherwise the page's
stays.  See ``bench/README.md`` for how CLD2 was chosen.
"""

from __future__ import annotations

import re
from typing import Any

import pycld2

from crawler.items import ArticleDraft
from pipelines.base import ArticlePipeline

# The text identified: the title, lead and the start of the body.
SAMPLE_CHARS = 2000
# Letters only Vietnamese writes (both cases: a case-blind pattern is slower), counted in the sample's
# first VIETNAMESE_CHARS characters: about 6 % of them in Vietnamese, under 1 % in English that names
# Vietnamese people and places ("Phạm Minh Chính").
_LETTERS = "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
VIETNAMESE_LETTER = re.compile(f"[{_LETTERS}{_LETTERS.upper()}]")
VIETNAMESE_CHARS = 1000
VIETNAMESE_LETTER_SHARE = 0.02


def identify_language(text: str) -> str | None:
    """The ISO 639-1 code of *text*'s language, or None when it cannot be told reliably."""
    head = text[:VIETNAMESE_CHARS]
    if len(VIETNAMESE_LETTER.findall(head)) >= VIETNAMESE_LETTER_SHARE * len(head) > 0:
        return "vi"
    try:
        reliable, _, ((_, code, _, _), *_) = pycld2.detect(text, bestEffort=False)
    except pycld2.error:  # text CLD2 cannot take (invalid UTF-8 after a bad decoding)
        return None
    return code.split("-")[0] if reliable and code != "un" else None


class LanguagePipeline(ArticlePipeline):
    def process(self, item: ArticleDraft, spider: Any) -> ArticleDraft:
        draft = item
        sample = "\n".join([draft.title or "", draft.sapo or "", *draft.paragraphs])[:SAMPLE_CHARS]
        language = identify_language(sample)
        if language is not None and language != "vi":
            self.stats.inc_value(f"vnnews/language/{language}")
        draft.language = language or draft.language
        return draft

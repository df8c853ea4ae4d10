"""Vietnamese text that is not what it seems: the legacy font encodings, and how Vietnamese a text reads.

Before Unicode, Vietnamese was typed in 8-bit font encodings and shown with
their fonts; a page in one of them is served as Latin-1 or windows-1252, so
what reaches us is Latin-1 text in which "Việt" reads "ViÖt" (TCVN3) or
"Vieät" (VNI).  The two common ones:

* **TCVN3 (ABC)**: TCVN 5712:1993's VN3, one byte a letter.  The codes are those
  of glibc's ``TCVN5712-1`` charmap (``/usr/share/i18n/charmaps``) from 0xA1 up:
  VN3 has no capital letter with a tone (its capitals come from other fonts
  drawing the same codes), and the codes below 0xA1, which VN1 gives to those
  capitals, are the quotes and dashes of windows-1252 in real pages.
* **VNI Windows**: a base letter and a mark ("ệ" is "e" then 0xE4), as GNU
  recode 3.6's ``VNI`` charset writes each letter, except capital "Ắ" and "Ằ",
  which recode swaps: VNI's capitals are its small letters' codes less 0x20
  ("ắ" is "aé", so "Ắ" is "AÉ").

How Vietnamese a text reads is the share of its words that are Vietnamese
syllables (an onset, a vowel group with at most one tone, a final consonant),
which tells a text from the same text garbled.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# The 134 Vietnamese letters outside ASCII, in the order of the tables below.
LETTERS = (
    "áàảãạÁÀẢÃẠăắằẳẵặĂẮẰẲẴẶâấầẩẫậÂẤẦẨẪẬéèẻẽẹÉÈẺẼẸêếềểễệÊẾỀỂỄỆíìỉĩịÍÌỈĨỊóòỏõọÓÒỎÕỌôốồổỗộÔỐỒỔỖỘ"
    "ơớờởỡợƠỚỜỞỠỢúùủũụÚÙỦŨỤưứừửữựƯỨỪỬỮỰýỳỷỹỵÝỲỶỸỴđĐ"
)
# Each letter's TCVN3 byte ("--": none).
TCVN3_CODES = (
    "b8 b5 b6 b7 b9 -- -- -- -- -- a8 be bb bc bd c6 a1 -- -- -- -- -- a9 ca c7 c8 c9 cb a2 -- -- -- -- -- "
    "d0 cc ce cf d1 -- -- -- -- -- aa d5 d2 d3 d4 d6 a3 -- -- -- -- -- dd d7 d8 dc de -- -- -- -- -- "
    "e3 df e1 e2 e4 -- -- -- -- -- ab e8 e5 e6 e7 e9 a4 -- -- -- -- -- ac ed ea eb ec ee a5 -- -- -- -- -- "
    "f3 ef f1 f2 f4 -- -- -- -- -- ad f8 f5 f6 f7 f9 a6 -- -- -- -- -- fd fa fb fc fe -- -- -- -- -- ae a7"
)
# Each letter in VNI Windows, as windows-1252 text.
VNI_CODES = (
    "aù aø aû aõ aï AÙ AØ AÛ AÕ AÏ aê aé aè aú aü aë AÊ AÉ AÈ AÚ AÜ AË aâ aá aà aå aã aä AÂ AÁ AÀ AÅ AÃ AÄ "
    "eù eø eû eõ eï EÙ EØ EÛ EÕ EÏ eâ eá eà eå eã eä EÂ EÁ EÀ EÅ EÃ EÄ í ì æ ó ò Í Ì Æ Ó Ò "
    "où oø oû oõ oï OÙ OØ OÛ OÕ OÏ oâ oá oà oå oã oä OÂ OÁ OÀ OÅ OÃ OÄ ô ôù ôø ôû ôõ ôï Ô ÔÙ ÔØ ÔÛ ÔÕ ÔÏ "
    "uù uø uû uõ uï UÙ UØ UÛ UÕ UÏ ö öù öø öû öõ öï Ö ÖÙ ÖØ ÖÛ ÖÕ ÖÏ yù yø yû yõ î YÙ YØ YÛ YÕ Î ñ Ñ"
)


def _as_read(code: int) -> str:
    """The character a byte becomes when its page is read as windows-1252 (Latin-1 where that has none)."""
    try:
        return bytes([code]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(code)


_TCVN3 = {
    ord(_as_read(int(code, 16))): letter
    for letter, code in zip(LETTERS, TCVN3_CODES.split(), strict=True)
    if code != "--"
}
_VNI = dict(zip(VNI_CODES.split(), LETTERS, strict=True))
# Longest first: "ôù" (ớ) before "ô" (ơ).
_VNI_CODE = re.compile("|".join(sorted(map(re.escape, _VNI), key=len, reverse=True)))


def from_tcvn3(text: str) -> str:
    """TCVN3 text read as windows-1252 ("ViÖt Nam") → Unicode ("Việt Nam")."""
    return text.translate(_TCVN3)


def from_vni(text: str) -> str:
    """VNI Windows text read as windows-1252 ("Vieät Nam") → Unicode ("Việt Nam")."""
    return _VNI_CODE.sub(lambda code: _VNI[code.group()], text)


# Name → converter, for the pipeline that tries each.
LEGACY_ENCODINGS: dict[str, Callable[[str], str]] = {"tcvn3": from_tcvn3, "vni": from_vni}

# Latin-1 characters no Vietnamese word holds (symbols, "Ö", "ï", "ñ"...): what TCVN3, VNI and UTF-8 read
# as Latin-1 ("GiÃ¡") all leave in words; and U+FFFD, what bytes that are not the UTF-8 a page declares
# (a TCVN3 page served as UTF-8) become.  A character class is quick to look for, so a text is examined
# further only when it has one after a letter.
SUSPECT = re.compile(
    "[\x80-\x9f\xa1-\xbf\xc4-\xc8\xcb\xce\xcf\xd0\xd1\xd6-\xd8\xdb\xdc\xde\xdf"
    "\xe4-\xe8\xeb\xee\xef\xf0\xf1\xf6-\xf8\xfb\xfc\xfe\xff\ufffd]"
)


def suspects(text: str) -> int:
    """How many characters of SUSPECT *text* holds right after a letter ("ViÖt", "GiÃ¡")."""
    return sum(1 for found in SUSPECT.finditer(text) if found.start() and text[found.start() - 1].isalpha())


# Vietnamese letters beyond Latin-1 ("ă", "đ", "ơ", "ạ"...): a text that has one is Unicode already, since
# text read as windows-1252 has none.
UNICODE_ONLY = re.compile(f"[{''.join(c for c in LETTERS if ord(c) > 0xFF)}]")

# -- how Vietnamese a text reads --------------------------------------------------------------

_TONE_MARKS = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"))
_ONSET = "(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
# The vowel groups, longest first.
_VOWELS = (
    "iêu|oai|oay|oeo|uây|uôi|ươi|ươu|uya|uyê|yêu|"
    "ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ươ|ưu|yê|"
    "a|ă|â|e|ê|i|o|ô|ơ|u|ư|y"
)
_SYLLABLE = re.compile(f"{_ONSET}(?:{_VOWELS})(?:ch|ng|nh|[cmnpt])?")
WORD = re.compile(r"[^\W\d_]+")


def is_syllable(word: str) -> bool:
    """Whether *word* is a Vietnamese syllable ("nghiêng", "Việt", "xăng"; not "ViÖt", "Vieät")."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    toneless = decomposed.translate(_TONE_MARKS)
    if len(decomposed) - len(toneless) > 1:
        return False
    return _SYLLABLE.fullmatch(unicodedata.normalize("NFC", toneless)) is not None


def vietnamese_share(text: str) -> float:
    """The share of *text*'s words that are Vietnamese syllables (0 for a text without words)."""
    words = WORD.findall(text)
    return sum(map(is_syllable, words)) / len(words) if words else 0.0

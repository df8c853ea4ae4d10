"""Step 2: the body paragraphs without boilerplate, captions and credit lines.

Extraction already removed the related boxes, share bars and promos it can name
by CSS selector.  What is left, and what plain-text dumps (the seeds) carry
with no DOM at all, is cleaned here by rules shared by every outlet, in this
order:

1. Markdown leftovers: image and link-only lines removed, "**", "# ", italics
   and escapes stripped (``pipelines/text/markdown.py``).
2. Line rules, wherever the line stands: "Theo dõi X trên", "Mời quý độc giả …",
   ">> Xem thêm: …", "Link bài viết: <url>", copyright lines, app promos, share
   bars, the outlet's own patterns.  "Tác giả: X" lines become author
   candidates; date lines and "PV … - <date>" lines among the first paragraphs
   become date (and author) candidates.
3. Stop headings ("Tin liên quan", "Đọc thêm"…) end the article; among the
   first two paragraphs one only heads an inline box of headlines.
4. The end mark "./." is stripped and ends the article, unless what follows is
   mostly prose (a roundup closing one item): when in doubt, keep the text.
5. A headline printed twice late in the body starts a related-news run that
   ends the article; an earlier repeat only loses its copy.  Teasers cut short
   with "..." after the last paragraph go too.
6. Captions (a short line ending in a photo credit, an image alt followed by
   its caption) go to ``captions``; of a pair the longer, fuller line is kept.
7. The title anywhere and the lead (sapo) at the start are removed.
8. Paragraphs split in the middle of a sentence are joined again.

A bare credit line ("Như Tâm" last, "Bảo Chi" first) is left where it is: the
byline step takes it from the first or last position.  Every line taken out of
the body is listed in ``removed`` with the rule that took it (captions, author
and date lines included), for debugging and for the per-rule stats.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from crawler.items import ArticleDraft, AuthorCandidate, DateCandidate, Image
from pipelines.base import ArticlePipeline
from pipelines.bylines import BylineReader
from pipelines.text.dates import split_trailing_date, whole_line_date
from pipelines.text.markdown import is_image_line, is_link_line, plain_text

# -- thresholds ----------------------------------------------------------------------

# A caption is short; a longer paragraph ending in "Ảnh: X" is prose quoting a credit.
CAPTION_MAX_CHARS = 300
# Date lines and "PV … - <date>" lines count only among the first paragraphs.
TOP_PARAGRAPHS = 6
# A stop heading among the first paragraphs is an inline related box, not the end.
INLINE_BOX_PARAGRAPHS = 2
# A paragraph this long that ends a sentence is prose (teasers end in "...").
PROSE_MIN_CHARS = 120
# Related headlines are short; longer lines end an inline related box.
HEADLINE_MAX_CHARS = 150
# A paragraph split at a name ("… Nguyễn Phú" / "Trọng …") is a long one.
SPLIT_NAME_MIN_CHARS = 200
# An image alt text and its caption differ by a short tail (", chiều 18/2.").
CAPTION_PAIR_MAX_TAIL = 40

# -- vocabulary ----------------------------------------------------------------------

STOP_HEADINGS = frozenset(
    heading.casefold()
    for heading in (
        "Tin liên quan",
        "Cùng chuyên mục",
        "Tin cùng chuyên mục",
        "Tin đọc nhiều",
        "Đọc nhiều",
        "Đọc thêm",
        "Xem thêm",
        "Bài liên quan",
        "Tin khác",
        "Tin mới",
        "Có thể bạn quan tâm",
        "Phiên bản di động",
    )
)

# Characters that end a sentence (or a quoted / bracketed one).
SENTENCE_END = frozenset('.!?…:;"”’)»')
# Characters that end a real paragraph rather than a headline.
FULL_STOP = frozenset(".!?…")
ELLIPSIS = ("...", "…")

_PLATFORM = (
    r"(?:Google News|Google Tin tức|Zalo|Facebook|YouTube|TikTok|Telegram|Twitter|X|Instagram|Threads)"
)
_SHARE_TOKEN = (
    r"(?:Chia sẻ(?: bài viết| Facebook| Zalo)?|Facebook|Zalo|Twitter|Email|Gửi email|Gửi bài viết|"
    r"Bình luận|Lưu|Lưu bài viết|Copy link|Sao chép link|Sao chép liên kết|In bài viết|In|"
    r"Thích|Like|Share|Tweet)"
    r"(?:\s*\(\d+\))?"
)


# Full-match line rules, tried in order on a paragraph without its leading "* " / "- " bullet.
LINE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "follow",
        re.compile(
            rf"Theo dõi\s+\S+(?:\s+\S+){{0,3}}?\s+trên"
            rf"(?:\s+{_PLATFORM}(?:\s*(?:,|và|&)\s*{_PLATFORM})*)?\s*:?",
            re.IGNORECASE,
        ),
    ),
    (
        "promo",
        re.compile(
            r"Mời\s+(?:quý\s+)?(?:độc giả|bạn đọc|khán giả|quý vị)\s+"
            r"(?:theo dõi|xem|đón xem|đọc|đón đọc|tham gia)\b.{0,200}",
            re.IGNORECASE,
        ),
    ),
    # ">> Xem thêm: <headline>": an inline link to another article (not "Đọc thêm tài liệu, …").
    (
        "inline-related",
        re.compile(
            r"(?:>>?\s*)?(?:Xem thêm|Đọc thêm|Tin liên quan|Bài liên quan|Xem chi tiết)\s*:\s*.{1,150}",
            re.IGNORECASE,
        ),
    ),
    ("link-line", re.compile(r"Link\s+(?:bài\s+(?:viết|gốc)|gốc)\s*:?\s*<?\S+?>?", re.IGNORECASE)),
    (
        "copyright",
        re.compile(
            r"(?:[®©]|\(c\)\s|Copyright\b|Bản quyền\s+(?:thuộc về|©)|Cấm sao chép\b).{0,250}", re.IGNORECASE
        ),
    ),
    (
        "copyright",
        # Short lines only: the lookahead turns a long paragraph down before the search for the words.
        re.compile(
            r"(?=.{0,380}$).{0,200}?\bGhi rõ nguồn\b.{0,120}?\bkhi phát hành lại\b.{0,60}", re.IGNORECASE
        ),
    ),
    # Short and without a clause: "Tải ứng dụng VTV Go", not "Tải ứng dụng về máy, người dùng …".
    (
        "app-promo",
        re.compile(
            r"(?:Tải|Download|Cài đặt)\s+(?:ngay\s+)?(?:ứng dụng|app)\b[^,;.!?]{0,80}[.!]?", re.IGNORECASE
        ),
    ),
    ("share-bar", re.compile(rf"{_SHARE_TOKEN}(?:\s*[|·•/]?\s*{_SHARE_TOKEN})*\s*:?", re.IGNORECASE)),
)

# "Tác giả: X", "Bài và ảnh: X": a credit line (the byline step reads it, placeholders included).
AUTHOR_LABEL = re.compile(
    r"^(?:Tác giả|Bài và ảnh|Bài, ảnh|Bài & ảnh|Bài/ảnh|Bài và video|Phóng viên|Nhóm phóng viên|Thực hiện)"
    r"\s*:\s*",
    re.IGNORECASE,
)
AUTHOR_LINE_MAX_CHARS = 120

# "./." (and its short forms) closes an article in Vietnamese print style.  Looked for in the last
# characters only: a pattern that starts with \s* would otherwise be tried at every place.
END_MARK = re.compile(r"\s*(?:\./\.?|/\.)$")
END_MARK_SPAN = 8

# A photo credit ending a caption: "Ảnh: X", "- Ảnh: X", "(Ảnh: X)", "_Ảnh: X", "Ảnh minh họa".
_CREDIT = (
    r"(?:(?:Ảnh|Đồ họa|Đồ hoạ|Video|Clip|Infographic)(?:\s+minh\s+h(?:ọa|oạ))?\s*:\s*[^:()]{1,60}?"
    r"|Ảnh\s+minh\s+h(?:ọa|oạ))"
)
CAPTION_CREDIT = re.compile(rf"(?:^|(?<=[\s.,;:)\]_|–—-]))\(?\s*{_CREDIT}\s*\)?\s*\.?$", re.IGNORECASE)
# A credit is at most about 95 characters (the label, 60 for the name, brackets): it is looked for in a
# paragraph's last 120 only, which spares the pattern a try at every place of a long paragraph.
CREDIT_MAX_CHARS = 120
# "…Siêu_Ảnh: TTXVN" (a Markdown dump's separator) reads "…Siêu - Ảnh: TTXVN".
UNDERSCORE_BEFORE_CREDIT = re.compile(r"\s*_\s*(?=\(?(?:Ảnh|Đồ họa|Đồ hoạ)\b)", re.IGNORECASE)

# An image's alt text in slug form printed before a related headline: lower-case ASCII words, then
# the headline's capital.
ALT_SLUG = re.compile(r"^(?:[a-z0-9]+ ){3,}(?=[^\W\d_a-z])")
# A credit of the writer with the photographer: "Tin, ảnh: X", "Bài và ảnh: X", "H.V. Ảnh: Misso".
WRITER_AND_PHOTO_CREDIT = re.compile(
    r"^(?:(?:tin|bài)\s*(?:,|và|\+|&)\s*ảnh\s*:|(?:[A-ZĐ]\.\s?){1,3}[A-ZĐ]?\.?\s*ảnh\s*:)", re.IGNORECASE
)
BULLET = re.compile(r"^[*\-•]\s+")

# Prefixes of a lead that name the outlet: "(Dân trí) - ", "(NLĐO) - ", or the outlet's own names
# ("VTV.vn - ", "TTO - ": its domain, the domain's first label, the spider's lead_prefixes).
BRACKETED_SAPO_PREFIX = re.compile(r"^\s*\([^()]{2,30}\)\s*[-–—:]\s*")
# What may follow an outlet's own name in a prefix: its domain ending, then the dash.
OUTLET_NAME_TAIL = re.compile(r"^(?:\.[a-z]{2,4})*\s*[-–—]\s*", re.IGNORECASE)
# What separates a credit from the date printed after it ("PV … - Thứ sáu, ngày 11/10/2024 20:02").
CREDIT_DATE_SEPARATOR = re.compile(r"\s*[-–|]\s*$")
CREDIT_NAME_MAX_CHARS = 80
# The credit, its separator and the longest date ("Thứ sáu, ngày 11/10/2024 20:02 GMT+7").
CREDIT_LINE_MAX_CHARS = 140

# Lines taken for bylines where they stand (a credit right after the end mark).
BYLINES = BylineReader()


@dataclass
class CleanedBody:
    """The body after boilerplate removal, and what was taken out of it."""

    paragraphs: list[str]
    captions: list[str] = field(default_factory=list)
    # (rule, text) for every line taken out of the body, captions and candidates included.
    removed: list[tuple[str, str]] = field(default_factory=list)
    # Credit lines as printed ("Tác giả: X", the credit part of "PV … - <date>").
    author_lines: list[str] = field(default_factory=list)
    # Date expressions printed as their own line at the top.
    date_lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class OutletRules:
    """An outlet's own boilerplate: full-match patterns, end-of-article headings, lead prefixes."""

    patterns: tuple[re.Pattern[str], ...] = ()
    stop_headings: tuple[str, ...] = ()
    lead_prefixes: tuple[str, ...] = ()

    @staticmethod
    @cache
    def of(spider_class: type) -> OutletRules:
        """The rules a spider class declares, compiled once."""
        return OutletRules(
            tuple(re.compile(p) for p in getattr(spider_class, "boilerplate_patterns", ())),
            tuple(getattr(spider_class, "stop_headings", ())),
            tuple(getattr(spider_class, "lead_prefixes", ())),
        )


# -- small predicates --------------------------------------------------------------


def _key(text: str) -> str:
    """Text compared loosely: case, inner spacing and final punctuation ignored."""
    return " ".join(text.casefold().split()).rstrip(" .:;!?…")


def _is_prose(text: str) -> bool:
    """A real paragraph: long, and ending a sentence (not a teaser cut with "...")."""
    core = text.rstrip('"”’)»')
    return len(text) >= PROSE_MIN_CHARS and core[-1:] in FULL_STOP and not core.endswith(ELLIPSIS)


def _mostly_prose(paragraphs: Sequence[str]) -> bool:
    """True when more than half of *paragraphs* are prose: an article going on, not a related list."""
    return sum(_is_prose(p) for p in paragraphs) * 2 > len(paragraphs)


def _is_headline_like(text: str) -> bool:
    text = ALT_SLUG.sub("", text)  # "hoi thao quoc te ve … Hội thảo quốc tế về …": the alt text goes
    return len(text) <= HEADLINE_MAX_CHARS and text[-1:] not in FULL_STOP


def _stop_core(text: str) -> str:
    """A heading without its arrows, colon and spaces ("» Tin liên quan:" → "Tin liên quan")."""
    return text.strip().lstrip("»›> ").rstrip(" :»›")


class StopHeadings:
    """Headings that end an article ("Tin liên quan"), compared without case, arrows or colon."""

    def __init__(self, headings: Iterable[str]) -> None:
        self.keys = frozenset(_stop_core(h).casefold() for h in headings)
        self.longest = max(map(len, self.keys), default=0)

    def heads(self, text: str) -> bool:
        core = _stop_core(text)
        # A heading is short: a longer line is no heading (case folding never shortens a text).
        return len(core) <= self.longest and core.casefold() in self.keys


def _credit(text: str) -> re.Match[str] | None:
    """The photo credit *text* ends in, if any."""
    return CAPTION_CREDIT.search(text, max(0, len(text) - CREDIT_MAX_CHARS))


def _uncredited(text: str) -> str:
    """*text* without the photo credit it ends in (unchanged when it has none)."""
    credit = _credit(text)
    return text[: credit.start()] if credit else text


def _caption_core(uncredited: str) -> str:
    """A short paragraph without its photo credit, compared loosely (see _is_caption_pair)."""
    return _key(uncredited).rstrip(" -–—_")


def _is_caption_pair(first: str, second: str, core_first: str | None, core_second: str | None) -> bool:
    """An image's alt text and its caption printed one after the other.

    The two differ only by a photo credit and final punctuation, or one is the
    other plus a short tail that starts with punctuation ("…Trần Cương" /
    "…Trần Cương, chiều 18/2.").  A paragraph that merely starts like the line
    before it ("Hạn chế xuất khẩu" / "Hạn chế xuất khẩu là …") is not a pair.
    The cores are the two lines' ``_caption_core``, None for a line too long to be a caption.
    """
    if first == second or not core_first or not core_second:
        return False
    if core_first == core_second:
        return True
    shorter, longer = sorted((core_first, core_second), key=len)
    if len(shorter.split()) < 5 or not longer.startswith(shorter):
        return False
    tail = longer[len(shorter) :]
    return len(tail) <= CAPTION_PAIR_MAX_TAIL and tail[0] in ",.;:-–—("


def _clean_caption(text: str) -> str:
    return UNDERSCORE_BEFORE_CREDIT.sub(" - ", text).strip()


def _credit_with_date(text: str) -> tuple[str, str] | None:
    """(credit, date) of a "PV Thường trú THVN tại Trung Quốc-Thứ sáu, ngày 11/10/2024 20:02 GMT+7"
    line: a credit without digits, a dash or bar, then a date.  Not "Hà Nội, ngày …": a place
    with its date is separated by a comma."""
    if len(text) > CREDIT_LINE_MAX_CHARS:
        return None
    split = split_trailing_date(text)
    if split is None:
        return None
    head, date = split
    separator = CREDIT_DATE_SEPARATOR.search(head)
    if separator is None:
        return None
    credit = head[: separator.start()].strip()
    if not 2 <= len(credit) <= CREDIT_NAME_MAX_CHARS or any(c.isdigit() or c == "|" for c in credit):
        return None
    return credit, date


# -- the steps, in the order they run -------------------------------------------------


def _strip_markup(paragraphs: Sequence[str], body: CleanedBody) -> list[str]:
    """Markdown leftovers out: image and link lines removed, emphasis and headings stripped."""
    kept = []
    for raw in paragraphs:
        text = raw.strip()
        if not text:
            continue
        if is_image_line(text):
            body.removed.append(("md-image", text))
            continue
        if is_link_line(text):
            body.removed.append(("md-link", text))
            continue
        text = plain_text(text)
        if text:
            kept.append(text)
    return kept


def _line_rule(text: str, outlet_patterns: Sequence[re.Pattern[str]]) -> str | None:
    """The name of the line rule that removes *text*, or None."""
    unbulleted = BULLET.sub("", text)
    for name, pattern in LINE_RULES:
        if pattern.fullmatch(unbulleted):
            return name
    if any(pattern.fullmatch(text) for pattern in outlet_patterns):
        return "outlet"
    return None


def _apply_line_rules(
    paragraphs: list[str],
    body: CleanedBody,
    outlet_patterns: Sequence[re.Pattern[str]],
    stop_headings: StopHeadings,
) -> list[str]:
    kept = []
    for index, text in enumerate(paragraphs):
        if stop_headings.heads(text):
            kept.append(text)  # the cut needs to see where it stands
            continue
        rule = _line_rule(text, outlet_patterns)
        if rule is not None:
            body.removed.append((rule, text))
            continue
        if AUTHOR_LABEL.match(text) and len(text) <= AUTHOR_LINE_MAX_CHARS:
            body.author_lines.append(text)
            body.removed.append(("author-line", text))
            continue
        if index < TOP_PARAGRAPHS:
            if date := whole_line_date(text):
                body.date_lines.append(date)
                body.removed.append(("date-line", text))
                continue
            if credit := _credit_with_date(text):
                body.author_lines.append(credit[0])
                body.date_lines.append(credit[1])
                body.removed.append(("credit-date-line", text))
                continue
        kept.append(text)
    return kept


def _cut_at_stop_heading(paragraphs: list[str], body: CleanedBody, stop_headings: StopHeadings) -> list[str]:
    """A stop heading ends the article, unless it heads an inline box of headlines.

    A box is inline among the first paragraphs, or further down when the
    article goes on after its headlines (what follows is mostly prose).
    """
    index = 0
    while index < len(paragraphs):
        if not stop_headings.heads(paragraphs[index]):
            index += 1
            continue
        end = index + 1
        while end < len(paragraphs) and _is_headline_like(paragraphs[end]):
            end += 1
        article_goes_on = end > index + 1 and end < len(paragraphs) and _mostly_prose(paragraphs[end:])
        if index >= INLINE_BOX_PARAGRAPHS and not article_goes_on:
            body.removed.append(("stop-heading", paragraphs[index]))
            body.removed.extend(("after-stop-heading", text) for text in paragraphs[index + 1 :])
            return paragraphs[:index]
        # An inline "TIN LIÊN QUAN" box: the heading and its headlines only.
        body.removed.append(("stop-heading", paragraphs[index]))
        body.removed.extend(("related-box", text) for text in paragraphs[index + 1 : end])
        paragraphs = paragraphs[:index] + paragraphs[end:]
    return paragraphs


def _cut_after_end_mark(paragraphs: list[str], body: CleanedBody) -> list[str]:
    """Strip "./." and drop what follows it, unless what follows is mostly prose.

    An end mark in the middle of a body is usually followed by a related block
    or footer; but a roundup may close one item with "./." and go on, so a tail
    where more than half of the paragraphs are prose is kept.  A credit line
    right after the mark ("Như Tâm") stays, last, for the byline step.
    """
    for index, text in enumerate(paragraphs):
        mark = END_MARK.search(text, max(0, len(text) - END_MARK_SPAN))
        if mark is None:
            continue
        body.removed.append(("end-mark", mark.group(0).strip()))
        stripped = text[: mark.start()].rstrip()
        paragraphs[index] = stripped if stripped[-1:] in SENTENCE_END else stripped + "."
        tail = paragraphs[index + 1 :]
        if not tail or _mostly_prose(tail):
            continue
        keep = index + 2 if BYLINES.looks_like_byline(tail[0]) else index + 1
        body.removed.extend(("after-end-mark", t) for t in paragraphs[keep:])
        return paragraphs[:keep]
    return paragraphs


def _cut_related_run(paragraphs: list[str], body: CleanedBody) -> list[str]:
    """From the first headline printed twice late in the body, the rest is related news.

    "Late" is the latter half of the body or after three prose paragraphs, and
    the rest must not be mostly prose; an earlier repeat (the title printed
    again near the top, an image alt equal to its caption) only loses its copy.
    """
    kept: list[str] = []
    prose_seen = 0
    for index, text in enumerate(paragraphs):
        if index == 0 or text != paragraphs[index - 1]:
            kept.append(text)
            prose_seen += _is_prose(text)
            continue
        first = index - 1
        while first > 0 and paragraphs[first - 1] == text:
            first -= 1  # a line printed three times: the run starts at its first copy
        late = prose_seen >= 3 or first >= len(paragraphs) / 2
        if late and not _credit(text) and not _mostly_prose(paragraphs[first:]):
            body.removed.extend(("related-run", t) for t in paragraphs[first:])
            return paragraphs[:first]
        body.removed.append(("duplicate", text))
    return kept


def _cut_trailing_teasers(paragraphs: list[str], body: CleanedBody) -> list[str]:
    """Teasers of other articles after the last one ("… sớm triển khai các dự ..."): cut short with an
    ellipsis, they end no article."""
    kept = list(paragraphs)
    while len(kept) > 1 and kept[-1].rstrip().endswith(ELLIPSIS) and len(kept[-1]) <= CAPTION_MAX_CHARS:
        body.removed.append(("teaser", kept.pop()))
    return kept


def _take_captions(paragraphs: list[str], body: CleanedBody) -> list[str]:
    """Captions out of the body: lines ending in a photo credit, and alt + caption pairs.

    Of a pair the longer line is kept as the caption: it is the fuller text,
    credit included ("… với Việt Nam - Ảnh: TTXVN" over "… với Việt Nam.").
    """
    # Each paragraph short enough to be a caption without its credit (None: too long), and compared
    # loosely: the pair test sees every paragraph twice.
    uncredited = [_uncredited(text) if len(text) <= CAPTION_MAX_CHARS else None for text in paragraphs]
    cores = [_caption_core(bare) if bare is not None else None for bare in uncredited]
    kept = []
    index = 0
    while index < len(paragraphs):
        text = paragraphs[index]
        following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
        if following is not None and _is_caption_pair(text, following, cores[index], cores[index + 1]):
            caption, alt = (text, following) if len(text) >= len(following) else (following, text)
            body.captions.append(_clean_caption(caption))
            body.removed.append(("caption", caption))
            body.removed.append(("caption-alt", alt))
            index += 2
            continue
        bare = uncredited[index]
        if bare is None or WRITER_AND_PHOTO_CREDIT.match(text):
            kept.append(text)  # a credit line, for the byline step
        elif bare != text and bare.strip():
            body.captions.append(_clean_caption(text))
            body.removed.append(("caption", text))
        elif not bare.strip():
            body.removed.append(("credit", text))  # a credit on its own line ("Ảnh: TTXVN")
        else:
            kept.append(text)
        index += 1
    return kept


def _is_sapo(text: str, sapo_key: str, outlet: str | None, prefixes: Sequence[str]) -> bool:
    text_key = _key(strip_sapo_prefix(text, outlet, prefixes) or "")
    if text_key == sapo_key:
        return True
    # The lead cut short in the body: "Trong chuyến thăm …, Chủ tịch nước ...".
    return text.endswith(ELLIPSIS) and len(text_key) >= 40 and sapo_key.startswith(text_key)


def _drop_title_and_sapo(
    paragraphs: list[str],
    body: CleanedBody,
    title: str | None,
    sapo: str | None,
    outlet: str | None,
    prefixes: Sequence[str],
) -> list[str]:
    title_key = _key(title) if title else None
    sapo_key = _key(strip_sapo_prefix(sapo, outlet, prefixes) or "") if sapo else None
    kept = []
    for text in paragraphs:
        # A paragraph more than twice the title's length is not the title, whatever its case and spaces.
        if title_key and len(text) <= 2 * len(title_key) and _key(text) == title_key:
            body.removed.append(("title", text))
        elif sapo_key and len(kept) < 3 and _is_sapo(text, sapo_key, outlet, prefixes):
            body.removed.append(("sapo", text))
        else:
            kept.append(text)
    return kept


def _continues(previous: str, following: str, context: str) -> bool:
    """True when *following* is the rest of *previous*, split in the middle of a sentence.

    Either the next paragraph starts in lowercase ("… đánh giá cao tình" /
    "cảm, sự ủng hộ …"), or a long paragraph stops inside a name ("… Nguyễn Phú"
    / "Trọng bày tỏ …"): both words capitalised, and the two words together occur
    elsewhere in the article ("Phú Trọng").  A subheading ("Hạn chế xuất khẩu
    nhiên liệu" / "Ngày 5/3, …") is never joined.
    """
    if previous[-1] in SENTENCE_END:
        return False
    if following[0].islower():
        return True
    if len(previous) <= SPLIT_NAME_MIN_CHARS or not following[0].isupper():
        return False
    last_word, first_word = previous.split()[-1], following.split()[0]
    if not (last_word.isalpha() and last_word[0].isupper() and first_word.isalpha()):
        return False
    return f"{last_word} {first_word}" in context


def _rejoin_split(paragraphs: list[str], context: str) -> list[str]:
    joined: list[str] = []
    for text in paragraphs:
        if joined and _continues(joined[-1], text, context):
            joined[-1] = f"{joined[-1]} {text}"
        else:
            joined.append(text)
    return joined


def clean_paragraphs(
    paragraphs: list[str],
    *,
    title: str | None = None,
    sapo: str | None = None,
    outlet: str | None = None,
    rules: OutletRules = OutletRules(),
) -> CleanedBody:
    """The body paragraphs without boilerplate (see the module docstring for the rules).

    *paragraphs* are NFC, whitespace-collapsed, one paragraph an entry; *outlet* is the
    outlet's domain and *rules* its own boilerplate.
    """
    body = CleanedBody(paragraphs=[])
    stops = StopHeadings([*STOP_HEADINGS, *rules.stop_headings])
    kept = _strip_markup(paragraphs, body)
    kept = _apply_line_rules(kept, body, rules.patterns, stops)
    kept = _cut_at_stop_heading(kept, body, stops)
    kept = _cut_after_end_mark(kept, body)
    kept = _cut_related_run(kept, body)
    kept = _cut_trailing_teasers(kept, body)
    kept = _take_captions(kept, body)
    kept = _drop_title_and_sapo(kept, body, title, sapo, outlet, rules.lead_prefixes)
    context = "\n".join([*kept, title or "", sapo or ""])
    body.paragraphs = _rejoin_split(kept, context)
    return body


def strip_sapo_prefix(
    sapo: str | None, outlet: str | None = None, prefixes: Sequence[str] = ()
) -> str | None:
    """The lead without the prefix that names the outlet: "(Dân trí) - ", its domain or the domain's
    first label ("VTV.vn - ", "VOV.VN - "), or one of *prefixes* ("TTO - ")."""
    if sapo is None:
        return None
    text = sapo.strip()
    names = {*prefixes, outlet or "", (outlet or "").split(".")[0]}
    for name in sorted(filter(None, names), key=len, reverse=True):
        if text.casefold().startswith(name.casefold()):
            tail = OUTLET_NAME_TAIL.match(text[len(name) :])
            if tail:
                text = text[len(name) + tail.end() :]
                break
    text = BRACKETED_SAPO_PREFIX.sub("", text, count=1).strip()
    return text or None


def author_name(line: str) -> str:
    """A credit line without its label ("Tác giả: Bảo Chi" → "Bảo Chi")."""
    return AUTHOR_LABEL.sub("", line).strip()


class BoilerplatePipeline(ArticlePipeline):
    """Cleans ``draft.paragraphs`` and moves captions, credit and date lines where they belong."""

    def process(self, item: ArticleDraft, spider: Any) -> ArticleDraft:
        draft = item
        rules = OutletRules.of(type(spider)) if spider is not None else OutletRules()
        draft.sapo = strip_sapo_prefix(draft.sapo, draft.outlet or None, rules.lead_prefixes)
        cleaned = clean_paragraphs(
            draft.paragraphs, title=draft.title, sapo=draft.sapo, outlet=draft.outlet or None, rules=rules
        )
        draft.paragraphs = cleaned.paragraphs
        draft.removed.extend(cleaned.removed)
        for rule, _ in cleaned.removed:
            self.stats.inc_value(f"vnnews/boilerplate/{rule}")
        for caption in cleaned.captions:
            folded = caption.casefold()
            if not any(image.caption and folded in image.caption.casefold() for image in draft.images):
                draft.images.append(Image(url=None, caption=caption))
        draft.authors_raw.extend(AuthorCandidate(author_name(line), "text") for line in cleaned.author_lines)
        draft.dates.extend(DateCandidate(line, "text") for line in cleaned.date_lines)
        return draft

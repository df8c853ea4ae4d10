"""Who wrote the article: personal names, the credit line as printed, the agency credited.

Vietnamese outlets print credits in many shapes: a last body line "Như Tâm",
"Hà Thu (tổng hợp)", "Minh Anh (theo Reuters)", "Thanh Tùng/TTXVN", an author
element "Giáp Công - Phạm Bằng", a staff credit "PV" or a reporter described by
role only ("PV Thường trú THVN tại Trung Quốc"), and structured data that often
names the outlet itself ("VnExpress").  :func:`parse_byline` reads one such
string; :class:`BylinePipeline` takes the credit line out of the body and
chooses among the candidates the page gave.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from crawler.items import ArticleDraft, AuthorCandidate
from pipelines.base import ArticlePipeline

if TYPE_CHECKING:
    from scrapy import Spider

# Credits that name staff but no person: the line is a real credit (kept as the
# byline), it just has no author.  Compared folded (see _fold).
STAFF_PLACEHOLDERS = frozenset(
    {
        "pv",
        "nhompv",
        "phongvien",
        "nhomphongvien",
        "btv",
        "nhombtv",
        "bientapvien",
        "ctv",
        "nhomctv",
        "congtacvien",
        "bbt",
        "banbientap",
        "tonghop",
        "nhomtacgia",
        "nhomthuchien",
    }
)
# Values that say nothing at all: no author, no byline.
EMPTY_PLACEHOLDERS = frozenset(
    {"dangcapnhat", "admin", "administrator", "quantrivien", "unknown", "khuyetdanh", "none", "null"}
)

# Agencies and outlets credited as the origin of a story, folded.
KNOWN_AGENCIES = frozenset(
    {
        "ttxvn",
        "vna",
        "thongtanxavietnam",
        "reuters",
        "afp",
        "ap",
        "apnews",
        "bloomberg",
        "cnn",
        "bbc",
        "xinhua",
        "tanhoaxa",
        "sputnik",
        "tass",
        "ria",
        "rianovosti",
        "interfax",
        "yonhap",
        "kyodo",
        "nhk",
        "dpa",
        "efe",
        "ansa",
        "cctv",
        "cgtn",
        "globaltimes",
        "nikkei",
        "nikkeiasia",
        "scmp",
        "aljazeera",
        "guardian",
        "theguardian",
        "nytimes",
        "newyorktimes",
        "washingtonpost",
        "wsj",
        "financialtimes",
        "ft",
        "forbes",
        "vov",
        "vtv",
        "nhandan",
        "baonhandan",
        "vietnamplus",
        "vietnam+",
        "ttxvnvietnam+",
        "chinhphuvn",
        "baochinhphu",
        "congthongtindientuchinhphu",
        "qdnd",
        "quandoinhandan",
        "baoquandoinhandan",
        "cand",
        "congannhandan",
        "baocongannhandan",
        "tintuc",
        "baotintuc",
    }
)

# Names an outlet gives itself in author fields, by domain.  With an outlet
# given, its domain, the domain's first label ("vtv") and "Báo (điện tử) <label>"
# count as well.
OUTLET_NAMES: dict[str, tuple[str, ...]] = {
    "vnexpress.net": ("VnExpress", "Báo VnExpress", "VnE"),
    "baoquocte.vn": ("Báo Thế giới và Việt Nam", "Thế giới và Việt Nam", "TG&VN", "TGVN", "Báo Quốc tế"),
    "vtv.vn": ("Báo điện tử VTV", "VTV Digital", "VTV News", "VTV Online"),
    "nguoilambao.vn": ("Người Làm Báo", "Tạp chí Người Làm Báo"),
    "biengioilanhtho.gov.vn": ("Ủy ban Biên giới quốc gia", "Uỷ ban Biên giới quốc gia"),
    "tuoitre.vn": ("Tuổi Trẻ", "Báo Tuổi Trẻ", "Tuổi Trẻ Online", "TTO"),
    "dantri.com.vn": ("Dân trí", "Báo Dân trí"),
    "thanhnien.vn": ("Thanh Niên", "Báo Thanh Niên"),
    "vietnamplus.vn": ("VietnamPlus", "Vietnam+", "Báo điện tử VietnamPlus"),
    "nhandan.vn": ("Nhân Dân", "Báo Nhân Dân", "Báo Nhân Dân điện tử"),
}

# Words and phrases that make a capitalised run a description, not a person.
ROLE_WORDS = frozenset({"tại", "của", "báo", "ban", "bộ", "sở", "nhóm", "admin"})
ROLE_PHRASES = (
    "thường trú",
    "phóng viên",
    "biên tập",
    "cộng tác",
    "tổng hợp",
    "trung tâm",
    "ủy ban",
    "uỷ ban",
    "văn phòng",
    "thông tấn",
    "truyền hình",
    "phát thanh",
    "tiếng nói",
    "cơ quan",
    "công ty",
    "tạp chí",
    "điện tử",
)
# Capitalised words that end or label a body rather than name someone.
NOT_NAME_WORDS = frozenset(
    {"tin", "video", "ảnh", "clip", "hết", "xem", "thêm", "đọc", "nguồn", "theo", "phần", "chương", "mục"}
)

# A date glued to the credit: "PV …-Thứ sáu, ngày 11/10/2024 20:02 GMT+7".
TRAILING_DATE = re.compile(
    r"\s*[-–|,]?\s*(?:(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật)\s*,?\s*)?"
    r"(?:ngày\s+)?(?:\d{1,2}:\d{2}\s+)?\d{1,2}/\d{1,2}/\d{2,4}\b.*$",
    re.IGNORECASE,
)
END_MARK = re.compile(r"\s*\./\.\s*$")
PARENTHETICAL = re.compile(r"\(([^()]*)\)")
# "Tác giả:", "Bài và ảnh:", "Bài, ảnh:", "Thực hiện:" … anywhere in the line.
ROLE_LABEL = re.compile(
    r"(?<!\w)(?:tác giả|(?:bài|tin)(?:\s*(?:,|và|\+|&)\s*(?:ảnh|video|clip))?|ảnh|video|clip|"
    r"thực hiện|biên dịch|lược dịch|dịch|đồ họa|đồ hoạ|trình bày|thiết kế|nội dung|ghi chép|ghi)\s*:\s*",
    re.IGNORECASE,
)
# "PV Minh Anh", "Nhà báo Minh Anh": a role word before the name.
ROLE_PREFIX = re.compile(
    r"^(?:nhóm\s+pv|nhóm\s+phóng\s+viên|pv|phóng\s+viên|btv|biên\s+tập\s+viên|ctv|cộng\s+tác\s+viên|nhà\s+báo)"
    r"(?:\s+|\s*:\s*|$)",
    re.IGNORECASE,
)
ROLE_SUFFIX = re.compile(r"\s+(?:tổng hợp|thực hiện|lược dịch|biên dịch)$", re.IGNORECASE)
# What a parenthesis may hold after a name without naming a source.
ROLE_NOTES = frozenset({"tonghop", "thuchien", "luocdich", "biendich", "dich", "bientap"})
# "Theo Reuters", "Nguồn: TTXVN".
CREDIT = re.compile(r"^(?:theo|nguồn)\b\s*:?\s*(.*)$", re.IGNORECASE)
CREDIT_ANYWHERE = re.compile(r"(?:^|\()\s*(?:theo|nguồn)\b", re.IGNORECASE)
# Joint bylines: "A - B", "A, B", "A; B", "A và B", "A/B", "A – B", "A & B".
SEPARATOR = re.compile(r"\s+-\s+|\s*[–—,;/&|]\s*|\s+(?:và|and)\s+", re.IGNORECASE)
ACRONYM = re.compile(r"^[A-ZĐ]{2,8}\+?$")
SOURCE_PREFIX = re.compile(
    r"^(?:báo|đài|tạp chí|thông tấn xã|hãng tin|kênh|cổng thông tin)\s+\S", re.IGNORECASE
)
DOMAIN = re.compile(r"^(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)+/?$", re.IGNORECASE)
URL_PREFIX = re.compile(r"^(?:https?://)?(?:www\.)?", re.IGNORECASE)
# A sentence ends inside the line (or with "!"/"?"): prose, not a credit.
SENTENCE_END = re.compile(r"[.!?](?:\s|$)|[!?]")
# A bare name line at the top of a body: 2–4 words, letters only.
BARE_NAME_LINE = re.compile(r"^[^\W\d_]+(?: [^\W\d_]+){1,3}$")

BYLINE_MAX_CHARS = 60
CREDITED_BYLINE_MAX_CHARS = 100
NAME_MAX_CHARS = 50
# Candidate origins, most faithful first: the page's own author element, then
# the credit line of the text; structured data often names the outlet itself.
ORIGIN_PRIORITY = {"page": 0, "text": 1, "meta": 2, "json-ld": 3}


@dataclass
class Byline:
    authors: list[str]
    byline: str | None
    source: str | None


@dataclass
class _Reading:
    """What one credit string holds, with what the decisions need to know."""

    printed: str
    authors: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    staff: bool = False  # "PV", "Nhóm PV", "Ban biên tập"...
    empty: bool = False  # "Đang cập nhật", the outlet naming itself...
    role: bool = False  # "PV Thường trú THVN tại Trung Quốc": a reporter by role
    unrecognised: list[str] = field(default_factory=list)
    had_date: bool = False

    @property
    def found(self) -> bool:
        return bool(self.authors or self.sources or self.staff or self.empty or self.role)


# The ASCII bytes _fold drops: all but letters, digits and "+".
_NOT_FOLDED = bytes(c for c in range(128) if not (chr(c).isalnum() or chr(c) == "+"))


@lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    """Lowercase ASCII letters and digits only: "Báo điện tử VTV" → "baodientuvtv".

    Cached: reading one byline folds the same text four or five times (as a name, a host,
    a known source), and an outlet's bylines repeat its journalists' names."""
    text = text.casefold().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    # Accents and other non-ASCII characters dropped by the encoding, the rest by one translate:
    # a Python loop over each character costs several times more (this runs ~150 times a page).
    return decomposed.encode("ascii", "ignore").translate(None, _NOT_FOLDED).decode("ascii")


def _fold_host(text: str) -> str:
    return _fold(URL_PREFIX.sub("", text.strip()).rstrip("/"))


@lru_cache(maxsize=64)
def _outlet_names(outlet: str | None) -> frozenset[str]:
    """Folded names by which *outlet* credits itself; every known outlet's when None."""
    if outlet is None:
        names = {_fold(domain) for domain in OUTLET_NAMES}
        for known in OUTLET_NAMES.values():
            names.update(_fold(name) for name in known)
        return frozenset(names)
    host = URL_PREFIX.sub("", outlet.strip().casefold()).split("/")[0]
    label = _fold(host.split(".")[0])
    names = {_fold(host), label} | {prefix + label for prefix in ("bao", "baodientu", "tapchi", "trang")}
    for domain, known in OUTLET_NAMES.items():
        if domain == host or _fold(domain.split(".")[0]) == label:
            names.add(_fold(domain))
            names.update(_fold(name) for name in known)
    names.discard("")
    return frozenset(names)


def _is_outlet_credit(text: str, outlet: str | None) -> bool:
    """True when *text* is the outlet naming itself (by name, domain or URL)."""
    folded = _fold_host(text)
    if not folded:
        return False
    if outlet is not None:
        return folded in _outlet_names(outlet)
    # Without an outlet, an agency is a source, not a self-credit ("VTV", "Nhân Dân").
    return folded not in KNOWN_AGENCIES and folded in _outlet_names(None)


def _is_known_source(text: str) -> bool:
    return _fold_host(text) in KNOWN_AGENCIES or _fold(text) in _outlet_names(None)


def _looks_like_source(text: str) -> bool:
    """A credit to an organisation: an acronym, "Báo …", "Đài …", a domain."""
    return bool(ACRONYM.match(text) or SOURCE_PREFIX.match(text) or DOMAIN.match(text))


def _as_name(text: str) -> str | None:
    """*text* as a personal name, or None when it does not have a person's name shape.

    Two to five words (one word is too often "Hết", "Video" or an agency to
    trust), each capitalised, letters only, none of the role words.  A name
    printed in capitals ("THANH HÀ", tuoitre style) is returned title-cased.
    """
    words = text.split()
    if not 2 <= len(words) <= 5 or len(text) > NAME_MAX_CHARS:
        return None
    all_caps = text.isupper()
    for word in words:
        core = word.replace("-", "").replace("'", "").replace("’", "")
        if not core.isalpha() or not word[0].isupper() or not word[-1].isalpha():
            return None
        # An acronym inside a mixed-case run ("Minh Anh TTXVN") is not part of a name.
        if not all_caps and len(word) > 1 and word.isupper():
            return None
        if word.casefold() in ROLE_WORDS or word.casefold() in NOT_NAME_WORDS:
            return None
    spaced = f" {text.casefold()} "
    if any(f" {phrase} " in spaced for phrase in ROLE_PHRASES):
        return None
    return text.title() if all_caps else text


def _add_source(reading: _Reading, text: str, outlet: str | None) -> None:
    text = text.strip(" .:")
    if not text:
        return
    if outlet is not None and _is_outlet_credit(text, outlet):
        reading.empty = True
    elif text not in reading.sources:
        reading.sources.append(text)


def _add_credit(reading: _Reading, credited: str, outlet: str | None, printed: str) -> None:
    """The X of "theo X": a source, unless it reads as prose ("Theo đó, giá vàng tăng")."""
    credited = credited.strip(" .:")
    if outlet is not None and _is_outlet_credit(credited, outlet):
        reading.empty = True
        return
    parts = [part for part in SEPARATOR.split(credited) if part]
    if not parts or any(part[0].islower() and not DOMAIN.match(part) for part in parts):
        reading.unrecognised.append(printed)
    else:
        _add_source(reading, credited, outlet)


def _read_part(reading: _Reading, part: str, outlet: str | None) -> None:
    part = part.strip(" .:")
    if not part:
        return
    folded = _fold(part)
    if folded in EMPTY_PLACEHOLDERS or _is_outlet_credit(part, outlet):
        reading.empty = True
        return
    if folded in STAFF_PLACEHOLDERS:
        reading.staff = True
        return
    credit = CREDIT.match(part)
    if credit:
        _add_credit(reading, credit.group(1), outlet, part)
        return
    if _is_known_source(part):
        _add_source(reading, part, outlet)
        return
    rest = part
    has_role = False
    while prefix := ROLE_PREFIX.match(rest):
        has_role = True
        rest = rest[prefix.end() :].strip()
    rest = ROLE_SUFFIX.sub("", rest).strip(" .:")
    if not rest:
        reading.staff = True
        return
    name = _as_name(rest)
    if name is not None:
        reading.authors.append(name)
    elif _looks_like_source(rest):
        _add_source(reading, rest, outlet)
    elif has_role:
        reading.role = True
    else:
        reading.unrecognised.append(part)


def _read(raw: str, outlet: str | None) -> _Reading:
    text = without_markup_edges(raw)
    undated = TRAILING_DATE.sub("", text)
    had_date = undated != text
    text = END_MARK.sub("", undated).strip()
    if text.endswith("."):
        text = text[:-1].rstrip()
    reading = _Reading(printed=text, had_date=had_date)
    if not text:
        return reading

    # The whole line first: names that hold a separator ("Báo Thế giới và Việt Nam").
    folded = _fold(text)
    if folded in EMPTY_PLACEHOLDERS or _is_outlet_credit(text, outlet):
        reading.empty = True
        return reading
    if folded in STAFF_PLACEHOLDERS:
        reading.staff = True
        return reading
    if _is_known_source(text):
        _add_source(reading, text, outlet)
        return reading

    # Parentheses after a name: "(theo AFP, Reuters)", "(tổng hợp)", "(TTXVN)".
    for match in PARENTHETICAL.finditer(text):
        inner = match.group(1).strip()
        credit = CREDIT.match(inner)
        if credit:
            _add_credit(reading, credit.group(1), outlet, match.group(0))
        elif _fold(inner) in ROLE_NOTES:
            continue
        elif _is_known_source(inner) or _looks_like_source(inner):
            _add_source(reading, inner, outlet)
    rest = ROLE_LABEL.sub(" ; ", PARENTHETICAL.sub(" ", text)).strip(" ;")

    # "Theo AFP, Reuters": everything after "Theo" is the credit, as printed.
    credit = CREDIT.match(rest)
    if credit:
        _add_credit(reading, credit.group(1), outlet, rest)
        return reading
    for part in SEPARATOR.split(rest):
        _read_part(reading, part, outlet)
    return reading


def parse_byline(raw: str, *, outlet: str | None = None) -> Byline:
    """The authors, printed credit and source in one credit string.

    ``authors`` are personal names only (two to five capitalised words; role
    words, placeholders, agencies and the outlet's own name are not names).
    ``byline`` is the credit as printed, less Markdown emphasis, a glued-on date
    and a final full stop; it is kept for staff credits ("PV", "Nhóm PV",
    "Tổng hợp") and role lines ("PV Thường trú THVN tại Trung Quốc"), and None
    when the string says nothing ("Đang cập nhật", "Admin", "Tác giả: Đang cập
    nhật", the outlet naming itself).  ``source`` is the agency or outlet
    credited ("Theo TTXVN", "Thu Hà/VOV", "(theo AFP, Reuters)" → "AFP, Reuters"),
    several joined with ", ".  With *outlet* (a domain such as "vtv.vn"), its
    name, domain and URL in any case or spelling are self-credits; without it,
    every outlet in :data:`OUTLET_NAMES` is, except those that are also agencies.
    A single word is never taken for a name ("Hết", "Video" end bodies too
    often).  Text that is no credit at all keeps its byline; tell credit lines
    from prose with :func:`looks_like_byline`.
    """
    reading = _read(raw, outlet)
    says_something = reading.authors or reading.sources or reading.staff or reading.role
    byline = reading.printed if (says_something or reading.unrecognised) else None
    return Byline(
        authors=_unique(reading.authors),
        byline=byline,
        source=", ".join(reading.sources) or None,
    )


def without_markup_edges(text: str) -> str:
    """*text* without the spaces, "*" and "_" around it (Markdown emphasis a dump left).  The same
    as removing ``^[\\s*_]+|[\\s*_]+$``, whose ``$`` branch a regex engine tries at every position."""
    while True:
        stripped = text.strip().strip("*_")
        if stripped == text:
            return text
        text = stripped


def looks_like_byline(paragraph: str, *, outlet: str | None = None) -> bool:
    """True when *paragraph* is a credit line rather than prose or a subheading.

    Short (60 characters, 100 with a "theo …" credit), no sentence inside (a
    final full stop only after a "theo …" credit), no date, and every part of it
    is a name, a placeholder ("PV", "Nhóm PV"), a role or a source.
    """
    # Length first: the body's last paragraph is usually long prose, and the patterns scan all of it.
    text = without_markup_edges(paragraph)
    if not text or len(text) > CREDITED_BYLINE_MAX_CHARS:
        return False
    credited = bool(CREDIT_ANYWHERE.search(text))
    if len(text) > BYLINE_MAX_CHARS and not credited:
        return False
    core = text
    if core.endswith("."):
        if not credited:
            return False
        core = core[:-1]
    if SENTENCE_END.search(core):
        return False
    reading = _read(text, outlet)
    return reading.found and not reading.unrecognised and not reading.had_date


def _is_bare_name_line(paragraph: str, outlet: str | None) -> bool:
    """A first paragraph that is only a name ("Bảo Chi" under a baoquocte title)."""
    if not BARE_NAME_LINE.match(paragraph):
        return False
    reading = _read(paragraph, outlet)
    return len(reading.authors) == 1 and not (reading.sources or reading.unrecognised or reading.role)


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    unique = []
    for name in names:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            unique.append(name)
    return unique


class BylinePipeline(ArticlePipeline):
    """Takes the credit line out of the body and decides authors, byline and source."""

    def process(self, item: Any, spider: Spider | None) -> Any:
        draft: ArticleDraft = item
        outlet = draft.outlet or None
        self._take_credit_lines(draft, outlet)

        readings = [
            (candidate, parse_byline(candidate.raw, outlet=outlet))
            for candidate in sorted(draft.authors_raw, key=lambda c: ORIGIN_PRIORITY.get(c.origin, 4))
            if candidate.raw and candidate.raw.strip()
        ]
        winner = next(((c, parsed) for c, parsed in readings if parsed.authors or parsed.source), None)
        if winner is not None:
            # Structured data lists each author apart (JSON-LD "author": [..]): every
            # candidate of the winning origin counts, not only the first.
            same_origin = [p for c, p in readings if c.origin == winner[0].origin and (p.authors or p.source)]
            draft.authors = _unique([name for p in same_origin for name in p.authors])
            draft.byline = " - ".join(_unique([p.byline for p in same_origin if p.byline])) or None
            draft.source = winner[1].source or next((p.source for _, p in readings if p.source), None)
        else:
            # No name anywhere: keep the most faithful credit that says something
            # (a role line, "PV").
            draft.authors = []
            draft.byline = next((parsed.byline for _, parsed in readings if parsed.byline), None)
            draft.source = None
        self.stats.inc_value("vnnews/authors/found" if draft.authors else "vnnews/authors/missing")
        return draft

    def _take_credit_lines(self, draft: ArticleDraft, outlet: str | None) -> None:
        if draft.paragraphs and looks_like_byline(draft.paragraphs[-1], outlet=outlet):
            self._take(draft, draft.paragraphs.pop())
        if len(draft.paragraphs) > 1 and _is_bare_name_line(draft.paragraphs[0], outlet):
            self._take(draft, draft.paragraphs.pop(0))

    @staticmethod
    def _take(draft: ArticleDraft, text: str) -> None:
        draft.removed.append(("byline", text))
        draft.authors_raw.append(AuthorCandidate(text, "text"))

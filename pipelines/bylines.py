"""Who wrote the article: personal names, the credit line as printed, the agency credited.

Vietnamese outlets print credits in many shapes: a last body line "Như Tâm",
"Hà Thu (tổng hợp)", "Minh Anh (theo Reuters)", "Thanh Tùng/TTXVN", an author
element "Giáp Công - Phạm Bằng", a staff credit "PV" or a reporter described by
role only ("PV Thường trú THVN tại Trung Quốc"), and structured data that often
names the outlet itself ("VnExpress").  A :class:`BylineReader` reads one such
string for one outlet, knowing the names every outlet credits itself by (its
spider's ``self_names``); :class:`BylinePipeline` takes the credit line out of
the body and chooses among the candidates the page gave.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from crawler.items import ArticleDraft, AuthorCandidate
from pipelines.base import ArticlePipeline
from pipelines.text.dates import find_datetime
from pipelines.text.markdown import without_emphasis
from pipelines.text.words import fold

# Credits that name staff but no person: the line is a real credit (kept as the
# byline), it just has no author.  Compared as keys (see _key).
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
        # Vietnamese outlets other pages credit ("Theo Thanh Niên", "Theo Người Lao Động"): two
        # capitalised words that would otherwise read as a person's name.
        "thanhnien",
        "tuoitre",
        "dantri",
        "laodong",
        "nguoilaodong",
        "tienphong",
        "vietnamnet",
        "zing",
        "zingnews",
        "kenh14",
        "k14",
        "infonet",
        "ngoisao",
        "vtcnews",
        "vtc",
        "phunu",
        "phunuonline",
        "giadinh",
        "suckhoedoisong",
        "doisongphapluat",
        "phapluat",
        "plo",
        "sggp",
        "saigongiaiphong",
        "hanoimoi",
        "kinhtedothi",
        "anninhthudo",
        "cafef",
        "cafebiz",
        "vneconomy",
        "thanhtra",
        "giaoducthoidai",
        "nongnghiep",
        "baoquocte",
        "thegioivietnam",
    }
)

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

END_MARK = re.compile(r"\s*\./\.\s*$")
PARENTHETICAL = re.compile(r"\(([^()]*)\)")
# "Tác giả:", "Bài và ảnh:", "Bài, ảnh:", "Thực hiện:" … anywhere in the line.
ROLE_LABEL = re.compile(
    r"(?<!\w)(?:tác giả|(?:bài|tin)(?:\s*(?:,|và|\+|&)\s*(?:ảnh|video|clip))?|ảnh|video|clip|"
    r"thực hiện|biên dịch|lược dịch|dịch|đồ họa|đồ hoạ|trình bày|thiết kế|nội dung|ghi chép|ghi)\s*:\s*",
    re.IGNORECASE,
)
# Labels of a credit for the pictures only: the name after them is no author ("H.V. Ảnh: Misso").
PHOTO_LABEL = re.compile(r"^(?:ảnh|video|clip|đồ\s*họa|đồ\s*hoạ|trình\s*bày|thiết\s*kế)\b", re.IGNORECASE)
# A signature of initials: "Q.C", "H.V.", "K. Miên", "K.Miên", "TP".
INITIALS = re.compile(r"^(?:[A-ZĐ]\.\s?){1,3}(?:[A-ZĐ]\.?|[A-ZĐ][^\W\d_]+)?$|^[A-ZĐ]{2}$")
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
TRAILING_CREDIT_LINES = 3
SINGLE_NAME = re.compile(r"^[A-ZĐ][^\W\d_]{2,20}$")
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


_NOT_KEY = re.compile(r"[^a-z0-9+]")


def _key(text: str) -> str:
    """*text* folded to lowercase ASCII letters, digits and "+": "Báo điện tử VTV" → "baodientuvtv"."""
    return _NOT_KEY.sub("", fold(text))


def _host_key(text: str) -> str:
    return _key(URL_PREFIX.sub("", text.strip()).rstrip("/"))


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


def _own_names(outlet: str, self_names: Sequence[str]) -> frozenset[str]:
    """The keys of the names *outlet* credits itself by: *self_names*, its domain, the domain's first
    label ("vtv") and the label after "Báo", "Báo điện tử", "Tạp chí" or "Trang"."""
    host = URL_PREFIX.sub("", outlet.strip().casefold()).split("/")[0]
    label = _key(host.split(".")[0])
    names = {_key(host), label} | {prefix + label for prefix in ("bao", "baodientu", "tapchi", "trang")}
    names.update(_key(name) for name in self_names)
    names.discard("")
    return frozenset(names)


class BylineReader:
    """Reads credit strings as one outlet prints them.

    *outlet* is its domain ("vtv.vn"); *known* maps the domain of every outlet the
    project knows to the names it credits itself by (the spiders' ``self_names``).
    The outlet's own names are self-credits: no author, no source.  Another known
    outlet credited is a source.  Without an outlet, every known outlet's name that
    is not also an agency ("VTV", "Nhân Dân") is a self-credit.
    """

    def __init__(self, outlet: str | None = None, known: Mapping[str, Sequence[str]] | None = None) -> None:
        known = known or {}
        self.outlet = outlet
        self.own = _own_names(outlet, known.get(outlet, ())) if outlet else None
        every = {_key(domain) for domain in known} | {
            _key(name) for names in known.values() for name in names
        }
        self.known_outlets = frozenset(every)

    # -- what a part names -----------------------------------------------------------------

    def is_outlet_credit(self, text: str) -> bool:
        """True when *text* is the outlet naming itself (by name, domain or URL)."""
        key = _host_key(text)
        if not key:
            return False
        if self.own is not None:
            return key in self.own
        return key not in KNOWN_AGENCIES and key in self.known_outlets

    def is_known_source(self, text: str) -> bool:
        return _host_key(text) in KNOWN_AGENCIES or _key(text) in self.known_outlets

    def _add_source(self, reading: _Reading, text: str) -> None:
        text = text.strip(" .:")
        if not text:
            return
        if self.own is not None and self.is_outlet_credit(text):
            reading.empty = True
        elif text not in reading.sources:
            reading.sources.append(text)

    def _add_credit(self, reading: _Reading, credited: str, printed: str) -> None:
        """The X of "theo X": sources, and the people among them ("Theo Minh Nguyễn/Vcamp.vn" is a
        writer and a site), unless it reads as prose ("Theo đó, giá vàng tăng")."""
        credited = credited.strip(" .:")
        if self.own is not None and self.is_outlet_credit(credited):
            reading.empty = True
            return
        parts = [part.strip() for part in SEPARATOR.split(credited) if part and part.strip()]
        if not parts or any(part[0].islower() and not DOMAIN.match(part) for part in parts):
            reading.unrecognised.append(printed)
            return
        if self.is_known_source(credited):
            self._add_source(reading, credited)
            return
        sources = []
        for part in parts:
            name = None if self.is_known_source(part) or _looks_like_source(part) else _as_name(part)
            if name is not None:
                reading.authors.append(name)
            else:
                sources.append(part)
        if sources:
            # As printed when nothing else was in it ("AFP, Reuters"), else the sources alone.
            self._add_source(reading, credited if len(sources) == len(parts) else ", ".join(sources))

    def _read_part(self, reading: _Reading, part: str) -> None:
        initials = part.strip(" :")
        if (
            INITIALS.match(initials)
            and _key(initials) not in STAFF_PLACEHOLDERS
            and not self.is_known_source(initials)
        ):
            reading.authors.append(initials)
            return
        part = part.strip(" .:")
        if not part:
            return
        key = _key(part)
        if key in EMPTY_PLACEHOLDERS or self.is_outlet_credit(part):
            reading.empty = True
            return
        if key in STAFF_PLACEHOLDERS:
            reading.staff = True
            return
        credit = CREDIT.match(part)
        if credit:
            self._add_credit(reading, credit.group(1), part)
            return
        if self.is_known_source(part):
            self._add_source(reading, part)
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
            self._add_source(reading, rest)
        elif has_role:
            reading.role = True
        else:
            reading.unrecognised.append(part)

    def _read(self, raw: str) -> _Reading:
        text = without_emphasis(raw)
        # A date glued to the credit: "PV …-Thứ sáu, ngày 11/10/2024 20:02 GMT+7"; it and its separator go.
        dated = find_datetime(text)
        if dated is not None:
            text = text[: dated.start].rstrip(" -–|,")
        text = END_MARK.sub("", text).strip().rstrip(" -–—|,")
        if text.endswith(".") and not INITIALS.match(text.split()[-1] if text.split() else ""):
            text = text[:-1].rstrip()
        reading = _Reading(printed=text, had_date=dated is not None)
        if not text:
            return reading

        # The whole line first: names that hold a separator ("Báo Thế giới và Việt Nam").
        key = _key(text)
        if key in EMPTY_PLACEHOLDERS or self.is_outlet_credit(text):
            reading.empty = True
            return reading
        if key in STAFF_PLACEHOLDERS:
            reading.staff = True
            return reading
        if self.is_known_source(text):
            self._add_source(reading, text)
            return reading

        # Parentheses after a name: "(theo AFP, Reuters)", "(tổng hợp)", "(TTXVN)".
        for match in PARENTHETICAL.finditer(text):
            inner = match.group(1).strip()
            credit = CREDIT.match(inner)
            if credit:
                self._add_credit(reading, credit.group(1), match.group(0))
            elif _key(inner) in ROLE_NOTES:
                continue
            elif self.is_known_source(inner) or _looks_like_source(inner):
                self._add_source(reading, inner)
        rest = _without_photo_credits(PARENTHETICAL.sub(" ", text))

        # "Theo AFP, Reuters": everything after "Theo" is the credit, as printed.
        credit = CREDIT.match(rest)
        if credit:
            self._add_credit(reading, credit.group(1), rest)
            return reading
        for part in SEPARATOR.split(rest):
            self._read_part(reading, part)
        return reading

    # -- the answers -------------------------------------------------------------------------

    def parse(self, raw: str, author_element: bool = False) -> Byline:
        """The authors, printed credit and source in one credit string.

        ``authors`` are personal names only (two to five capitalised words; role
        words, placeholders, agencies and the outlet's own name are not names).
        ``byline`` is the credit as printed, less Markdown emphasis, a glued-on date
        and a final full stop; it is kept for staff credits ("PV", "Nhóm PV",
        "Tổng hợp") and role lines ("PV Thường trú THVN tại Trung Quốc"), and None
        when the string says nothing ("Đang cập nhật", "Admin", "Tác giả: Đang cập
        nhật", the outlet naming itself).  ``source`` is the agency or outlet
        credited ("Theo TTXVN", "Thu Hà/VOV", "(theo AFP, Reuters)" → "AFP, Reuters"),
        several joined with ", ".  A single word is never taken for a name ("Hết",
        "Video" end bodies too often).  Text that is no credit at all keeps its
        byline; tell credit lines from prose with :meth:`looks_like_byline`.
        """
        reading = self._read(raw)
        if author_element and not reading.authors and reading.unrecognised == [reading.printed]:
            # The outlet's author element holds a pen name of one word ("Papai"): it is a name there.
            word = reading.printed
            if (
                SINGLE_NAME.match(word)
                and _key(word) not in EMPTY_PLACEHOLDERS
                and not self.is_known_source(word)
            ):
                reading.authors.append(word)
                reading.unrecognised.clear()
        says_something = reading.authors or reading.sources or reading.staff or reading.role
        byline = reading.printed if (says_something or reading.unrecognised) else None
        return Byline(
            authors=_unique(reading.authors),
            byline=byline,
            source=", ".join(reading.sources) or None,
        )

    def looks_like_byline(self, paragraph: str) -> bool:
        """True when *paragraph* is a credit line rather than prose or a subheading.

        Short (60 characters, 100 with a "theo …" credit), no sentence inside (a
        final full stop only after a "theo …" credit), no date, and every part of it
        is a name, a placeholder ("PV", "Nhóm PV"), a role or a source.
        """
        text = without_emphasis(paragraph)
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
        reading = self._read(text)
        return reading.found and not reading.unrecognised and not reading.had_date

    def is_bare_name_line(self, paragraph: str) -> bool:
        """A first paragraph that is only a name ("Bảo Chi" under a baoquocte title)."""
        if not BARE_NAME_LINE.match(paragraph):
            return False
        reading = self._read(paragraph)
        return len(reading.authors) == 1 and not (reading.sources or reading.unrecognised or reading.role)


def _without_photo_credits(text: str) -> str:
    """The credit with its labels turned into separators, and the names after a pictures-only label
    ("Ảnh: X", "Video: X") left out: "Bài, ảnh: X" credits a writer, "Ảnh: X" a photographer."""
    kept, label, start = [], None, 0
    for match in ROLE_LABEL.finditer(text):
        kept.append((label, text[start : match.start()]))
        label, start = match.group(0), match.end()
    kept.append((label, text[start:]))
    parts = (part.strip(" -–—|,") for label, part in kept if not (label and PHOTO_LABEL.match(label)))
    return " ; ".join(part for part in parts if part)


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

    def __init__(self, stats: Any = None, settings: Any = None) -> None:
        super().__init__(stats, settings)
        if settings is not None:
            from crawler.outlets import self_names_by_outlet  # the spiders know the outlets' names

            self.known = self_names_by_outlet(settings)
        else:
            self.known = {}
        self._readers: dict[str | None, BylineReader] = {}

    def reader(self, outlet: str | None) -> BylineReader:
        if outlet not in self._readers:
            self._readers[outlet] = BylineReader(outlet, self.known)
        return self._readers[outlet]

    def process(self, item: ArticleDraft, spider: Any) -> ArticleDraft:
        draft = item
        reader = self.reader(draft.outlet or None)
        self._take_credit_lines(draft, reader)

        readings = [
            (candidate, reader.parse(candidate.raw, author_element=candidate.origin == "page"))
            for candidate in sorted(draft.authors_raw, key=lambda c: ORIGIN_PRIORITY.get(c.origin, 4))
            if candidate.raw and candidate.raw.strip()
        ]
        winner = next(((c, parsed) for c, parsed in readings if parsed.authors or parsed.source), None)
        if winner is not None:
            # Structured data lists each author apart (JSON-LD "author": [..]): every
            # candidate of the winning origin counts, not only the first.
            same_origin = [p for c, p in readings if c.origin == winner[0].origin and (p.authors or p.source)]
            draft.field_origins["authors"] = winner[0].origin
            draft.authors = _unique([name for p in same_origin for name in p.authors])
            draft.byline = " - ".join(_unique([p.byline for p in same_origin if p.byline])) or None
            # Another candidate's source, but not a meta tag's: "author" metas hold SEO teams and sites.
            draft.source = winner[1].source or next(
                (p.source for c, p in readings if p.source and c.origin != "meta"), None
            )
        else:
            # No name anywhere: keep the most faithful credit that says something
            # (a role line, "PV").
            draft.authors = []
            draft.byline = next((parsed.byline for _, parsed in readings if parsed.byline), None)
            draft.source = None
        self.stats.inc_value("vnnews/authors/found" if draft.authors else "vnnews/authors/missing")
        return draft

    def _take_credit_lines(self, draft: ArticleDraft, reader: BylineReader) -> None:
        # Up to three credit lines end a body ("Nhóm PV" over "Theo Infonet"; "Theo X/Vcamp.vn" over
        # the original's "Forbes"); they are read top first, as printed.
        taken: list[str] = []
        while (
            draft.paragraphs
            and len(taken) < TRAILING_CREDIT_LINES
            and reader.looks_like_byline(draft.paragraphs[-1])
        ):
            taken.insert(0, draft.paragraphs.pop())
        for line in taken:
            self._take(draft, line)
        if len(draft.paragraphs) > 1 and reader.is_bare_name_line(draft.paragraphs[0]):
            self._take(draft, draft.paragraphs.pop(0))

    @staticmethod
    def _take(draft: ArticleDraft, text: str) -> None:
        draft.removed.append(("byline", text))
        draft.authors_raw.append(AuthorCandidate(text, "text"))

"""Saved article text ("dumps") → an :class:`ArticleDraft`, and on through every pipeline.

Earlier scrapers left articles behind as text files in three forms (the seeds
in ``../shared/seeds`` show each):

* Jekyll front matter (``title:``, ``date:``) then a Markdown link to the
  article, its image, the feed summary and the text (seed 000);
* plain text with the title on the first line (seeds 001, 002, 003);
* Markdown with a ``# title``, bold lead and bylines, and a
  ``**Link bài viết:** <url>`` line (seed 004).

This module only reads the file: its title, its lines as paragraphs, the URL,
outlet, images and the date and keyword it states outside the text.  The
boilerplate, date and byline steps then clean it exactly as they clean a
crawled page: they remove the promos, related runs and link lines, and read the
credit and date lines ("PV … - Thứ sáu, ngày 11/10/2024 20:02 GMT+7", "Như Tâm",
"01:38 06/09/2023", the "date 2025-10-10" prefix of a dump tool).

Where the outlet and URL come from, in order: a labelled link line ("Link bài
viết: <url>"), the front matter's Markdown link to the article, the first link
to a known news domain.  A dump that names no link gets its own ``file://``
URI and the outlet given with ``--outlet``, or else the one the text names
itself by ("Theo dõi Baoquocte.vn trên", "Ủy ban Biên giới quốc gia"; see
the spiders' ``self_names``); when the text names none, or several, the dump is refused.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.settings import BaseSettings

from crawler.extraction import outlet_of
from crawler.items import ArticleDraft, DateCandidate, Image, Record
from crawler.outlets import self_names_by_outlet, spider_for
from crawler.spiders.base import NewsSpider
from pipelines.base import OfflinePipelines
from pipelines.boilerplate import AUTHOR_LABEL
from pipelines.bylines import BylineReader
from pipelines.text.dates import mentions_day_month, split_trailing_date, whole_line_date
from pipelines.text.markdown import (
    IMAGE,
    URL,
    images,
    is_image_line,
    is_link_line,
    links,
    readable,
    without_emphasis,
)
from pipelines.text.words import fold, is_vietnamese

# The files a directory argument stands for.
DUMP_SUFFIXES = (".txt", ".md")

# -- the file's parts ------------------------------------------------------------------

FRONT_MATTER_FENCE = "---"
FRONT_MATTER_FIELD = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)\s*:\s*(?P<value>.*)$")
# "# Title" (one "#": a subheading is body).
HEADING = re.compile(r"^#\s+(?P<title>.+?)\s*#*$")
# What a dump tool put before the first line ("date 2025-10-10 "): a date candidate.
DUMP_DATE_PREFIX = re.compile(r"^date\s+(?P<date>\d{4}-\d{2}-\d{2})\s+(?=\S)")
# The lines of a lead that may say its day ("Chiều 18/2"), which the save date then must not stand for.
LEAD_LINES = 4

# "[Tập Cận Bình] Thường trực …": keyword tags before a front-matter title.
KEYWORD_TAG = re.compile(r"^\s*\[(?P<tag>[^\[\]]+)\]\s*")
# A title cut short by the feed: "… Tổng Bí thư, Chủ ..." (with or without a space before).
TRUNCATION = re.compile(r"\s*(?:\.{3,}|…)$")
# Longer lines are prose, not a title printed whole.
TITLE_MAX_CHARS = 250
# Tells a credit line ("Bảo Chi", "Theo TTXVN", "PV Thường trú …") from a title.
BYLINES = BylineReader()

# -- links -------------------------------------------------------------------------------

# "Link bài viết: <https://…>", "Nguồn: https://…", "**Link gốc:** …".
LINK_LINE = re.compile(
    r"^(?:Link\s+(?:bài\s+(?:viết|gốc)|gốc)|Nguồn|Source|URL)\s*:?\s*<?(?P<url>https?://[^\s<>]+)>?$",
    re.IGNORECASE,
)
# Front-matter keys that name the article's address.
FRONT_MATTER_URL_KEYS = ("canonical_url", "source_url", "link", "url")


class NotADump(ValueError):
    """The file is not a saved article, or says too little to import it; the message says why."""


@dataclass
class DumpParts:
    """A dump split into what the file states about the article and its text lines."""

    front_matter: dict[str, str] = field(default_factory=dict)
    # Text lines after the front matter, stripped; blank lines dropped.
    lines: list[str] = field(default_factory=list)
    # The "# Title" line, if the file has one.
    heading: str | None = None


# -- reading -------------------------------------------------------------------------------


def read_dump(path: Path) -> str:
    """The file's text (UTF-8, NFC, "\\n" line ends); NotADump for an empty, binary or non-UTF-8 file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise NotADump(f"cannot read ({exc.strerror})") from exc
    if not raw.strip():
        raise NotADump("empty file")
    if b"\x00" in raw:
        raise NotADump("not text (binary file)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotADump(f"not UTF-8 text (byte {exc.start})") from exc
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value


def split_dump(text: str) -> DumpParts:
    """Front matter (simple ``key: value`` lines), the "# Title" heading and the text lines."""
    parts = DumpParts()
    lines = text.split("\n")
    if lines and lines[0].strip() == FRONT_MATTER_FENCE:
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == FRONT_MATTER_FENCE), None)
        if end is not None:
            for line in lines[1:end]:
                match = FRONT_MATTER_FIELD.match(line.strip())
                if match:
                    parts.front_matter[match["key"].lower()] = _unquote(match["value"])
            lines = lines[end + 1 :]
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        heading = HEADING.match(line)
        if heading and parts.heading is None and not parts.lines:
            parts.heading = heading["title"]
            continue
        parts.lines.append(line)
    return parts


# -- title -------------------------------------------------------------------------------


def split_keyword_tags(title: str) -> tuple[list[str], str]:
    """("[Tập Cận Bình] Thường trực …") → (["Tập Cận Bình"], "Thường trực …")."""
    keywords = []
    while match := KEYWORD_TAG.match(title):
        keywords.append(match["tag"].strip())
        title = title[match.end() :]
    return [k for k in keywords if k], title.strip()


WORD = re.compile(r"\w+")
# An article id or timestamp closing a slug: "-20241011191126043", "-4950123", "-d123456".
SLUG_ID = re.compile(r"-[a-z]{0,3}\d{5,}$")


def _slug_words(url: str) -> list[str]:
    path = urlsplit(url).path.rstrip("/")
    slug = path.rsplit("/", 1)[-1]
    slug = re.sub(r"\.[a-z0-9]{2,5}$", "", slug.lower())
    return [w for w in SLUG_ID.sub("", slug).split("-") if w]


def _title_lines(lines: Iterable[str]) -> Iterator[str]:
    """Every place a dump may print the title whole: lines, link texts and image alts."""
    for line in lines:
        yield from (alt for alt, _ in images(line))
        yield from (text for text, _ in links(line))
        yield readable(line)


def complete_title(title: str, lines: list[str], url: str | None) -> str:
    """A title cut short with "…" / "...", completed from the dump when it holds it whole.

    First a line, link text or image alt that starts with the cut title and is
    a title (not longer than one, not ending a sentence).  Else the article URL's
    slug: when it spells the cut title and goes on ("…-tong-bi-thu-chu-tich-nuoc-
    tap-can-binh"), the missing words are taken as the text spells them, from a
    run of words in the text that starts with the title's last word ("Chủ tịch
    nước Tập Cận Bình").  Otherwise the title is kept as printed, dots included:
    they say that it is incomplete.
    """
    cut = TRUNCATION.search(title)
    if cut is None:
        return title
    head = title[: cut.start()].rstrip()
    if not head:
        return title
    folded_head = without_emphasis(head).casefold()
    for text in _title_lines(lines):
        candidate = without_emphasis(text)
        if (
            len(candidate) > len(head)
            and len(candidate) <= TITLE_MAX_CHARS
            and candidate.casefold().startswith(folded_head)
            and not TRUNCATION.search(candidate)
            and candidate[-1] not in ".:;"
        ):
            return candidate
    if url:
        completed = _complete_from_slug(head, cut.group(0), lines, _slug_words(url))
        if completed:
            return completed
    return title


def _complete_from_slug(head: str, cut_mark: str, lines: list[str], slug: list[str]) -> str | None:
    head_words = [fold(w) for w in WORD.findall(head)]
    if not cut_mark[:1].isspace() and len(head_words) > 1:
        # Cut inside a word ("Chủ tị..."): complete from the last whole word.
        head = head[: head.rstrip().rfind(WORD.findall(head)[-1])].rstrip()
        head_words = head_words[:-1]
    if not head_words or len(slug) <= len(head_words) or slug[: len(head_words)] != head_words:
        return None
    wanted = [head_words[-1], *slug[len(head_words) :]]
    for line in map(readable, lines):
        words = list(WORD.finditer(line))
        folded = [fold(w.group()) for w in words]
        for start in range(len(words) - len(wanted) + 1):
            if folded[start : start + len(wanted)] == wanted:
                tail = line[words[start].end() : words[start + len(wanted) - 1].end()]
                return head + tail
    return None


# -- links and outlet ----------------------------------------------------------------------


def _clean_url(url: str) -> str:
    return url.rstrip(".,;:!?>*")


def _is_news_domain(url: str, news_domains: Collection[str]) -> bool:
    host = outlet_of(url)
    return any(host == d or host.endswith("." + d) for d in news_domains)


def article_url(parts: DumpParts, news_domains: Collection[str]) -> tuple[str, str] | None:
    """(URL, where it was found) of the article the dump names, or None."""
    for line in parts.lines:
        match = LINK_LINE.match(without_emphasis(line))
        if match:
            return _clean_url(match["url"]), "link-line"
    for key in FRONT_MATTER_URL_KEYS:
        value = parts.front_matter.get(key, "")
        if value.startswith(("http://", "https://")):
            return _clean_url(value), "front-matter"
    if parts.front_matter:
        # The feed-entry form: the dump links the article it was saved from.
        for line in parts.lines:
            for _, url in links(line):
                if url.startswith(("http://", "https://")):
                    return _clean_url(url), "markdown-link"
    for line in parts.lines:
        for found in URL.finditer(IMAGE.sub("", line)):
            url = _clean_url(found.group())
            if _is_news_domain(url, news_domains):
                return url, "link"
    return None


def outlet_for_url(url: str, news_domains: Collection[str]) -> str:
    """The outlet's domain for an article URL: the known domain that serves it, else its host."""
    host = outlet_of(url)
    for domain in sorted(news_domains, key=len, reverse=True):
        if host == domain or host.endswith("." + domain):
            return domain
    return host


def _self_name_patterns(domain: str, self_names: Sequence[str]) -> list[re.Pattern[str]]:
    # The domain in any case ("Baoquocte.vn"); the names as printed (case matters:
    # "Nhân Dân" is an outlet, "nhân dân" the people).
    patterns = [re.compile(rf"(?<![\w.]){re.escape(domain)}(?![\w])", re.IGNORECASE)]
    patterns += [re.compile(rf"(?<!\w){re.escape(name)}(?!\w)") for name in self_names]
    return patterns


def outlets_named_in(text: str, known: Mapping[str, Sequence[str]]) -> list[str]:
    """The outlets of *known* (domain → self-names) whose domain or self-name the text prints, sorted."""
    return sorted(
        d for d, names in known.items() if any(p.search(text) for p in _self_name_patterns(d, names))
    )


def normalize_outlet(value: str) -> str:
    """The outlet's domain as given on the command line: "https://www.VTV.vn/" or "VTV.vn" → "vtv.vn"."""
    value = value.strip()
    return outlet_of(value if "://" in value else f"https://{value}")


# -- the draft ---------------------------------------------------------------------------------


def _feed_summary_index(parts: DumpParts) -> int | None:
    """The feed summary of a front-matter dump: the first text line after the link and image lines."""
    if not parts.front_matter or not parts.lines or not _is_link_or_image(parts.lines[0]):
        return None
    for index, line in enumerate(parts.lines):
        if not _is_link_or_image(line):
            return index
    return None


def _is_link_or_image(line: str) -> bool:
    return is_image_line(line) or is_link_line(line)


def _first_line_title(line: str) -> str | None:
    """The first line of a plain dump as a title (no dump-tool date, no final full stop), or None
    when that line is a date or credit line: a dump that prints no title line is never titled
    with what comes first instead."""
    title = without_emphasis(DUMP_DATE_PREFIX.sub("", line))
    if not title or whole_line_date(title) or AUTHOR_LABEL.match(title) or BYLINES.looks_like_byline(title):
        return None
    # "PV Thường trú THVN tại Trung Quốc-Thứ sáu, ngày 11/10/2024 20:02 GMT+7": a credit and its date.
    credit_and_date = split_trailing_date(title)
    if credit_and_date and BYLINES.looks_like_byline(credit_and_date[0].rstrip(" -–|")):
        return None
    return title[:-1].rstrip() if title.endswith(".") and not title.endswith("..") else title


def link_text(lines: Iterable[str], url: str) -> str | None:
    """The text of the dump's Markdown link to the article, ``[title](url)``."""
    for line in lines:
        for text, target in links(line):
            if _clean_url(target) == url and (title := without_emphasis(text)):
                return title
    return None


def draft_from_dump(
    text: str,
    path: Path,
    *,
    outlet: str | None = None,
    known: Mapping[str, Sequence[str]],
) -> ArticleDraft:
    """The draft of one dump's text (see the module docstring); NotADump when it cannot be one.

    *outlet* is the outlet of a dump that names no article link (``--outlet``); *known*
    maps the domain of each outlet the project knows to its self-names: a bare link must
    point to one of them to be the article's, and a dump without a link is told by them.
    """
    news_domains = tuple(known)
    parts = split_dump(text)
    if not parts.lines:
        raise NotADump("no text")

    keywords: list[str] = []
    origins: dict[str, str] = {}
    found = article_url(parts, news_domains)
    if found is not None:
        url, origins["url"] = found
        outlet_domain = outlet_for_url(url, news_domains)
        origins["outlet"] = "url"
    else:
        url, origins["url"] = path.resolve().as_uri(), "file"
        if outlet:
            outlet_domain, origins["outlet"] = normalize_outlet(outlet), "option"
        else:
            named = outlets_named_in(text, known)
            if len(named) != 1:
                detail = f" (the text names {', '.join(named)})" if named else ""
                raise NotADump(f"unknown outlet{detail}; give --outlet")
            outlet_domain, origins["outlet"] = named[0], "self-name"

    lines = list(parts.lines)
    sapo = None
    summary = _feed_summary_index(parts)
    if summary is not None:
        sapo = without_emphasis(lines.pop(summary))
        origins["sapo"] = "feed-summary"

    title: str | None = None
    if parts.front_matter.get("title"):
        keywords, title = split_keyword_tags(parts.front_matter["title"])
        origins["title"] = "front-matter"
    elif parts.heading:
        title, origins["title"] = without_emphasis(parts.heading), "heading"
    elif found is not None and (title := link_text(lines, url)):
        origins["title"] = "link-text"
    else:
        first = next((line for line in lines if not _is_link_or_image(line)), "")
        title, origins["title"] = _first_line_title(first), "first-line"
    if not title:
        raise NotADump("no title")
    completed = complete_title(title, lines, url if origins["url"] != "file" else None)
    if completed != title:
        title, origins["title"] = completed, origins["title"] + "+completed"

    draft = ArticleDraft(
        url=url,
        canonical_url=url,
        outlet=outlet_domain,
        title=title,
        sapo=sapo,
        paragraphs=lines,
        keywords=keywords,
        language="vi" if is_vietnamese(text) else None,
        field_origins=origins,
        # A file:// URL says where the file was read from; the id must not (the same dump in
        # another folder is the same article).
        id=hashlib.sha1(text.encode("utf-8")).hexdigest() if found is None else None,
    )
    title_key = without_emphasis(title).casefold()
    for line in lines:
        for alt_text, image_url in images(line):
            alt = without_emphasis(alt_text)
            # An alt that repeats the title (cut or whole) is no caption.
            is_title = TRUNCATION.sub("", alt).casefold() in title_key if alt else True
            draft.images.append(Image(url=image_url, caption=None if is_title else alt))
    if lines and (prefix := DUMP_DATE_PREFIX.match(lines[0])):
        draft.dates.append(DateCandidate(prefix["date"], "text"))
        draft.removed.append(("date-prefix", prefix.group(0).strip()))
        lines[0] = lines[0][prefix.end() :]
    lead = [sapo or "", *lines[:LEAD_LINES]]
    if parts.front_matter.get("date") and not any(mentions_day_month(line) for line in lead):
        # When the file was saved: a last resort for a text that dates nothing itself. A lead
        # that says "Chiều 18/2" dates the article to a day the save date may not share.
        draft.dates.append(DateCandidate(parts.front_matter["date"], "front-matter"))
    return draft


# -- import ----------------------------------------------------------------------------------


def dump_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The files the arguments name: a file as given, a directory's ``*.txt``/``*.md`` (recursive, sorted)."""
    for name in paths:
        path = Path(name)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in DUMP_SUFFIXES)
        else:
            yield path


class DumpImporter:
    """Dump file → exported record, through the crawl's pipelines (NotADump / DropItem otherwise)."""

    def __init__(self, settings: BaseSettings, outlet: str | None = None) -> None:
        self.settings = settings
        self.outlet = outlet
        self.known = self_names_by_outlet(settings)
        self.pipelines = OfflinePipelines(settings)
        self._spiders: dict[type, NewsSpider] = {}

    def spider_for(self, outlet: str) -> NewsSpider:
        """The outlet's spider (its boilerplate rules), by domain, whatever the record's URL."""
        cls = spider_for(self.settings, f"https://{outlet}/")
        if cls not in self._spiders:
            self._spiders[cls] = cls()
        return self._spiders[cls]

    def draft(self, path: Path) -> ArticleDraft:
        draft = draft_from_dump(read_dump(path), path, outlet=self.outlet, known=self.known)
        spider = self.spider_for(draft.outlet)
        if draft.language is None:
            draft.language = spider.language
        return draft

    def import_file(self, path: Path) -> Record:
        draft = self.draft(path)
        return self.pipelines.run(draft, self.spider_for(draft.outlet))

"""Reading one article page into an :class:`~crawler.items.ArticleDraft`.

This is the page object of the project: it knows HTML, not crawling, so that
it runs the same in a crawl, in ``scrapy extract`` and in the tests on saved
pages.  Every field takes candidates from every layer (JSON-LD, meta tags, the
outlet's selectors, its CMS's, schema.org microdata, the generic reading of
the page), and an implausible candidate loses to the next, so that a layout
the spider was not written for degrades a record instead of emptying it:

* headline: the outlet's title element unless the metadata titles contradict
  it, else the heading the metadata titles hold (``printed``), else a metadata
  title without the site and section names appended to it;
* body: the outlet's body element unless it is mostly links or holds far less
  prose than the page's main text block, found by text and link density for
  any layout (``main-text``, see ``crawler/main_text.py``); photo stories keep
  the text under their photos;
* dates: structured ones, the outlet's date element, and the date line printed
  by the headline (the dates step prefers what is printed when they disagree);
* a page is an article when it has a headline and a body of substance.

``draft.field_origins`` records which layer answered each field: ``json-ld``,
``meta``, ``selector`` (the outlet's), ``cms``, ``generic`` (microdata),
``printed`` (a headline or date line found on the page), ``main-text``.
"""

from __future__ import annotations

import codecs
import contextlib
import copy
import html
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cached_property, lru_cache
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree
from parsel import css2xpath
from scrapy.http import HtmlResponse, TextResponse
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

from crawler.items import ArticleDraft, AuthorCandidate, DateCandidate, Image
from crawler.main_text import (
    BLOCK_TAGS,
    Measure,
    article_prose,
    boilerplate_boxes,
    main_block,
    measure,
    page_prose,
    posts_around,
)
from pipelines.text.dates import find_datetime
from pipelines.text.words import is_vietnamese

ARTICLE_TYPES = {
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BlogPosting",
    "LiveBlogPosting",
}

# Removed from every body before its text is read, never article text: these elements, and those
# whose class or id marks them as shares, related links, comments or ads (a naming every web CMS uses).
# The XPath walks the class and id attributes and takes their owners: testing every element of the
# body for six words took two to three times as long.
GENERIC_REMOVE_TAGS = ("script", "style", "noscript", "iframe", "form", "button", "svg", "template")
GENERIC_REMOVE_MARKED = etree.XPath(
    "descendant::*/@class[contains(., 'share') or contains(., 'social') or contains(., 'related')"
    " or contains(., 'comment') or contains(., 'banner') or contains(., 'adsbygoogle')]/parent::*"
    " | descendant::*/@id[contains(., 'banner')]/parent::*"
)

# schema.org microdata, which any CMS may print: tried after the outlet's and its CMS's selectors.
GENERIC_SELECTORS: dict[str, tuple[str, ...]] = {
    "title": ("h1[itemprop=headline]",),
    "sapo": ("[itemprop=description]:not(meta)",),
    "body": ("[itemprop=articleBody]",),
    "author": ("[itemprop=author]:not(meta)", "span.author, div.author, p.author, .tacgia, a[rel=author]"),
    "date": ("time[itemprop=datePublished]", "[itemprop=datePublished]:not(meta)"),
}

# Where image captions live in Vietnamese CMSs (figure, Sohatech/VCCorp, MasterCMS, FCK).
CAPTION_CONTAINERS = "figure, table.image, table.picture, div[type=Photo]"
CAPTION_TEXT = "figcaption, .PhotoCMS_Caption, .image_caption, .caption, td.caption, p.Image"

CAPTION_MAX_CHARS = 300

LEAF_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "dt", "dd", "td", "th"}
TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|gidzl|zarsrc|itm_\w+|ref)$", re.I)
# The last-resort date is a short line among the first texts after the title, before the body's
# prose begins (the second long text): related headlines further down carry dates of their own.
NEAR_TITLE_TEXTS = 12
DATE_LINE_MAX_CHARS = 80
PROSE_TEXT_CHARS = 150
# The text nodes of an element (a script's content), the fallbacks' paragraphs and headings,
# and what follows the title.
_TEXT_NODES = etree.XPath("text()", smart_strings=False)
_BODY_HEADINGS = etree.XPath("//body//h1")
# Layout tables that frame a photo and its caption (no CMS class): an image and a line of text.
_IMAGE_TABLES = etree.XPath(
    "descendant::table[descendant::img][not(descendant::table)]"
    f"[string-length(normalize-space()) <= {CAPTION_MAX_CHARS}]"
)
# A credit printed under the body: "Theo K14", "Nguồn: TTXVN".
CREDIT_START = re.compile(r"^(?:theo|nguồn)\b", re.I)
CREDIT_LINE_MAX_CHARS = 80
# Pages that say they are errors in their headline ("404", "Không tìm thấy trang").
SOFT_404 = re.compile(
    r"^\W*(?:404|lỗi\s*404|error\s*404)\b|không\s+tìm\s+thấy|page\s+not\s+found|trang\s+không\s+tồn\s+tại"
    r"|bài\s+viết\s+không\s+tồn\s+tại|nội\s+dung\s+không\s+tồn\s+tại",
    re.I,
)
# A body of substance: this much prose in the main text block, and this share of the page's prose
# (a listing's largest block of prose is one teaser among many).
MIN_ARTICLE_PROSE = 150
MIN_MAIN_SHARE = 0.3
# A selected body is implausible when more of its text is links than this, or when it holds less
# than this share of the prose of the page's long paragraphs (or of its main text block).
MAX_BODY_LINK_SHARE = 0.5
MIN_SELECTED_SHARE = 0.5
# Paragraphs of prose length, for a cheap size of the page's main text.
_PROSE_PARAGRAPHS = etree.XPath("//body//p[string-length(normalize-space()) >= 80]")
# Elements that may print the headline: headings, and whatever a CMS names a title.
_HEADLINE_CANDIDATES = etree.XPath(
    "//body//*[self::h1 or self::h2 or self::h3 or contains(@class, 'title') or contains(@class, 'Title')"
    " or contains(@class, 'tieude') or contains(@class, 'headline')]"
    # Printed within one of the metadata titles ($titles): libxml2 tells, before Python reads any text.
    "[string-length(normalize-space()) >= 10][contains($titles, normalize-space())]"
)
# Separators between a headline and the site or section names a <title> appends.
TITLE_SEPARATOR = re.compile(r"\s+[-–—|:]{1,2}\s+")
# A script that prints the date into the page ("…innerHTML='Thứ năm, 20/12/2012, 16:10 GMT+7'"), into
# an element it names by id, or where it stands.
_SCRIPT_PRINT = re.compile(
    r"(?:getElementById\(\s*[\"'](?P<id>[\w-]+)[\"']\s*\)\s*\.)?(?:innerHTML\s*=|document\.write\s*\()"
    r"\s*(?P<q>[\"'])(?P<text>.{6,120}?)(?P=q)"
)
_SCRIPTS = etree.XPath("//script[contains(., 'innerHTML') or contains(., 'document.write')]")
_PRECEDING_TEXT = etree.XPath(
    "preceding::*[text()[normalize-space()]][not(ancestor-or-self::style)][position() <= 4]"
)
_NEAR_TITLE = etree.XPath(
    f"following::*[text()[normalize-space()]][not(ancestor-or-self::style)][position() <= {NEAR_TITLE_TEXTS}]"
)


class NotAnArticle(Exception):
    """The page is not an article (a listing, an error page, a video hub...)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def clean_text(text: str | None) -> str:
    """*text* on one line, its whitespace collapsed."""
    return " ".join((text or "").split())


def canonicalize_url(url: str) -> str:
    """The URL without fragment and tracking parameters, host in lower case."""
    parts = urlsplit(url.strip())
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k)]
    )
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", query, ""))


def outlet_of(url: str) -> str:
    """The outlet's domain for a URL: ``https://www.vtv.vn/x`` → ``vtv.vn``."""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _as_list(value: str | Sequence[str] | None) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else list(value)


def _json_ld_objects(texts: Iterable[str]) -> Iterator[dict[str, Any]]:
    for raw in texts:
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            continue
        stack = [data]
        while stack:
            obj = stack.pop()
            if isinstance(obj, list):
                stack.extend(reversed(obj))
            elif isinstance(obj, dict):
                if "@graph" in obj:
                    stack.extend(reversed(_listify(obj["@graph"])))
                yield obj


def _string(element: Any) -> str:
    """All the text in *element*, its tail left out: XPath's ``string()``, by libxml2's text serialiser."""
    return etree.tostring(element, method="text", encoding="unicode", with_tail=False)


def _text(element: Any) -> str:
    """An element's text (XPath's string()), whitespace collapsed."""
    return clean_text(_string(element))


def _listify(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _types(obj: dict[str, Any]) -> set[str]:
    return {str(t) for t in _listify(obj.get("@type"))}


def _names(value: Any) -> list[str]:
    names = []
    for entry in _listify(value):
        name = entry.get("name") if isinstance(entry, dict) else entry
        if isinstance(name, str) and clean_text(name):
            names.append(clean_text(name))
    return names


@lru_cache(maxsize=1024)
def _css(css: str) -> etree.XPath:
    """*css* as parsel reads it (``::text`` and ``::attr()`` included), translated and compiled once."""
    return etree.XPath(css2xpath(css), smart_strings=False)


class OutletProfile(Protocol):
    """What extraction reads from an outlet spider (class or instance)."""

    outlet: str
    language: str
    selectors: dict[str, str | Sequence[str]]
    remove_selectors: Sequence[str]
    cms_selectors: dict[str, str | Sequence[str]]
    cms_remove_selectors: Sequence[str]


class ArticlePage:
    """One fetched page and the outlet profile that reads it."""

    def __init__(self, url: str, root: Any, profile: OutletProfile | None = None, status: int = 200) -> None:
        self.url = url
        self.root = root  # the page's tree, lxml's plain elements (see parse_html)
        self.profile = profile
        self.status = status
        self.outlet = getattr(profile, "outlet", None) or outlet_of(url)
        # How the page was read when not as it declares ("utf-8-declared-cp1252"), for the stats.
        self.decoding: str | None = None
        # Each field's selectors by layer, in the order they are tried.
        self.layers: tuple[tuple[str, dict[str, Any]], ...] = (
            ("selector", getattr(profile, "selectors", None) or {}),
            ("cms", getattr(profile, "cms_selectors", None) or {}),
            ("generic", GENERIC_SELECTORS),
        )
        self._selected: dict[str, tuple[list[Any], str | None]] = {}
        self._read_tags()
        self.article_ld = next((o for o in self.json_ld if _types(o) & ARTICLE_TYPES), None)

    @classmethod
    def from_response(cls, response: TextResponse, profile: OutletProfile | None = None) -> ArticlePage:
        declared = page_encoding(response)
        encoding = vietnamese_encoding(response.body, declared)
        try:
            root = parse_html(response.body, encoding, response.url)
        except PageTooDeep as error:
            raise NotAnArticle("too_deep", str(error)) from error
        page = cls(response.url, root, profile, response.status)
        if encoding != declared:
            page.decoding = f"{encoding}-declared-{declared}"
        return page

    @classmethod
    def from_html(cls, html: str | bytes, url: str, profile: OutletProfile | None = None) -> ArticlePage:
        """A page from saved HTML: bytes are read as UTF-8."""
        body = html.encode("utf-8") if isinstance(html, str) else html
        try:
            return cls(url, parse_html(body, "utf-8", url), profile)
        except PageTooDeep as error:
            raise NotAnArticle("too_deep", str(error)) from error

    # -- small readers -------------------------------------------------------------

    def meta(self, *names: str) -> str | None:
        for name in names:
            value = self._metas.get(name)
            if value and (text := clean_text(value)):
                return text
        return None

    def _read_tags(self) -> None:
        """The metas, the canonical link and the JSON-LD, in one pass over the page."""
        # The first content of each meta property, name or itemprop.
        self._metas: dict[str, str] = {}
        self._canonical_href: str | None = None
        ld_texts: list[str] = []
        for el in self.root.getroottree().iter("meta", "link", "script"):
            if el.tag == "meta":
                content = el.get("content")
                if content is not None:
                    for attr in ("property", "name", "itemprop"):
                        key = el.get(attr)
                        if key is not None:
                            self._metas.setdefault(key, content)
            elif el.tag == "link":
                if self._canonical_href is None and el.get("rel") == "canonical":
                    self._canonical_href = el.get("href")
            elif el.get("type") == "application/ld+json":
                ld_texts.extend(_TEXT_NODES(el))
        self.json_ld = list(_json_ld_objects(ld_texts))

    def css(self, css: str, element: Any = None) -> list[Any]:
        """The elements (or strings, for ``::text`` and ``::attr()``) *css* finds in *element*,
        by default the page, as parsel's ``Selector.css`` would."""
        return _css(css)(self.root if element is None else element)

    def select(self, field: str) -> tuple[list[Any], str | None]:
        """Elements for *field*, and the layer that found them: the outlet's selectors first (the
        first that matches), then its CMS's, then microdata.  Each field is searched once."""
        if field not in self._selected:
            self._selected[field] = self._select(field)
        elements, origin = self._selected[field]
        return list(elements), origin

    def _select(self, field: str) -> tuple[list[Any], str | None]:
        for origin, selectors in self.layers:
            for css in _as_list(selectors.get(field)):
                found = self.css(css)
                if found:
                    return found, origin
        return [], None

    def select_text(self, field: str) -> tuple[str | None, str | None]:
        """The first non-empty text of *field*'s elements, and the layer that found them."""
        elements, origin = self.select(field)
        for el in elements:
            text = _text(el)
            if text:
                return text, origin
        return None, None

    def ld(self, key: str) -> Any:
        return self.article_ld.get(key) if self.article_ld else None

    # -- the headline ----------------------------------------------------------------

    def headline(self) -> tuple[str | None, str | None]:
        """The headline as the page prints it, and where it was found.

        The outlet's (or CMS's, or microdata's) title element, when the page's metadata
        titles (JSON-LD ``headline``, ``og:title``, ``<title>``) do not contradict it; else
        the longest heading the metadata titles hold (``printed``: "Headline" of "Headline -
        Section - Outlet"); else a metadata title without the site and section names
        appended to it.
        """
        return self._headline[:2]

    @cached_property
    def _headline(self) -> tuple[str | None, str | None, Any | None]:
        ld_headline = self.ld("headline")
        metadata = [
            ("json-ld", clean_text(ld_headline) if isinstance(ld_headline, str) else ""),
            ("meta", self.meta("og:title") or ""),
            ("title-tag", clean_text(self.root.findtext(".//title"))),
        ]
        metadata = [(origin, text) for origin, text in metadata if text]
        keys = [_title_key(text) for _, text in metadata]
        elements, origin = self.select("title")
        selected = next(((el, text) for el in elements if (text := _text(el))), None)
        if selected and (not keys or any(_shares_words(_title_key(selected[1]), key) for key in keys)):
            return selected[1], origin, selected[0]
        # The printed headline the metadata holds; one it starts with (the headline comes first in
        # "Headline - Section | Site"), then the longest.
        printed: tuple[tuple[bool, int], Any, str] | None = None
        if keys:
            titles = "\n".join(" ".join(text.split()) for _, text in metadata)
            for el in _HEADLINE_CANDIDATES(self.root, titles=titles):
                text = _text(el)
                key = _title_key(text)
                if len(key.split()) < 3 or "logo" in f"{el.get('id', '')} {el.get('class', '')}".lower():
                    continue
                places = [k.find(key) for k in keys if key in k]
                if places:
                    rank = (min(places) == 0, len(text))
                    if printed is None or rank > printed[0]:
                        printed = (rank, el, text)
        if printed:
            return printed[2], "printed", printed[1]
        if selected:
            return selected[1], origin, selected[0]
        for origin, text in metadata:
            return self._without_site_names(text), origin, None
        h1 = next((el for el in _BODY_HEADINGS(self.root) if _text(el)), None)
        return (_text(h1), "h1", h1) if h1 is not None else (None, None, None)

    def _without_site_names(self, title: str) -> str:
        """*title* without the outlet's and sections' names appended after separators
        ("Headline - Chính trị - Tuổi Trẻ Online" → "Headline")."""
        names = {self.outlet, self.outlet.split(".")[0], self.meta("og:site_name") or ""}
        names |= set(getattr(self.profile, "self_names", ()) or ())
        squeezed = {_title_key(name).replace(" ", "") for name in names} - {""}
        end = len(title)
        for separator in reversed(list(TITLE_SEPARATOR.finditer(title))):
            tail = _title_key(title[separator.end() : end])
            site = any(name in tail.replace(" ", "") for name in squeezed)
            if (
                not (site or len(tail.split()) <= 2)
                or len(_title_key(title[: separator.start()]).split()) < 3
            ):
                break
            end = separator.start()
        return title[:end]

    # -- the draft ----------------------------------------------------------------

    def is_article(self) -> None:
        """Raise NotAnArticle unless the page carries an article: a headline and a body of substance.

        Markup alone decides nothing: outlets mark listings as ``og:type=article``, and pages
        of 2012 carry no markup at all.  A listing's text is many teasers, none of them the
        page's main text; an error page has no prose.
        """
        if self.status >= 400:
            raise NotAnArticle("http_error", str(self.status))
        canonical = self.canonical_url()
        if canonical and urlsplit(canonical).path in ("", "/") and urlsplit(self.url).path not in ("", "/"):
            raise NotAnArticle("not_article", f"canonical link points to the home page ({canonical})")
        headline = self.headline()[0]
        if not headline:
            raise NotAnArticle("not_article", "no headline (no h1, og:title, JSON-LD headline or <title>)")
        if SOFT_404.search(headline):
            raise NotAnArticle("not_article", f"an error page: its headline says {headline!r}")
        og_type = (self.meta("og:type") or "article").lower()
        if og_type != "article" and self.article_ld is None and self.select("body")[1] is None:
            raise NotAnArticle("not_article", f"og:type is {og_type!r} and no article markup or body matched")
        element, origin = self.body_element()
        if element is None:
            raise NotAnArticle("not_article", "no body of substance (no block of prose on the page)")
        if origin == "main-text":
            page = self.page_prose
            prose = article_prose(element, self._page_measures, self.body_boilerplate)
            if prose < MIN_ARTICLE_PROSE or prose < MIN_MAIN_SHARE * page:
                raise NotAnArticle(
                    "not_article",
                    f"no body of substance: the main text block holds {prose} characters of prose"
                    f" of the page's {page} (a listing, a hub or an error page)",
                )
            if thread := posts_around(element, self._page_measures):
                raise NotAnArticle("not_article", f"a thread of {thread} posts or comments, not an article")

    def canonical_url(self) -> str | None:
        return self._canonical_url

    @cached_property
    def _canonical_url(self) -> str | None:
        for value in (self._canonical_href, self.meta("og:url")):
            if value and value.strip().startswith(("http://", "https://", "/")):
                return canonicalize_url(urljoin(self.url, value.strip()))
        return None

    def draft(self) -> ArticleDraft:
        self.is_article()
        draft = ArticleDraft(
            url=self.url, outlet=self.outlet, canonical_url=self.canonical_url() or canonicalize_url(self.url)
        )
        origins = draft.field_origins
        draft.title, title_origin = self.headline()
        if draft.title and title_origin:
            origins["title"] = title_origin
        draft.sapo = self._first(
            origins,
            "sapo",
            lambda: self.select_text("sapo"),
            lambda: (self.ld("description"), "json-ld"),
            lambda: (self.meta("og:description", "description"), "meta"),
        )
        self._read_body(draft)
        self._read_dates(draft)
        self._read_authors(draft)
        self._read_section_and_tags(draft)
        self._read_lead_image(draft)
        draft.language = self._language()
        if self.decoding:
            origins["encoding"] = self.decoding
        return draft

    def _first(
        self, origins: dict[str, str], field: str, *layers: Callable[[], tuple[Any, str | None]]
    ) -> str | None:
        """The value of the first layer that gives text, the layer noted in *origins*.  Each layer
        returns (value, origin) and is read only if those before it gave nothing."""
        for read in layers:
            value, origin = read()
            if isinstance(value, str) and (text := clean_text(value)) and origin:
                origins[field] = origin
                return text
        return None

    # -- body -----------------------------------------------------------------------

    def _read_body(self, draft: ArticleDraft) -> None:
        element, origin = self.body_element()
        if element is None:
            return
        # Found in the page, then removed from a copy of it: removing boilerplate must not change
        # the page's own tree.
        found = self.body_boilerplate
        root = copy.deepcopy(element)
        remove = [twin for el, twin in zip(element.iter(), root.iter(), strict=True) if el in found]
        remove += [*root.iter(*GENERIC_REMOVE_TAGS), *GENERIC_REMOVE_MARKED(root)]
        profile_remove = [
            *_as_list(getattr(self.profile, "cms_remove_selectors", None)),
            *_as_list(getattr(self.profile, "remove_selectors", None)),
        ]
        if profile_remove:
            remove += self.css(", ".join(profile_remove), root)
        # An element inside one already dropped goes with it; dropping it again is harmless.
        for el in remove:
            _drop(el)
        draft.images.extend(self._take_figures(root))
        draft.paragraphs = [t for t in block_texts(root) if t]
        credit = self._line_after(element)
        if credit:
            # "Theo K14" printed just under the body, outside it: the byline step reads it.
            draft.authors_raw.append(AuthorCandidate(credit, "text"))
        if draft.paragraphs and origin:
            draft.field_origins["body"] = origin

    @staticmethod
    def _line_after(element: Any) -> str | None:
        """The short line printed right after the body element, when it credits someone ("Theo X")."""
        following = element.getnext()
        while following is not None and not isinstance(following.tag, str):
            following = following.getnext()
        if following is None or following.tag in GENERIC_REMOVE_TAGS:
            return None
        text = _text(following)
        return text if text and len(text) <= CREDIT_LINE_MAX_CHARS and CREDIT_START.match(text) else None

    def body_element(self) -> tuple[Any | None, str | None]:
        """The element holding the article's text, and the layer that found it.

        The outlet's (or its CMS's, or microdata's) body element, unless it is implausible:
        mostly links, or far less prose than the page's main text block (an old layout where
        today's selector matches another box).  Then, or when no selector matches, the main
        text block found by text and link density (``main-text``).
        """
        return self._body_element

    @cached_property
    def _body_element(self) -> tuple[Any | None, str | None]:
        elements, origin = self.select("body")
        if elements:
            chosen = elements[0]
            self._body_measures = measure(chosen)
            own = self._body_measures.get(chosen) or Measure()
            # Cheap first: the page's largest run of prose paragraphs, against the selected element's prose.
            if (
                own.link_share <= MAX_BODY_LINK_SHARE
                and own.prose >= MIN_SELECTED_SHARE * self.paragraph_prose
            ):
                return chosen, origin
            main, main_measure = self.main_text
            if main is not None and main_measure.prose > own.prose / MIN_SELECTED_SHARE:
                self._body_measures = self._page_measures
                return main, "main-text"
            if own.link_share <= MAX_BODY_LINK_SHARE:
                return chosen, origin
        main, main_measure = self.main_text
        self._body_measures = self._page_measures
        return (main, "main-text") if main is not None else (None, None)

    @cached_property
    def body_boilerplate(self) -> set[Any]:
        """The boxes of the body element that are no article text, found by the measures taken to
        choose it: blocks that are all links, no prose (related headlines, tag lists, "Xem thêm"
        runs), teasers, and, where no selector names this layout's boxes, the generic shapes of
        boilerplate (``crawler/main_text.py``)."""
        element, origin = self.body_element()
        if element is None:
            return set()
        return boilerplate_boxes(element, self._body_measures, junk_boxes=origin == "main-text")

    @cached_property
    def main_text(self) -> tuple[Any | None, Measure]:
        """The page's main text block and its measure (``crawler/main_text.py``)."""
        # The <body> only: what a <head> holds (metas, scripts, styles) is no text of the page.
        body = self.root.find("body")
        page = body if body is not None else self.root
        self._page_measures = measure(page)
        return main_block(page, self._page_measures)

    @property
    def page_prose(self) -> int:
        """Characters of prose on the whole page, in every block."""
        self.main_text  # noqa: B018 - measures the page
        return page_prose(self._page_measures)

    @cached_property
    def paragraph_prose(self) -> int:
        """Characters in the page's largest run of long paragraphs (``<p>`` of prose length under one
        parent): a cheap size of its main text, which teasers and comments spread over many boxes
        do not reach."""
        runs: dict[Any, int] = {}
        for p in _PROSE_PARAGRAPHS(self.root):
            parent = p.getparent()
            runs[parent] = runs.get(parent, 0) + len(_text(p))
        return max(runs.values(), default=0)

    def _take_figures(self, root: Any) -> list[Image]:
        """Image URLs and captions of the body's figures; the figures leave the body, unless the
        captions hold more text than the rest of it: in a photo story they are the story."""
        figures = []
        for fig in [*self.css(CAPTION_CONTAINERS, root), *_IMAGE_TABLES(root)]:
            if any(fig in f.iterancestors() or fig is f for f, _ in figures):
                continue
            img = next(fig.iter("img"), None)
            src = None
            if img is not None:
                src = next((img.get(a) for a in ("data-src", "data-original", "src") if img.get(a)), None)
            if not src:
                src = next(iter(self.css('meta[itemprop="url"]::attr(content)', fig)), None)
            caption_el = self.css(CAPTION_TEXT, fig)
            caption = _text(caption_el[0]) if caption_el else _text(fig) if fig.tag == "table" else ""
            if not src and not caption:
                continue
            figures.append((fig, Image(url=urljoin(self.url, src) if src else None, caption=caption or None)))
        captions = sum(len(image.caption or "") for _, image in figures)
        if captions > len(_text(root)) - captions:
            return [image for _, image in figures]  # a photo story: the captions stay in the body
        for fig, _ in figures:
            _drop(fig)
        return [image for _, image in figures]

    # -- dates, authors, section ---------------------------------------------------------

    def _read_dates(self, draft: ArticleDraft) -> None:
        found = draft.dates
        for key, kind in (("datePublished", "published"), ("dateModified", "modified")):
            value = self.ld(key)
            if isinstance(value, str) and value.strip():
                found.append(DateCandidate(value.strip(), "json-ld", kind))
        for names, kind in (
            (("article:published_time", "pubdate", "datePublished", "dc.date.issued"), "published"),
            (("article:modified_time", "lastmod", "dateModified", "og:updated_time"), "modified"),
        ):
            value = self.meta(*names)
            if value:
                found.append(DateCandidate(value, "meta", kind))
        elements, origin = self.select("date")
        for el in elements:
            attr = el.get("datetime") or el.get("content")
            text = _text(el)
            for value in (attr, text):
                if value:
                    found.append(DateCandidate(value, "page", "published"))
        if elements and origin:
            draft.field_origins["date"] = origin
        # The date line printed with the headline, unless the layout's date element already gave what
        # the page prints.
        printed = None if elements else self._date_near_title()
        if printed:
            # What the reader sees: the dates step prefers it to metadata that disagrees or has no offset.
            found.append(DateCandidate(printed, "text", "published"))
            draft.field_origins.setdefault("date", "printed")

    def _date_near_title(self) -> str | None:
        """The date line printed with the headline: the first short line holding a full date among the
        texts that follow it (before the body's prose begins), else among the few just before it
        (a date printed above the headline)."""
        title_root = self._headline[2]
        if title_root is None:
            heading = _BODY_HEADINGS(self.root)
            if not heading:
                return None
            title_root = heading[0]
        long_texts = 0
        for el in _NEAR_TITLE(title_root):
            if el.tag == "script":
                line = self._script_printed_date(el)
                if line:
                    return line
                continue
            text = _text(el)
            if len(text) >= PROSE_TEXT_CHARS:
                long_texts += 1
                if long_texts == 2:
                    break
            if line := self._date_line(el, text, title_root):
                return line
        for el in reversed(_PRECEDING_TEXT(title_root)):
            line = (
                self._script_printed_date(el)
                if el.tag == "script"
                else self._date_line(el, _text(el), title_root)
            )
            if line:
                return line
        # An empty element beside the headline that a script elsewhere fills with the date.
        box = title_root.getparent() if title_root.getparent() is not None else title_root
        for script in _SCRIPTS(self.root):
            for element_id, line in _script_dates(script):
                if element_id and box.xpath("boolean(.//*[@id=$id])", id=element_id):
                    return line
        return None

    @staticmethod
    def _date_line(el: Any, text: str, title_root: Any) -> str | None:
        lines = [text]
        parent = el.getparent()
        if parent is not None and title_root not in parent.iter():
            # The parent's text first: "<div><span>26/04/2023</span> <span>14:28</span></div>".
            lines.insert(0, _text(parent))
        for line in lines:
            if len(line) <= DATE_LINE_MAX_CHARS and find_datetime(line):
                return line
        return None

    @staticmethod
    def _script_printed_date(script: Any) -> str | None:
        """A date a short script writes where it stands (``document.write("Thứ năm, 20/12/2012")``)."""
        if sum(map(len, _TEXT_NODES(script))) > 2000:
            return None
        return next((line for element_id, line in _script_dates(script) if not element_id), None)

    def _read_authors(self, draft: ArticleDraft) -> None:
        for el in self.select("author")[0]:
            text = _text(el)
            if text:
                draft.authors_raw.append(AuthorCandidate(text, "page"))
        value = self.meta("article:author", "author", "dc.creator")
        if value and not value.startswith("http"):
            draft.authors_raw.append(AuthorCandidate(value, "meta"))
        for name in _names(self.ld("author")):
            draft.authors_raw.append(AuthorCandidate(name, "json-ld"))

    def _read_section_and_tags(self, draft: ArticleDraft) -> None:
        crumbs: list[str] = []
        for obj in self.json_ld:
            if "BreadcrumbList" in _types(obj):
                entries = [e for e in _listify(obj.get("itemListElement")) if isinstance(e, dict)]
                for entry in sorted(entries, key=lambda e: int(str(e.get("position") or 0).strip() or 0)):
                    item = entry.get("item")
                    name = entry.get("name") or (item.get("name") if isinstance(item, dict) else None)
                    if name and clean_text(name).lower() not in ("trang chủ", "home", "trang chu"):
                        crumbs.append(clean_text(name))
        if crumbs:
            draft.section, draft.field_origins["section"] = crumbs, "json-ld"
        else:
            elements, origin = self.select("section")
            crumbs = _unique(_text(e) for e in elements if not self._is_home_or_self(e, draft.title))
            if crumbs and origin:
                draft.section, draft.field_origins["section"] = crumbs, origin
            elif self.meta("article:section"):
                draft.section, draft.field_origins["section"] = [self.meta("article:section") or ""], "meta"
        draft.tags = _unique(_text(e) for e in self.select("tags")[0])
        keywords = self.meta("keywords", "news_keywords") or ""
        draft.keywords = _unique(k.strip() for k in keywords.split(","))

    def _is_home_or_self(self, crumb: Any, title: str | None) -> bool:
        """A breadcrumb entry that is no section: the home page ("Trang chủ", the site's address, a
        link to "/") or the article itself (its title)."""
        text = _text(crumb).casefold()
        link = crumb.get("href") or next((a.get("href") for a in crumb.iter("a")), None)
        return (
            text in ("trang chủ", "home", self.outlet.casefold())
            or bool(title and text == clean_text(title).casefold())
            or (link is not None and urlsplit(urljoin(self.url, link)).path in ("", "/"))
        )

    def _read_lead_image(self, draft: ArticleDraft) -> None:
        lead = self.meta("og:image")
        if lead and all(img.url != lead for img in draft.images):
            draft.images.insert(0, Image(url=urljoin(self.url, lead), caption=None))

    def _language(self) -> str | None:
        document = self.root.getroottree().getroot()
        lang = (document.get("lang") if document.tag == "html" else None) or self.meta(
            "Language", "og:locale", "inLanguage"
        )
        if lang and lang.strip():
            return lang.strip().lower().replace("_", "-").split("-")[0]
        # The page does not say: the outlet's own language, when its spider knows it.
        return getattr(self.profile, "language", None)


def _script_dates(script: Any) -> Iterator[tuple[str | None, str]]:
    """The dates a script prints into the page: (the id of the element it fills, or None where the
    script stands; the line, entities decoded)."""
    for match in _SCRIPT_PRINT.finditer("".join(_TEXT_NODES(script))):
        line = clean_text(html.unescape(match["text"]))
        if find_datetime(line):
            yield match["id"], line


def _title_key(text: str) -> str:
    """A title compared as a reader reads it: NFC, case folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _shares_words(title: str, other: str) -> bool:
    """Whether most words of *title* are words of *other* (a headline and its metadata wording)."""
    words, others = title.split(), set(other.split())
    return bool(words) and sum(w in others for w in words) >= 0.6 * len(words)


def _unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        if v and v not in seen:
            seen[v] = None
    return list(seen)


# A <meta> charset further down than the 4 KB Scrapy reads (tuoitre.vn's follows 18 KB of <head>).
META_CHARSET = re.compile(rb"""<meta\b[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
META_CHARSET_SPAN = 65536


def page_encoding(response: TextResponse) -> str:
    """The page's encoding as Scrapy finds it, but with a ``<meta>`` charset anywhere in the first
    64 KB read before Scrapy's guess.

    Scrapy takes it from the Content-Type header, a BOM or a ``<meta>`` in the first
    4 KB; failing those it guesses (UTF-8, else cp1252), which garbles a page in
    another encoding that declares it further down its head.
    """
    content_type = response.headers.get(b"Content-Type")
    declared = (
        (content_type and http_content_type_encoding(content_type.decode("latin-1")))
        or read_bom(response.body)[0]
        or html_body_declared_encoding(response.body)
    )
    if not declared and isinstance(response, HtmlResponse):
        found = META_CHARSET.search(response.body[:META_CHARSET_SPAN])
        if found:
            with contextlib.suppress(LookupError):
                return codecs.lookup(found.group(1).decode("ascii")).name
    return response.encoding


def vietnamese_encoding(body: bytes, declared: str) -> str:
    """*declared*, or UTF-8 for a page that declares another encoding but is Vietnamese in UTF-8.

    Read as the Latin-1 or windows-1252 it declares, such a page is mojibake ("GiÃ¡ xÄƒng"); bytes
    that are valid UTF-8 with letters beyond ASCII are UTF-8 (no 8-bit text is, in practice).  Only
    pages that declare another encoding pay for the check.
    """
    if codecs.lookup(declared).name == "utf-8" or body.isascii():
        return declared
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return declared
    return "utf-8" if is_vietnamese(text) else declared


class PageTooDeep(ValueError):
    """The page nests its elements deeper than libxml2 reads, even without its ``<div>``s."""


# Container tags a page nested too deep loses, to be read at all: they carry no text of their own.
NESTING_TAGS = re.compile(rb"</?(?:div|span|section|font)\b[^>]*>", re.IGNORECASE)


def parse_html(body: bytes, encoding: str, url: str) -> Any:
    """The tree of an HTML page, in lxml's plain elements.

    lxml.html's elements (parsel's) look their Python class up for every element the
    code touches, which made reading a page slower (bench/README.md).  UTF-8 bytes go
    to libxml2 as they are (it reads a byte it cannot decode as U+FFFD); a page in
    another encoding is decoded here, since libxml2 may not know the encoding's name.

    libxml2 stops at a depth of 2,048 elements and drops the rest of the page: a page
    that deep is read again without its containers (``div``, ``span``...), whose
    paragraphs and headings then stand side by side; if it is still too deep,
    :class:`PageTooDeep` says so.
    """
    if codecs.lookup(encoding).name != "utf-8":
        body = body.decode(encoding, errors="replace").encode("utf-8")
    root, too_deep = _parse(body, url)
    if too_deep:
        root, too_deep = _parse(NESTING_TAGS.sub(b"", body), url)
        if too_deep:
            raise PageTooDeep("the page nests its elements more than 2,048 deep, containers left out")
    return root


def _parse(body: bytes, url: str) -> tuple[Any, bool]:
    parser = etree.HTMLParser(encoding="utf-8", huge_tree=True)
    root = None if body.isspace() or not body else etree.fromstring(body, parser, base_url=url)
    too_deep = any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log)
    return (root if root is not None else etree.fromstring(b"<html/>", parser, base_url=url)), too_deep


def _drop(element: Any) -> None:
    """Remove an element but keep its tail text (the words after it), as ``lxml.html``'s
    ``drop_tree`` does."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + element.tail
        else:
            previous.tail = (previous.tail or "") + element.tail
    parent.remove(element)


def _table_row(tr: Any) -> str | None:
    """A data table's row as one line, its cells joined by " | "; None for a layout row (a cell
    holding paragraphs or other blocks) or a row of one cell."""
    cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
    if any(isinstance(d.tag, str) and d.tag in BLOCK_TAGS for c in cells for d in c.iterdescendants()):
        return None
    texts = [t for t in (_text(c) for c in cells) if t]
    return " | ".join(texts) if len(texts) >= 2 else None


def block_texts(root: Any) -> list[str]:
    """The text of a body, one entry per paragraph-like block, in reading order.

    A leaf block (a paragraph, a heading, a list item holding no other block) is one
    entry; a container's loose text between its blocks, and text split by ``<br>``,
    make entries of their own.  A data table's row is one entry, its cells joined
    by " | ".
    """
    out: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        if not buffer:
            return
        text = clean_text("".join(buffer))
        if text:
            out.append(text)
        buffer.clear()

    def walk_children(el: Any) -> None:
        if el.text:
            buffer.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                buffer.append(child.tail)

    def walk(el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""  # comments and processing instructions: ""
        if tag == "br":
            flush()
        elif tag == "tr" and (row := _table_row(el)) is not None:
            flush()
            buffer.append(row)
            flush()
        elif tag in LEAF_BLOCKS and (
            not len(el)  # no child at all: the common paragraph, decided without a walk
            or not any(
                isinstance(c.tag, str) and c.tag in BLOCK_TAGS and c.tag != "li" for c in el.iterdescendants()
            )
        ):
            flush()
            buffer.append(_string(el))
            flush()
        elif tag in BLOCK_TAGS:
            flush()
            walk_children(el)
            flush()
        elif tag:
            buffer.append(_string(el))

    walk_children(root)
    flush()
    return out

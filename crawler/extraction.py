"""Reading one article page into an :class:`~crawler.items.ArticleDraft`.

This is the page object of the project: it knows HTML, not crawling, so that
it runs the same in a crawl, in ``scrapy extract`` and in the tests on saved
pages.  Each field is read in layers, so that a layout change degrades a
record instead of emptying it:

* dates, authors, section, canonical URL: JSON-LD, then meta tags, then the
  outlet's selectors, then generic markup;
* title, lead and body: the outlet's selectors first (what the reader sees:
  structured headlines are sometimes an earlier wording, descriptions are
  often cut short), then JSON-LD/meta, and a text-density guess over the page
  for the body.

``draft.field_origins`` records which layer answered each field.
"""

from __future__ import annotations

import codecs
import contextlib
import copy
import json
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property, lru_cache
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree
from parsel import Selector
from parsel.csstranslator import GenericTranslator, HTMLTranslator
from parsel.selector import create_root_node
from scrapy.http import HtmlResponse

from crawler.items import ArticleDraft, AuthorCandidate, DateCandidate, Image

ARTICLE_TYPES = {
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BlogPosting",
    "LiveBlogPosting",
}

# Removed from every body before its text is read, never article text: these elements, and
# those whose class, id or type marks them as shares, related links, comments or ads.  Written
# as one tag walk and one XPath: as CSS ("[class*=share], [class*=social], …") each part was a
# walk of the body of its own, most of the time spent reading a body.  The XPath walks the
# attributes and takes their owners, as _attribute_walks does for CSS: a test on every element
# cost twice as much.
GENERIC_REMOVE_TAGS = ("script", "style", "noscript", "iframe", "form", "button", "svg", "template")
GENERIC_REMOVE_MARKED = etree.XPath(
    "descendant-or-self::*/@class[contains(., 'share') or contains(., 'social')"
    " or contains(., 'related') or contains(., 'comment') or contains(., 'banner')"
    " or contains(., 'adsbygoogle')]/parent::*"
    " | descendant-or-self::*/@id[contains(., 'banner')]/parent::*"
    " | descendant-or-self::*/@data-marked-zoneid/parent::*"
    " | descendant-or-self::*/@type[. = 'VideoStream' or contains(., 'Related')]/parent::*"
)

# Markup most Vietnamese news CMSs share (VCCorp's data-role attributes, schema.org
# microdata), tried when an outlet's own selectors find nothing.
GENERIC_SELECTORS: dict[str, tuple[str, ...]] = {
    "title": ("h1[data-role=title]", "h1 [data-role=title]", "h1[itemprop=headline]"),
    "sapo": ("[data-role=sapo]", "[itemprop=description]:not(meta)"),
    "body": ("[data-role=content]", "[itemprop=articleBody]"),
    "author": ("[data-role=author]", "[itemprop=author]:not(meta)"),
    "date": ("[data-role=publishdate]", "time[itemprop=datePublished]", "[itemprop=datePublished]:not(meta)"),
}

# Where image captions live in Vietnamese CMSs (figure, Sohatech/VCCorp, MasterCMS, FCK).
CAPTION_CONTAINERS = "figure, table.image, table.picture, div[type=Photo]"
CAPTION_TEXT = "figcaption, .PhotoCMS_Caption, .image_caption, .caption, td.caption, p.Image"

BLOCK_TAGS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "pre",
    "div",
    "section",
    "article",
    "table",
    "tr",
    "td",
    "th",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "figure",
    "figcaption",
    "header",
    "footer",
    "aside",
    "center",
}
LEAF_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "dt", "dd", "td", "th"}
# Containers the text-density fallback never picks.
JUNK_HINT = re.compile(r"comment|related|lienquan|sidebar|footer|menu|nav|banner|popular|mostview|tag", re.I)
TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|gidzl|zarsrc|itm_\w+|ref)$", re.I)
# A full date with its year as pages print it ("26/04/2023 14:28", "01:38 06/09/2023", "2023-04-26");
# "Chiều 18/2" has no year and is never one.
PRINTED_DATE = re.compile(r"(?<!\d)(?:\d{1,2}([/.-])\d{1,2}\1\d{4}|\d{4}-\d{2}-\d{2})(?!\d)")
# The last-resort date is a short line among the first texts after the title, before the body's
# prose begins (the second long text): related headlines further down carry dates of their own.
NEAR_TITLE_TEXTS = 12
DATE_LINE_MAX_CHARS = 80
PROSE_TEXT_CHARS = 150
WS = re.compile(r"\s+")
# XPaths compiled once: the text nodes of an element (a script's content), the fallbacks'
# paragraphs and headings, and what follows the title.
_TEXT_NODES = etree.XPath("text()", smart_strings=False)
_BODY_PARAGRAPHS = etree.XPath("//body//p")
_BODY_HEADINGS = etree.XPath("//body//h1")
_NEAR_TITLE = etree.XPath(
    "following::*[text()[normalize-space()]]"
    "[not(ancestor-or-self::script or ancestor-or-self::style)]"
    f"[position() <= {NEAR_TITLE_TEXTS}]"
)
# parsel's CSS translations, for HTML and for XML (XHTML) pages.
_CSS_TRANSLATORS = {"html": HTMLTranslator(), "xml": GenericTranslator()}
# A step tested on one attribute ("[data-role=content]", ".sapo", "div.sapo",
# "a[href*='/tac-gia/']"): libxml2 builds and tests a node-set for the predicate's ``@attr``
# on every element the step reaches, which costs more than walking the attribute itself and
# taking its owner (several times more for a wildcard step, a third more for a tag's).
# Rewritten so, the step finds the same elements.  A step testing a class and an attribute's
# value ("p.sapo[data-role=sapo]") walks the attribute and tests the class on its owner.  A step
# followed by another predicate (":first-child") is left alone: there the predicate would count
# positions on the parent axis.
_STEP = r"::([\w-]+|\*)"
_VALUE = r"('[^']*')"
_HAS_CLASS = (
    rf"@class and contains\(@class, {_VALUE}\) and "
    rf"contains\(concat\(' ', normalize-space\(@class\), ' '\), {_VALUE}\)"
)
_ATTRIBUTE_WALKS = (
    # [data-role=content]
    (re.compile(rf"{_STEP}\[@([\w-]+) = {_VALUE}\](?!\[)"), r"::\1/@\2[. = \3]/parent::*"),
    # .sapo
    (
        re.compile(rf"{_STEP}\[{_HAS_CLASS}\](?!\[)"),
        r"::\1/@class[contains(., \2) and contains(concat(' ', normalize-space(.), ' '), \3)]/parent::*",
    ),
    # [href*='/tac-gia/']
    (
        re.compile(rf"{_STEP}\[@([\w-]+) and contains\(@\2, {_VALUE}\)\](?!\[)"),
        r"::\1/@\2[contains(., \3)]/parent::*",
    ),
    # p.sapo[data-role=sapo]: last, as its class test stays a predicate
    (
        re.compile(rf"{_STEP}\[\(({_HAS_CLASS})\) and \(@([\w-]+) = {_VALUE}\)\](?!\[)"),
        r"::\1/@\5[. = \6]/parent::*[\2]",
    ),
)


class NotAnArticle(Exception):
    """The page is not an article (a listing, an error page, a video hub...)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class OutletProfile(Protocol):
    """What extraction reads from an outlet spider (class or instance)."""

    outlet: str
    selectors: dict[str, str | Sequence[str]]
    remove_selectors: Sequence[str]


def clean_text(text: str | None) -> str:
    # str.split() splits on exactly the characters \s matches; it is several times faster than WS.sub.
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


@lru_cache(maxsize=1024)
def _css(css: str, page_type: str = "html") -> etree.XPath:
    """*css* as parsel reads it on a page of *page_type*, translated and compiled once: on a small
    page parsel's per-call work and its Selector wrapping cost more than the search itself."""
    translator = _CSS_TRANSLATORS["xml" if page_type == "xml" else "html"]
    return etree.XPath(_attribute_walks(translator.css_to_xpath(css)), smart_strings=False)


def _attribute_walks(xpath: str) -> str:
    """*xpath* with its steps tested on one attribute searched on the attribute axis (see above)."""
    for step, walk in _ATTRIBUTE_WALKS:
        xpath = step.sub(walk, xpath)
    return xpath


def _string(element: Any) -> str:
    """All the text in *element*, its tail left out: XPath's ``string()``.  libxml2's text
    serialisation gives the same string at about a third of the cost of an XPath call,
    which matters when every paragraph of a body is read."""
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


class ArticlePage:
    """One fetched page and the outlet profile that reads it."""

    def __init__(self, url: str, selector: Selector, profile: Any | None = None, status: int = 200) -> None:
        self.url = url
        self.sel = selector
        self.profile = profile
        self.status = status
        self.selectors: dict[str, Any] = dict(getattr(profile, "selectors", None) or {})
        self.outlet = getattr(profile, "outlet", None) or outlet_of(url)
        self.generic: set[str] = set()
        # The fields' elements are lxml's own: the page's Selector is only the parsed tree.
        self.root = selector.root
        self._selected: dict[str, list[Any]] = {}
        self._read_tags()
        self.article_ld = next((o for o in self.json_ld if _types(o) & ARTICLE_TYPES), None)

    @classmethod
    def from_response(cls, response: Any, profile: Any | None = None) -> ArticlePage:
        return cls(response.url, _page_selector(response), profile, getattr(response, "status", 200))

    @classmethod
    def from_html(cls, html: str | bytes, url: str, profile: Any | None = None) -> ArticlePage:
        text = html.decode("utf-8", errors="replace") if isinstance(html, bytes) else html
        return cls(url, _html_selector(url, text=text), profile)

    # -- small readers -------------------------------------------------------------

    def meta(self, *names: str) -> str | None:
        for name in names:
            value = self._metas.get(name)
            if value and (text := clean_text(value)):
                return text
        return None

    def _read_tags(self) -> None:
        """The metas, the canonical link and the JSON-LD, in one pass over the page: lxml's tag
        filter walks the tree in C, about as fast as one XPath search of it, where each of these
        took a search of its own."""
        if self.sel.type == "json":
            self.sel.xpath("/")  # a JSON document is no page: parsel's ValueError, as before
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
        by default the page, as ``Selector.css`` would."""
        return _css(css, self.sel.type)(self.root if element is None else element)

    def select(self, field: str) -> list[Any]:
        """Elements for *field*: the outlet's selectors first (the first that matches), then
        the markup most Vietnamese CMSs share (``GENERIC_SELECTORS``); ``self.generic``
        notes the fields that only the shared markup answered.  Each field is searched once."""
        if field not in self._selected:
            self._selected[field] = self._select(field)
        return list(self._selected[field])

    def _select(self, field: str) -> list[Any]:
        for css in _as_list(self.selectors.get(field)):
            found = self.css(css)
            if found:
                return found
        for css in GENERIC_SELECTORS.get(field, ()):
            found = self.css(css)
            if found:
                self.generic.add(field)
                return found
        return []

    def select_text(self, field: str) -> str | None:
        for el in self.select(field):
            text = _text(el)
            if text:
                return text
        return None

    def ld(self, key: str) -> Any:
        return self.article_ld.get(key) if self.article_ld else None

    # -- the draft ----------------------------------------------------------------

    def is_article(self) -> None:
        """Raise NotAnArticle unless the page carries an article."""
        if self.status >= 400:
            raise NotAnArticle("http_error", str(self.status))
        canonical = self.canonical_url()
        if canonical and urlsplit(canonical).path in ("", "/") and urlsplit(self.url).path not in ("", "/"):
            raise NotAnArticle("not_article", f"canonical link points to the home page ({canonical})")
        has_title = bool(self.select("title")) or self.article_ld is not None
        og_type = (self.meta("og:type") or "").lower()
        if not has_title and og_type != "article" and not self.meta("article:published_time"):
            raise NotAnArticle(
                "not_article", "no article markup (no title element, JSON-LD article or og:type)"
            )

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
        draft.title = self._first(
            origins,
            "title",
            # The headline as printed: JSON-LD and og:title are sometimes an earlier or SEO wording.
            ("selector", lambda: self.select_text("title")),
            ("json-ld", lambda: self.ld("headline")),
            ("meta", lambda: self.meta("og:title")),
            (
                "fallback",
                lambda: clean_text(self.sel.xpath("string(//h1)").get()) or self.sel.css("title::text").get(),
            ),
        )
        draft.sapo = self._first(
            origins,
            "sapo",
            ("selector", lambda: self.select_text("sapo")),
            ("json-ld", lambda: self.ld("description")),
            ("meta", lambda: self.meta("og:description", "description")),
        )
        self._read_body(draft)
        self._read_dates(draft)
        self._read_authors(draft)
        self._read_section_and_tags(draft)
        self._read_lead_image(draft)
        draft.language = self._language()
        return draft

    def _first(self, origins: dict[str, str], field: str, *layers: tuple[str, Any]) -> str | None:
        for origin, read in layers:
            value = read()
            if isinstance(value, str) and (text := clean_text(value)):
                origins[field] = origin
                return text
        return None

    # -- body -----------------------------------------------------------------------

    def _read_body(self, draft: ArticleDraft) -> None:
        body = self.select("body")
        origin = "generic" if "body" in self.generic else "selector"
        if not body:
            container = self._densest_container()
            if container is None:
                return
            body, origin = [container], "fallback"
        root = _detached_copy(body[0])
        # One search for all of them: elements inside one already dropped are dropped with it.
        remove = [*root.iter(*GENERIC_REMOVE_TAGS), *GENERIC_REMOVE_MARKED(root)]
        outlet_remove = ", ".join(_as_list(getattr(self.profile, "remove_selectors", None)))
        if outlet_remove:
            remove += self.css(outlet_remove, root)
        # An element inside one already dropped goes with it; dropping it again is harmless.
        for el in remove:
            _drop(el)
        draft.images.extend(self._take_figures(root))
        draft.paragraphs = [t for t in block_texts(root) if t]
        if draft.paragraphs:
            draft.field_origins["body"] = origin

    def _take_figures(self, root: Any) -> list[Image]:
        """Image URLs and captions of the body's figures; the figures leave the body."""
        images = []
        for fig in self.css(CAPTION_CONTAINERS, root):
            img = next(fig.iter("img"), None)
            src = None
            if img is not None:
                src = next((img.get(a) for a in ("data-src", "data-original", "src") if img.get(a)), None)
            if not src:
                src = next(iter(self.css('meta[itemprop="url"]::attr(content)', fig)), None)
            caption_el = self.css(CAPTION_TEXT, fig)
            caption = _text(caption_el[0]) if caption_el else ""
            if not src and not caption:
                continue
            images.append(Image(url=urljoin(self.url, src) if src else None, caption=caption or None))
            _drop(fig)
        return images

    def _densest_container(self) -> Any | None:
        """The element holding most paragraph text: the body when no selector matched."""
        scores: dict[Any, float] = {}
        for p in _BODY_PARAGRAPHS(self.root):
            text = _text(p)
            if len(text) < 40:
                continue
            parent = p.getparent()
            for weight, el in ((1.0, parent), (0.5, parent.getparent() if parent is not None else None)):
                if el is None or JUNK_HINT.search(f"{el.get('class', '')} {el.get('id', '')}"):
                    continue
                scores[el] = scores.get(el, 0.0) + weight * len(text)
        if not scores:
            return None
        return max(scores, key=scores.__getitem__)

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
        for el in self.select("date"):
            attr = el.get("datetime") or el.get("content")
            text = _text(el)
            for value in (attr, text):
                if value:
                    found.append(DateCandidate(value, "page", "published"))
        if self.select("date"):
            draft.field_origins["date"] = "selector"
        elif not any(c.kind == "published" for c in found) and (printed := self._date_near_title()):
            # No structured date and no date element matched: plain portals print it under the title.
            found.append(DateCandidate(printed, "text", "published"))
            draft.field_origins["date"] = "fallback"

    def _date_near_title(self) -> str | None:
        """The first short line holding a full date among the elements that follow the title (h1)."""
        heading = self.select("title") or _BODY_HEADINGS(self.root)
        if not heading:
            return None
        title_root = heading[0]
        long_texts = 0
        for el in _NEAR_TITLE(title_root):
            text = _text(el)
            if len(text) >= PROSE_TEXT_CHARS:
                long_texts += 1
                if long_texts == 2:
                    break
            lines = [text]
            parent = el.getparent()
            if parent is not None and title_root not in parent.iter():
                # The parent's text first: "<div><span>26/04/2023</span> <span>14:28</span></div>".
                lines.insert(0, _text(parent))
            for line in lines:
                if len(line) <= DATE_LINE_MAX_CHARS and PRINTED_DATE.search(line):
                    return line
        return None

    def _read_authors(self, draft: ArticleDraft) -> None:
        date_css = ", ".join(_as_list(self.selectors.get("date"))) or None
        for el in self.select("author"):
            el_root = el
            if date_css and self.css(date_css, el):
                # The date printed inside the credit goes, from a copy: the date reader still needs it.
                el_root = _detached_copy(el)
                for d in self.css(date_css, el_root):
                    _drop(d)
            # The old vtv layout prints "PV ...-<span class=time>...</span>": drop the separator too.
            text = _text(el_root).strip(" -–|,")
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
            crumbs = [_text(e) for e in self.select("section")]
            crumbs = _unique(c for c in crumbs if c and c.lower() != "trang chủ")
            if crumbs:
                draft.section, draft.field_origins["section"] = crumbs, "selector"
            elif self.meta("article:section"):
                draft.section, draft.field_origins["section"] = [self.meta("article:section") or ""], "meta"
        draft.tags = _unique(_text(e) for e in self.select("tags"))
        keywords = self.meta("keywords", "news_keywords") or ""
        draft.keywords = _unique(k.strip() for k in keywords.split(","))

    def _read_lead_image(self, draft: ArticleDraft) -> None:
        lead = self.meta("og:image")
        if lead and all(img.url != lead for img in draft.images):
            draft.images.insert(0, Image(url=urljoin(self.url, lead), caption=None))

    def _language(self) -> str | None:
        document = self.root.getroottree().getroot()
        # /html/@lang, read without an XPath search.
        lang = (document.get("lang") if document.tag == "html" else None) or self.meta(
            "Language", "og:locale", "inLanguage"
        )
        if lang and lang.strip():
            return lang.strip().lower().replace("_", "-").split("-")[0]
        # The page does not say: the outlet's own language, when its spider knows it.
        return getattr(self.profile, "language", None)


def _unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        if v and v not in seen:
            seen[v] = None
    return list(seen)


# A <meta> charset further down than the 4 KB Scrapy reads (tuoitre.vn's follows 18 KB of <head>).
META_CHARSET = re.compile(rb"""<meta\b[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
META_CHARSET_SPAN = 65536


def page_encoding(response: Any) -> str:
    """The response's encoding as Scrapy finds it, but without its costly guess.

    Scrapy takes it from the response (an encoding given, a BOM, the Content-Type
    header) or from a <meta> in the first 4 KB of the body; failing those it
    decodes the whole body, twice, to guess.  A <meta> in the first 64 KB is read
    before that guess.
    """
    declared = getattr(response, "_declared_encoding", lambda: None)()
    if declared:
        return declared
    found = META_CHARSET.search(response.body[:META_CHARSET_SPAN])
    if found:
        with contextlib.suppress(LookupError):
            return codecs.lookup(found.group(1).decode("ascii")).name
    return response.encoding


def _page_selector(response: Any) -> Selector:
    """The page's tree, parsed once.  UTF-8 pages are parsed from their bytes: Scrapy's
    ``response.selector`` decodes the body to text, which parsel encodes back before parsing."""
    if not isinstance(response, HtmlResponse):
        return response.selector
    encoding = page_encoding(response)
    if codecs.lookup(encoding).name == "utf-8":
        return _html_selector(response.url, body=response.body)
    return _html_selector(response.url, text=response.body.decode(encoding, errors="replace"))


def _html_selector(url: str, text: str = "", body: bytes = b"") -> Selector:
    """parsel's parse of an HTML page, into lxml's plain elements rather than ``lxml.html``'s:
    those look up their Python class in Python for every element the code touches, which
    made walking a tree five times slower.  Nothing here needs their extra methods."""
    root = create_root_node(text, _reused_html_parser, base_url=url, body=body, encoding="utf-8")
    return Selector(root=root, type="html", base_url=url)


_parsers = threading.local()


def _reused_html_parser(**options: Any) -> etree.HTMLParser:
    """An HTML parser made once per thread and options (lxml's parsers are not thread-safe).

    parsel makes a parser for every page; a parser's first parse costs about 0.1 ms more
    on a 220 KB page than the next ones (5 % of reading one), and lxml resets a parser,
    its error log included, before each parse.
    """
    if not hasattr(_parsers, "made"):
        _parsers.made = {}
    key = tuple(sorted(options.items()))
    if key not in _parsers.made:
        _parsers.made[key] = etree.HTMLParser(**options)
    return _parsers.made[key]


def _detached_copy(element: Any) -> Any:
    """A deep copy, so that removing boilerplate never changes the response's tree."""
    return copy.deepcopy(element)


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


def block_texts(root: Any) -> list[str]:
    """The text of a body, one entry per paragraph-like block, in reading order.

    A leaf block (a paragraph, a heading, a list item holding no other block) is one
    entry; a container's loose text between its blocks, and text split by ``<br>``,
    make entries of their own.
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

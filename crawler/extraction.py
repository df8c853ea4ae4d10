"""Reading one article page into an :class:`~crawler.items.ArticleDraft`.

This is the page object of the project: it knows HTML, not crawling, so that
it runs the same in a crawl, in ``scrapy extract`` and in the tests on saved
pages.  Each field is read in layers, so that a layout change degrades a
record instead of emptying it:

* dates, authors, section, canonical URL: JSON-LD, then meta tags, then the
  outlet's selectors, then its CMS's (``cms_selectors`` of the spider), then
  schema.org microdata and, for a date, a date line printed under the title;
* title, lead and body: the outlet's selectors first (what the reader sees:
  structured headlines are sometimes an earlier wording, descriptions are
  often cut short), then its CMS's and microdata, then JSON-LD/meta, and a
  text-density guess over the page for the body.

``draft.field_origins`` records which layer answered each field: ``json-ld``,
``meta``, ``selector`` (the outlet's), ``cms``, ``generic`` (microdata) or
``fallback`` (the densest text, the first ``h1``, a date line under the title).
"""

from __future__ import annotations

import codecs
import contextlib
import copy
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cached_property, lru_cache
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree
from parsel import css2xpath
from scrapy.http import HtmlResponse, TextResponse
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

from crawler.items import ArticleDraft, AuthorCandidate, DateCandidate, Image
from pipelines.text.dates import find_datetime

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
    "author": ("[itemprop=author]:not(meta)",),
    "date": ("time[itemprop=datePublished]", "[itemprop=datePublished]:not(meta)"),
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
# The last-resort date is a short line among the first texts after the title, before the body's
# prose begins (the second long text): related headlines further down carry dates of their own.
NEAR_TITLE_TEXTS = 12
DATE_LINE_MAX_CHARS = 80
PROSE_TEXT_CHARS = 150
# The text nodes of an element (a script's content), the fallbacks' paragraphs and headings,
# and what follows the title.
_TEXT_NODES = etree.XPath("text()", smart_strings=False)
_BODY_PARAGRAPHS = etree.XPath("//body//p")
_BODY_HEADINGS = etree.XPath("//body//h1")
_NEAR_TITLE = etree.XPath(
    "following::*[text()[normalize-space()]]"
    "[not(ancestor-or-self::script or ancestor-or-self::style)]"
    f"[position() <= {NEAR_TITLE_TEXTS}]"
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
        root = parse_html(response.body, page_encoding(response), response.url)
        return cls(response.url, root, profile, response.status)

    @classmethod
    def from_html(cls, html: str | bytes, url: str, profile: OutletProfile | None = None) -> ArticlePage:
        """A page from saved HTML: bytes are read as UTF-8."""
        body = html.encode("utf-8") if isinstance(html, str) else html
        return cls(url, parse_html(body, "utf-8", url), profile)

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

    # -- the draft ----------------------------------------------------------------

    def is_article(self) -> None:
        """Raise NotAnArticle unless the page carries an article."""
        if self.status >= 400:
            raise NotAnArticle("http_error", str(self.status))
        canonical = self.canonical_url()
        if canonical and urlsplit(canonical).path in ("", "/") and urlsplit(self.url).path not in ("", "/"):
            raise NotAnArticle("not_article", f"canonical link points to the home page ({canonical})")
        has_title = bool(self.select("title")[0]) or self.article_ld is not None
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
            lambda: self.select_text("title"),
            lambda: (self.ld("headline"), "json-ld"),
            lambda: (self.meta("og:title"), "meta"),
            lambda: (
                clean_text(self.root.xpath("string(//h1)")) or self.root.findtext(".//title"),
                "fallback",
            ),
        )
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
        body, origin = self.select("body")
        if not body:
            container = self._densest_container()
            if container is None:
                return
            body, origin = [container], "fallback"
        root = copy.deepcopy(body[0])  # removing boilerplate must not change the page's own tree
        remove = [*root.iter(*GENERIC_REMOVE_TAGS), *GENERIC_REMOVE_MARKED(root)]
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
        if draft.paragraphs and origin:
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
        elements, origin = self.select("date")
        for el in elements:
            attr = el.get("datetime") or el.get("content")
            text = _text(el)
            for value in (attr, text):
                if value:
                    found.append(DateCandidate(value, "page", "published"))
        if elements and origin:
            draft.field_origins["date"] = origin
        elif not any(c.kind == "published" for c in found) and (printed := self._date_near_title()):
            # No structured date and no date element matched: plain portals print it under the title.
            found.append(DateCandidate(printed, "text", "published"))
            draft.field_origins["date"] = "fallback"

    def _date_near_title(self) -> str | None:
        """The first short line holding a full date among the elements that follow the title (h1)."""
        heading = self.select("title")[0] or _BODY_HEADINGS(self.root)
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
                if len(line) <= DATE_LINE_MAX_CHARS and find_datetime(line):
                    return line
        return None

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


def parse_html(body: bytes, encoding: str, url: str) -> Any:
    """The tree of an HTML page, in lxml's plain elements.

    lxml.html's elements (parsel's) look their Python class up for every element the
    code touches, which made reading a page slower (bench/README.md).  UTF-8 bytes go
    to libxml2 as they are (it reads a byte it cannot decode as U+FFFD); a page in
    another encoding is decoded here, since libxml2 may not know the encoding's name.
    """
    if codecs.lookup(encoding).name != "utf-8":
        body = body.decode(encoding, errors="replace").encode("utf-8")
    parser = etree.HTMLParser(encoding="utf-8", huge_tree=True)
    root = None if body.isspace() or not body else etree.fromstring(body, parser, base_url=url)
    return root if root is not None else etree.fromstring(b"<html/>", parser, base_url=url)


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

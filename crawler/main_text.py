"""The page's main text block, found by block text and link density, for any layout.

Every block of the page (a paragraph, a heading, a list item, a ``<div>`` or
``<td>`` holding loose text and ``<br>`` breaks) is measured: its characters,
and how many of them sit inside links.  A block of at least ``PROSE_MIN_CHARS``
characters, mostly not links, is prose; the rest (menus, headline runs,
captions of a line, footers) is not.  Each element then scores its prose
less its link text and a share of its other text, and the best element is the
main text block: it takes in all the article's paragraphs, however they are
nested, and leaves out the menus and headline lists around them.  Inside it,
link runs and runs of teasers (three or more boxes of one kind, each a link
with a line under it) are boilerplate; a block that is one post among several
of its kind (a forum thread, comments) is no article.

Text inside elements whose class or id names comments, related news, side
bars, footers or menus counts against an element, never for it: a comment
thread is prose, but not the article's.

The walk is iterative, so a page of 100,000 nested ``<div>``s is measured, not
a recursion error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml import etree

# A prose block: this long and at most this share of links.
PROSE_MIN_CHARS = 50
PROSE_MAX_LINK_SHARE = 0.35
# What counts against an element: each character of link text, and a share of its other non-prose text.
LINK_TEXT_WEIGHT = 1.0
OTHER_TEXT_WEIGHT = 0.3
# A block with more of its text in links than this is a link run (related headlines, menus).
LINK_RUN_SHARE = 0.5
# Teasers: this many siblings of one tag and class, each with this share of its text in links.
TEASER_RUN = 3
TEASER_LINK_SHARE = 0.2
TEASER_MAX_CHARS = 600
# A thread: this many posts of one kind, each with prose of its own.
THREAD_POSTS = 3
THREAD_HINT = re.compile(r"message|post|comment|reply|binhluan", re.I)

# Elements that hold blocks of text of their own (paragraphs, cells, boxes); the rest is inline.
BLOCK_TAGS = frozenset(
    [
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
        "main",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "caption",
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
        "nav",
        "center",
        "form",
    ]
)
LEAF_TAGS = frozenset(["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "dd"])
IGNORED_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "iframe",
        "template",
        "svg",
        "button",
        "select",
        "option",
        "textarea",
        "head",
        "title",
    ]
)
# Class or id words of boxes that are never the article's text.
JUNK_HINT = re.compile(
    r"comment|binhluan|related|lienquan|tinkhac|tin-khac|other-?news|sidebar|side-bar|footer|menu|nav\b|navbar"
    r"|banner|popular|mostview|most-view|xemnhieu|docnhieu|breadcrumb|topbar|header|share|social|advert|\bads?\b"
    r"|quangcao|widget|tag-?list|box-?tags?|\btags?\b",
    re.I,
)
# …unless the same names say it holds the article.
CONTENT_HINT = re.compile(
    r"article|content|detail|story|post-?body|entry|noidung|fck|main-?text|body-?text", re.I
)


@dataclass
class Measure:
    """What an element holds: its text, the prose and the link text among it, and whether it is a junk box."""

    chars: int = 0
    prose: int = 0
    links: int = 0
    own_prose: int = 0  # the prose of the element's own text, its child blocks' left out
    junk: bool = False  # a box never the article's (is_junk_box), told where it holds prose

    @property
    def other(self) -> int:
        return self.chars - self.prose

    @property
    def link_share(self) -> float:
        return self.links / self.chars if self.chars else 0.0


def _tag(el: Any) -> str:
    return el.tag if isinstance(el.tag, str) else ""


def is_junk_box(el: Any) -> bool:
    """An element named as a comment thread, related box, side bar, footer, menu or share bar."""
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    if not names.strip():
        return _tag(el) in ("nav", "aside", "footer")
    return bool(JUNK_HINT.search(names)) and not CONTENT_HINT.search(names)


def _length(text: str | None) -> int:
    """Characters of *text* as a reader counts them: whitespace runs are one space."""
    if not text or text.isspace():
        return 0
    return len(" ".join(text.split()))


@dataclass(slots=True)
class _Open:
    """An element the walk is inside: its nearest block, its flags, and the text counted so far."""

    element: Any
    block: Any  # the nearest block element (itself, for a block), where its text counts
    in_link: bool
    ignored: bool  # a script, a style...: no text of it counts
    chars: int = 0  # the measures of its children, summed
    links: int = 0
    prose: int = 0
    own_chars: int = 0  # its own text, when it is a block
    own_links: int = 0


def measure(root: Any) -> dict[Any, Measure]:
    """The measure of every element under *root* (itself included) that holds text.

    One walk of the tree (lxml's ``iterwalk``): the text of an element and the tails
    of its inline children belong to its nearest block; an element's measure is its
    own block text and its children's measures, summed as the walk leaves it.
    """
    measures: dict[Any, Measure] = {}
    stack: list[_Open] = []
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            top = stack[-1] if stack else None
            current = _Open(
                element=el,
                block=el if (tag in BLOCK_TAGS or top is None) else top.block,
                in_link=(top is not None and top.in_link) or tag == "a",
                ignored=(top is not None and top.ignored) or tag in IGNORED_TAGS or not tag,
            )
            stack.append(current)
            if not current.ignored:
                _count(stack, current.block, _length(el.text), current.in_link)
            continue
        done = stack.pop()
        top = stack[-1] if stack else None
        if top is not None and not top.ignored:
            _count(stack, top.block, _length(el.tail), top.in_link)
        is_prose = (
            done.own_chars >= PROSE_MIN_CHARS and done.own_links <= PROSE_MAX_LINK_SHARE * done.own_chars
        )
        own_prose = done.own_chars if is_prose else 0
        chars = done.chars + done.own_chars
        if not chars:
            continue
        prose = done.prose + own_prose
        # Whether it is a junk box matters only where it holds prose: for its parent's sum and as a candidate.
        m = Measure(
            chars,
            prose,
            done.links + done.own_links,
            own_prose,
            bool(prose) and bool(tag) and is_junk_box(el),
        )
        measures[el] = m
        if top is not None:
            top.chars += m.chars
            top.links += m.links
            if not m.junk:
                top.prose += m.prose
    return measures


def _count(stack: list[_Open], block: Any, n: int, in_link: bool) -> None:
    """Add *n* characters to the own text of *block*, an element open on the stack."""
    if not n:
        return
    for open_element in reversed(stack):
        if open_element.element is block:
            open_element.own_chars += n
            if in_link:
                open_element.own_links += n
            return


def score_of(m: Measure) -> float:
    """Prose, less the link text and a share of the other text an element would bring along."""
    return m.prose - LINK_TEXT_WEIGHT * m.links - OTHER_TEXT_WEIGHT * max(m.other - m.links, 0)


def page_prose(measures: dict[Any, Measure]) -> int:
    """Characters of prose in every block measured, wherever it stands."""
    return sum(m.own_prose for m in measures.values())


def main_block(root: Any, measures: dict[Any, Measure] | None = None) -> tuple[Any | None, Measure]:
    """The element holding the page's main text, and its measure; (None, empty) when the page has no prose."""
    measures = measure(root) if measures is None else measures
    best, best_score = None, 0.0
    for el, m in measures.items():
        if m.prose == 0 or m.junk:
            continue
        score = score_of(m)
        if score > best_score:
            best, best_score = el, score
    if best is not None and _tag(best) in LEAF_TAGS and best.getparent() is not None:
        # One paragraph among others, under a parent that also holds menus or link lists (a page
        # whose containers were lost): the article is the parent's prose, its link runs cut later.
        parent = best.getparent()
        if sum(1 for child in parent if measures.get(child) and measures[child].own_prose) >= 2:
            best = parent
    return best, (measures[best] if best is not None else Measure())


def boilerplate_boxes(element: Any, measures: dict[Any, Measure], junk_boxes: bool) -> set[Any]:
    """The boxes under *element* that are no article text: its link runs and teasers, and with
    *junk_boxes* (a layout no selector names) the boxes named as comments, related news, menus..."""
    boxes = set(link_runs(element, measures))
    if junk_boxes:
        boxes.update(el for el in element.iterdescendants() if isinstance(el.tag, str) and is_junk_box(el))
    return boxes


def article_prose(element: Any, measures: dict[Any, Measure], boxes: set[Any]) -> int:
    """Prose under *element* outside the *boxes* of boilerplate (see :func:`boilerplate_boxes`): what
    an article holds of its own (a listing's summaries stand in teasers)."""
    left_out = {d for box in boxes for d in box.iter()}
    return sum(measures[d].own_prose for d in element.iter() if d in measures and d not in left_out)


def posts_around(element: Any, measures: dict[Any, Measure], levels: int = 5) -> int:
    """How many posts of a thread *element* stands among (0 when none): an ancestor close above it is
    one of three or more siblings of one tag and first class that hold prose (a forum's posts, a
    comment thread), so the main text is one voice among several, not an article."""
    kinds: dict[tuple[str, str], int] = {}
    for child in element:
        if THREAD_HINT.search(child.get("class") or "") and measures.get(child) and measures[child].prose:
            kinds[_kind(child)] = kinds.get(_kind(child), 0) + 1
    if kinds and max(kinds.values()) >= THREAD_POSTS:
        return max(kinds.values())  # the posts themselves, named as such
    ancestor = element
    for _ in range(levels):
        parent = ancestor.getparent()
        if parent is None:
            return 0
        kind = _kind(ancestor)
        posts = [s for s in parent if _kind(s) == kind and measures.get(s) and measures[s].prose]
        if len(posts) >= THREAD_POSTS:
            return len(posts)
        ancestor = parent
    return 0


def _kind(el: Any) -> tuple[str, str]:
    """Tag and first class: "li.message firstPost" and "li.message" are posts of one thread."""
    classes = (el.get("class") or "").split()
    return _tag(el), classes[0] if classes else ""


def link_runs(root: Any, measures: dict[Any, Measure] | None = None) -> list[Any]:
    """Blocks under *root* that are mostly links and hold no prose (headline runs, menus, tag lists),
    and runs of teasers: three or more short siblings of one kind, each a link with a line under it."""
    measures = measure(root) if measures is None else measures
    inside = [(el, measures[el]) for el in root.iterdescendants() if el in measures]
    found = [el for el, m in inside if m.chars and m.prose == 0 and m.links > LINK_RUN_SHARE * m.chars]
    for parent in {el.getparent() for el, _ in inside}:
        kinds: dict[tuple[str, str], list[Any]] = {}
        for child in parent:
            m = measures.get(child)
            if m is not None and m.chars:
                kinds.setdefault((_tag(child), child.get("class") or ""), []).append(child)
        for (tag, _), siblings in kinds.items():
            if (
                tag not in ("p", "h2", "h3", "h4")
                and len(siblings) >= TEASER_RUN
                and all(
                    measures[s].links >= TEASER_LINK_SHARE * measures[s].chars
                    and measures[s].chars <= TEASER_MAX_CHARS
                    for s in siblings
                )
            ):
                found.extend(siblings)
    return found

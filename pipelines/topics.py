"""Step 4b: which of the user's topics a clean article mentions.

Topics are declared once, in a TOML file (``-s VNNEWS_TOPICS=PATH``; by default
``<VNNEWS_DATA_DIR>/topics.toml`` when it exists)::

    [[topics]]
    name = "Tập Cận Bình"
    aliases = ["Tập Cận Bình", "Chủ tịch Trung Quốc", "Xi Jinping"]
    exclude = ["Tập Cận Bình Luận"]   # optional: a record that mentions one is not on the topic
    outlets = ["vtv.vn", "baoquocte"] # optional: only records of these outlets (domains or spider names)

The record's ``topics`` lists the names of the topics its title, sapo, body or
tags mention, in the file's order.  Texts are compared syllable by syllable, in
NFC, case-folded, with the tone mark placed the same way whatever the typist did
("hoà" = "hòa", "thuỷ" = "thủy"): "Lý Cường" matches "lý cường" and "LÝ CƯỜNG",
never "Lương Cường" nor "Lý Cường Hoa"'s "Cường Hoa".  An alias written without
any diacritic ("Tap Can Binh", "Xi Jinping") is compared with the text stripped of
its diacritics (đ read as d); an alias written with them never is, so that "Lý"
does not match "Ly" or "Lỳ".
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy.exceptions import UsageError

from crawler.items import ArticleDraft
from pipelines.base import ArticlePipeline

# The five tone marks as NFD writes them: grave, acute, tilde, hook above, dot below.
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
# A tone mark and the rest of its syllable (letters and their other marks).
TONE_IN_SYLLABLE = re.compile(rf"([{TONE_MARKS}])((?:[^\W\d_]|[\u0302\u0306\u031b])*)")
# A syllable once decomposed: letters, digits and their marks.
SYLLABLE = re.compile(r"(?:\w|[\u0300-\u036f])+")
COMBINING_MARKS = re.compile("[\u0300-\u036f]")


class TopicsError(ValueError):
    """The topics file cannot be used; the message says where and why, in one line."""


def syllables(text: str) -> str:
    """*text* as comparable syllables, one space apart: case-folded, decomposed, each tone mark moved
    to the end of its syllable (so that "Hoà" and "hòa" are both "hoa" + grave)."""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text).casefold())
    return " ".join(SYLLABLE.findall(TONE_IN_SYLLABLE.sub(r"\2\1", decomposed)))


def without_diacritics(comparable: str) -> str:
    """Comparable syllables with every diacritic removed and đ read as d."""
    return COMBINING_MARKS.sub("", comparable).replace("đ", "d")


def has_diacritics(text: str) -> bool:
    return without_diacritics(syllables(text)) != syllables(text)


@dataclass(frozen=True)
class Phrase:
    """An alias or an exclusion, ready to be looked for."""

    written: str
    comparable: str  # " syllables " with a space at each end, so that only whole syllables match
    plain: bool  # written without diacritics: compared with the text's diacritic-less form

    @classmethod
    def of(cls, written: str) -> Phrase:
        return cls(written, f" {syllables(written)} ", not has_diacritics(written))


@dataclass(frozen=True)
class ComparableText:
    """An article's text, once, in both forms a phrase is compared with."""

    marked: str
    plain: str

    @classmethod
    def of(cls, parts: Iterable[str | None]) -> ComparableText:
        # Each part on its own, so that no phrase runs from the end of the title into the sapo.
        marked = " | ".join(syllables(part) for part in parts if part)
        marked = f" {marked} "
        return cls(marked, without_diacritics(marked))

    def mentions(self, phrase: Phrase) -> bool:
        return phrase.comparable in (self.plain if phrase.plain else self.marked)


@dataclass(frozen=True)
class Topic:
    name: str
    aliases: tuple[Phrase, ...]
    exclude: tuple[Phrase, ...] = ()
    # Outlet domains or spider names; empty: every outlet.
    outlets: tuple[str, ...] = ()

    def applies_to(self, outlet: str, spider_name: str | None = None) -> bool:
        return not self.outlets or outlet in self.outlets or (spider_name in self.outlets)

    def mentioned_in(self, text: ComparableText) -> bool:
        return any(text.mentions(a) for a in self.aliases) and not any(text.mentions(e) for e in self.exclude)


def _strings(value: Any, where: str, key: str, *, required: bool) -> tuple[str, ...]:
    if value is None and not required:
        return ()
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise TopicsError(f"{where}: '{key}' must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def parse_topics(data: dict[str, Any], source: str) -> list[Topic]:
    """The topics of a parsed TOML document; TopicsError naming the entry and key at fault."""
    entries = data.get("topics")
    if not isinstance(entries, list):
        raise TopicsError(f"{source}: no [[topics]] entries")
    topics: list[Topic] = []
    for number, entry in enumerate(entries, 1):
        where = f"{source}: topic {number}"
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise TopicsError(f"{where}: 'name' must be a non-empty string")
        where = f"{source}: topic {name!r}"
        unknown = sorted(set(entry) - {"name", "aliases", "exclude", "outlets"})
        if unknown:
            raise TopicsError(f"{where}: unknown key {', '.join(unknown)} (name, aliases, exclude, outlets)")
        aliases = _strings(entry.get("aliases"), where, "aliases", required=True)
        exclude = _strings(entry.get("exclude"), where, "exclude", required=False)
        outlets = _strings(entry.get("outlets"), where, "outlets", required=False)
        if any(t.name == name.strip() for t in topics):
            raise TopicsError(f"{where}: declared twice")
        topics.append(
            Topic(
                name=name.strip(),
                aliases=tuple(Phrase.of(a) for a in aliases),
                exclude=tuple(Phrase.of(e) for e in exclude),
                outlets=tuple(o.lower() for o in outlets),
            )
        )
    return topics


def load_topics_file(path: str | Path) -> list[Topic]:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TopicsError(f"topics file {path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise TopicsError(f"topics file {path}: not UTF-8 text (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise TopicsError(f"topics file {path}: not valid TOML ({exc})") from None
    return parse_topics(data, f"topics file {path}")


def topics_path(settings: Any) -> Path | None:
    """``VNNEWS_TOPICS``, else ``<VNNEWS_DATA_DIR>/topics.toml`` when it exists, else None."""
    if settings is None:
        return None
    configured = settings.get("VNNEWS_TOPICS")
    if configured:
        return Path(configured)
    default = Path(settings.get("VNNEWS_DATA_DIR") or "data", "topics.toml")
    return default if default.is_file() else None


def load_topics(settings: Any) -> list[Topic]:
    """The topics the settings point to (none without a file); TopicsError when the file is unusable."""
    path = topics_path(settings)
    return load_topics_file(path) if path else []


def check_topics(settings: Any) -> list[Topic]:
    """The topics, for a command's options: a usage error of one line when the file is unusable."""
    try:
        return load_topics(settings)
    except TopicsError as exc:
        raise UsageError(str(exc), print_help=False) from None


def find_topic(topics: Sequence[Topic], name: str) -> Topic:
    for topic in topics:
        if topic.name == name.strip():
            return topic
    declared = ", ".join(repr(t.name) for t in topics) or "none"
    raise TopicsError(f"no topic named {name!r} in the topics file (declared: {declared})")


def topics_of(
    topics: Sequence[Topic],
    outlet: str,
    texts: Iterable[str | None],
    spider_name: str | None = None,
) -> list[str]:
    """The names of the *topics* that *texts* (title, sapo, body, tags) mention, in the file's order."""
    relevant = [t for t in topics if t.applies_to(outlet, spider_name)]
    if not relevant:
        return []
    text = ComparableText.of(texts)
    return [t.name for t in relevant if t.mentioned_in(text)]


class TopicsPipeline(ArticlePipeline):
    """Fill ``draft.topics`` from the clean title, sapo, body paragraphs and tags.

    Runs after boilerplate and bylines, so that a related headline or a credit
    line never puts an article on a topic.  Stats: ``vnnews/topics/<name>``.
    """

    def __init__(self, stats: Any = None, settings: Any = None) -> None:
        super().__init__(stats, settings)
        self.topics = load_topics(settings)

    def process(self, item: ArticleDraft, spider: Any) -> ArticleDraft:
        if not self.topics:
            return item
        texts = [item.title, item.sapo, *item.paragraphs, *item.tags]
        item.topics = topics_of(self.topics, item.outlet, texts, getattr(spider, "name", None))
        for name in item.topics:
            self.stats.inc_value(f"vnnews/topics/{name}")
        return item

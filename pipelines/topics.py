"""Step 4b: which of the user's topics a clean article mentions.

Topics are declared once, in a TOML file (``-s VNNEWS_TOPICS=PATH``; by default
``<VNNEWS_DATA_DIR>/topics.toml`` when it exists)::

    [[topics]]
    name = "Tập Cận Bình"
    aliases = ["Tập Cận Bình", "Chủ tịch Trung Quốc", "Xi Jinping"]
    exclude = ["phim Tập Cận Bình"]    # optional: a record that mentions one is not on the topic
    outlets = ["vtv.vn", "baoquocte"] # optional: only records of these outlets (domains or spider names)

The record's ``topics`` lists the names of the topics its title, sapo, body or
tags mention, in the file's order.  Texts are compared in NFC, case-folded, with
the tone mark placed the same way whatever the style ("hoà" = "hòa", "thuỷ" =
"thủy"), and only as whole syllables: "Lý Cường" matches "lý cường" and "LÝ
CƯỜNG", never "Lương Cường", and "Cường" never matches "Cườngg".  A phrase
matches the same syllables one space apart: punctuation between them ("Lý,
Cường") separates them.  An alias written without any diacritic ("Tap Can Binh",
"Xi Jinping") is compared with the text stripped of its diacritics (đ read as
d); an alias written with them never is, so that "Lý" does not match "Ly" or "Lỳ".
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from scrapy.exceptions import UsageError

from crawler.items import ArticleDraft
from pipelines.base import ArticlePipeline
from pipelines.text.words import fold

# Where the tone mark goes in "oa", "oe" and "uy" is a matter of style: "hòa" or "hoà", "thủy" or
# "thuỷ". Both spellings are read as the second one (the only vowel pairs written both ways).
TONE_MARKS = "\u0300\u0301\u0309\u0303\u0323"
TONE_VARIANTS = {
    unicodedata.normalize("NFC", first + tone) + second: first + unicodedata.normalize("NFC", second + tone)
    for first, second in (("o", "a"), ("o", "e"), ("u", "y"))
    for tone in TONE_MARKS
}
TONE_VARIANT = re.compile("|".join(TONE_VARIANTS))
# Between the parts of a text (title, sapo, paragraphs, tags): no phrase runs from one into the next.
PART_BREAK = "\n"


class TopicsError(ValueError):
    """The topics file cannot be used; the message says where and why, in one line."""


def comparable(text: str) -> str:
    """*text* as phrases are compared: NFC, case-folded, tone marks placed one way."""
    folded = unicodedata.normalize("NFC", text).casefold()
    if TONE_VARIANT.search(folded):
        folded = TONE_VARIANT.sub(lambda match: TONE_VARIANTS[match.group()], folded)
    return folded


def is_syllable_char(char: str) -> bool:
    return char.isalnum() or char == "_" or unicodedata.combining(char) != 0


def mentions(text: str, phrase: str) -> bool:
    """Whether *text* holds *phrase* as whole syllables: no letter or digit just before or after it."""
    start = text.find(phrase)
    while start >= 0:
        end = start + len(phrase)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not is_syllable_char(before) and not is_syllable_char(after):
            return True
        start = text.find(phrase, start + 1)
    return False


@dataclass(frozen=True)
class Phrase:
    """An alias or an exclusion, ready to be looked for."""

    written: str
    comparable: str  # its syllables one space apart, compared as the text is
    plain: bool  # written without diacritics: looked for in the text's diacritic-less form

    @classmethod
    def of(cls, written: str) -> Phrase:
        text = comparable(" ".join(written.split()))
        return cls(written, text, fold(text) == text)


class ComparableText:
    """An article's clean text (each part one line of single-spaced text, as records hold them), once,
    in both forms a phrase is compared with."""

    def __init__(self, parts: Iterable[str | None]) -> None:
        self.marked = comparable(PART_BREAK.join(part for part in parts if part))

    @cached_property
    def plain(self) -> str:
        """Without diacritics (đ read as d): only for aliases written so."""
        return fold(self.marked)

    def mentions(self, phrase: Phrase) -> bool:
        return mentions(self.plain if phrase.plain else self.marked, phrase.comparable)


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
        raise TopicsError(f"{source}: no [[topics]] entries (an empty list is written: topics = [])")
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
    text = ComparableText(texts)
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

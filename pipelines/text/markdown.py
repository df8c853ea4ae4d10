"""The Markdown that dumps and HTML-to-text converters leave in an article's text."""

from __future__ import annotations

import re
from collections.abc import Iterator

IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<url>[^)\s]*)[^)]*\)")
# "[" first, then the look back for the "!" of an image: a pattern that starts with a literal is
# searched for that character alone, many times faster than trying the pattern at every place.
LINK = re.compile(r"\[(?<!!\[)(?P<text>[^\]]*)\]\((?P<url>[^)\s]*)[^)]*\)")
URL = re.compile(r"https?://[^\s<>()\[\]\"']+")
_URL_LINE = re.compile(r"<?https?://\S+>?")
_HEADING = re.compile(r"^#{1,6}\s+")
_ITALIC = re.compile(r"^([*_])(?=\S)(.+?)(?<=\S)\1$")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")


def is_image_line(line: str) -> bool:
    """A line that is only an image: ``![alt](url)``."""
    return bool(IMAGE.fullmatch(line.strip()))


def is_link_line(line: str) -> bool:
    """A line that is only a link, ``[text](url)`` or a bare address."""
    text = line.strip()
    return bool(LINK.fullmatch(text) or _URL_LINE.fullmatch(text))


def images(line: str) -> Iterator[tuple[str, str]]:
    """(alt, url) of each image in *line*."""
    for match in IMAGE.finditer(line):
        yield match["alt"], match["url"]


def links(line: str) -> Iterator[tuple[str, str]]:
    """(text, url) of each link in *line* that is not an image."""
    for match in LINK.finditer(line):
        yield match["text"], match["url"]


def readable(line: str) -> str:
    """*line* as a reader sees it: images and bare addresses out, links as their text."""
    return URL.sub(" ", LINK.sub(r"\g<text>", IMAGE.sub(" ", line)))


def plain_text(line: str) -> str:
    """*line* without Markdown: images out, links as their text, no "**", heading marks, italics or
    escapes, spaces collapsed."""
    stripped = line.strip()
    text = LINK.sub(r"\g<text>", IMAGE.sub("", stripped))
    text = _HEADING.sub("", text.replace("**", "")).strip()
    text = _ESCAPE.sub(r"\1", _ITALIC.sub(r"\2", text))
    # What was taken out may leave double spaces.
    return " ".join(text.split()) if text != stripped else text


def without_emphasis(text: str) -> str:
    """*text* without "**" and the "*" and "_" around it, spaces collapsed: "**Như Tâm**" → "Như Tâm"."""
    return " ".join(text.replace("**", "").split()).strip("*_ ")

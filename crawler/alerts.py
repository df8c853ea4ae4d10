"""A topic's records, collected from exported JSONL files, as an alert: JSONL, an Atom feed or Jekyll posts.

The project grew out of keyword alerts saved as Jekyll posts (the seeds in
``../shared/seeds``): a front matter whose title carries the topic in brackets,
then a link to the article, its lead image, the lead, the byline line and the
text.  ``scrapy alerts`` writes the same form from clean records, without the
boilerplate the old alerts kept.

Which records are a topic's: when the topics file declares the topic, those its
rules match now (so exports made before the topic was declared count too);
otherwise those whose ``topics`` lists its name.  An article exported several
times (revisions) appears once, as its latest revision.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from lxml import etree

from crawler.items import Record
from pipelines.export import record_line
from pipelines.text.dates import VN_TZ
from pipelines.text.words import slug
from pipelines.topics import Topic, topics_of

FORMATS = ("jsonl", "atom", "jekyll")
ATOM = "http://www.w3.org/2005/Atom"
# A Jekyll post's file name: its day, then a slug of the title (shortened), then the record id's start.
SLUG_MAX_CHARS = 80


@dataclass
class Collected:
    """A topic's records, newest first (undated last), and what was left out on the way."""

    records: list[Record] = field(default_factory=list)
    files: int = 0
    bad_lines: list[str] = field(default_factory=list)  # "path:line: why", one per line that is no record
    undated: int = 0  # left out of a --since/--until selection: no publication day


def export_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The JSONL files the arguments name: a file as given, a directory's ``*.jsonl`` (recursive, sorted)."""
    for name in paths:
        path = Path(name)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.jsonl") if p.is_file())
        else:
            yield path


def read_records(path: Path, bad_lines: list[str]) -> Iterator[Record]:
    """The records of one export; a line that is not a record is noted in *bad_lines* and skipped."""
    with path.open(encoding="utf-8", errors="replace") as file:
        for number, line in enumerate(file, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                bad_lines.append(f"{path}:{number}: not JSON")
                continue
            if not isinstance(record, dict) or not all(k in record for k in ("id", "url", "title", "body")):
                bad_lines.append(f"{path}:{number}: not an article record")
                continue
            yield record


def is_on_topic(record: Record, name: str, topic: Topic | None) -> bool:
    if topic is None:
        return name in (record.get("topics") or [])
    texts = [record.get("title"), record.get("sapo"), *record["body"].split("\n\n"), *record.get("tags", [])]
    return name in topics_of([topic], record.get("outlet", ""), texts)


def record_day(record: Record) -> date | None:
    """The record's publication day: ``published_date``, or (schema 1-2) the day of ``published_at``."""
    day = record.get("published_date") or (record.get("published_at") or "")[:10]
    try:
        return date.fromisoformat(day) if day else None
    except ValueError:
        return None


def newest_first_key(record: Record) -> tuple[bool, str]:
    """Sorted in reverse: the newest publication first, articles of unknown date last (by when found)."""
    published = record.get("published_at") or record.get("published_date")
    return (published is not None, published or record.get("crawled_at") or "")


def collect(
    paths: Iterable[str | Path],
    name: str,
    topic: Topic | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Collected:
    """The records of topic *name* in the exports under *paths*, published from *since* to *until*."""
    found = Collected()
    latest: dict[str, Record] = {}
    for path in export_files(paths):
        found.files += 1
        for record in read_records(path, found.bad_lines):
            if not is_on_topic(record, name, topic):
                continue
            if since or until:
                day = record_day(record)
                if day is None:
                    found.undated += 1
                    continue
                if (since and day < since) or (until and day > until):
                    continue
            known = latest.get(record["id"])
            if known is None or record.get("revision", 1) >= known.get("revision", 1):
                latest[record["id"]] = record
    found.records = sorted(latest.values(), key=newest_first_key, reverse=True)
    return found


# -- the formats ------------------------------------------------------------------------------


def jsonl_lines(records: Iterable[Record]) -> str:
    return "".join(record_line(record) + "\n" for record in records)


def entry_updated(record: Record) -> str:
    """Atom wants a time on every entry: the last modification, the publication, else when it was found."""
    return record.get("modified_at") or record.get("published_at") or record["crawled_at"]


def atom_feed(records: list[Record], name: str) -> bytes:
    """An Atom 1.0 feed of *records* (newest first), UTF-8."""

    def sub(parent: Any, tag: str, text: str | None = None, **attrs: str) -> Any:
        element = etree.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    sub(feed, "id", f"urn:vnnews:topic:{hashlib.sha1(name.encode('utf-8')).hexdigest()}")
    sub(feed, "title", f"vnnews: {name}")
    updated = max((entry_updated(r) for r in records), default=None)
    sub(feed, "updated", updated or datetime.now(UTC).replace(microsecond=0).isoformat())
    sub(sub(feed, "author"), "name", "vnnews")
    sub(feed, "generator", "vnnews")
    for record in records:
        entry = sub(feed, "entry")
        sub(entry, "id", record["canonical_url"])
        sub(entry, "title", record["title"])
        sub(entry, "link", rel="alternate", href=record["url"])
        if record.get("published_at"):
            sub(entry, "published", record["published_at"])
        sub(entry, "updated", entry_updated(record))
        for author in record.get("authors") or []:
            sub(sub(entry, "author"), "name", author)
        sub(entry, "category", term=name)
        if record.get("sapo"):
            sub(entry, "summary", record["sapo"])
        sub(entry, "content", record["body"], type="text")
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)


def vietnam_moment(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(VN_TZ)


def post_date(record: Record) -> tuple[str, str]:
    """(file-name day, front-matter date) of a Jekyll post: the publication time, else its day, else
    when the crawl found the article."""
    if record.get("published_at"):
        moment = vietnam_moment(record["published_at"])
        return moment.date().isoformat(), moment.strftime("%Y-%m-%d %H:%M:%S %z")
    if record.get("published_date"):
        return record["published_date"], record["published_date"]
    moment = vietnam_moment(record["crawled_at"])
    return moment.date().isoformat(), moment.strftime("%Y-%m-%d %H:%M:%S %z")


def printed_date(record: Record) -> str | None:
    """The publication date as Vietnamese pages print it: "11/10/2024 20:02 GMT+7", or the day alone."""
    if record.get("published_at"):
        return vietnam_moment(record["published_at"]).strftime("%d/%m/%Y %H:%M GMT+7")
    day = record_day(record)
    return day.strftime("%d/%m/%Y") if day else None


def byline_line(record: Record) -> str | None:
    """Who wrote it, the agency credited and when: "Hà Thu - Theo TTXVN - 11/10/2024 20:02 GMT+7"."""
    parts = []
    credit = record.get("byline") or ", ".join(record.get("authors") or [])
    if credit:
        parts.append(credit)
    source = record.get("source")
    if source and source not in credit:
        parts.append(f"Theo {source}")
    when = printed_date(record)
    if when:
        parts.append(when)
    return " - ".join(parts) or None


def post_file_name(record: Record) -> str:
    day, _ = post_date(record)
    name = slug(record["title"])[:SLUG_MAX_CHARS].rstrip("-")
    return f"{day}-{name or 'bai-viet'}-{record['id'][:8]}.md"


def markdown_text(text: str) -> str:
    """Link and image texts: brackets would end them early."""
    return text.replace("[", "\\[").replace("]", "\\]")


def jekyll_post(record: Record, name: str) -> str:
    """One Jekyll post: front matter (layout, title "[NAME] title", date, categories), then the link,
    the lead image, the sapo, the byline line and the clean body."""
    _, when = post_date(record)
    quoted = lambda value: json.dumps(value, ensure_ascii=False)  # noqa: E731 - a YAML double-quoted scalar
    title = f"[{name}] {record['title']}"
    front_matter = [
        "---",
        "layout: post",
        f"title: {quoted(title)}",
        f"date: {when}",
        f"categories: [{quoted(name)}, {quoted(record['outlet'])}]",
        "---",
    ]
    blocks = [f"[{markdown_text(record['title'])}]({record['url']})"]
    images = record.get("images") or []
    if images and images[0].get("url"):
        blocks.append(f"![{markdown_text(record['title'])}]({images[0]['url']})")
    if record.get("sapo"):
        blocks.append(record["sapo"])
    credit = byline_line(record)
    if credit:
        blocks.append(credit)
    blocks.append(record["body"])
    return "\n".join(front_matter) + "\n" + "\n\n".join(blocks) + "\n"


def write_jekyll(records: Iterable[Record], name: str, folder: Path) -> list[Path]:
    """One post a record in *folder* (a Jekyll site's ``_posts``), each written whole; the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for record in records:
        path = folder / post_file_name(record)
        partial = path.with_suffix(".md.part")
        partial.write_text(jekyll_post(record, name), encoding="utf-8", newline="\n")
        partial.replace(path)
        written.append(path)
    return written

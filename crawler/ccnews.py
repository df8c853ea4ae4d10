"""Common Crawl's CC-NEWS → records: the work of ``scrapy ccnews``.

CC-NEWS keeps the news pages Common Crawl fetched since August 2016 as WARC
files of about 1 GB, listed month by month in
``crawl-data/CC-NEWS/YYYY/MM/warc.paths.gz`` under https://data.commoncrawl.org/.

Each file is streamed (never stored whole) by a worker process of its own,
which keeps the response records whose host is one of the outlets' (the host
is read from the WARC header, so that every other site's page is skipped
without being parsed) and turns them into records through today's extraction
and pipelines (``crawler/replay.py``).  Files are read over HTTP with the
standard library rather than through the Scrapy engine: a 1 GB download
streamed into a WARC reader is not a crawl, and the engine would hold it whole.

The main process writes the records to the output, then notes the file in
``<output>.done`` (after an fsync), so that a run stopped at any point goes on
where it was with ``-o``: a file noted there is not read again, and a record
whose id the output already holds is not written twice.  A file that ends
short or breaks is read up to the break and not noted, so that the next run
reads it again.
"""

from __future__ import annotations

import gzip
import json
import multiprocessing
import os
import re
import urllib.request
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from scrapy.settings import BaseSettings, Settings

from crawler.items import Record
from crawler.outlets import outlet_spiders
from crawler.progress import Progress
from crawler.replay import Replayer
from crawler.warc import ArchiveReader, warc_files
from pipelines.export import record_line, repair_jsonl

DEFAULT_BASE = "https://data.commoncrawl.org/"
MONTH = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})$")
# Seconds a download may stall before it counts as broken.
READ_TIMEOUT = 120


def months(first: str, last: str) -> list[str]:
    """ "2024-11", "2025-01" → ["2024/11", "2024/12", "2025/01"] (CC-NEWS's folders)."""
    start, end = MONTH.match(first), MONTH.match(last)
    if not start or not end:
        raise ValueError(f"months are YYYY-MM, not {first if not start else last!r}")
    year, month = int(start["year"]), int(start["month"])
    stop = (int(end["year"]), int(end["month"]))
    if not 1 <= month <= 12 or not 1 <= stop[1] <= 12:
        raise ValueError(f"no such month: {first if not 1 <= month <= 12 else last}")
    if (year, month) > stop:
        raise ValueError(f"--until {last} is before --from {first}")
    found = []
    while (year, month) <= stop:
        found.append(f"{year:04d}/{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def open_source(source: str, user_agent: str) -> IO[bytes]:
    """A WARC file or URL, opened for streaming."""
    if source.startswith(("http://", "https://")):
        request = urllib.request.Request(source, headers={"User-Agent": user_agent})
        return urllib.request.urlopen(request, timeout=READ_TIMEOUT)
    return Path(source).open("rb")


def listed_files(base: str, month: str, user_agent: str) -> list[str]:
    """The URLs of a month's WARC files, from its ``warc.paths.gz`` under *base*."""
    base = base if base.endswith("/") else base + "/"
    with open_source(f"{base}crawl-data/CC-NEWS/{month}/warc.paths.gz", user_agent) as stream:
        text = gzip.decompress(stream.read()).decode("utf-8")
    return [base + line.strip().lstrip("/") for line in text.splitlines() if line.strip()]


def outlet_hosts(
    settings: BaseSettings, outlets: Iterable[str] = (), domains: Iterable[str] = ()
) -> set[str]:
    """The hosts whose pages are kept: each outlet's domain, with ``www.`` and the subdomains its spider
    declares (every outlet spider, or those *outlets* names by name or domain), and *domains*."""
    spiders = outlet_spiders(settings)
    wanted = [o.strip().lower() for o in outlets if o.strip()]
    unknown = [w for w in wanted if w not in spiders and w not in {s.outlet for s in spiders.values()}]
    if unknown:
        raise ValueError(f"no outlet spider {', '.join(unknown)}; the outlets: {', '.join(spiders)}")
    hosts: set[str] = set()
    for name, cls in spiders.items():
        if not wanted or name in wanted or cls.outlet in wanted:
            hosts.update((cls.outlet, f"www.{cls.outlet}", *cls.subdomains))
    for domain in domains:
        domain = domain.strip().lower().removeprefix("www.")
        if domain:
            hosts.update((domain, f"www.{domain}"))
    return hosts


@dataclass
class FileResult:
    """What one worker made of one WARC file."""

    source: str
    records: list[Record] = field(default_factory=list)
    read: int = 0
    matched: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    broken: str | None = None


@dataclass
class FileJob:
    source: str
    hosts: frozenset[str]
    settings: dict[str, Any]


def read_file(job: FileJob) -> FileResult:
    """One WARC file (path or URL) → its records; runs in a worker process."""
    settings = Settings(job.settings)
    result = FileResult(job.source)
    replayer = Replayer(settings, articles_only=False)
    try:
        stream = open_source(job.source, settings.get("USER_AGENT"))
    except OSError as exc:
        result.broken = f"cannot open ({exc})"
        return result
    reader = ArchiveReader(stream, job.hosts)
    try:
        with stream:
            result.records = list(replayer.records(reader))
        result.broken = reader.broken
    except Exception as exc:  # whatever else stops a file stops it alone, named with the others that broke
        result.broken = f"failed after {reader.records} records ({exc!r})"
    result.read, result.matched = reader.records, reader.matched
    result.counts = replayer.counts
    return result


class Output:
    """The JSONL output and its list of done files beside it (``<output>.done``)."""

    def __init__(self, path: Path, overwrite: bool) -> None:
        self.path = path
        self.done_path = path.with_name(path.name + ".done")
        self.ids: set[str] = set()
        self.done: set[str] = set()
        if overwrite:
            self.done_path.unlink(missing_ok=True)
            self.file = path.open("w", encoding="utf-8", newline="\n")
        else:
            if path.exists():
                repair_jsonl(path)
                with path.open(encoding="utf-8") as existing:
                    self.ids = {json.loads(line)["id"] for line in existing if line.strip()}
            if self.done_path.exists():
                self.done = set(self.done_path.read_text(encoding="utf-8").split())
            self.file = path.open("a", encoding="utf-8", newline="\n")
        self.done_file = self.done_path.open("a", encoding="utf-8")

    def add(self, result: FileResult) -> tuple[int, int]:
        """Write a file's new records, then note it done when it was read whole: (written, already there)."""
        written = 0
        for record in result.records:
            if record["id"] in self.ids:
                continue
            self.ids.add(record["id"])
            self.file.write(record_line(record) + "\n")
            written += 1
        self.file.flush()
        os.fsync(self.file.fileno())
        if result.broken is None:
            self.done.add(result.source)
            self.done_file.write(result.source + "\n")
            self.done_file.flush()
            os.fsync(self.done_file.fileno())
        return written, len(result.records) - written

    def close(self) -> None:
        self.file.close()
        self.done_file.close()


@dataclass
class Summary:
    files: int = 0
    already_done: int = 0
    broken: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)


def source_key(source: str) -> str:
    """How a file is named in the done list: its URL, or its absolute path."""
    return source if source.startswith(("http://", "https://")) else str(Path(source).resolve())


def expand_sources(sources: Iterable[str]) -> list[str]:
    """URLs as given, paths (folders for their WARC files) absolute, each once, in order."""
    found: list[str] = []
    for source in sources:
        if source.startswith(("http://", "https://")):
            found.append(source)
        else:
            found.extend(source_key(str(p)) for p in warc_files([source]))
    return list(dict.fromkeys(found))


def _results(jobs: list[FileJob], processes: int) -> Iterator[FileResult]:
    # Spawned, not forked: a worker starts clean of the command's Scrapy and asyncio state.
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        yield from pool.imap_unordered(read_file, jobs)


def run(
    sources: list[str],
    output: Path,
    *,
    overwrite: bool,
    hosts: set[str],
    processes: int,
    settings: BaseSettings,
) -> Summary:
    """Read every source not done yet into *output*, *processes* files at a time."""
    summary = Summary()
    out = Output(output, overwrite)
    todo = [s for s in sources if s not in out.done]
    summary.already_done = len(sources) - len(todo)
    values = settings.copy_to_dict()
    jobs = [FileJob(s, frozenset(hosts), values) for s in todo]
    try:
        with Progress("ccnews", total=len(jobs), unit="file") as progress:
            for result in _results(jobs, max(1, min(processes, len(jobs)))) if jobs else ():
                written, duplicates = out.add(result)
                summary.files += 1
                if result.broken:
                    summary.broken.append(f"{result.source}: {result.broken}")
                summary.counts.update(result.counts)
                summary.counts.update(
                    read=result.read, matched=result.matched, exported=written, already_exported=duplicates
                )
                progress.advance()
                progress.count(records_read=result.read, matched=result.matched, exported=written)
    finally:
        out.close()
    return summary

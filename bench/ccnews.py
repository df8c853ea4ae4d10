"""CC-NEWS: records read and filtered per second per core, articles extracted per second, and scaling.

A generated WARC file of CC-NEWS size (``--mb``, 1,000 by default: CC-NEWS files
are about 1 GB) of real-size pages (bench/sitegen.py's chrome around the vtv.vn
fixture: 100-300 KB each), each record gzipped on its own as Common Crawl's are;
``--outlet-share`` (2 %) of them are distinct vtv.vn articles, the rest pages of
other hosts.  The file is generated once under /tmp (all cores; about 7 minutes a GB on 2 cores) and kept
with ``--keep``.  On that file, one process each, rates per CPU-second (a shared machine's wall clock says
more of the others' work than of ours), medians of ``--runs`` alternated runs:

* the bare libraries: FastWARC's and warcio's iterators reading every response
  record's target URI (what a host filter needs at least), and nothing else;
* the filter of ``scrapy ccnews`` (``crawler.warc.ArchiveReader`` with the
  outlets' hosts): every record checked whole, the outlets' pages read;
* the extraction alone: the outlets' pages, held in memory, through
  ``crawler.replay.Replayer`` (the article parse and every pipeline);
* ``scrapy ccnews --processes N`` end to end over N hard links of the file, for
  each N of ``--processes`` (1,2 by default): files per second of wall time against N = 1, and the CPU
  seconds a file of all its processes (the same for every N when running N at once adds no work).

Targets: the filter at least 80 % of the bare FastWARC loop's records/s; N
processes at least 0.8·N times one process's files/s.

    python bench/ccnews.py [--mb 1000] [--runs 3] [--processes 1,2] [--quick] [--keep]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import ROOT, Targets, header, median, table

TARGET_FILTER_SHARE = 0.8
TARGET_SCALING = 0.8
OTHER_HOSTS = ("example.org", "news.example.com", "www.bbc.com", "edition.cnn.com", "www.reuters.com")
BATCH = 200  # records a generating worker returns at a time


def _members(first: int, count: int, outlet_share: float) -> bytes:
    """Records first..first+count-1 of the file, each gzipped on its own (run in a worker)."""
    from fastwarc.warc import WarcRecordType
    from sitegen import Chrome

    from crawler.warc import warc_record
    from tests.sites import vtv_article, vtv_article_url

    chrome = Chrome()
    out = bytearray()
    start = datetime(2026, 7, 1, tzinfo=UTC)
    for n in range(first, first + count):
        rng = random.Random(n)
        if rng.random() < outlet_share:
            url = vtv_article_url(n)
            html = chrome.wrap(
                vtv_article(n, url, words=rng.randint(200, 1500)), rng, rng.randint(100, 300) * 1024
            )
        else:
            url = f"https://{rng.choice(OTHER_HOSTS)}/news/{n}.html"
            # Another site's page: the same kind of page under another host, never parsed.
            html = chrome.wrap(vtv_article(n % 97), rng, rng.randint(100, 300) * 1024)
        body = html.encode("utf-8")
        block = (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        date = start + timedelta(seconds=n)
        out += warc_record(WarcRecordType.response, block, url=url, date=date)[1]
    return bytes(out)


def _batch(args: tuple[int, int, float]) -> bytes:
    return _members(*args)


def generate(path: Path, megabytes: int, outlet_share: float) -> tuple[int, int]:
    """Write the file (all cores); (records, outlet records)."""
    first = _members(0, BATCH, outlet_share)
    batches = max(1, round(megabytes * 1_000_000 / len(first)))
    records = batches * BATCH
    with path.open("wb") as out, multiprocessing.Pool(os.cpu_count()) as pool:
        out.write(first)
        for chunk in pool.imap(_batch, [(n * BATCH, BATCH, outlet_share) for n in range(1, batches)]):
            out.write(chunk)
    outlets = sum(1 for n in range(records) if random.Random(n).random() < outlet_share)
    return records, outlets


def bare_fastwarc(path: Path) -> int:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    count = 0
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream, record_types=WarcRecordType.response):
            record.headers.get("WARC-Target-URI")
            count += 1
    return count


def bare_warcio(path: Path) -> int:
    from warcio.archiveiterator import ArchiveIterator

    count = 0
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                record.rec_headers.get_header("WARC-Target-URI")
                count += 1
    return count


def hosts() -> set[str]:
    from scrapy.utils.project import get_project_settings

    from crawler.ccnews import outlet_hosts

    return outlet_hosts(get_project_settings())


def ccnews_filter(path: Path) -> int:
    from crawler.warc import ArchiveReader

    with path.open("rb") as stream:
        reader = ArchiveReader(stream, hosts())
        for _ in reader:
            pass
    assert reader.broken is None, reader.broken
    return reader.records


def timed(function, path: Path) -> tuple[float, int]:
    """CPU seconds of one process (the machine is shared: its wall clock says more of the others)."""
    started = time.process_time()
    count = function(path)
    return time.process_time() - started, count


def extraction(path: Path, runs: int) -> tuple[float, int]:
    """Articles per second of the extraction alone, over the outlets' pages held in memory."""
    from scrapy.utils.project import get_project_settings

    from crawler.replay import Replayer
    from crawler.warc import ArchiveReader

    with path.open("rb") as stream:
        pages = list(ArchiveReader(stream, hosts()))

    class Held:
        def __iter__(self):
            return iter(pages)

    rates, exported = [], 0
    for _ in range(runs):
        replayer = Replayer(get_project_settings(), articles_only=False)
        started = time.process_time()
        exported = sum(1 for _ in replayer.records(Held()))  # type: ignore[arg-type]
        rates.append(exported / (time.process_time() - started))
    return median(rates), exported


def end_to_end(path: Path, processes: int, work: Path) -> tuple[float, float, str]:
    """Wall seconds and CPU seconds (all its processes) of `scrapy ccnews --processes N` over N links of
    the file, and its summary line."""
    links = []
    for i in range(processes):
        link = work / f"copy-{processes}-{i}.warc.gz"
        link.unlink(missing_ok=True)
        os.link(path, link)
        links.append(str(link))
    out = work / f"out-{processes}.jsonl"
    command = [
        sys.executable,
        "-m",
        "scrapy",
        "ccnews",
        "--processes",
        str(processes),
        "-O",
        str(out),
        *links,
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(result.stderr[-3000:])
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    summary = next(line for line in result.stderr.splitlines() if line.startswith("ccnews: "))
    return elapsed, cpu, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=1000, help="size of the generated file, MB (gzipped)")
    parser.add_argument("--outlet-share", type=float, default=0.02)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--processes", default="1,2", help="the process counts to run scrapy ccnews with")
    parser.add_argument("--quick", action="store_true", help="a 100 MB file, one run")
    parser.add_argument("--keep", action="store_true", help="keep the generated file for the next run")
    args = parser.parse_args()
    megabytes, runs = (100, 1) if args.quick else (args.mb, args.runs)
    counts = [int(n) for n in args.processes.split(",")]

    header(f"CC-NEWS: a {megabytes} MB WARC file, {args.outlet_share:.0%} of it outlet pages; {runs} runs")
    work = Path(tempfile.gettempdir()) / "vnnews-bench-ccnews"
    work.mkdir(exist_ok=True)
    path = work / f"ccnews-{megabytes}mb-{args.outlet_share}.warc.gz"
    if not path.exists():
        started = time.perf_counter()
        records, outlets = generate(path, megabytes, args.outlet_share)
        print(
            f"generated {path} ({path.stat().st_size / 1e6:.0f} MB, {records} records, {outlets} of vtv.vn) "
            f"in {time.perf_counter() - started:.0f} s\n"
        )
    size_mb = path.stat().st_size / 1e6

    readers = {
        "FastWARC, bare": bare_fastwarc,
        "warcio, bare": bare_warcio,
        "ccnews filter (FastWARC)": ccnews_filter,
    }
    # Alternated, each run in another order, so that the machine's drift falls on every reader alike.
    timings: dict[str, list[float]] = {name: [] for name in readers}
    records = 0
    for run in range(runs):
        names = list(readers)
        for name in names[run % len(names) :] + names[: run % len(names)]:
            seconds, records = timed(readers[name], path)
            timings[name].append(seconds)
    rates = {name: records / median(seconds) for name, seconds in timings.items()}
    rows = [
        (name, records, median(seconds), rates[name], size_mb / median(seconds))
        for name, seconds in timings.items()
    ]
    table(("reader, one process", "records", "CPU s", "records/s a core", "MB/s a core"), rows)

    article_rate, articles = extraction(path, runs)
    print(f"extraction alone: {articles} articles, {article_rate:.0f} articles/s on one core\n")

    rows = []
    seconds_by_n: dict[int, float] = {}
    cpu_by_n: dict[int, float] = {}
    summary = ""
    for n in counts:
        runs_n = [end_to_end(path, n, work) for _ in range(runs)]
        seconds_by_n[n] = median(wall for wall, _, _ in runs_n)
        cpu_by_n[n] = median(cpu for _, cpu, _ in runs_n)
        summary = summary or runs_n[0][2]
        first = counts[0]
        rows.append(
            (
                n,
                seconds_by_n[n],
                n * size_mb / seconds_by_n[n],
                seconds_by_n[first] * n / first / seconds_by_n[n],
                cpu_by_n[n] / n,
                (cpu_by_n[first] / first) / (cpu_by_n[n] / n),
            )
        )
    table(
        ("scrapy ccnews --processes N", "wall s", "MB/s", "× one process", "CPU s a file", "CPU efficiency"),
        rows,
    )
    print(summary + "\n")
    print(
        "CPU efficiency: one process's CPU seconds a file over N processes' (1.0: no work added by running"
        " N at once; on N idle cores the files/s would then scale by N)\n"
    )

    targets = Targets()
    share = rates["ccnews filter (FastWARC)"] / rates["FastWARC, bare"]
    targets.check(
        "filtering",
        share >= TARGET_FILTER_SHARE,
        f"{share:.0%} of the bare FastWARC loop's records/s (at least {TARGET_FILTER_SHARE:.0%})",
    )
    print(f"FastWARC / warcio: {rates['FastWARC, bare'] / rates['warcio, bare']:.1f}×\n")
    for n in counts:
        if n > counts[0]:
            scaling = seconds_by_n[counts[0]] * n / counts[0] / seconds_by_n[n]
            targets.check(
                f"{n} processes",
                scaling >= TARGET_SCALING * n / counts[0],
                f"{scaling:.2f}× one process's files/s (at least {TARGET_SCALING * n / counts[0]:.1f}×)",
            )
    if not args.keep:
        for leftover in work.iterdir():
            leftover.unlink()
    return targets.report()


if __name__ == "__main__":
    sys.exit(main())

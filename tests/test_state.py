"""Only what is new: the state store, reruns, changed articles, reset, and backfills of a date range."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest

from crawler.spiders.base import DateRange, months
from crawler.spiders.vtv import VtvSpider
from crawler.state import StateStore
from pipelines.base import OfflineStats
from pipelines.export import repair_jsonl
from pipelines.state import StatePipeline, published_day
from pipelines.text.dates import parse_lastmod
from tests.conftest import MIRROR_SPEED, read_jsonl, run_scrapy
from tests.mirror import MirrorServer
from tests.sites import (
    build_vtv_archive,
    dated_sitemap,
    listing,
    sitemap_index,
    vtv_article,
    vtv_article_on,
    vtv_url_on,
)

VN = timezone(timedelta(hours=7))
# Crawls of the local mirror need no politeness.


# -- the store ---------------------------------------------------------------------------------------


def test_store_keeps_hash_revision_and_times(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "s.sqlite3")
    url = "https://vtv.vn/a-100260628091500123.htm"
    assert store.get(url) is None
    store.record("vtv.vn", url, "a" * 64, 1, "2026-06-28T03:00:00+00:00")
    store.touch(url, "2026-06-29T03:00:00+00:00")
    store.record("vtv.vn", url, "b" * 64, 2, "2026-06-30T03:00:00+00:00")
    store.record("vtv.vn", url, "a" * 64, 1, "2026-07-01T03:00:00+00:00")  # a late older revision: ignored
    row = store.get(url)
    assert row is not None
    assert (row.content_hash, row.revision) == ("b" * 64, 2)
    assert (row.first_seen, row.last_seen) == ("2026-06-28T03:00:00+00:00", "2026-06-30T03:00:00+00:00")
    store.record("tuoitre.vn", "https://tuoitre.vn/b.htm", "c" * 64, 1, "2026-06-30T03:00:00+00:00")
    store.save_validators(
        "vtv.vn", {"https://vtv.vn/rss/home.rss": ('"e1"', "Sun, 28 Jun 2026 02:00:00 GMT")}
    )
    assert store.validators("https://vtv.vn/rss/home.rss") == ('"e1"', "Sun, 28 Jun 2026 02:00:00 GMT")
    assert store.reset("vtv.vn") == 1
    assert store.validators("https://vtv.vn/rss/home.rss") == (None, None)
    assert [a.canonical_url for a in store.articles()] == ["https://tuoitre.vn/b.htm"]
    with sqlite3.connect(tmp_path / "s.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def _write_rows(path: str, outlet: str, count: int) -> None:
    store = StateStore(path, timeout=60)
    for i in range(count):
        store.record(outlet, f"https://{outlet}/{i}.htm", f"{i:064x}", 1, "2026-06-28T03:00:00+00:00")
    store.close()


def test_a_commit_syncs_the_export_before_the_store_records_its_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows wait for the commit, and the commit fsyncs the export file first: after a power cut the
    store never claims a line the file lost."""
    export = tmp_path / "vtv.jsonl"
    export.write_text('{"a": 1}\n', encoding="utf-8")
    pipeline = StatePipeline(SimpleNamespace(stats=OfflineStats()))  # type: ignore[arg-type]
    pipeline.store = StateStore(tmp_path / "state.sqlite3")
    pipeline.outlet = "vtv.vn"
    pipeline.feed_file_opened(str(export), spider=None)  # type: ignore[arg-type]
    events: list[str] = []
    real_fsync, real_record_many = os.fsync, pipeline.store.record_many
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd)))
    monkeypatch.setattr(
        pipeline.store, "record_many", lambda rows: (events.append("rows"), real_record_many(rows))
    )
    record = {"canonical_url": "https://vtv.vn/a.htm", "content_hash": "ab" * 32, "revision": 1}
    pipeline.item_scraped({**record, "crawled_at": "2026-11-22T00:00:00+00:00"}, None, None)  # type: ignore[arg-type]
    assert pipeline.store.get("https://vtv.vn/a.htm") is None  # not before the commit
    pipeline.commit()
    assert events == ["fsync", "rows"]
    assert pipeline.store.get("https://vtv.vn/a.htm").revision == 1  # type: ignore[union-attr]
    pipeline.commit()  # nothing pending: no fsync, no write
    assert events == ["fsync", "rows"]
    pipeline.store.close()


def test_two_crawls_write_the_store_at_once(tmp_path: Path) -> None:
    path = str(tmp_path / "s.sqlite3")
    StateStore(path).close()
    workers = [
        multiprocessing.get_context("spawn").Process(target=_write_rows, args=(path, outlet, 300))
        for outlet in ("vtv.vn", "tuoitre.vn")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0]
    store = StateStore(path)
    assert len(store.articles("vtv.vn")) == len(store.articles("tuoitre.vn")) == 300


def test_a_reader_is_not_blocked_by_a_writer(tmp_path: Path) -> None:
    writer, reader = StateStore(tmp_path / "s.sqlite3"), StateStore(tmp_path / "s.sqlite3")
    writer.record("vtv.vn", "https://vtv.vn/a.htm", "a" * 64, 1, "2026-06-28T03:00:00+00:00")
    writer.db.execute("BEGIN IMMEDIATE")
    writer.db.execute("UPDATE articles SET revision = 5")
    row = reader.get("https://vtv.vn/a.htm")  # WAL: the committed state, at once
    writer.db.execute("COMMIT")
    assert row is not None and row.revision == 1
    assert reader.get("https://vtv.vn/a.htm").revision == 5  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("lastmod", "expected"),
    [
        ("2026-06-28T09:15:00+07:00", datetime(2026, 6, 28, 9, 15, tzinfo=VN)),
        ("2026-06-28T02:15:00Z", datetime(2026, 6, 28, 9, 15, tzinfo=VN)),
        ("2026-06-28T09:15:00", datetime(2026, 6, 28, 9, 15, tzinfo=VN)),
        # A day alone is known unchanged only once the whole day has passed.
        ("2026-06-28", datetime(2026, 6, 28, 23, 59, 59, tzinfo=VN)),
        ("yesterday", None),
        (None, None),
    ],
)
def test_sitemap_lastmod(lastmod: str | None, expected: datetime | None) -> None:
    assert parse_lastmod(lastmod) == expected


def test_repair_cuts_only_a_partial_last_line(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'{"a": 1}\n{"b": 2}\n{"c": ')
    assert repair_jsonl(path) == 6
    assert path.read_bytes() == b'{"a": 1}\n{"b": 2}\n'
    assert repair_jsonl(path) == 0
    path.write_bytes(b'{"c": ')
    assert repair_jsonl(path) == 6
    assert path.read_bytes() == b""


# -- crawls of a mirror ----------------------------------------------------------------------------


def crawl(server: MirrorServer, data: Path, *extra: str) -> tuple[int, str, list[dict]]:
    """``scrapy crawl vtv`` as cron runs it (default file under data/vtv/); its new file's records
    (none, and no file, when it exported nothing)."""
    before = set((data / "vtv").glob("*.jsonl")) if (data / "vtv").exists() else set()
    mirror = ("-s", f"VNNEWS_MIRROR={server.url}")
    result = run_scrapy("crawl", "vtv", *mirror, *MIRROR_SPEED, *extra, env={"VNNEWS_DATA_DIR": str(data)})
    new_files = set((data / "vtv").glob("*.jsonl")) - before
    assert len(new_files) <= 1
    return result.returncode, result.stderr, [r for f in new_files for r in read_jsonl(f)]


def test_a_rerun_with_nothing_new_fetches_no_article_and_does_not_fail(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with MirrorServer() as server:
        urls = build_vtv_archive(server, 24, in_feed=6)
        code, log, first = crawl(server, data)
        assert code == 0, log[-3000:]
        assert sorted(r["url"] for r in first) == sorted(urls)
        assert {r["revision"] for r in first} == {1}
        assert "'vnnews/state/new': 24" in log
        hits = len(server.hits)

        code, log, second = crawl(server, data)
        refetched = [h for h in server.hits[hits:] if "bai-viet" in h]
        hits = len(server.hits)
        assert code == 0, log[-3000:]
        assert "vnnews: FAILED" not in log
        assert second == []
        # Found again in the feed (6) and the sitemap (24), fetched within the day: not fetched again.
        assert refetched == []
        assert "'vnnews/discovery/known_unchanged': 30" in log

        # Once VNNEWS_REVISIT_AFTER hours have passed, they are fetched again, found unchanged, dropped.
        code, log, third = crawl(server, data, "-s", "VNNEWS_REVISIT_AFTER=0")
        refetched = [h for h in server.hits[hits:] if "bai-viet" in h]
    assert code == 0, log[-3000:]
    assert third == []
    assert sorted(refetched) == sorted(u.split("://", 1)[1] for u in urls)
    assert "'vnnews/dropped/unchanged': 24" in log


def test_a_changed_article_is_exported_again_with_its_revision_raised(tmp_path: Path) -> None:
    data = tmp_path / "data"
    lastmod = "2026-06-28T10:00:00+07:00"
    with MirrorServer() as server:
        urls = build_vtv_archive(server, 12, in_feed=12)
        code, log, first = crawl(server, data)
        assert code == 0, log[-3000:]
        # Changed, and the sitemap says so: fetched again at once.
        changed = urls[3]
        server.add(changed, vtv_article(3, changed).replace("đặt mục tiêu", "đặt lại mục tiêu"))
        modified = datetime.now(UTC).isoformat()
        entries = [(u, modified if u == changed else lastmod) for u in urls]
        server.add("https://vtv.vn/latest-news-sitemap.xml", dated_sitemap(entries), "application/xml")
        code, log, second = crawl(server, data)
        assert code == 0, log[-3000:]
        code, log, third = crawl(server, data)
        # Changed without a word from the sitemap: caught at the next revisit.
        corrected = urls[5]
        server.add(corrected, vtv_article(5, corrected).replace("đặt mục tiêu", "đặt ra mục tiêu"))
        code, log, fourth = crawl(server, data)
        code, log, fifth = crawl(server, data, "-s", "VNNEWS_REVISIT_AFTER=0")
    assert [r["url"] for r in second] == [changed]
    assert second[0]["revision"] == 2
    assert second[0]["id"] == next(r["id"] for r in first if r["url"] == changed)
    assert second[0]["content_hash"] != next(r["content_hash"] for r in first if r["url"] == changed)
    assert "Bài số 3: Huế đặt lại mục tiêu" in second[0]["body"]
    assert third == fourth == []
    assert [(r["url"], r["revision"]) for r in fifth] == [(corrected, 2)]
    store = StateStore(data / "state" / "state.sqlite3")
    assert store.get(changed).revision == 2  # type: ignore[union-attr]
    assert {a.revision for a in store.articles("vtv.vn") if a.canonical_url not in (changed, corrected)} == {
        1
    }


def test_reset_state_exports_everything_again(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with MirrorServer() as server:
        urls = build_vtv_archive(server, 10, in_feed=0)
        crawl(server, data)
        code, log, again = crawl(server, data, "-a", "reset_state=1")
    assert code == 0, log[-3000:]
    assert "State of vtv.vn reset: 10 articles forgotten" in log
    assert sorted(r["url"] for r in again) == sorted(urls)
    assert {r["revision"] for r in again} == {1}


def test_overwriting_output_is_a_snapshot_that_leaves_the_state_alone(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with MirrorServer() as server:
        build_vtv_archive(server, 10, in_feed=0)
        crawl(server, data)
        out = tmp_path / "snapshot.jsonl"
        mirror = ("-s", f"VNNEWS_MIRROR={server.url}")
        result = run_scrapy(
            "crawl", "vtv", "-O", str(out), *mirror, *MIRROR_SPEED, env={"VNNEWS_DATA_DIR": str(data)}
        )
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(read_jsonl(out)) == 10
    assert "No state store for this crawl" in result.stderr


# -- backfill --------------------------------------------------------------------------------------


def test_date_range_and_dated_sitemaps() -> None:
    days = DateRange.from_args("2026-06-11", "2026-06-20")
    assert days is not None
    assert days.includes(date(2026, 6, 11)) and days.includes(date(2026, 6, 20))
    assert not days.includes(date(2026, 6, 21))
    assert days.overlaps(date(2026, 6, 1), date(2026, 6, 11)) and not days.overlaps(
        date(2026, 6, 1), date(2026, 6, 10)
    )
    assert DateRange.from_args(None, None) is None
    with pytest.raises(ValueError, match="before since"):
        DateRange.from_args("2026-06-20", "2026-06-11")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        DateRange.from_args("20/06/2026", None)
    spider = VtvSpider()
    assert spider.sitemap_days("https://vtv.vn/sitemaps/sitemaps-2026-6-21-25.xml") == (
        date(2026, 6, 21),
        date(2026, 6, 25),
    )
    assert spider.sitemap_days("https://vtv.vn/latest-news-sitemap.xml") is None
    assert months(date(2025, 11, 20), date(2026, 2, 1)) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]


def test_backfill_reads_only_the_days_asked_for(tmp_path: Path) -> None:
    day = lambda d: date(2026, 6, d)  # noqa: E731
    sitemaps = {  # the archive sitemaps of vtv's index, and the articles each lists
        "https://vtv.vn/sitemaps/sitemaps-2026-6-1-10.xml": [(day(5), 1), (day(5), 2)],
        "https://vtv.vn/sitemaps/sitemaps-2026-6-11-15.xml": [(day(12), 3), (day(12), 4)],
        "https://vtv.vn/sitemaps/sitemaps-2026-6-16-20.xml": [(day(18), 5), (day(19), 6)],
        "https://vtv.vn/sitemaps/sitemaps-2026-6-21-30.xml": [(day(25), 7)],
    }
    pages = [  # a section listing, newest first, one article a page
        (day(25), 8),
        (day(18), 9),
        (day(12), 10),
        (day(5), 11),
        (day(1), 12),
    ]
    with MirrorServer() as server:
        server.add("https://vtv.vn/sitemap.xml", sitemap_index(list(sitemaps)), "application/xml")
        for loc, articles in sitemaps.items():
            server.add(loc, dated_sitemap([(vtv_url_on(d, n), f"{d}T20:00:00+07:00") for d, n in articles]))
            for d, n in articles:
                server.add(vtv_url_on(d, n), vtv_article_on(d, n))
        # Its URL says 19 June, the page says 25 June: the page decides, out of the range.
        server.add(vtv_url_on(day(19), 6), vtv_article_on(day(25), 6))
        for i, (d, n) in enumerate(pages):
            next_page = f"https://vtv.vn/xa-hoi/trang-{i + 2}.htm" if i + 1 < len(pages) else None
            server.add(f"https://vtv.vn/xa-hoi/trang-{i + 1}.htm", listing([vtv_url_on(d, n)], next_page))
            server.add(vtv_url_on(d, n), vtv_article_on(d, n))
        server.add("https://vtv.vn/xa-hoi.htm", listing([], "https://vtv.vn/xa-hoi/trang-1.htm"))
        code, log, records = crawl(
            server, tmp_path / "data", "-a", "since=2026-06-11", "-a", "until=2026-06-20"
        )
        hits = list(server.hits)
    assert code == 0, log[-3000:]
    expected = [vtv_url_on(day(12), 3), vtv_url_on(day(12), 4), vtv_url_on(day(18), 5)]
    expected += [vtv_url_on(day(18), 9), vtv_url_on(day(12), 10)]
    assert sorted(r["url"] for r in records) == sorted(expected)
    assert all(r["published_at"][:10] in ("2026-06-12", "2026-06-18") for r in records)
    assert "'vnnews/dropped/out_of_range': 1" in log
    # Only the archive sitemaps of those days are read, and listing pages only until they are older.
    assert sorted(h for h in hits if "/sitemaps/" in h) == [
        "vtv.vn/sitemaps/sitemaps-2026-6-11-15.xml",
        "vtv.vn/sitemaps/sitemaps-2026-6-16-20.xml",
    ]
    assert sorted(h for h in hits if "trang-" in h) == [f"vtv.vn/xa-hoi/trang-{i}.htm" for i in range(1, 5)]
    fetched = {h.split("/", 1)[1] for h in hits if "bai-ngay" in h}
    assert fetched == {u.split("/", 3)[3] for u in [*expected, vtv_url_on(day(19), 6)]}


def test_a_backfill_judges_a_record_by_its_day_even_without_its_time() -> None:
    assert published_day({"published_at": None, "published_date": "2025-10-10"}) == date(2025, 10, 10)
    late = {"published_at": "2025-10-10T23:30:00+07:00", "published_date": "2025-10-10"}
    assert published_day(late) == date(2025, 10, 10)
    assert published_day({"published_at": None, "published_date": None}) is None

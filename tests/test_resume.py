"""Survive being killed: a crawl of 320 articles killed with SIGKILL part-way, then resumed.

The kill can land anywhere; two of its worst cases are made certain on top of
it: the last line half-written (a partial line is appended to the file) and the
last line written but not yet in the state store (its row is deleted; the rows
of the lines written since the last commit are missing anyway).  The
resumed crawl must export every article exactly once across the two runs, into
the same file (``JOBDIR`` keeps the job's file name), every line valid JSON,
with the state store agreeing line for line.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from crawler.state import StateStore
from tests.conftest import ROOT, read_jsonl, run_scrapy
from tests.scripted_mirror import ScriptedMirror
from tests.sites import build_vtv_archive

ARTICLES = 320


def crawl_args(server: ScriptedMirror, jobdir: Path | None = None) -> list[str]:
    args = ["crawl", "vtv", "-s", f"VNNEWS_MIRROR={server.url}", "-s", "AUTOTHROTTLE_ENABLED=False"]
    args += ["-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_TIMES=0"]
    return [*args, "-s", f"JOBDIR={jobdir}"] if jobdir else args


def lines_in(folder: Path) -> int:
    return sum(f.read_bytes().count(b"\n") for f in folder.glob("*.jsonl")) if folder.exists() else 0


def test_kill_and_resume_exports_every_article_exactly_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {**os.environ, "VNNEWS_DATA_DIR": str(data), "VNNEWS_LOG_LEVEL": "INFO"}
    out = data / "vtv"
    state = data / "state" / "state.sqlite3"
    with ScriptedMirror(delay=0.01) as server:
        urls = build_vtv_archive(server, ARTICLES)
        args = crawl_args(server, tmp_path / "jobs" / "vtv")

        # 1. Start the crawl and kill it (SIGKILL: no clean-up at all) once it has exported some lines.
        with (tmp_path / "first.log").open("w") as log:
            first = subprocess.Popen(
                [sys.executable, "-m", "scrapy", *args], cwd=ROOT, env=env, stdout=log, stderr=log
            )
            deadline = time.monotonic() + 90
            while lines_in(out) < 40 and first.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=30)
        assert first.returncode == -signal.SIGKILL
        files = sorted(out.glob("*.jsonl"))
        assert len(files) == 1
        raw = files[0].read_bytes()
        complete = raw[: raw.rfind(b"\n") + 1]  # the kill itself may have cut a line
        exported_before = [json.loads(line) for line in complete.decode("utf-8").splitlines()]
        assert 40 <= len(exported_before) < ARTICLES, "the crawl must be killed part-way"

        # The worst moments of a kill, made certain: the last line written but not yet recorded in the
        # store, and a line cut half-way.
        last = exported_before[-1]
        with sqlite3.connect(state) as db:
            db.execute("DELETE FROM articles WHERE canonical_url = ?", (last["canonical_url"],))
            in_store = {url for (url,) in db.execute("SELECT canonical_url FROM articles")}
        missing = [r for r in exported_before if r["canonical_url"] not in in_store]
        assert last in missing
        partial = b'{"schema_version": 2, "id": "0123456789abcdef", "url": "https://vtv.vn/bai-viet-th'
        with files[0].open("ab") as file:
            file.write(partial)
        cut = len(raw) - len(complete) + len(partial)
        hits_before = len(server.hits)

        # 2. Resume: the same command, the same job directory.
        second = run_scrapy(*args, env={"VNNEWS_DATA_DIR": str(data)}, timeout=180)
        resumed_hits = server.hits[hits_before:]

    assert second.returncode == 0, second.stderr[-3000:]
    assert "The last run of job" in second.stderr and "was killed" in second.stderr
    assert f"ended in a partial line (a killed crawl): cut {cut} bytes" in second.stderr
    assert f"'vnnews/state/recovered': {len(missing)}" in second.stderr

    # Every article exactly once, in the one file of the job, every line whole and valid JSON.
    assert sorted(out.glob("*.jsonl")) == files
    records = read_jsonl(files[0])
    assert records[: len(exported_before)] == exported_before
    assert sorted(r["url"] for r in records) == sorted(urls)
    assert len({r["url"] for r in records}) == len(records) == ARTICLES
    assert {r["revision"] for r in records} == {1}

    # The state store agrees with the file, line for line.
    store = StateStore(state)
    rows = {row.canonical_url: (row.content_hash, row.revision) for row in store.articles("vtv.vn")}
    store.close()
    assert rows == {r["canonical_url"]: (r["content_hash"], r["revision"]) for r in records}

    # What the first run exported was not fetched again (it was fetched minutes ago), even the line
    # the store had lost: the store recovers it from the file before discovery starts.
    refetched = {url for url in urls if url.split("://", 1)[1] in resumed_hits}
    exported_first = {r["url"] for r in exported_before}
    assert refetched & exported_first == set()
    assert "'vnnews/dropped/unchanged'" not in second.stderr

    # The job finished: its directory is emptied for the next run of the same crontab line.
    assert sorted(p.name for p in (tmp_path / "jobs" / "vtv").iterdir()) == ["spider.state"]


def test_a_partial_line_left_by_a_killed_crawl_is_repaired_by_the_next(tmp_path: Path) -> None:
    # Without JOBDIR each run writes a new file: the next run still repairs the killed run's file.
    data = tmp_path / "data"
    env = {"VNNEWS_DATA_DIR": str(data)}
    with ScriptedMirror() as server:
        build_vtv_archive(server, 12, in_feed=0)
        args = crawl_args(server)
        first = run_scrapy(*args, env=env)
        assert first.returncode == 0, first.stderr[-3000:]
        (killed,) = (data / "vtv").glob("*.jsonl")
        with killed.open("ab") as file:
            file.write(b'{"schema_version": 2, "id": "ab')
        # As a killed run leaves it: its export never marked finished, by a process that is gone.
        with sqlite3.connect(data / "state" / "state.sqlite3") as db:
            db.execute("UPDATE exports SET finished_at = NULL, pid = 999999999")
        second = run_scrapy(*args, env=env)
    assert second.returncode == 0, second.stderr[-3000:]
    assert f"{killed} ended in a partial line (a killed crawl): cut 31 bytes" in second.stderr
    assert len(read_jsonl(killed)) == 12
    assert [json.loads(line)["revision"] for line in killed.read_text(encoding="utf-8").splitlines()] == [
        1
    ] * 12


def test_a_job_stopped_cleanly_resumes_its_queue(tmp_path: Path) -> None:
    # Ctrl-C or SIGTERM: Scrapy stops cleanly and keeps the job's queue; the next run goes on with it.
    data = tmp_path / "data"
    env = {**os.environ, "VNNEWS_DATA_DIR": str(data), "VNNEWS_LOG_LEVEL": "INFO"}
    with ScriptedMirror(delay=0.02) as server:
        urls = build_vtv_archive(server, 150, in_feed=0)
        args = crawl_args(server, tmp_path / "jobs" / "vtv")
        with (tmp_path / "first.log").open("w") as log:
            first = subprocess.Popen(
                [sys.executable, "-m", "scrapy", *args], cwd=ROOT, env=env, stdout=log, stderr=log
            )
            deadline = time.monotonic() + 90
            while lines_in(data / "vtv") < 20 and first.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            first.send_signal(signal.SIGTERM)
            first.wait(timeout=60)
        first_log = (tmp_path / "first.log").read_text()
        second = run_scrapy(*args, env={"VNNEWS_DATA_DIR": str(data)}, timeout=180)
    assert first.returncode == 2  # stopped before the end: not a success for cron
    assert "vnnews: FAILED vtv: the crawl ended early (shutdown)" in first_log
    assert second.returncode == 0, second.stderr[-3000:]
    assert "Resuming crawl (" in second.stderr
    assert "was killed" not in second.stderr
    (file,) = (data / "vtv").glob("*.jsonl")
    records = read_jsonl(file)
    assert sorted(r["url"] for r in records) == sorted(urls)


def test_a_jobdir_crawl_must_append(tmp_path: Path) -> None:
    result = run_scrapy("crawl", "vtv", "-O", str(tmp_path / "x.jsonl"), "-s", f"JOBDIR={tmp_path / 'job'}")
    assert result.returncode == 2
    assert "a JOBDIR job appends to its output: use -o, not -O" in result.stderr

"""Shared test helpers: paths, the real pages in ../shared, and running scrapy as users do."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = Path(os.environ.get("VNNEWS_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
SEEDS = SHARED / "seeds"

# No topics unless a test names its own: the user's data/topics.toml must not change expected records.
os.environ["VNNEWS_TOPICS"] = str(FIXTURES / "no-topics.toml")


def shared_file(path: Path) -> Path:
    """A file of ../shared, or a skip saying why it is missing."""
    if not path.exists():
        pytest.skip(f"{path} is not here: the real pages and seeds live in ../shared beside the checkout")
    return path


def run_scrapy(
    *args: str, env: dict[str, str] | None = None, timeout: int = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``scrapy ARGS`` in the project, as a user would, and return what it printed."""
    full_env = {**os.environ, "VNNEWS_LOG_LEVEL": "INFO", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


# A crawl of a local mirror: no politeness delays to wait out, no retries of the mirror's deliberate errors.
MIRROR_SPEED = ("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_TIMES=0")


def crawl_mirror(
    spider: str, mirror_url: str, out: Path, *extra: str, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], list[dict[str, Any]]]:
    """``scrapy crawl SPIDER -O OUT`` against a mirror: what it printed, and its records, each
    checked against the record's JSON Schema."""
    from crawler.schema import schema_errors

    result = run_scrapy(
        "crawl", spider, "-O", str(out), "-s", f"VNNEWS_MIRROR={mirror_url}", *MIRROR_SPEED, *extra, env=env
    )
    records = read_jsonl(out) if out.exists() else []
    for record in records:
        assert schema_errors(record) == [], record["url"]
    return result, records


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    raw = path.read_bytes()
    assert b"\\u" not in raw, "the export must be plain UTF-8, not \\uXXXX escapes"
    text = raw.decode("utf-8")
    assert text == "" or text.endswith("\n"), "every line must be complete"
    return [json.loads(line) for line in text.splitlines()]


def make_spider(spidercls: type, **kwargs: Any) -> Any:
    """A spider bound to a crawler with the project settings, to call its callbacks directly."""
    from scrapy.utils.project import get_project_settings
    from scrapy.utils.reactor import install_reactor, is_reactor_installed
    from scrapy.utils.test import get_crawler

    settings = get_project_settings()
    if not is_reactor_installed():
        install_reactor(settings["TWISTED_REACTOR"])
    crawler = get_crawler(spidercls, settings.copy_to_dict())
    return spidercls.from_crawler(crawler, **kwargs)

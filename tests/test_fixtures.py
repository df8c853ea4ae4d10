"""Every hand-written fixture page against its expected record.

Adding an outlet means adding ``tests/fixtures/<outlet>/<name>.html`` and
``<name>.expected.json`` beside it; this test picks both up.  To write or
refresh the expected records after a deliberate change, run
``VNNEWS_UPDATE_EXPECTED=1 pytest tests/test_fixtures.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from scrapy.utils.project import get_project_settings

from crawler.offline import OfflineExtractor, page_url
from crawler.schema import schema_errors
from tests.conftest import FIXTURES

PAGES = sorted(FIXTURES.glob("*/*.html"))
UPDATE = os.environ.get("VNNEWS_UPDATE_EXPECTED") == "1"


def expected_path(page: Path) -> Path:
    return page.with_suffix(".expected.json")


@pytest.fixture(scope="module")
def extractor() -> OfflineExtractor:
    return OfflineExtractor(get_project_settings())


@pytest.mark.parametrize(
    "page",
    [p for p in PAGES if expected_path(p).exists() or UPDATE],
    ids=lambda p: p.parent.name + "/" + p.stem,
)
def test_fixture_page_gives_expected_record(page: Path, extractor: OfflineExtractor) -> None:
    body = page.read_bytes()
    url = page_url(body)
    assert url, f"{page} must carry a canonical link"
    record = extractor.extract(body, url)
    assert schema_errors(record) == []
    record.pop("crawled_at")
    if UPDATE:
        expected_path(page).write_text(
            json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    expected = json.loads(expected_path(page).read_text(encoding="utf-8"))
    assert record == expected


def test_every_fixture_page_has_an_expected_record() -> None:
    missing = [str(p.relative_to(FIXTURES)) for p in PAGES if not expected_path(p).exists()]
    assert missing == [], "each fixture page needs its .expected.json (VNNEWS_UPDATE_EXPECTED=1 writes them)"

"""Every real article page of ../shared/corpus, read as a crawl reads it: what a reader sees.

The expected values are bench/expected.json's (how each was read off the page is
in its "how"): the printed headline, the printed date and time, the byline's
authors and the source credited, the first and last paragraph of the body, and
boilerplate printed around the article that the body must not hold.  The pages
span 2011 to 2026 and outlets with and without a spider of their own, so these
tests hold extraction to layouts it was not written for.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from typing import Any

import pytest
from scrapy.utils.project import get_project_settings

from crawler.extraction import NotAnArticle
from crawler.offline import OfflineExtractor
from tests.conftest import CORPUS, ROOT, run_scrapy, shared_file

EXPECTED = json.loads((ROOT / "bench" / "expected.json").read_text(encoding="utf-8"))["pages"]
TOKEN = re.compile(r"\w+")


def token_f1(got: str, want: str) -> float:
    a = Counter(TOKEN.findall(unicodedata.normalize("NFC", got).casefold()))
    b = Counter(TOKEN.findall(unicodedata.normalize("NFC", want).casefold()))
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


@pytest.fixture(scope="module")
def records() -> dict[str, dict[str, Any]]:
    """Each page's record, read once: a fresh extractor per page, so no page is another's duplicate."""
    out = {}
    for name, expected in EXPECTED.items():
        path = CORPUS / name
        if path.exists():
            try:
                out[name] = OfflineExtractor(get_project_settings()).extract(
                    path.read_bytes(), expected["url"]
                )
            except Exception as error:
                out[name] = {"error": f"{type(error).__name__}: {error}"}
    return out


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_what_a_reader_sees(name: str, records: dict[str, dict[str, Any]]) -> None:
    shared_file(CORPUS / name)
    expected, record = EXPECTED[name], records[name]
    assert "error" not in record
    assert record["title"] == expected["title"]
    assert (record["published_at"] or "")[:16] + (record["published_at"] or "")[19:] == expected[
        "published_at"
    ]
    assert record["authors"] == expected["authors"]
    assert record["source"] == expected["source"]
    paragraphs = record["body"].split("\n\n")
    assert paragraphs[0] == expected["first_paragraph"]
    assert paragraphs[-1] == expected["last_paragraph"]
    for boilerplate in expected["boilerplate"]:
        assert boilerplate not in record["body"]
    assert token_f1(record["body"], expected["body"]) >= 0.97


NOT_ARTICLES = {
    # Listings that claim og:type=article, home pages of 2012-2015, a forum thread, an error page.
    "dantri/dantri-listing-kinh-doanh.html": "no body of substance",
    "dantri/dantri-listing-home-2013-09-04.html": "no body of substance",
    "thanhnien/thanhnien-listing-home-2012-12-27.html": "no body of substance",
    "tuoitre/tuoitre-listing-home-2015-03-23.html": "canonical link points to the home page",
    "tuoitre/tuoitre-listing-kinh-doanh.html": "og:type is 'website'",
    "vnexpress/vnexpress-listing-home-2012-12-27.html": "no body of substance",
    "vnexpress/vnexpress-listing-kinh-doanh.html": "og:type is 'website'",
    "vnexpress/vnexpress-404-missing-article.html": "canonical link points to the home page",
    "other/tinhte-forum-2012-12-14.html": "a thread of 8 posts",
}


@pytest.mark.parametrize("name", sorted(NOT_ARTICLES))
def test_pages_that_are_not_articles_say_so(name: str) -> None:
    path = shared_file(CORPUS / name)
    with pytest.raises(NotAnArticle) as refused:
        OfflineExtractor(get_project_settings()).extract(path.read_bytes(), f"https://example.vn/{path.stem}")
    assert NOT_ARTICLES[name] in str(refused.value)


def test_scrapy_extract_on_a_listing_says_not_an_article() -> None:
    path = shared_file(CORPUS / "dantri" / "dantri-listing-kinh-doanh.html")
    result = run_scrapy("extract", str(path), "--url", "https://dantri.com.vn/kinh-doanh.htm")
    assert result.returncode == 1
    assert result.stdout == ""
    assert f"{path}: not an article (not_article: no body of substance" in result.stderr
    assert "short" not in result.stderr

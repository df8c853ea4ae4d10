"""Discovery by topic: `scrapy crawl vtv -a topic=…` reads a mirrored search page, and fails its health
check when the search page stops yielding article links; `crawlall --topic` keeps to the topic's outlets."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from tests.conftest import FIXTURES, MIRROR_SPEED, crawl_mirror, run_scrapy
from tests.mirror import MirrorServer
from tests.sites import listing, vtv_article, vtv_article_url

TOPICS = """\
[[topics]]
name = "Tập Cận Bình"
aliases = ["Tập Cận Bình", "Xi Jinping"]
outlets = ["vtv.vn"]
"""

OLD_URL = (
    "https://vtv.vn/chinh-tri/thuong-truc-ban-bi-thu-luong-cuong-hoi-kien-tong-bi-thu-chu-tich-nuoc-"
    "tap-can-binh-20241011191126043.htm"
)


def search_url(alias: str) -> str:
    return f"https://vtv.vn/tim-kiem.htm?keywords={quote(alias)}"


def topic_site(server: MirrorServer, *, results: bool) -> None:
    """vtv.vn with nothing but its search: the topic's article and another one found for the first alias."""
    other = vtv_article_url(40)
    server.add(search_url("Tập Cận Bình"), listing([OLD_URL, other] if results else [], None))
    server.add(search_url("Xi Jinping"), listing([], None))
    server.add(OLD_URL, (FIXTURES / "vtv" / "article-old.html").read_bytes())
    server.add(other, vtv_article(140, other))


def write_topics(tmp_path: Path) -> str:
    path = tmp_path / "topics.toml"
    path.write_text(TOPICS, encoding="utf-8")
    return f"VNNEWS_TOPICS={path}"


def test_topic_crawl_reads_the_search_pages(tmp_path: Path) -> None:
    topics = write_topics(tmp_path)
    with MirrorServer() as server:
        topic_site(server, results=True)
        result, records = crawl_mirror(
            "vtv", server.url, tmp_path / "out.jsonl", "-a", "topic=Tập Cận Bình", "-s", topics
        )
        hits = list(server.hits)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "vtv.vn/tim-kiem.htm?keywords=T%E1%BA%ADp%20C%E1%BA%ADn%20B%C3%ACnh" in hits
    assert "vtv.vn/tim-kiem.htm?keywords=Xi%20Jinping" in hits
    assert sorted((r["url"], r["topics"]) for r in records) == [
        (vtv_article_url(40), []),
        (OLD_URL, ["Tập Cận Bình"]),
    ]
    assert "'vnnews/topic/links': 2" in result.stderr
    assert "'vnnews/topics/Tập Cận Bình': 1" in result.stderr


def test_a_search_page_without_links_fails_the_topic_crawl(tmp_path: Path) -> None:
    topics = write_topics(tmp_path)
    with MirrorServer() as server:
        topic_site(server, results=False)
        result, records = crawl_mirror(
            "vtv", server.url, tmp_path / "out.jsonl", "-a", "topic=Tập Cận Bình", "-s", topics
        )
    assert records == []
    assert result.returncode == 2
    assert [line for line in result.stderr.splitlines() if line.startswith("vnnews: FAILED")] == [
        "vnnews: FAILED vtv (vtv.vn): health check failed: records: 0 seen, at least 1 needed; "
        "topic pages: 0 article links on the search or tag pages (2 of 2 answered; at least 1 needed)"
    ]


def test_an_undeclared_topic_is_refused_before_the_crawl(tmp_path: Path) -> None:
    topics = write_topics(tmp_path)
    result = run_scrapy("crawl", "vtv", "-a", "topic=Lý Cường", "-s", topics, "-O", str(tmp_path / "o.jsonl"))
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .endswith("error: no topic named 'Lý Cường' in the topics file (declared: 'Tập Cận Bình')")
    )
    assert not (tmp_path / "o.jsonl").exists()


def test_crawlall_topic_crawls_the_topics_outlets(tmp_path: Path) -> None:
    topics = write_topics(tmp_path)
    data = tmp_path / "data"
    with MirrorServer() as server:
        topic_site(server, results=True)
        result = run_scrapy(
            "crawlall",
            "--topic",
            "Tập Cận Bình",
            "-s",
            topics,
            "-s",
            f"VNNEWS_MIRROR={server.url}",
            "-s",
            f"VNNEWS_DATA_DIR={data}",
            "-s",
            f"VNNEWS_FEED_URI={data}/%(name)s/out.jsonl",
            *MIRROR_SPEED,
        )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(next((data / "summary").glob("*.json")).read_text(encoding="utf-8"))
    assert [(o["spider"], o["records_exported"], o["ok"]) for o in summary["outlets"]] == [("vtv", 2, True)]
    exported = [
        json.loads(line) for line in (data / "vtv" / "out.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert sorted(r["topics"] for r in exported) == [[], ["Tập Cận Bình"]]

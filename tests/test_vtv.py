"""vtv.vn: the real page in ../shared/corpus, and an end-to-end crawl of a local mirror."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.utils.project import get_project_settings

from crawler.offline import OfflineExtractor, page_url
from crawler.schema import schema_errors
from tests.conftest import CORPUS, crawl_mirror, run_scrapy, shared_file
from tests.mirror import MirrorServer
from tests.sites import build_vtv_site


@pytest.fixture(scope="module")
def real_record() -> dict:
    body = shared_file(CORPUS / "vtv" / "vtv-article-2026-06-25.html").read_bytes()
    url = page_url(body)
    assert (
        url
        == "https://vtv.vn/dong-thap-bai-rac-qua-tai-nha-may-xu-ly-rac-sau-3-nam-van-cham-tien-do-100260624162946883.htm"
    )
    return OfflineExtractor(get_project_settings()).extract(body, url)


def test_real_page_fields(real_record: dict) -> None:
    r = real_record
    assert schema_errors(r) == []
    assert r["outlet"] == "vtv.vn"
    assert r["title"] == "Đồng Tháp: Bãi rác quá tải, nhà máy xử lý rác sau 3 năm vẫn chậm tiến độ"
    assert r["sapo"] == (
        "Sau hơn 3 năm kể từ khi được chấp thuận chủ trương đầu tư, Dự án Nhà máy xử lý rác Tân Lập 1 "
        "tại Đồng Tháp vẫn chưa thể triển khai."
    )
    assert r["published_at"] == "2026-06-25T16:19:00+07:00"
    assert r["modified_at"] == "2026-06-25T16:20:07+07:00"
    assert r["date_source"] == "json-ld"
    assert r["authors"] == ["Giáp Công", "Phạm Bằng"]
    assert r["byline"] == "Giáp Công - Phạm Bằng"
    assert r["section"] == ["Xã hội"]
    assert r["tags"] == ["bãi rác"]
    assert r["language"] == "vi"


def test_real_page_body(real_record: dict) -> None:
    paragraphs = real_record["body"].split("\n\n")
    assert len(paragraphs) == 6
    assert paragraphs[0].startswith(
        "Tại bãi rác Tân Lập 1, mỗi ngày tiếp nhận khoảng 600 – 700 tấn rác sinh hoạt"
    )
    assert paragraphs[-1] == (
        "Sau hơn 15 năm hoạt động, lượng rác tiếp nhận liên tục gia tăng đã tạo áp lực lớn lên hệ thống "
        "xử lý hiện hữu, đồng thời đặt ra yêu cầu cấp thiết phải chuyển đổi sang công nghệ xử lý hiện đại "
        "nhằm giảm phụ thuộc vào chôn lấp và hạn chế tác động đến môi trường."
    )
    body = real_record["body"]
    for boilerplate in (
        "Tin liên quan",
        "Lâm Đồng khẩn trương thu gom",
        "Cấm sao chép",
        "VTV.vn -",
        "Chia sẻ",
        "Từ khóa",
    ):
        assert boilerplate not in body


def test_crawl_of_a_local_mirror(tmp_path: Path) -> None:
    out = tmp_path / "vtv.jsonl"
    with MirrorServer() as server:
        expected = build_vtv_site(server)
        result, records = crawl_mirror("vtv", server.url, out)
        hits = list(server.hits)
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(r["url"] for r in records) == sorted(expected.values())
    by_url = {r["url"]: r for r in records}
    old = by_url[expected["old-layout"]]
    assert old["published_at"] == "2024-10-11T20:02:00+07:00"
    assert old["byline"] == "PV Thường trú THVN tại Trung Quốc"
    assert old["authors"] == []
    assert "Mời quý độc giả" not in old["body"]
    moved = by_url[expected["redirect"]]
    assert moved["canonical_url"] == expected["redirect"]
    # The redirect off vtv.vn is not followed, the 404 and the non-article are counted, not exported.
    assert not any("example.com" in h for h in hits)
    assert "'vnnews/skipped/not_article': 1" in result.stderr
    assert "'vnnews/not_found': 1" in result.stderr


def test_crawl_without_network_fails_fast_and_loudly(tmp_path: Path) -> None:
    # A mirror address where nothing listens stands for a machine with no network.
    result = run_scrapy(
        "crawl",
        "vtv",
        "-O",
        str(tmp_path / "none.jsonl"),
        "-s",
        "VNNEWS_MIRROR=http://127.0.0.1:9",
        timeout=90,
    )
    assert result.returncode == 2
    assert "vnnews: FAILED vtv: no page could be fetched" in result.stderr

"""Nothing decoded wrong goes out: a wrong declared charset, TCVN3 and VNI, mojibake, and the language.

The TCVN3 and VNI strings are GNU recode 3.6's output for real sentences (seed 001's title, a news
lead), pasted as the windows-1252 text a page in those encodings reads as ("\\xad" is TCVN3's "ư").
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse
from scrapy.utils.project import get_project_settings

from crawler.extraction import ArticlePage
from crawler.items import ArticleDraft
from crawler.offline import OfflineExtractor
from crawler.spiders.vtv import VtvSpider
from pipelines.base import OfflinePipelines, OfflineStats
from pipelines.language import identify_language
from pipelines.normalize import legacy_encoding
from pipelines.text.legacy import LETTERS, TCVN3_CODES, VNI_CODES, from_tcvn3, from_vni, is_syllable
from tests.conftest import crawl_mirror
from tests.mirror import MirrorServer, Page
from tests.sites import rss, vtv_article, vtv_article_url

TITLE = "Tổng Bí thư Tô Lâm tiếp Bí thư Quảng Tây, Trung Quốc Trần Cương"
TITLE_TCVN3 = "Tæng BÝ th\xad T« L©m tiÕp BÝ th\xad Qu¶ng T©y, Trung Quèc TrÇn C\xad¬ng"
TITLE_VNI = "Toång Bí thö Toâ Laâm tieáp Bí thö Quaûng Taây, Trung Quoác Traàn Cöông"
LEAD = "Giá xăng tăng mạnh từ chiều nay, người dân đổ xô đi đổ đầy bình"
LEAD_TCVN3 = "Gi¸ x¨ng t¨ng m¹nh tõ chiÒu nay, ng\xadêi d©n ®æ x« ®i ®æ ®Çy b×nh"
LEAD_VNI = "Giaù xaêng taêng maïnh töø chieàu nay, ngöôøi daân ñoå xoâ ñi ñoå ñaày bình"


def test_legacy_encodings_on_real_strings() -> None:
    assert from_tcvn3(TITLE_TCVN3) == TITLE
    assert from_tcvn3(LEAD_TCVN3) == LEAD
    assert from_vni(TITLE_VNI) == TITLE
    assert from_vni(LEAD_VNI) == LEAD
    # Capitals: VNI has them all ("Ắ" is "AÉ", as "ắ" is "aé"); TCVN3 only those without a tone.
    assert from_vni("ÑAÉK LAÉK, AÈN, THÖÔØNG") == "ĐẮK LẮK, ẰN, THƯỜNG"
    assert from_tcvn3("§¾k L¾k") == "Đắk Lắk"


def test_vietnamese_syllables() -> None:
    words = ["nghiêng", "Việt", "xăng", "người", "khuya", "ViÖt", "Vieät", "xÄƒng", "ngöôøi", "thuỷy"]
    assert [is_syllable(w) for w in words] == [
        True,
        True,
        True,
        True,
        True,
        False,
        False,
        False,
        False,
        False,
    ]


def test_legacy_encoding_is_told_by_what_reads_as_vietnamese() -> None:
    assert legacy_encoding(f"{TITLE_TCVN3}. {LEAD_TCVN3}") == "tcvn3"
    assert legacy_encoding(f"{TITLE_VNI}. {LEAD_VNI}") == "vni"
    assert legacy_encoding(f"{TITLE}. {LEAD}") is None
    # Latin-1 letters in a text of another language are not a legacy encoding.
    assert legacy_encoding("El señor Muñoz visitó Hà Nội con su esposa y sus hijos en diciembre.") is None


# -- the pipelines: a draft in a legacy encoding, mojibake, and the language ---------------------

BODY = [
    LEAD + ", sau khi giá dầu thế giới tăng liên tục trong nhiều phiên giao dịch gần đây.",
    "Theo Bộ Công Thương, giá xăng E5 RON 92 tăng 500 đồng mỗi lít, xăng RON 95 tăng 620 đồng mỗi lít so "
    "với kỳ điều hành trước, trong khi giá dầu diesel giữ nguyên.",
]


def draft_of(title: str, paragraphs: list[str], language: str = "vi") -> ArticleDraft:
    return ArticleDraft(
        url="https://vtv.vn/gia-xang-tang-manh-100260628091500123.htm",
        outlet="vtv.vn",
        title=title,
        paragraphs=paragraphs,
        language=language,
    )


def run(draft: ArticleDraft) -> tuple[dict, OfflineStats]:
    stats = OfflineStats()
    record = OfflinePipelines(get_project_settings(), stats).run(draft, VtvSpider())
    return record, stats


@pytest.mark.parametrize(("name", "convert"), [("tcvn3", from_tcvn3), ("vni", from_vni)])
def test_a_draft_in_a_legacy_encoding_is_converted(name: str, convert: object) -> None:
    to_legacy = {"tcvn3": to_tcvn3, "vni": to_vni}[name]
    record, stats = run(draft_of(to_legacy(TITLE), [to_legacy(p) for p in BODY]))
    assert record["title"] == TITLE
    assert record["body"] == "\n\n".join(BODY)
    assert record["language"] == "vi"
    assert stats.values[f"vnnews/encoding/{name}"] == 1


def test_mojibake_is_dropped_not_exported() -> None:
    # UTF-8 read as windows-1252, its no-break spaces then collapsed: no decoding gives the text back.
    garbled = [" ".join(p.encode("utf-8").decode("cp1252", errors="replace").split()) for p in BODY]
    with pytest.raises(DropItem, match=r"^garbled_text: https://vtv\.vn/gia-xang"):
        run(draft_of("GiÃ¡ xÄƒng tÄƒng máº¡nh", garbled))


def test_a_legacy_page_declared_utf8_is_dropped_not_exported() -> None:
    # TCVN3 bytes read as the UTF-8 the page declares: every byte past ASCII is lost to U+FFFD.
    lost = [to_tcvn3(p).encode("cp1252").decode("utf-8", errors="replace") for p in BODY]
    with pytest.raises(DropItem, match=r"^garbled_text: "):
        run(draft_of(to_tcvn3(TITLE).encode("cp1252").decode("utf-8", errors="replace"), lost))


ENGLISH = [
    "Petrol prices rose sharply from this afternoon, after world oil prices climbed in recent trading "
    "sessions, the Ministry of Industry and Trade said on Thursday.",
    "Prime Minister Phạm Minh Chính asked ministries to keep prices stable and to make sure that supplies "
    "of petrol and diesel reach every province before the holiday.",
]
CHINESE = [
    "越南工贸部周四表示，受近期国际油价连续上涨影响，国内汽油价格自今天下午起大幅上调。",
    "政府总理范明政要求各部委稳定物价，确保节前汽油和柴油供应覆盖全国各省市，防止囤积居奇和哄抬价格等行为发生。"
    "有关部门将加强市场检查，严肃查处违法违规行为，保障人民群众的正常生产生活需要。"
    "工贸部还表示，将与财政部密切配合，根据市场变化及时调整价格稳定基金的使用，尽量减轻油价上涨对居民生活和企业生产经营的影响，"
    "并要求各石油经营企业严格执行国家规定，不得以任何理由停止销售或者限制供应。",
]


def test_a_page_that_is_not_vietnamese_gets_its_real_language() -> None:
    english, stats = run(draft_of("Petrol prices rise sharply from this afternoon", ENGLISH))
    chinese, _ = run(draft_of("今天下午起汽油价格大幅上涨", CHINESE))
    vietnamese, _ = run(draft_of("Giá xăng tăng mạnh", BODY, language="en"))
    assert (english["language"], chinese["language"], vietnamese["language"]) == ("en", "zh", "vi")
    assert stats.values["vnnews/language/en"] == 1
    # Vietnamese typed without its marks is still told apart.
    assert identify_language("Gia xang tang manh tu chieu nay, nguoi dan do xo di do day binh xang.") == "vi"
    # Too little to tell: no answer, and the page's language stays.
    assert identify_language("OK") is None


# -- the crawl: pages served with a wrong charset, in TCVN3 and VNI, and mojibake -------------------

TO_TCVN3 = {
    letter: bytes([int(code, 16)]).decode("cp1252", errors="replace")
    for letter, code in zip(LETTERS, TCVN3_CODES.split(), strict=True)
    if code != "--"
}
TO_VNI = dict(zip(LETTERS, VNI_CODES.split(), strict=True))


def to_tcvn3(text: str) -> str:
    return "".join(TO_TCVN3.get(c, c) for c in text)


def to_vni(text: str) -> str:
    return "".join(TO_VNI.get(c, c) for c in text)


def legacy_page(html: str, to_legacy: object) -> bytes:
    """The page in a legacy encoding, as such a site serves it: windows-1252 bytes (a capital with a tone,
    which TCVN3 lacks, as a character reference)."""
    html = html.replace("charset=utf-8", "charset=windows-1252")
    return to_legacy(html).encode("cp1252", errors="xmlcharrefreplace")  # type: ignore[operator]


def test_crawl_decodes_what_declares_the_wrong_charset(tmp_path: Path) -> None:
    urls = [vtv_article_url(n) for n in range(1, 6)]
    pages = {n: vtv_article(n, url) for n, url in enumerate(urls, start=1)}
    with MirrorServer() as server:
        server.add("https://vtv.vn/rss/home.rss", rss(urls), "application/rss+xml")
        # UTF-8 declared Latin-1 by the header, then by <meta> alone.
        server.add(urls[0], Page(pages[1].encode(), content_type="text/html; charset=iso-8859-1"))
        meta_latin1 = pages[2].replace("charset=utf-8", "charset=iso-8859-1").encode()
        server.add(urls[1], Page(meta_latin1, content_type="text/html"))
        server.add(urls[2], Page(legacy_page(pages[3], to_tcvn3), content_type="text/html"))
        server.add(urls[3], Page(legacy_page(pages[4], to_vni), content_type="text/html"))
        # Mojibake in a page that is valid UTF-8: no decoding mends it.
        mojibake = pages[5].encode("utf-8").decode("cp1252", errors="replace").encode("utf-8")
        server.add(urls[4], Page(mojibake, content_type="text/html; charset=utf-8"))
        result, records = crawl_mirror("vtv", server.url, tmp_path / "out.jsonl")

    assert result.returncode == 0, result.stderr[-3000:]
    extractor = OfflineExtractor(get_project_settings())
    by_url = {r["url"]: r for r in records}
    assert sorted(by_url) == sorted(urls[:4])
    for n, url in enumerate(urls[:4], start=1):
        expected = extractor.extract(pages[n].encode(), url)
        got = by_url[url]
        assert (got["title"], got["sapo"], got["body"], got["authors"], got["language"]) == (
            expected["title"],
            expected["sapo"],
            expected["body"],
            expected["authors"],
            "vi",
        ), url
    assert re.search(r"'vnnews/encoding/utf-8-declared-cp1252': 2\b", result.stderr)
    assert re.search(r"'vnnews/encoding/tcvn3': 1\b", result.stderr)
    assert re.search(r"'vnnews/encoding/vni': 1\b", result.stderr)
    assert re.search(r"'vnnews/dropped/garbled_text': 1\b", result.stderr)


def test_extract_reads_a_page_declared_latin1_as_the_utf8_it_is() -> None:
    url = vtv_article_url(7)
    body = vtv_article(7, url).encode()
    response = HtmlResponse(url, body=body, headers={"Content-Type": "text/html; charset=iso-8859-1"})
    draft = ArticlePage.from_response(response, VtvSpider).draft()
    assert draft.title == "Lào Cai mở thêm 10 tuyến buýt điện nối các khu đô thị, bài số 7"
    assert draft.field_origins["encoding"] == "utf-8-declared-cp1252"
    # Declared right, nothing to say.
    right = HtmlResponse(url, body=body, headers={"Content-Type": "text/html; charset=utf-8"})
    assert "encoding" not in ArticlePage.from_response(right, VtvSpider).draft().field_origins

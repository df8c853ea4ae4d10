"""The page object's own machinery: decoding, the layers of selectors, the breadcrumb."""

from __future__ import annotations

from scrapy.http import HtmlResponse

from crawler.extraction import ArticlePage, page_encoding
from crawler.spiders.cms import VccorpSpider
from crawler.spiders.generic import GenericSpider
from crawler.spiders.vtv import VtvSpider


def test_undecodable_bytes_are_replaced_not_fatal() -> None:
    broken = "<html><body><p>Bão số 3 đổ bộ</p></body></html>".encode().replace(b"3", b"\xff\xfe")
    page = ArticlePage.from_response(HtmlResponse("https://vtv.vn/a.htm", body=broken, encoding="utf-8"))
    assert page.root.findtext(".//p") == "Bão số \ufffd\ufffd đổ bộ"


def test_a_charset_declared_late_in_the_head_is_read() -> None:
    """Scrapy reads a <meta> charset only in the first 4 KB, and otherwise guesses (UTF-8, else cp1252);
    tuoitre.vn declares it after 18 KB of <head>."""
    head = "<head>" + '<link rel="dns-prefetch" href="https://cdn.example.vn">' * 400
    html = f'<html>{head}<meta http-equiv="Content-Type" content="text/html;charset=windows-1258"></head>'
    body = (html + "<body><h1>Báo Đà</h1></body></html>").encode("cp1258")
    response = HtmlResponse(url="https://nguoilambao.vn/a.html", body=body)
    assert page_encoding(response) == "cp1258"
    assert ArticlePage.from_response(response).root.findtext(".//h1") == "Báo Đà"
    # What the response itself says still comes first.
    declared = HtmlResponse(url=response.url, body=body, headers={"Content-Type": "text/html; charset=utf-8"})
    assert page_encoding(declared) == "utf-8"


PAGE = """<html><head><title>t</title></head><body>
<div class="breadcrumb"><a href="/">Trang chủ</a><a href="/xa-hoi.htm">Xã hội</a>
<a href="/bai.htm">Tiêu đề bài</a></div>
<h1 data-role="title">Tiêu đề bài</h1>
<div data-role="content"><p>Đoạn văn thứ nhất của bài viết, đủ dài để là một đoạn văn.</p>
<div data-marked-zoneid="lienquan"><p>Tin liên quan không thuộc bài.</p></div>
<div class="box-related"><p>Cũng không thuộc bài.</p></div></div>
</body></html>"""


def test_the_cms_layer_answers_after_the_outlets_own_selectors() -> None:
    draft = ArticlePage.from_html(PAGE, "https://vtv.vn/bai.htm", VtvSpider).draft()
    assert draft.title == "Tiêu đề bài"
    assert draft.field_origins["title"] == "cms"  # h1[data-role=title], VCCorp's, not vtv's h1.title
    assert draft.field_origins["body"] == "cms"
    # VCCorp's zones go with its CMS; a class naming related news goes on any outlet.
    assert draft.paragraphs == ["Đoạn văn thứ nhất của bài viết, đủ dài để là một đoạn văn."]


def test_an_outlet_without_the_cms_keeps_its_zones() -> None:
    class PlainSpider:
        outlet = "example.vn"
        selectors = {"title": "h1", "body": "div[data-role=content]"}

    draft = ArticlePage.from_html(PAGE, "https://example.vn/bai.htm", PlainSpider).draft()
    assert draft.field_origins["body"] == "selector"
    assert "Tin liên quan không thuộc bài." in draft.paragraphs


def test_the_generic_spider_knows_every_cms() -> None:
    assert set(VccorpSpider.cms_remove_selectors) <= set(GenericSpider.cms_remove_selectors)
    assert "[data-role=content]" in GenericSpider.cms_selectors["body"]
    assert "div.article__body" in GenericSpider.cms_selectors["body"]
    draft = ArticlePage.from_html(PAGE, "https://example.vn/bai.htm", GenericSpider).draft()
    assert draft.field_origins["body"] == "cms"
    assert draft.paragraphs == ["Đoạn văn thứ nhất của bài viết, đủ dài để là một đoạn văn."]


def test_a_breadcrumb_names_sections_not_the_home_page_or_the_article() -> None:
    # div.breadcrumb is the article__* CMS's, which the generic spider tries.
    draft = ArticlePage.from_html(PAGE, "https://example.vn/bai.htm", GenericSpider).draft()
    assert (draft.section, draft.field_origins["section"]) == (["Xã hội"], "cms")

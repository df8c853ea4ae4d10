"""The generic reading of a page, for layouts no selector knows: hand-made pages of the shapes the
corpus shows (old ASP.NET portals, layout tables, photo stories, listings, error pages)."""

from __future__ import annotations

import pytest

from crawler.extraction import ArticlePage, NotAnArticle, block_texts, parse_html
from crawler.main_text import main_block

PROSE = (
    "Sáng nay, Ủy ban nhân dân thành phố đã họp bàn về kế hoạch cải tạo hệ thống thoát nước "
    "trước mùa mưa bão, với sự tham gia của các sở, ngành liên quan."
)
MENU = "".join(f'<li><a href="/muc-{i}">Chuyên mục số {i}</a></li>' for i in range(12))
RELATED = "".join(
    f'<li><a href="/tin-{i}.htm">Tin khác về thoát nước đô thị số {i} của thành phố</a></li>'
    for i in range(6)
)


def page(body: str, head: str = "<title>Thành phố cải tạo hệ thống thoát nước - Báo Ví Dụ</title>") -> str:
    return f"<html><head>{head}</head><body><ul class='menu'>{MENU}</ul>{body}<div id='footer'>{MENU}</div></body></html>"


def draft(html: str, url: str = "https://example.vn/bai-viet-123.htm"):
    return ArticlePage.from_html(html, url).draft()


def test_paragraphs_made_of_divs_and_br_breaks_as_old_aspnet_portals_print_them() -> None:
    html = page(
        "<h1>Thành phố cải tạo hệ thống thoát nước</h1>"
        f"<div class='ct'><div><span>{PROSE}</span><br><br><span>Đoạn hai. {PROSE}</span></div>"
        f"<div>Đoạn ba. {PROSE}</div></div><ul class='tinkhac'>{RELATED}</ul>"
    )
    result = draft(html)
    assert result.field_origins["body"] == "main-text"
    assert result.paragraphs == [PROSE, f"Đoạn hai. {PROSE}", f"Đoạn ba. {PROSE}"]


def test_a_data_table_is_kept_row_by_row() -> None:
    html = page(
        "<h1>Thành phố cải tạo hệ thống thoát nước</h1><div class='noidung'>"
        f"<p>{PROSE}</p><table><tr><th>Quận</th><th>Kinh phí</th></tr>"
        "<tr><td>Ba Đình</td><td>120 tỷ đồng</td></tr><tr><td>Hoàn Kiếm</td><td>95 tỷ đồng</td></tr></table>"
        f"<p>Đoạn cuối. {PROSE}</p></div>"
    )
    assert draft(html).paragraphs == [
        PROSE,
        "Quận | Kinh phí",
        "Ba Đình | 120 tỷ đồng",
        "Hoàn Kiếm | 95 tỷ đồng",
        f"Đoạn cuối. {PROSE}",
    ]


def photo(caption: str) -> str:
    return f"<table><tr><td><img src='/a.jpg'></td></tr><tr><td>{caption}</td></tr></table>"


def test_a_photo_story_keeps_the_text_under_its_photos() -> None:
    captions = [
        f"Ảnh số {i}: người dân khơi thông cống rãnh ở phường {i} trước cơn mưa lớn chiều qua."
        for i in range(6)
    ]
    html = page(
        "<h1>Thành phố cải tạo hệ thống thoát nước</h1><div class='detail'>"
        + "".join(map(photo, captions))
        + "</div>"
    )
    result = draft(html)
    assert result.paragraphs == captions
    assert [image.caption for image in result.images] == captions


def test_an_article_keeps_its_captions_apart() -> None:
    caption = "Công nhân nạo vét cống trên phố Huế."
    html = page(
        "<h1>Thành phố cải tạo hệ thống thoát nước</h1><div class='detail'>"
        f"<p>{PROSE}</p>{photo(caption)}<p>Đoạn hai. {PROSE}</p><p>Đoạn ba. {PROSE}</p></div>"
    )
    result = draft(html)
    assert result.paragraphs == [PROSE, f"Đoạn hai. {PROSE}", f"Đoạn ba. {PROSE}"]
    assert [image.caption for image in result.images] == [caption]


def test_a_run_of_teasers_after_the_article_is_cut_out() -> None:
    teasers = "".join(
        f"<div class='item'><a href='/tin-{i}.htm'>Tin khác về thoát nước số {i}</a>"
        f"<div class='desc'>Tóm tắt một bài khác về thoát nước đô thị, in dưới tiêu đề của nó số {i}.</div></div>"
        for i in range(4)
    )
    html = page(
        f"<h1>Thành phố cải tạo hệ thống thoát nước</h1><div class='x'><p>{PROSE}</p><p>Đoạn hai. {PROSE}</p>"
        f"<p>Đoạn ba. {PROSE}</p>{teasers}</div>"
    )
    assert draft(html).paragraphs == [PROSE, f"Đoạn hai. {PROSE}", f"Đoạn ba. {PROSE}"]


def test_a_body_inside_100000_nested_divs_is_read() -> None:
    html = page(
        "<h1>Thành phố cải tạo hệ thống thoát nước</h1>"
        + "<div>" * 100_000
        + f"<p>{PROSE}</p>" * 3
        + "</div>" * 100_000
    )
    assert draft(html).paragraphs[-3:] == [PROSE] * 3


def test_a_page_too_deep_even_without_its_containers_is_refused_in_words() -> None:
    html = page("<h1>Thành phố</h1>" + "<ul><li>" * 3000 + PROSE + "</li></ul>" * 3000)
    with pytest.raises(NotAnArticle) as refused:
        draft(html)
    assert refused.value.reason == "too_deep"
    assert "2,048" in str(refused.value)


def test_a_listing_is_not_an_article() -> None:
    teasers = "".join(
        f"<div class='story'><h3><a href='/bai-{i}.htm'>Tiêu đề bài số {i} trong chuyên mục thời sự của báo hôm nay</a></h3>"
        f"<p>{PROSE} Bài số {i}.</p></div>"
        for i in range(15)
    )
    html = page(
        f"<h1>Thời sự</h1>{teasers}", head="<meta property='og:type' content='article'><title>Thời sự</title>"
    )
    with pytest.raises(NotAnArticle) as refused:
        draft(html, "https://example.vn/thoi-su.htm")
    assert "no body of substance" in str(refused.value)


@pytest.mark.parametrize("headline", ["404 - Không tìm thấy trang", "Không tìm thấy nội dung bạn yêu cầu"])
def test_a_soft_404_is_not_an_article_even_with_article_markup(headline: str) -> None:
    html = page(
        f"<h1>{headline}</h1><div><p>{PROSE}</p><p>{PROSE}</p></div>",
        head=f"<meta property='og:type' content='article'><title>{headline}</title>",
    )
    with pytest.raises(NotAnArticle) as refused:
        draft(html)
    assert "error page" in str(refused.value)


def test_the_headline_is_the_printed_one_not_the_title_tag_with_its_tail() -> None:
    html = page(
        "<div class='breadcrumb'>Chính trị - Xã hội</div><h2 class='title'>Thành phố cải tạo hệ thống thoát nước</h2>"
        f"<div class='ct'><p>{PROSE}</p><p>{PROSE}</p></div>",
        head="<title>Thành phố cải tạo hệ thống thoát nước - Chính trị - Xã hội - Báo Ví Dụ</title>",
    )
    result = draft(html)
    assert (result.title, result.field_origins["title"]) == (
        "Thành phố cải tạo hệ thống thoát nước",
        "printed",
    )


def test_without_a_printed_headline_the_site_names_are_cut_from_the_title_tag() -> None:
    html = page(
        f"<div class='ct'><p>{PROSE}</p><p>{PROSE}</p></div>",
        head="<title>Thành phố cải tạo hệ thống thoát nước | Example</title>",
    )
    assert draft(html).title == "Thành phố cải tạo hệ thống thoát nước"


@pytest.mark.parametrize(
    "date_html",
    [
        "<span class='date'>Thu Hằng - 12/05/2024 09:15</span>",  # under the headline
        "<div>Thứ Ba, 14/05/2013 - 10:03</div>",
    ],
)
def test_the_date_line_printed_with_the_headline(date_html: str) -> None:
    html = page(
        f"<div class='box'><h1>Thành phố cải tạo hệ thống thoát nước</h1>{date_html}<p>{PROSE}</p><p>{PROSE}</p></div>"
    )
    result = draft(html)
    assert [(c.raw, c.origin) for c in result.dates] == [(date_html.split(">")[1].split("<")[0], "text")]


def test_a_date_printed_above_the_headline_and_one_a_script_writes() -> None:
    above = page(
        f"<header><span class='time'>Thứ hai, 18/2/2019, 17:34 (GMT+7)</span></header><div><h1>Thành phố cải tạo hệ thống thoát nước</h1><p>{PROSE}</p><p>{PROSE}</p></div>"
    )
    assert [c.raw for c in draft(above).dates] == ["Thứ hai, 18/2/2019, 17:34 (GMT+7)"]
    scripted = page(
        f"<div><span id='pDate'></span><h1>Thành phố cải tạo hệ thống thoát nước</h1><p>{PROSE}</p><p>{PROSE}</p></div>"
        '<script>document.getElementById("pDate").innerHTML="Th&#7913; n&#259;m, 20/12/2012, 16:10 GMT+7";</script>'
    )
    assert [c.raw for c in draft(scripted).dates] == ["Thứ năm, 20/12/2012, 16:10 GMT+7"]


def test_the_main_block_leaves_menus_and_comments_out() -> None:
    comments = "".join(f"<div class='comment-item'><p>Bình luận số {i}: {PROSE}</p></div>" for i in range(5))
    root = parse_html(
        page(
            f"<div class='a'><p>{PROSE}</p><p>{PROSE}</p></div><div class='comments'>{comments}</div>"
        ).encode(),
        "utf-8",
        "https://example.vn/",
    )
    element, measured = main_block(root)
    assert element.get("class") == "a"
    assert block_texts(element) == [PROSE, PROSE]
    assert measured.prose == 2 * len(PROSE)


def test_a_forum_thread_is_not_an_article() -> None:
    posts = "".join(
        f"<li class='message{' firstPost' if i == 0 else ''}'><div class='user'><a href='/u/{i}'>thành viên {i}</a></div>"
        f"<blockquote class='messageText'>{PROSE} Ý kiến số {i}.</blockquote></li>"
        for i in range(4)
    )
    html = page(f"<h1>Chuyện thoát nước ở thành phố mùa mưa</h1><ol class='messageList'>{posts}</ol>")
    with pytest.raises(NotAnArticle) as refused:
        draft(html, "https://forum.example.vn/threads/123/")
    assert "a thread of 4 posts" in str(refused.value)

from pathlib import Path

import pytest
from scrapy.utils.project import get_project_settings

from crawler.items import ArticleDraft, AuthorCandidate
from crawler.outlets import self_names_by_outlet
from pipelines.bylines import Byline, BylinePipeline, BylineReader
from pipelines.text.markdown import without_emphasis

SEEDS = Path(__file__).resolve().parents[1] / ".." / "shared" / "seeds"
# What the spiders say of the outlets' names, as a crawl's byline step knows it.
KNOWN = self_names_by_outlet(get_project_settings())


def parse_byline(raw: str, outlet: str | None = None) -> Byline:
    return BylineReader(outlet, KNOWN).parse(raw)


def looks_like_byline(paragraph: str, outlet: str | None = None) -> bool:
    return BylineReader(outlet, KNOWN).looks_like_byline(paragraph)


def test_outlet_names_come_from_the_spiders() -> None:
    assert "VTV Online" in KNOWN["vtv.vn"]
    assert "Báo Tuổi Trẻ" in KNOWN["tuoitre.vn"]
    assert parse_byline("VTV Online", "vtv.vn") == Byline([], None, None)
    assert parse_byline("Tuổi Trẻ", "vtv.vn") == Byline([], "Tuổi Trẻ", "Tuổi Trẻ")
    # A reader that does not know them takes a self-name for a credit; the press it credits most
    # ("Theo Thanh Niên", "Tuổi Trẻ") it knows by name, not as people.
    assert BylineReader("vtv.vn").parse("VTV Online") == Byline([], "VTV Online", None)
    assert BylineReader("vtv.vn").parse("Tuổi Trẻ") == Byline([], "Tuổi Trẻ", "Tuổi Trẻ")


# --- parse_byline ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Giáp Công - Phạm Bằng", ["Giáp Công", "Phạm Bằng"]),
        ("Minh Anh, Thu Hà", ["Minh Anh", "Thu Hà"]),
        ("Minh Anh; Thu Hà", ["Minh Anh", "Thu Hà"]),
        ("Minh Anh và Thu Hà", ["Minh Anh", "Thu Hà"]),
        ("Minh Anh / Thu Hà", ["Minh Anh", "Thu Hà"]),
        ("Minh Anh – Thu Hà", ["Minh Anh", "Thu Hà"]),
        ("Minh Anh & Thu Hà", ["Minh Anh", "Thu Hà"]),
        ("Nhóm phóng viên - Minh Anh", ["Minh Anh"]),
        ("Minh Anh - Minh Anh", ["Minh Anh"]),
    ],
)
def test_joint_bylines_split_into_names(raw: str, expected: list[str]) -> None:
    assert parse_byline(raw) == Byline(authors=expected, byline=raw, source=None)


@pytest.mark.parametrize(
    "raw", ["PV", "Nhóm PV", "Nhóm phóng viên", "BTV", "CTV", "Ban biên tập", "Tổng hợp"]
)
def test_staff_credits_keep_the_byline_but_name_nobody(raw: str) -> None:
    assert parse_byline(raw) == Byline(authors=[], byline=raw, source=None)


@pytest.mark.parametrize("raw", ["Đang cập nhật", "Admin", "Tác giả: Đang cập nhật"])
def test_empty_placeholders_give_no_byline(raw: str) -> None:
    assert parse_byline(raw) == Byline(authors=[], byline=None, source=None)


@pytest.mark.parametrize(
    ("raw", "outlet"),
    [
        ("VnExpress", "vnexpress.net"),
        ("VnExpress", None),
        ("VTV.vn", "vtv.vn"),
        ("VTV", "vtv.vn"),
        ("Báo Thế giới và Việt Nam", "baoquocte.vn"),
        ("Báo Thế giới và Việt Nam", None),
        ("baodientuvtv", "vtv.vn"),
        ("https://vtv.vn", "vtv.vn"),
        ("https://vtv.vn", None),
        ("BAO DIEN TU VTV", "vtv.vn"),
        ("BAO DIEN TU VTV", None),
        ("Theo VnExpress", "vnexpress.net"),
        ("Báo Người Làm Báo", "nguoilambao.vn"),
    ],
)
def test_the_outlet_naming_itself_is_no_credit(raw: str, outlet: str | None) -> None:
    assert parse_byline(raw, outlet=outlet) == Byline(authors=[], byline=None, source=None)


def test_another_outlet_is_a_source() -> None:
    assert parse_byline("Báo Thế giới và Việt Nam", outlet="vtv.vn") == Byline(
        authors=[], byline="Báo Thế giới và Việt Nam", source="Báo Thế giới và Việt Nam"
    )
    # Without an outlet, an agency that is also an outlet stays a source.
    assert parse_byline("VTV") == Byline(authors=[], byline="VTV", source="VTV")


@pytest.mark.parametrize(
    "raw",
    [
        "PV Minh Anh",
        "Phóng viên Minh Anh",
        "BTV Minh Anh",
        "Nhà báo Minh Anh",
        "Tác giả: Minh Anh",
        "Bài và ảnh: Minh Anh",
        "Bài, ảnh: Minh Anh",
        "Tin, ảnh: Minh Anh",
        "Thực hiện: Minh Anh",
        "Minh Anh (tổng hợp)",
        "Minh Anh (Tổng hợp)",
        "Minh Anh (thực hiện)",
        "Minh Anh (lược dịch)",
        "**Minh Anh**",
    ],
)
def test_role_words_are_stripped_from_names(raw: str) -> None:
    assert parse_byline(raw) == Byline(authors=["Minh Anh"], byline=raw.strip("*"), source=None)


def test_compiled_credit_keeps_the_printed_line() -> None:
    assert parse_byline("Hà Thu (tổng hợp)") == Byline(
        authors=["Hà Thu"], byline="Hà Thu (tổng hợp)", source=None
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Minh Anh (theo Reuters)", Byline(["Minh Anh"], "Minh Anh (theo Reuters)", "Reuters")),
        ("Minh Anh (Theo Reuters).", Byline(["Minh Anh"], "Minh Anh (Theo Reuters)", "Reuters")),
        (
            "Minh Anh (theo AFP, Reuters)",
            Byline(["Minh Anh"], "Minh Anh (theo AFP, Reuters)", "AFP, Reuters"),
        ),
        ("(Theo Reuters)", Byline([], "(Theo Reuters)", "Reuters")),
        ("Theo TTXVN", Byline([], "Theo TTXVN", "TTXVN")),
        ("Theo TTXVN.", Byline([], "Theo TTXVN", "TTXVN")),
        ("Theo AFP, Reuters", Byline([], "Theo AFP, Reuters", "AFP, Reuters")),
        ("Nguồn: TTXVN", Byline([], "Nguồn: TTXVN", "TTXVN")),
        ("Thu Hà/VOV", Byline(["Thu Hà"], "Thu Hà/VOV", "VOV")),
        ("Thanh Tùng/TTXVN", Byline(["Thanh Tùng"], "Thanh Tùng/TTXVN", "TTXVN")),
        ("PV/VOV", Byline([], "PV/VOV", "VOV")),
        ("TTXVN", Byline([], "TTXVN", "TTXVN")),
        ("Reuters", Byline([], "Reuters", "Reuters")),
        ("Tân Hoa Xã", Byline([], "Tân Hoa Xã", "Tân Hoa Xã")),
        ("Chinhphu.vn", Byline([], "Chinhphu.vn", "Chinhphu.vn")),
        (
            "Minh Anh - Theo Tổng cục Thống kê",
            Byline(["Minh Anh"], "Minh Anh - Theo Tổng cục Thống kê", "Tổng cục Thống kê"),
        ),
    ],
)
def test_agency_credits_become_the_source(raw: str, expected: Byline) -> None:
    assert parse_byline(raw) == expected


def test_prose_starting_with_theo_is_not_a_credit() -> None:
    assert parse_byline("Theo đó, giá vàng tăng") == Byline([], "Theo đó, giá vàng tăng", None)


@pytest.mark.parametrize(
    "raw",
    [
        "PV Thường trú THVN tại Trung Quốc",
        # As the old vtv layout prints it, date glued on.
        "PV Thường trú THVN tại Trung Quốc-Thứ sáu, ngày 11/10/2024 20:02 GMT+7",
    ],
)
def test_reporter_described_by_role_has_no_name(raw: str) -> None:
    assert parse_byline(raw) == Byline(authors=[], byline="PV Thường trú THVN tại Trung Quốc", source=None)


def test_markdown_bold_staff_credit() -> None:
    assert parse_byline("**PV**") == Byline(authors=[], byline="PV", source=None)


def test_names_printed_in_capitals_are_title_cased() -> None:
    assert parse_byline("THANH HÀ - NGỌC ĐỨC") == Byline(
        authors=["Thanh Hà", "Ngọc Đức"], byline="THANH HÀ - NGỌC ĐỨC", source=None
    )


@pytest.mark.parametrize(
    ("raw", "authors"),
    [
        ("Như Tâm", ["Như Tâm"]),
        ("Bảo Chi", ["Bảo Chi"]),
        ("Vladimir Putin", ["Vladimir Putin"]),
        ("Nguyễn Thị Minh Khai", ["Nguyễn Thị Minh Khai"]),
        # One word is never trusted as a name.
        ("Hết", []),
        ("Hạn chế xuất khẩu nhiên liệu", []),
        ("Minh Anh TTXVN", []),
        ("Trung tâm Tin tức VTV", []),
        ("Ủy ban Biên giới quốc gia", []),
        ("Tổng Bí thư Tô Lâm gặp Thủ tướng Trung Quốc Lý Cường.", []),
        ("Minh Anh 2", []),
    ],
)
def test_only_name_shaped_runs_are_names(raw: str, authors: list[str]) -> None:
    assert parse_byline(raw).authors == authors


def test_empty_string() -> None:
    assert parse_byline("") == Byline(authors=[], byline=None, source=None)


# --- looks_like_byline ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "paragraph",
    [
        "Như Tâm",
        "Bảo Chi",
        "Hà Thu (tổng hợp)",
        "Minh Anh (theo Reuters)",
        "Minh Anh (theo Reuters).",
        "PV",
        "**PV**",
        "Nhóm PV",
        "Theo TTXVN",
        "Theo TTXVN.",
        "Thanh Tùng/TTXVN",
        "Giáp Công - Phạm Bằng",
        "PV Thường trú THVN tại Trung Quốc",
        "Vũ Hoàng (theo Reuters, AFP, AP, Bloomberg, CNN, BBC, Xinhua, Sputnik, TASS, Yonhap)",
    ],
)
def test_credit_lines_look_like_bylines(paragraph: str) -> None:
    assert looks_like_byline(paragraph) is True


@pytest.mark.parametrize(
    "paragraph",
    [
        "Hạn chế xuất khẩu nhiên liệu",
        "Giảm công suất lọc hóa dầu",
        "Tổng Bí thư Tô Lâm gặp Thủ tướng Trung Quốc Lý Cường.",
        "Như Tâm.",
        "Theo đó, giá vàng tăng.",
        "Theo Bộ Y tế, số ca mắc sởi tăng.",
        "Minh Anh, giá vàng tăng",
        "Bạn nghĩ sao?",
        "Phiên bản di động",
        "Hà Nội, 12/10/2024",
        "Minh Anh (theo " + "Reuters, " * 12 + "AFP)",
        "Thanh Tùng " * 12,
        "",
    ],
)
def test_prose_and_subheadings_do_not(paragraph: str) -> None:
    assert looks_like_byline(paragraph) is False


def test_outlet_self_credit_is_a_credit_line() -> None:
    assert looks_like_byline("VnExpress", outlet="vnexpress.net") is True


# --- BylinePipeline -------------------------------------------------------------------------------


def run(draft: ArticleDraft) -> tuple[ArticleDraft, BylinePipeline]:
    pipeline = BylinePipeline(settings=get_project_settings())
    return pipeline.process(draft, None), pipeline


def test_vnexpress_last_line_beats_the_outlet_in_json_ld() -> None:
    draft = ArticleDraft(
        url="https://vnexpress.net/a-1.html",
        outlet="vnexpress.net",
        paragraphs=["Giá dầu tăng mạnh trong phiên sáng nay.", "Hà Thu (tổng hợp)"],
        authors_raw=[AuthorCandidate("VnExpress", "json-ld")],
    )
    result, pipeline = run(draft)
    assert result.authors == ["Hà Thu"]
    assert result.byline == "Hà Thu (tổng hợp)"
    assert result.source is None
    assert result.paragraphs == ["Giá dầu tăng mạnh trong phiên sáng nay."]
    assert result.removed == [("byline", "Hà Thu (tổng hợp)")]
    assert pipeline.stats.get_value("vnnews/authors/found") == 1
    assert pipeline.stats.get_value("vnnews/authors/missing") is None


def test_vtv_page_author_with_two_names() -> None:
    draft = ArticleDraft(
        url="https://vtv.vn/a-100260625161900000.htm",
        outlet="vtv.vn",
        paragraphs=["Đoàn công tác đã làm việc tại Bắc Kinh.", "Giảm công suất lọc hóa dầu"],
        authors_raw=[
            AuthorCandidate("Báo điện tử VTV", "json-ld"),
            AuthorCandidate("Giáp Công - Phạm Bằng", "meta"),
            AuthorCandidate("Giáp Công - Phạm Bằng", "page"),
        ],
    )
    result, _ = run(draft)
    assert result.authors == ["Giáp Công", "Phạm Bằng"]
    assert result.byline == "Giáp Công - Phạm Bằng"
    assert result.source is None
    # A subheading-like last block stays in the body.
    assert result.paragraphs == ["Đoàn công tác đã làm việc tại Bắc Kinh.", "Giảm công suất lọc hóa dầu"]
    assert result.removed == []


def test_seed_000_role_line_is_the_byline() -> None:
    draft = ArticleDraft(
        url="https://vtv.vn/chinh-tri/x-20241011191126043.htm",
        outlet="vtv.vn",
        paragraphs=["Trong chuyến thăm và làm việc tại Trung Quốc, đồng chí Lương Cường đã hội kiến."],
        authors_raw=[
            AuthorCandidate("PV Thường trú THVN tại Trung Quốc-Thứ sáu, ngày 11/10/2024 20:02 GMT+7", "page")
        ],
    )
    result, pipeline = run(draft)
    assert result.authors == []
    assert result.byline == "PV Thường trú THVN tại Trung Quốc"
    assert result.source is None
    assert pipeline.stats.get_value("vnnews/authors/missing") == 1


def test_seed_004_placeholder_author_and_closing_pv() -> None:
    draft = ArticleDraft(
        url="https://nguoilambao.vn/public/tong-bi-thu",
        outlet="nguoilambao.vn",
        paragraphs=["Ngày 5/9, Tổng Bí thư đã tiếp đồng chí Lưu Kiến Siêu.", "**PV**"],
        authors_raw=[AuthorCandidate("Tác giả: Đang cập nhật", "page")],
    )
    result, _ = run(draft)
    assert result.authors == []
    assert result.byline == "PV"
    assert result.source is None
    assert result.paragraphs == ["Ngày 5/9, Tổng Bí thư đã tiếp đồng chí Lưu Kiến Siêu."]
    assert result.removed == [("byline", "**PV**")]


def test_seed_003_last_line_name() -> None:
    draft = ArticleDraft(
        url="https://vnexpress.net/x-4950000.html",
        outlet="vnexpress.net",
        paragraphs=["Thay mặt các lãnh đạo chủ chốt Việt Nam, Tổng Bí thư gửi lời mời.", "Như Tâm"],
    )
    result, _ = run(draft)
    assert result.authors == ["Như Tâm"]
    assert result.byline == "Như Tâm"
    assert result.paragraphs == ["Thay mặt các lãnh đạo chủ chốt Việt Nam, Tổng Bí thư gửi lời mời."]


def test_bare_name_first_paragraph_is_taken() -> None:
    draft = ArticleDraft(
        url="https://baoquocte.vn/x-123.html",
        outlet="baoquocte.vn",
        paragraphs=[
            "Bảo Chi",
            "Chiều 18/2, tại Trụ sở Trung ương Đảng, Tổng Bí thư Tô Lâm đã tiếp đồng chí Trần Cương.",
        ],
    )
    result, _ = run(draft)
    assert result.authors == ["Bảo Chi"]
    assert result.paragraphs == [
        "Chiều 18/2, tại Trụ sở Trung ương Đảng, Tổng Bí thư Tô Lâm đã tiếp đồng chí Trần Cương."
    ]
    assert result.removed == [("byline", "Bảo Chi")]


def test_first_paragraph_subheading_stays() -> None:
    paragraphs = ["Hạn chế xuất khẩu nhiên liệu", "Chính phủ quyết định giảm xuất khẩu xăng dầu."]
    result, _ = run(ArticleDraft(url="https://x.vn/a", outlet="x.vn", paragraphs=list(paragraphs)))
    assert result.paragraphs == paragraphs
    assert result.authors == []
    assert result.byline is None


def test_source_comes_from_another_candidate_when_the_winner_has_none() -> None:
    draft = ArticleDraft(
        url="https://vietnamplus.vn/x.vnp",
        outlet="vietnamplus.vn",
        paragraphs=["Nội dung bài viết.", "Theo TTXVN"],
        authors_raw=[AuthorCandidate("Thanh Tùng", "page")],
    )
    result, _ = run(draft)
    assert result.authors == ["Thanh Tùng"]
    assert result.byline == "Thanh Tùng"
    assert result.source == "TTXVN"


def test_agency_only_candidate_wins_with_no_author() -> None:
    draft = ArticleDraft(
        url="https://x.vn/a",
        outlet="x.vn",
        paragraphs=["Nội dung bài viết."],
        authors_raw=[AuthorCandidate("Minh Anh", "json-ld"), AuthorCandidate("TTXVN", "page")],
    )
    result, _ = run(draft)
    assert result.authors == []
    assert result.byline == "TTXVN"
    assert result.source == "TTXVN"


def test_no_candidates() -> None:
    result, pipeline = run(ArticleDraft(url="https://x.vn/a", outlet="x.vn", paragraphs=["Một câu văn."]))
    assert (result.authors, result.byline, result.source) == ([], None, None)
    assert pipeline.stats.get_value("vnnews/authors/missing") == 1


# --- the real seeds -------------------------------------------------------------------------------


def seed_lines(prefix: str) -> list[str]:
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS}")
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_seed_003_byline_is_found_at_the_end() -> None:
    lines = seed_lines("003")
    result, _ = run(
        ArticleDraft(url="https://vnexpress.net/x.html", outlet="vnexpress.net", paragraphs=lines[1:])
    )
    assert result.authors == ["Như Tâm"]
    assert result.paragraphs[-1].startswith("Thay mặt các lãnh đạo chủ chốt Việt Nam")


def test_seed_001_byline_under_the_title() -> None:
    lines = seed_lines("001")
    body = lines[1:6]
    result, _ = run(ArticleDraft(url="https://baoquocte.vn/x.html", outlet="baoquocte.vn", paragraphs=body))
    assert result.authors == ["Bảo Chi"]
    assert result.paragraphs[0].startswith("Chiều 18/2, tại Trụ sở Trung ương Đảng")


def test_seed_000_and_004_credit_lines() -> None:
    role_line = next(line for line in seed_lines("000") if line.startswith("PV "))
    assert parse_byline(role_line, outlet="vtv.vn") == Byline([], "PV Thường trú THVN tại Trung Quốc", None)
    lines = seed_lines("004")
    assert parse_byline(next(line for line in lines if line.startswith("Tác giả:"))) == Byline([], None, None)
    assert "**PV**" in lines
    assert looks_like_byline("**PV**", outlet="nguoilambao.vn") is True


def test_no_seed_body_line_is_mistaken_for_a_byline() -> None:
    # Only the known credit lines of the five seeds read as bylines.
    credits = {"Bảo Chi", "Như Tâm", "**PV**", "Tác giả: Đang cập nhật"}
    for prefix in ("000", "001", "002", "003", "004"):
        for line in seed_lines(prefix):
            if line not in credits:
                assert looks_like_byline(line) is False, line


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("**Như Tâm**", "Như Tâm"),
        (" _ *Bảo Chi* _ ", "Bảo Chi"),
        ("\u00a0*\u3000PV\n", "PV"),
        ("***", ""),
        ("", ""),
        ("Hà Thu", "Hà Thu"),
        ("*_ a _*b*", "a _*b"),
        ("_Tin: TTXVN_.", "Tin: TTXVN_."),
        ("Bài: **Minh Anh**", "Bài: Minh Anh"),
    ],
)
def test_markdown_emphasis_around_a_credit_goes(raw: str, expected: str) -> None:
    assert without_emphasis(raw) == expected


@pytest.mark.parametrize(
    ("raw", "authors", "source"),
    [
        # The shapes: a person credited with "Theo", with a source in parentheses or after "/".
        ("Theo Minh Anh", ["Minh Anh"], None),
        ("Theo Minh Anh (Reuters)", ["Minh Anh"], "Reuters"),
        ("Theo Minh Nguyễn/Vcamp.vn", ["Minh Nguyễn"], "Vcamp.vn"),
        ("Theo TTXVN", [], "TTXVN"),
        ("Theo Thanh Niên", [], "Thanh Niên"),
        ("Theo AFP, Reuters", [], "AFP, Reuters"),
        # Trailing dashes and dates go; initials are a signature; capitals are title-cased.
        ("Bình An -", ["Bình An"], None),
        ("Thu Hằng - 12/05/2024 09:15", ["Thu Hằng"], None),
        ("Q.C", ["Q.C"], None),
        ("K. Miên", ["K. Miên"], None),
        ("H.V.", ["H.V."], None),
        ("TP", ["TP"], None),
        ("THU HÀ - MINH AN", ["Thu Hà", "Minh An"], None),
        # Photo credits are not authors.
        ("Ảnh: Minh Anh", [], None),
        ("H.V.Ảnh: Misso", ["H.V."], None),
        ("Minh Anh - Video: Thu Hà", ["Minh Anh"], None),
    ],
)
def test_credit_shapes(raw: str, authors: list[str], source: str | None) -> None:
    parsed = parse_byline(raw, "vtv.vn")
    assert (parsed.authors, parsed.source) == (authors, source)

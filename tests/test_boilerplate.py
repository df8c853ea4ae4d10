"""The boilerplate step: the five seeds cleaned end to end, then each rule on its own."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from crawler.dumps import DUMP_DATE_PREFIX
from crawler.items import ArticleDraft, AuthorCandidate, DateCandidate, Image
from crawler.spiders.baoquocte import BaoquocteSpider
from crawler.spiders.biengioilanhtho import BiengioilanhthoSpider
from crawler.spiders.nguoilambao import NguoilambaoSpider
from crawler.spiders.tuoitre import TuoitreSpider
from crawler.spiders.vnexpress import VnexpressSpider
from crawler.spiders.vtv import VtvSpider
from pipelines.base import OfflineStats
from pipelines.boilerplate import (
    BoilerplatePipeline,
    CleanedBody,
    OutletRules,
    clean_paragraphs,
    strip_sapo_prefix,
)
from tests.conftest import SEEDS

MD_LINK_OR_IMAGE = re.compile(r"^!?\[[^\]]*\]\([^)]*\)$")


# -- the seeds -----------------------------------------------------------------------


def seed_path(number: str) -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"seed folder {SEEDS} is absent: the seeds live in ../shared/seeds beside the checkout")
    paths = sorted(SEEDS.glob(f"{number}_*.txt"))
    if not paths:
        pytest.skip(f"seed {number} is not in {SEEDS}")
    return paths[0]


def seed_line(number: str, line_number: int) -> str:
    """Line *line_number* (1-based) of a seed, as the normalize step would hand it over."""
    lines = seed_path(number).read_text(encoding="utf-8").split("\n")
    return " ".join(unicodedata.normalize("NFC", lines[line_number - 1]).split())


def seed_input(number: str) -> tuple[str | None, list[str]]:
    """A seed as body paragraphs: its Markdown heading (the title, if any) and its lines.

    Blank-line blocks, then lines, each non-empty line a paragraph (NFC, spaces
    collapsed, as the normalize step leaves them); the Jekyll front matter,
    Markdown headings, link/image-only lines and the dump tool's date prefix (read
    by the dump importer, tests/test_import_dump.py) are not body.
    """
    text = unicodedata.normalize("NFC", seed_path(number).read_text(encoding="utf-8"))
    if text.startswith("---\n"):
        text = text[text.index("\n---\n", 4) + len("\n---\n") :]
    heading = None
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        for line in block.split("\n"):
            line = " ".join(line.split())
            if not line or MD_LINK_OR_IMAGE.match(line):
                continue
            if line.startswith("# "):
                heading = line[2:]
                continue
            paragraphs.append(DUMP_DATE_PREFIX.sub("", line) if not paragraphs else line)
    return heading, paragraphs


# The outlet of each seed, whose spider's rules clean it.
SEED_SPIDERS = {
    "000": VtvSpider,
    "001": BaoquocteSpider,
    "002": BiengioilanhthoSpider,
    "003": VnexpressSpider,
    "004": NguoilambaoSpider,
}


def clean_seed(number: str, *, title: str | None = None, sapo: str | None = None) -> CleanedBody:
    heading, paragraphs = seed_input(number)
    spider = SEED_SPIDERS[number]
    return clean_paragraphs(
        paragraphs, title=title or heading, sapo=sapo, outlet=spider.outlet, rules=OutletRules.of(spider)
    )


# Boilerplate printed in the seeds: none of it may be left in any body paragraph.
SEED_BOILERPLATE = (
    "Theo dõi Baoquocte.vn trên",
    "Cùng chuyên mục",
    "Tin đọc nhiều",
    "Đọc thêm",
    "Phiên bản di động",
    "Mời quý độc giả",
    "Link bài viết",
    "https://",
    "./.",
    "Ảnh: TTXVN",
    "Tác giả:",
    "Đang cập nhật",
    "GMT+7",
    "26/04/2023 14:28",
    "01:38 06/09/2023",
    "**",
    "Toàn văn phát biểu bế mạc Hội nghị Trung ương khoá XIII của Tổng Bí thư Tô Lâm",
    "Chủ nhiệm Ủy ban Biên giới quốc gia thăm và làm việc với Đồn Biên phòng",
)

# Titles as the pages give them (seed 000's front matter cuts its title short; its URL spells it out).
SEED_TITLES = {
    "000": "Thường trực Ban Bí thư Lương Cường hội kiến Tổng Bí thư, Chủ tịch nước Tập Cận Bình",
    "001": "Tổng Bí thư Tô Lâm tiếp Bí thư Quảng Tây, Trung Quốc Trần Cương",
    "002": "Đoàn Đại biểu Đảng Cộng sản Việt Nam thăm Trung Quốc",
    "003": None,
    "004": None,  # the Markdown heading
}


@pytest.mark.parametrize("number", sorted(SEED_TITLES))
def test_no_seed_boilerplate_is_left(number: str) -> None:
    body = clean_seed(number, title=SEED_TITLES[number])
    assert body.paragraphs, "the article itself must stay"
    for paragraph in body.paragraphs:
        for marker in SEED_BOILERPLATE:
            assert marker not in paragraph, f"{marker!r} left in seed {number}: {paragraph[:80]!r}"
    for caption in body.captions:
        assert caption not in body.paragraphs


def test_seed_000_vtv() -> None:
    # The old vtv layout prints the lead in h2.sapo with the "VTV.vn - " prefix; the dump has it in the body.
    sapo = "VTV.vn - " + seed_line("000", 11)
    body = clean_seed("000", title=SEED_TITLES["000"], sapo=sapo)

    assert body.paragraphs[0] == seed_line("000", 17)
    assert body.paragraphs[0].startswith("Chúc mừng 75 năm Quốc khánh Trung Quốc")
    assert body.paragraphs[-1] == seed_line("000", 31)
    assert body.paragraphs[-1].endswith("chuyển đổi số trong các cơ quan Đảng.")
    assert len(body.paragraphs) == 6
    assert body.captions == [seed_line("000", 15), seed_line("000", 23)]
    assert body.captions[0] == (
        "Tổng Bí thư Đảng Cộng sản Trung Quốc Tập Cận Bình tiếp đồng chí Lương Cường cùng đoàn công tác "
        "Đảng Cộng sản Việt Nam. Ảnh: TTXVN"
    )
    # "PV Thường trú THVN tại Trung Quốc-Thứ sáu, ngày 11/10/2024 20:02 GMT+7": credit and date.
    assert body.author_lines == ["PV Thường trú THVN tại Trung Quốc"]
    assert body.date_lines == ["Thứ sáu, ngày 11/10/2024 20:02 GMT+7"]
    assert ("sapo", seed_line("000", 11)) in body.removed
    promo = seed_line("000", 37)
    assert promo.startswith("* Mời quý độc giả theo dõi các chương trình đã phát sóng")
    assert ("promo", promo) in body.removed


def test_seed_001_baoquocte() -> None:
    body = clean_seed("001", title=SEED_TITLES["001"])

    # "Bảo Chi" under the title is the credit: left first, where the byline step takes it.
    assert body.paragraphs[0] == "Bảo Chi"
    assert body.paragraphs[1] == seed_line("001", 4)
    assert body.paragraphs[1].startswith("Chiều 18/2, tại Trụ sở Trung ương Đảng")
    assert body.paragraphs[-1] == seed_line("001", 24)
    assert body.paragraphs[-1].startswith("Bí thư Trần Cương trân trọng cảm ơn")
    assert len(body.paragraphs) == 9
    # Image alt + caption pairs: the fuller line of each is the caption.
    assert body.captions == [
        "Tổng Bí thư Tô Lâm tiếp Bí thư Quảng Tây, Trung Quốc Trần Cương, chiều 18/2.",
        seed_line("001", 19),
    ]
    assert seed_line("001", 19).endswith("với Việt Nam - Ảnh: TTXVN")
    assert seed_line("001", 20) not in body.paragraphs
    # The title, printed again over the photo, is not a related-news run.
    assert SEED_TITLES["001"] not in body.paragraphs
    assert ("follow", "Theo dõi Baoquocte.vn trên") in body.removed
    assert ("stop-heading", "Đọc thêm") in body.removed
    # Every related headline, its copy and its teaser are gone.
    _, lines = seed_input("001")
    assert set(body.paragraphs).isdisjoint(lines[lines.index(seed_line("001", 26)) :])
    assert (
        "related-run",
        "Toàn văn phát biểu bế mạc Hội nghị Trung ương khoá XIII của Tổng Bí thư Tô Lâm",
    ) in body.removed


def test_seed_002_biengioilanhtho() -> None:
    body = clean_seed("002", title=SEED_TITLES["002"])

    assert body.paragraphs[0] == seed_line("002", 5)
    assert body.paragraphs[0].startswith("Nhận lời mời của Trung ương Đảng Cộng sản Trung Quốc")
    # The end mark is stripped, its full stop kept.
    assert body.paragraphs[-1] == seed_line("002", 27).removesuffix("/.")
    assert body.paragraphs[-1].endswith("Đại sứ quán Việt Nam tại Bắc Kinh, Trung Quốc.")
    assert len(body.paragraphs) == 10
    assert body.captions == [
        "Thường trực Ban Bí thư Trương Thị Mai hội kiến Tổng Bí thư, Chủ tịch Trung Quốc Tập Cận Bình"
        " - Ảnh: TTXVN"
    ]
    assert body.date_lines == ["26/04/2023 14:28"]
    assert ("end-mark", "./.") in body.removed
    assert ("stop-heading", "Cùng chuyên mục") in body.removed
    assert ("after-stop-heading", "Tin đọc nhiều") in body.removed
    _, lines = seed_input("002")
    assert set(body.paragraphs).isdisjoint(lines[lines.index("Cùng chuyên mục") :])


def test_seed_003_vnexpress() -> None:
    body = clean_seed("003")

    assert body.paragraphs[0] == seed_line("003", 1).removeprefix("date 2025-10-10 ")
    assert body.paragraphs[0].startswith("Tổng Bí thư Tô Lâm gặp Thủ tướng Trung Quốc Lý Cường")
    # "Như Tâm" is the credit line: left last, where the byline step takes it.
    assert body.paragraphs[-1] == "Như Tâm"
    assert body.paragraphs[-2] == seed_line("003", 27)
    assert len(body.paragraphs) == 13
    assert body.captions == [seed_line("003", 11), seed_line("003", 17)]


def test_seed_004_nguoilambao() -> None:
    body = clean_seed("004")

    # Bold markers stripped from the lead.
    assert body.paragraphs[0] == seed_line("004", 9).strip("*")
    assert body.paragraphs[0].startswith("Ngày 5/9, tại Trụ sở Trung ương Đảng")
    # "**PV**" is the credit line: left last, without its bold markers, for the byline step.
    assert body.paragraphs[-1] == "PV"
    assert body.paragraphs[-2] == seed_line("004", 31)
    assert len(body.paragraphs) == 9
    # The two paragraphs split mid-sentence are one again.
    assert seed_line("004", 17) + " " + seed_line("004", 19) in body.paragraphs
    assert any("Tổng Bí thư Nguyễn Phú Trọng bày tỏ trân trọng" in p for p in body.paragraphs)
    assert seed_line("004", 27) + " " + seed_line("004", 29) in body.paragraphs
    assert any("đánh giá cao tình cảm, sự ủng hộ" in p for p in body.paragraphs)
    # The Markdown italic caption, its "\_" separator read as " - ".
    assert body.captions == [
        "Tổng Bí thư Nguyễn Phú Trọng tiếp Trưởng Ban Liên lạc Đối ngoại Trung ương Đảng Cộng sản Trung Quốc "
        "Lưu Kiến Siêu - Ảnh: TTXVN"
    ]
    assert body.date_lines == ["01:38 06/09/2023"]
    assert body.author_lines == ["Tác giả: Đang cập nhật"]
    assert ("author-line", "Tác giả: Đang cập nhật") in body.removed
    assert [rule for rule, text in body.removed if text.startswith("Link bài viết:")] == ["link-line"]


# -- rule 1: stop headings -----------------------------------------------------------

PROSE = [
    "Đoạn văn thứ nhất của bài báo nói về cuộc gặp giữa hai đoàn đại biểu tại Hà Nội, "
    "trong đó hai bên đã trao đổi nhiều vấn đề quan trọng.",
    "Đoạn văn thứ hai của bài báo tiếp tục nói về nội dung cuộc gặp, nhấn mạnh ý nghĩa "
    "của việc tăng cường hợp tác trong thời gian tới.",
    "Đoạn văn thứ ba của bài báo kết thúc bằng thông tin về các văn kiện được ký kết "
    "giữa hai bên nhân dịp chuyến thăm chính thức này.",
    "Đoạn văn thứ tư của bài báo cho biết hai bên nhất trí tổ chức cuộc gặp tiếp theo "
    "vào năm sau tại thủ đô của nước bạn, như đã thỏa thuận.",
]


@pytest.mark.parametrize("heading", ["Tin liên quan", "TIN LIÊN QUAN:", "Xem thêm »", "Có thể bạn quan tâm"])
def test_stop_heading_ends_the_article(heading: str) -> None:
    body = clean_paragraphs([*PROSE, heading, "Một tin khác", "Một tin khác nữa"])
    assert body.paragraphs == PROSE
    assert body.removed == [
        ("stop-heading", heading),
        ("after-stop-heading", "Một tin khác"),
        ("after-stop-heading", "Một tin khác nữa"),
    ]


def test_outlet_stop_heading() -> None:
    rules = OutletRules(stop_headings=("Tin nổi bật",))
    body = clean_paragraphs([*PROSE[:3], "Tin nổi bật", PROSE[3]], rules=rules)
    assert body.paragraphs == PROSE[:3]


def test_stop_heading_at_the_top_removes_only_the_inline_box() -> None:
    paragraphs = [
        PROSE[0],
        "TIN LIÊN QUAN",
        "Hai nước ký thỏa thuận mới",
        "Thủ tướng tiếp Đại sứ",
        *PROSE[1:],
    ]
    body = clean_paragraphs(paragraphs)
    assert body.paragraphs == PROSE
    assert body.removed == [
        ("stop-heading", "TIN LIÊN QUAN"),
        ("related-box", "Hai nước ký thỏa thuận mới"),
        ("related-box", "Thủ tướng tiếp Đại sứ"),
    ]


def test_inline_box_further_down_removes_only_the_box() -> None:
    # An inline box the page's selectors missed: the article goes on after its headlines.
    paragraphs = [
        *PROSE[:2],
        "TIN LIÊN QUAN",
        "Hai nước ký thỏa thuận mới",
        "Thủ tướng tiếp Đại sứ",
        *PROSE[2:],
    ]
    body = clean_paragraphs(paragraphs)
    assert body.paragraphs == PROSE
    assert body.removed == [
        ("stop-heading", "TIN LIÊN QUAN"),
        ("related-box", "Hai nước ký thỏa thuận mới"),
        ("related-box", "Thủ tướng tiếp Đại sứ"),
    ]


def test_read_more_inside_a_sentence_is_prose() -> None:
    sentence = "Đọc thêm tài liệu lưu trữ, nhóm nghiên cứu phát hiện nhiều chi tiết mới về trận đánh."
    body = clean_paragraphs([*PROSE[:3], sentence, PROSE[3]])
    assert body.paragraphs == [*PROSE[:3], sentence, PROSE[3]]
    assert body.removed == []


def test_inline_read_more_link_is_removed() -> None:
    body = clean_paragraphs([PROSE[0], ">> Xem thêm: Giá vàng hôm nay tăng mạnh", PROSE[1]])
    assert body.paragraphs == PROSE[:2]
    assert body.removed == [("inline-related", ">> Xem thêm: Giá vàng hôm nay tăng mạnh")]


# -- rule 2: related-headline runs ---------------------------------------------------

RELATED = [
    "Hai nước ký thỏa thuận hợp tác mới",
    "Hai nước ký thỏa thuận hợp tác mới",
    "Thỏa thuận được ký tại Hà Nội trong khuôn khổ chuyến thăm ...",
    "Thủ tướng tiếp Đại sứ Nhật Bản",
    "Thủ tướng tiếp Đại sứ Nhật Bản",
    "Thủ tướng đề nghị hai bên tăng cường hợp tác ...",
]


def test_related_run_ends_the_article() -> None:
    body = clean_paragraphs([*PROSE, *RELATED])
    assert body.paragraphs == PROSE
    assert body.removed == [("related-run", text) for text in RELATED]


def test_repeated_line_early_in_the_body_is_not_a_run() -> None:
    heading = "Hợp tác kinh tế là trụ cột"
    body = clean_paragraphs([PROSE[0], heading, heading, *PROSE[1:]])
    assert body.paragraphs == [PROSE[0], heading, *PROSE[1:]]
    assert body.removed == [("duplicate", heading)]


def test_repeated_line_followed_by_prose_is_not_a_run() -> None:
    heading = "Hợp tác kinh tế là trụ cột"
    paragraphs = [*PROSE, heading, heading, *PROSE]
    body = clean_paragraphs(paragraphs)
    assert body.paragraphs == [*PROSE, heading, *PROSE]
    assert body.removed == [("duplicate", heading)]


# -- rule 3: line rules --------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Theo dõi Baoquocte.vn trên", "follow"),
        ("Theo dõi VnExpress trên Google News", "follow"),
        ("Theo dõi Báo Dân trí trên Zalo và Facebook", "follow"),
        ("* Mời quý độc giả theo dõi các chương trình đã phát sóng trên VTVGo!", "promo"),
        ("- Mời bạn đọc xem thêm video tại kênh YouTube của báo", "promo"),
        ("Link bài viết: https://nguoilambao.vn/public/bai-viet", "link-line"),
        ("**Link bài viết:** <https://nguoilambao.vn/public/bai-viet>", "link-line"),
        ("® Cấm sao chép dưới mọi hình thức nếu không có sự chấp thuận bằng văn bản", "copyright"),
        ("© 2024 Báo điện tử VTV. All rights reserved.", "copyright"),
        ("Bản quyền thuộc về Báo Thế giới và Việt Nam", "copyright"),
        ("Ghi rõ nguồn Báo Tin tức khi phát hành lại thông tin từ website này.", "copyright"),
        ("Tải ứng dụng VTV Go để xem trực tiếp", "app-promo"),
        ("Tải app Tuổi Trẻ Online", "app-promo"),
        ("Chia sẻ", "share-bar"),
        ("Chia sẻ Facebook", "share-bar"),
        ("Bình luận (12)", "share-bar"),
        ("Lưu", "share-bar"),
        ("Copy link", "share-bar"),
        ("In bài viết", "share-bar"),
        ("Chia sẻ | Bình luận | Lưu", "share-bar"),
    ],
)
def test_line_rule(line: str, rule: str) -> None:
    body = clean_paragraphs([PROSE[0], line, PROSE[1]])
    assert body.paragraphs == PROSE[:2]
    assert body.removed == [(rule, line.replace("**", ""))]


@pytest.mark.parametrize(
    "sentence",
    [
        "Theo dõi diễn biến trên thị trường, các chuyên gia cho rằng giá vàng sẽ còn tăng.",
        "Chia sẻ với phóng viên, ông Nam cho biết công trình sẽ hoàn thành vào cuối năm.",
        "Bình luận về sự kiện này, bộ trưởng nói rằng hai bên đã đạt được nhiều đồng thuận.",
        "Tải ứng dụng về máy, người dùng phải nhập mã xác thực được gửi qua tin nhắn mới dùng được.",
    ],
)
def test_line_rules_leave_prose_alone(sentence: str) -> None:
    body = clean_paragraphs([PROSE[0], sentence])
    assert body.paragraphs == [PROSE[0], sentence]
    assert body.removed == []


def test_author_lines_become_candidates() -> None:
    body = clean_paragraphs(["Tác giả: Minh Anh", PROSE[0], "Bài và ảnh: Thu Hà", PROSE[1]])
    assert body.paragraphs == PROSE[:2]
    assert body.author_lines == ["Tác giả: Minh Anh", "Bài và ảnh: Thu Hà"]
    assert body.removed == [("author-line", "Tác giả: Minh Anh"), ("author-line", "Bài và ảnh: Thu Hà")]


@pytest.mark.parametrize(
    "line",
    [
        "26/04/2023 14:28",
        "01:38 06/09/2023",
        "Thứ bảy, 7/3/2026, 00:05 (GMT+7)",
        "Cập nhật: 25/06/2026 16:19 GMT+7",
    ],
)
def test_date_line_at_the_top_becomes_a_candidate(line: str) -> None:
    body = clean_paragraphs([line, *PROSE])
    assert body.paragraphs == PROSE
    assert body.date_lines == [line.removeprefix("Cập nhật: ")]
    assert body.removed == [("date-line", line)]


def test_date_line_inside_the_body_stays() -> None:
    # A timeline's subheading, far from the top.
    body = clean_paragraphs([*PROSE, *PROSE, "20/10/2025", *PROSE])
    assert "20/10/2025" in body.paragraphs
    assert body.date_lines == []


def test_place_and_date_is_not_a_credit() -> None:
    body = clean_paragraphs(["Hà Nội, 26/04/2023", *PROSE])
    assert body.paragraphs[0] == "Hà Nội, 26/04/2023"
    assert body.author_lines == []


def test_outlet_patterns_full_match() -> None:
    rules = OutletRules(patterns=(re.compile(r"Quảng cáo.*"), re.compile(r"Video đang được xử lý")))
    kept = "Video đang được xử lý khiến nhiều người chờ đợi, theo phản ánh của bạn đọc gửi tới tòa soạn báo."
    body = clean_paragraphs(["Quảng cáo: mua ngay", PROSE[0], kept], rules=rules)
    assert body.paragraphs == [PROSE[0], kept]
    assert body.removed == [("outlet", "Quảng cáo: mua ngay")]


# -- rule 4: the end mark ------------------------------------------------------------


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        ("Hai bên nhất trí tăng cường hợp tác./.", "Hai bên nhất trí tăng cường hợp tác."),
        ("Hai bên nhất trí tăng cường hợp tác./", "Hai bên nhất trí tăng cường hợp tác."),
        ("Hai bên nhất trí tăng cường hợp tác/.", "Hai bên nhất trí tăng cường hợp tác."),
    ],
)
def test_end_mark_is_stripped(last: str, expected: str) -> None:
    body = clean_paragraphs([PROSE[0], last])
    assert body.paragraphs == [PROSE[0], expected]
    assert body.removed == [("end-mark", last.removeprefix("Hai bên nhất trí tăng cường hợp tác"))]


def test_end_mark_ends_the_article() -> None:
    tail = [
        "Hai nước ký thỏa thuận hợp tác mới",
        "Thỏa thuận được ký tại Hà Nội trong khuôn khổ chuyến thăm ...",
    ]
    body = clean_paragraphs([PROSE[0], PROSE[1][:-1] + "/.", *tail])
    assert body.paragraphs == PROSE[:2]
    assert body.removed == [("end-mark", "/."), *(("after-end-mark", t) for t in tail)]


def test_end_mark_keeps_the_credit_line_after_it() -> None:
    body = clean_paragraphs(
        [PROSE[0], PROSE[1][:-1] + "./.", "Như Tâm", "Hai nước ký thỏa thuận hợp tác mới"]
    )
    assert body.paragraphs == [PROSE[0], PROSE[1], "Như Tâm"]


def test_end_mark_followed_by_prose_keeps_the_prose() -> None:
    body = clean_paragraphs([PROSE[0][:-1] + "./.", *PROSE[1:]])
    assert body.paragraphs == PROSE
    assert body.removed == [("end-mark", "./.")]


# -- rule 5: captions ----------------------------------------------------------------


@pytest.mark.parametrize(
    "caption",
    [
        "Quang cảnh hội nghị. Ảnh: TTXVN",
        "Quang cảnh hội nghị - Ảnh: Ngọc Thành/VOV",
        "Quang cảnh hội nghị (Ảnh: Reuters)",
        "Người dân đi bầu cử. Ảnh minh họa",
        "Người dân đi bầu cử (Ảnh minh hoạ)",
    ],
)
def test_caption_with_credit(caption: str) -> None:
    body = clean_paragraphs([PROSE[0], caption, PROSE[1]])
    assert body.paragraphs == PROSE[:2]
    assert body.captions == [caption]
    assert body.removed == [("caption", caption)]


def test_markdown_italic_caption_with_underscore_credit() -> None:
    body = clean_paragraphs([PROSE[0], r"*Quang cảnh hội nghị\_Ảnh: TTXVN*", PROSE[1]])
    assert body.paragraphs == PROSE[:2]
    assert body.captions == ["Quang cảnh hội nghị - Ảnh: TTXVN"]


def test_long_paragraph_ending_in_a_credit_is_prose() -> None:
    long = " ".join(PROSE[:3]) + " Ảnh: TTXVN"
    assert len(long) > 300
    body = clean_paragraphs([long])
    assert body.paragraphs == [long]
    assert body.captions == []


def test_credit_alone_on_its_line_is_removed() -> None:
    body = clean_paragraphs([PROSE[0], "Ảnh: TTXVN", PROSE[1]])
    assert body.paragraphs == PROSE[:2]
    assert body.captions == []
    assert body.removed == [("credit", "Ảnh: TTXVN")]


def test_alt_and_caption_pair_keeps_the_fuller_caption() -> None:
    alt = "Thủ tướng tiếp Đại sứ Nhật Bản tại Việt Nam"
    caption = "Thủ tướng tiếp Đại sứ Nhật Bản tại Việt Nam, chiều 18/2."
    body = clean_paragraphs([PROSE[0], alt, caption, PROSE[1]])
    assert body.paragraphs == PROSE[:2]
    assert body.captions == [caption]
    assert body.removed == [("caption", caption), ("caption-alt", alt)]


def test_caption_and_alt_differing_by_credit() -> None:
    caption = "Thủ tướng tiếp Đại sứ Nhật Bản tại Việt Nam - Ảnh: TTXVN"
    alt = "Thủ tướng tiếp Đại sứ Nhật Bản tại Việt Nam."
    body = clean_paragraphs([PROSE[0], caption, alt, PROSE[1]])
    assert body.paragraphs == PROSE[:2]
    assert body.captions == [caption]


def test_paragraph_starting_like_the_line_before_is_not_a_caption() -> None:
    heading = "Hạn chế xuất khẩu nhiên liệu"
    following = "Hạn chế xuất khẩu nhiên liệu là biện pháp được chính phủ nhiều nước áp dụng."
    body = clean_paragraphs([PROSE[0], heading, following])
    assert body.paragraphs == [PROSE[0], heading, following]
    assert body.captions == []


# -- rule 6: split paragraphs --------------------------------------------------------


def test_split_before_a_lowercase_word_is_joined() -> None:
    body = clean_paragraphs([PROSE[0], "Hai bên đánh giá cao tình", "cảm, sự ủng hộ của nhân dân hai nước."])
    assert body.paragraphs == [PROSE[0], "Hai bên đánh giá cao tình cảm, sự ủng hộ của nhân dân hai nước."]


def test_split_inside_a_name_is_joined() -> None:
    first = PROSE[0] + " " + PROSE[1][:-1] + ", Tổng Bí thư Nguyễn Phú"
    body = clean_paragraphs([first, "Trọng bày tỏ trân trọng.", "Tổng Bí thư Nguyễn Phú Trọng cảm ơn."])
    assert body.paragraphs == [first + " Trọng bày tỏ trân trọng.", "Tổng Bí thư Nguyễn Phú Trọng cảm ơn."]


def test_subheading_is_not_joined() -> None:
    paragraphs = [PROSE[0], "Hạn chế xuất khẩu nhiên liệu", "Ngày 5/3, Reuters đưa tin chính phủ đã họp."]
    assert clean_paragraphs(paragraphs).paragraphs == paragraphs


def test_long_paragraph_without_full_stop_is_not_joined_to_a_new_sentence() -> None:
    # No "Hà Nội Trước" anywhere else: the capitals do not continue a name.
    first = PROSE[0] + " " + PROSE[1][:-1] + " tại Hà Nội"
    paragraphs = [first, "Trước đó, hai bên đã có nhiều cuộc gặp."]
    assert clean_paragraphs(paragraphs).paragraphs == paragraphs


# -- rule 7: title, sapo, Markdown ---------------------------------------------------


def test_title_is_removed_anywhere() -> None:
    title = "Hai nước ký thỏa thuận hợp tác mới"
    body = clean_paragraphs([title, PROSE[0], "hai nước ký thỏa thuận hợp tác mới.", PROSE[1]], title=title)
    assert body.paragraphs == PROSE[:2]
    assert [rule for rule, _ in body.removed] == ["title", "title"]


def test_sapo_at_the_start_is_removed() -> None:
    sapo = "Chiều 18/2, Tổng Bí thư đã tiếp đoàn đại biểu cấp cao và trao đổi nhiều vấn đề."
    body = clean_paragraphs(["(Dân trí) - " + sapo, *PROSE], sapo=sapo)
    assert body.paragraphs == PROSE
    assert body.removed == [("sapo", "(Dân trí) - " + sapo)]


def test_sapo_cut_short_in_the_body_is_removed() -> None:
    sapo = "Chiều 18/2, Tổng Bí thư đã tiếp đoàn đại biểu cấp cao và trao đổi nhiều vấn đề quan trọng."
    body = clean_paragraphs(
        ["Chiều 18/2, Tổng Bí thư đã tiếp đoàn đại biểu cấp cao và ...", *PROSE], sapo=sapo
    )
    assert body.paragraphs == PROSE


def test_sapo_later_in_the_body_stays() -> None:
    sapo = PROSE[3]
    assert clean_paragraphs(PROSE, sapo=sapo).paragraphs == PROSE


def test_markdown_leftovers() -> None:
    paragraphs = [
        "# Tiêu đề bài viết",
        "![Ảnh đại diện](https://example.vn/a.jpg)",
        "[Bài gốc](https://example.vn/bai-goc.htm)",
        "",
        "**Đoạn mở đầu in đậm của bài viết.**",
        "Xem [chi tiết](https://example.vn/x) tại đây.",
    ]
    body = clean_paragraphs(paragraphs)
    assert body.paragraphs == [
        "Tiêu đề bài viết",
        "Đoạn mở đầu in đậm của bài viết.",
        "Xem chi tiết tại đây.",
    ]
    assert body.removed == [
        ("md-image", "![Ảnh đại diện](https://example.vn/a.jpg)"),
        ("md-link", "[Bài gốc](https://example.vn/bai-goc.htm)"),
    ]


# -- strip_sapo_prefix ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("sapo", "outlet"),
    [
        ("VTV.vn - Hai nước ký thỏa thuận.", "vtv.vn"),
        ("(Dân trí) - Hai nước ký thỏa thuận.", "dantri.com.vn"),
        ("TTO - Hai nước ký thỏa thuận.", "tuoitre.vn"),
        ("(NLĐO) - Hai nước ký thỏa thuận.", None),
        ("(Chinhphu.vn) - Hai nước ký thỏa thuận.", None),
        ("VOV.VN - Hai nước ký thỏa thuận.", "vov.vn"),
        ("Baoquocte.vn – Hai nước ký thỏa thuận.", "baoquocte.vn"),
        ("Hai nước ký thỏa thuận.", "vtv.vn"),
    ],
)
def test_strip_sapo_prefix(sapo: str, outlet: str | None) -> None:
    prefixes = TuoitreSpider.lead_prefixes if outlet == TuoitreSpider.outlet else ()
    assert strip_sapo_prefix(sapo, outlet, prefixes) == "Hai nước ký thỏa thuận."


def test_another_outlets_prefix_is_left_alone() -> None:
    # "TTO" is tuoitre.vn's, declared by its spider: on another outlet's lead it is text.
    assert strip_sapo_prefix("TTO - Hai nước ký thỏa thuận.", "vtv.vn") == "TTO - Hai nước ký thỏa thuận."


def test_strip_sapo_prefix_leaves_other_leads_alone() -> None:
    assert strip_sapo_prefix(None, "vtv.vn") is None
    assert strip_sapo_prefix("Covid-19 - những điều cần biết.", "vtv.vn") == "Covid-19 - những điều cần biết."
    assert (
        strip_sapo_prefix("VTVcab - kênh truyền hình trả tiền.", "vtv.vn")
        == "VTVcab - kênh truyền hình trả tiền."
    )


# -- the pipeline --------------------------------------------------------------------


class OutletSpider:
    """Stands for a spider class: only the attributes the step reads."""

    boilerplate_patterns = (r"Quảng cáo.*",)
    stop_headings = ("Tin nổi bật",)


def make_draft() -> ArticleDraft:
    return ArticleDraft(
        url="https://vtv.vn/bai-viet-20241011191126043.htm",
        outlet="vtv.vn",
        title="Hai nước ký thỏa thuận hợp tác mới",
        sapo="VTV.vn - Chiều 18/2, hai nước đã ký thỏa thuận hợp tác mới.",
        paragraphs=[
            "Tác giả: Minh Anh",
            "26/04/2023 14:28",
            PROSE[0],
            "Quảng cáo: mua ngay",
            "Quang cảnh lễ ký. Ảnh: TTXVN",
            PROSE[1],
            "Thủ tướng phát biểu. Ảnh: VGP",
            PROSE[2],
            "Tin nổi bật",
            "Một tin khác",
        ],
        images=[Image(url="https://vtv.vn/a.jpg", caption="Thủ tướng phát biểu. Ảnh: VGP/Nhật Bắc")],
        removed=[("earlier", "kept")],
    )


def test_pipeline_cleans_the_draft() -> None:
    stats = OfflineStats()
    draft = BoilerplatePipeline(stats).process(make_draft(), OutletSpider())

    assert draft.paragraphs == PROSE[:3]
    assert draft.sapo == "Chiều 18/2, hai nước đã ký thỏa thuận hợp tác mới."
    # The caption already on the page's image is not added twice.
    assert draft.images == [
        Image(url="https://vtv.vn/a.jpg", caption="Thủ tướng phát biểu. Ảnh: VGP/Nhật Bắc"),
        Image(url=None, caption="Quang cảnh lễ ký. Ảnh: TTXVN"),
    ]
    assert draft.authors_raw == [AuthorCandidate("Minh Anh", "text")]
    assert draft.dates == [DateCandidate("26/04/2023 14:28", "text")]
    assert draft.removed[0] == ("earlier", "kept")
    assert ("outlet", "Quảng cáo: mua ngay") in draft.removed
    assert ("stop-heading", "Tin nổi bật") in draft.removed
    assert stats.get_value("vnnews/boilerplate/caption") == 2
    assert stats.get_value("vnnews/boilerplate/outlet") == 1
    assert stats.get_value("vnnews/boilerplate/author-line") == 1
    assert stats.get_value("vnnews/boilerplate/date-line") == 1
    assert stats.get_value("vnnews/boilerplate/after-stop-heading") == 1


def test_pipeline_without_spider_uses_shared_rules_only() -> None:
    draft = BoilerplatePipeline().process(make_draft(), None)
    assert "Quảng cáo: mua ngay" in draft.paragraphs
    assert "Tin nổi bật" in draft.paragraphs


def test_outlet_rules_are_compiled_once_per_spider_class() -> None:
    first = OutletRules.of(OutletSpider)
    assert OutletRules.of(OutletSpider) is first
    assert first.patterns[0].pattern == "Quảng cáo.*"
    assert first.stop_headings == ("Tin nổi bật",)
    assert OutletRules.of(TuoitreSpider).lead_prefixes == ("TTO", "TT", "Tuổi Trẻ")


# baoquocte.vn prints "TIN LIÊN QUAN" right after the lead: each related headline comes after its
# image's alt text in slug form, and a photo caption closes the box.
BAOQUOCTE_BOX = [
    "TIN LIÊN QUAN",
    "hoi thao quoc te ve bien dong lan thu 15 khai mac tai ha noi "
    "Hội thảo quốc tế về Biển Đông lần thứ 15 khai mạc tại Hà Nội",
    "thu truong ngoai giao do hung viet tiep dai su nhat ban nhan dip ket thuc nhiem ky "
    "Thứ trưởng Ngoại giao Đỗ Hùng Việt tiếp Đại sứ Nhật Bản nhân dịp kết thúc nhiệm kỳ công tác",
    "Thứ trưởng Đỗ Hùng Việt phát biểu tại hội thảo. (Ảnh: Tuấn Anh)",
]


def test_a_related_box_after_the_lead_is_cut_out_and_the_article_after_it_kept() -> None:
    body = clean_paragraphs([PROSE[0], *BAOQUOCTE_BOX, *PROSE[1:]])
    assert body.paragraphs == PROSE
    assert [reason for reason, _ in body.removed] == ["stop-heading", *["related-box"] * 3]


def test_a_related_box_mid_article_is_cut_out_too() -> None:
    body = clean_paragraphs([*PROSE[:3], *BAOQUOCTE_BOX, PROSE[3]])
    assert body.paragraphs == PROSE


def test_a_stop_heading_ends_the_article_where_nothing_of_it_follows() -> None:
    body = clean_paragraphs([*PROSE, *BAOQUOCTE_BOX[:3]])
    assert body.paragraphs == PROSE

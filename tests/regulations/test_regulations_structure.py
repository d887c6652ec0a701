"""Pure functions of the regulations library: folding, structure recognition, Markdown sanitising, snippets."""
from __future__ import annotations

import re

import pytest

from handbook.regulations.models import PartLevel
from handbook.regulations.render import markdown_to_html, render_article
from handbook.regulations.structure import parse_structure, split_clauses
from handbook.regulations.textfold import fold, highlight, query_terms, search_text

SAMPLE = """Lời nói đầu của văn bản.

PHẦN THỨ NHẤT
QUY ĐỊNH CHUNG
## Chương I. Đảng viên
Điều 1. Đảng viên
1. Khoản một.
a) Điểm a;
b) Điểm b.
2. Khoản hai.
### Mục 1 Sinh hoạt
**Điều 2:** Sinh hoạt chi bộ
Chi bộ sinh hoạt hằng tháng.
Chương II
TỔ CHỨC THỰC HIỆN
Điều 3. Hiệu lực
Có hiệu lực kể từ ngày ký.
"""


def test_fold_maps_vietnamese_to_plain_ascii_keeping_positions():
    text = "Điều lệ Đảng, đảng phí — Quy định 339-QĐ/TW"
    assert len(fold(text)) == len(text)
    assert search_text(text) == "dieu le dang dang phi quy dinh 339 qd tw"
    assert query_terms("  Đảng   PHÍ đảng ") == ["dang", "phi"]
    assert query_terms("!!! ... ") == []


def test_parse_recognises_parts_articles_and_titles_on_the_next_line():
    doc = parse_structure(SAMPLE)
    assert doc.warnings == []
    assert doc.preamble == "Lời nói đầu của văn bản."
    assert [(p.level, p.label, p.title) for p in doc.parts] == [
        (PartLevel.PHAN, "PHẦN THỨ NHẤT", "QUY ĐỊNH CHUNG"),
        (PartLevel.CHUONG, "Chương I", "Đảng viên"),
        (PartLevel.MUC, "Mục 1", "Sinh hoạt"),
        (PartLevel.CHUONG, "Chương II", "TỔ CHỨC THỰC HIỆN"),
    ]
    # Chương I is inside Phần 1; Mục 1 inside Chương I; Chương II closes the Mục and Chương I, stays in Phần 1.
    assert [p.parent for p in doc.parts] == [None, 0, 1, 0]
    assert [(a.label, a.number, a.heading, a.part) for a in doc.articles] == [
        ("Điều 1", 1, "Đảng viên", 1), ("Điều 2", 2, "Sinh hoạt chi bộ", 2), ("Điều 3", 3, "Hiệu lực", 3),
    ]
    assert doc.articles[0].body == "1. Khoản một.\na) Điểm a;\nb) Điểm b.\n2. Khoản hai."


def test_a_mention_of_an_article_inside_a_sentence_is_not_a_heading():
    doc = parse_structure("Điều 1. Phạm vi\nTheo Điều 5 của Quy định này thì chi bộ họp.\nĐiều 2. Hiệu lực\nx")
    assert [a.label for a in doc.articles] == ["Điều 1", "Điều 2"]
    assert "Theo Điều 5" in doc.articles[0].body


def test_text_without_headings_becomes_one_body_with_a_warning():
    doc = parse_structure("Thông báo về lịch sinh hoạt.\nCác đồng chí có mặt đúng giờ.")
    assert len(doc.articles) == 1 and doc.articles[0].label == "Toàn văn" and doc.articles[0].number is None
    assert "Các đồng chí" in doc.articles[0].body
    assert "Không nhận ra cấu trúc" in doc.warnings[0]


def test_clauses_and_points():
    clauses = split_clauses("Mở đầu.\n1. Một\ntiếp theo\n2. Hai:\na) điểm a\nđ) điểm đ")
    assert [(c.number, c.text) for c in clauses] == [(None, "Mở đầu."), ("1", "Một\ntiếp theo"), ("2", "Hai:")]
    assert [(p.letter, p.text) for p in clauses[2].points] == [("a", "điểm a"), ("đ", "điểm đ")]


def test_article_html_anchors_clauses_and_points():
    html = render_article("1. Khoản **một**\na) điểm\n2. Khoản hai")
    assert '<div class="khoan" id="k1"><p>1. Khoản <strong>một</strong></p>' in html
    assert '<div class="diem" id="k1-a"><p>a) điểm</p>' in html
    assert "<ol" not in html  # "1." is the Khoản's number, not a Markdown list


@pytest.mark.parametrize("payload", [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[bấm](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<div onclick="alert(1)" style="x">y</div>',
    "<svg><script>alert(1)</script></svg>",
    '<a href="data:text/html;base64,PHNjcmlwdD4=">d</a>',
])
def test_markdown_is_sanitised(payload):
    for html in (markdown_to_html(f"Nội dung {payload} hết."), render_article(f"1. Khoản {payload}")):
        lowered = html.lower()
        assert "<script" not in lowered and "onerror" not in lowered and "onclick" not in lowered
        assert 'href="javascript' not in lowered and "<iframe" not in lowered and 'href="data:' not in lowered
        assert "style=" not in lowered


def test_markdown_keeps_ordinary_formatting_and_safe_links():
    html = markdown_to_html("**đậm** _nghiêng_ [trang](https://example.vn)")
    assert "<strong>đậm</strong>" in html and "<em>nghiêng</em>" in html
    assert 'href="https://example.vn"' in html and 'rel="noopener noreferrer nofollow"' in html


def test_highlight_escapes_everything_but_the_marks():
    snippet = str(highlight("Mức đóng <b>đảng phí</b> & nộp Đảng phí", ["dang", "phi"]))
    assert snippet == ("Mức đóng &lt;b&gt;<mark>đảng</mark> <mark>phí</mark>&lt;/b&gt; &amp; nộp "
                       "<mark>Đảng</mark> <mark>phí</mark>")


def test_highlight_cuts_a_window_around_the_first_match():
    text = "mở đầu " * 40 + "đóng đảng phí hằng tháng " + "kết thúc " * 40
    snippet = str(highlight(text, ["dang", "phi"], width=80))
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>đảng</mark> <mark>phí</mark>" in snippet


@pytest.mark.parametrize("payload", [
    '<span class="flash flash-error">Tài khoản của đồng chí sẽ bị khóa. Hãy gửi mật khẩu cho…</span>',
    '<div class="flash flash-success" id="k1">Đã xác nhận</div>',
    '<p class="btn" id="main">x</p>',
])
def test_the_author_cannot_borrow_the_sites_classes_or_anchors(payload):
    """Only the renderer's own blocks have a class or an id: no fake system notice, no hijacked anchor."""
    for html in (markdown_to_html(f"Nội dung {payload}"), render_article(f"1. Khoản {payload}\na) điểm {payload}")):
        assert "flash" not in html and 'class="btn"' not in html and 'id="main"' not in html
        assert re.findall(r'class="([^"]*)"', html) in ([], ["khoan", "diem"])
        assert re.findall(r'id="([^"]*)"', html) in ([], ["k1", "k1-a"])
        assert "Khoản" in html or "Nội dung" in html

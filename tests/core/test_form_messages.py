"""Every validation message in Vietnamese: WTForms' own (unreadable dates and numbers, validators used without a
message) through the one base form, and no browser bubble (every form is novalidate: the server speaks)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import wtforms
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from handbook.core.forms import MESSAGES, Form
from tests.support import csrf_from, signed_in

ROOT = Path(__file__).resolve().parents[2]
ENGLISH = re.compile(r"Not a valid|This field|Invalid (input|choice|value|email|URL)|Field must|Field cannot|"
                     r"Number must|Date must|Please fill|CSRF", re.I)


def _errors(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", e).strip()
            for e in re.findall(r'<p class="(?:err|flash flash-error)"[^>]*>(.*?)</p>', html, re.S)]


@pytest.fixture
def leader(app, cell):
    return signed_in(app, "bithu@test.vn")


@pytest.fixture
def cell(factory):
    from types import SimpleNamespace

    from handbook.org.models import OrgKind, Role

    org = factory.org("Chi bộ 1", OrgKind.CHI_BO)
    user = factory.user("bithu@test.vn", name="Bí thư")
    factory.member(org, user, name="Nguyễn Thị Hồng")
    factory.grant(user, org, Role.BI_THU)
    factory.commit()
    return SimpleNamespace(org=org)


def test_meeting_form_bad_values_are_told_in_vietnamese(app, cell, leader):
    url = f"/meetings/new?org={cell.org.id}"
    token = csrf_from(leader.get(url).get_data(as_text=True))
    response = leader.post(url, data={"csrf_token": token, "kind": "thuong_ky", "format": "truc_tiep", "title": "",
                                      "day": "31/02/abc", "start": "7 giờ tối", "end": "25:99", "place": "Hội trường"})
    assert response.status_code == 400
    errors = _errors(response.get_data(as_text=True))
    assert "Ngày không hợp lệ; hãy chọn hoặc nhập đủ ngày, tháng, năm." in errors
    assert errors.count("Giờ không hợp lệ; hãy nhập giờ và phút, ví dụ 19:30.") == 2
    assert not [e for e in errors if ENGLISH.search(e)], errors
    # a choice that is not one
    response = leader.post(url, data={"csrf_token": token, "kind": "tiec", "format": "x", "day": "2030-01-06",
                                      "start": "19:30", "end": "21:00", "place": "Hội trường"})
    errors = _errors(response.get_data(as_text=True))
    assert response.status_code == 400 and errors.count("Lựa chọn không hợp lệ.") == 2, errors


def test_series_form_bad_values_are_told_in_vietnamese(app, cell, leader):
    url = f"/meetings/series/new?org={cell.org.id}"
    token = csrf_from(leader.get(url).get_data(as_text=True))
    response = leader.post(url, data={"csrf_token": token, "year": "năm sau", "day_of_month": "3.5",
                                      "local_time": "19:30"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    errors = _errors(html)
    assert errors.count("Phải là một số nguyên, ví dụ 2026.") == 2, errors
    assert not [e for e in errors if ENGLISH.search(e)] and "Not a valid" not in html, errors
    # a range the form states without its own message
    response = leader.post(url, data={"csrf_token": token, "year": "1999", "day_of_month": "3",
                                      "local_time": "19:30"})
    assert response.status_code == 400 and "Phải từ 2000 đến 2100." in _errors(response.get_data(as_text=True))


def test_an_expired_token_inside_a_form_is_told_in_vietnamese(app):
    from handbook.meetings.forms import AbsenceForm

    with app.test_request_context("/x", method="POST"):
        form = AbsenceForm(formdata=MultiDict({"csrf_token": "stale", "reason": ""}))
        assert not form.validate()
        assert form.errors["csrf_token"] == ["Phiên làm việc đã hết hạn. Vui lòng gửi lại."]
        assert form.errors["reason"] == ["Vui lòng nhập trường này."]


def _wtforms_messages() -> set[str]:
    """Every message WTForms passes through a form's translations (the first argument of gettext/ngettext)."""
    found = set()
    package = Path(wtforms.__file__).parent
    for path in package.rglob("*.py"):
        if "csrf" in path.parts:  # WTForms' own CSRF (Flask-WTF brings its own)
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None))
                    in ("gettext", "ngettext") and node.args and isinstance(node.args[0], ast.Constant)):
                found.add(node.args[0].value)
    return found


def test_every_wtforms_message_has_a_vietnamese_one():
    messages = _wtforms_messages()
    assert len(messages) > 25  # the walk found them
    assert messages - set(MESSAGES) == set()


def test_every_form_uses_the_base_form(app):
    import handbook  # noqa: F401  (the app imported every view and so every form)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [c for c in subclasses(FlaskForm) if c.__module__.startswith("handbook.")]
    assert len(ours) > 20
    assert [c.__qualname__ for c in ours if not issubclass(c, Form)] == []


def test_every_form_leaves_checking_to_the_server():
    """The browser's bubbles speak the browser's language (English on many phones): every form is novalidate."""
    missing = []
    for path in (ROOT / "templates").rglob("*.html"):
        for tag in re.findall(r"<form\b[^>]*>", path.read_text()):
            if "novalidate" not in tag:
                missing.append(f"{path.relative_to(ROOT)}: {tag}")
    assert missing == []


def test_templates_and_forms_carry_no_english_for_users():
    """Texts a member reads come through _() in Vietnamese; this catches English typed straight into a page."""
    words = re.compile(r">\s*(?:Please|Submit|Cancel|Save|Required|Error|Invalid|Loading|Close|Search|Delete)\b")
    found = [f"{p.relative_to(ROOT)}: {m.group(0).strip()}" for p in (ROOT / "templates").rglob("*.html")
             for m in words.finditer(p.read_text())]
    assert found == []

"""Translations: the English catalogue covers every source string, and the site really switches language.

Vietnamese is the source language (msgids are Vietnamese); `handbook/translations/en/…/messages.po` must
translate all of them. When this test lists missing strings, refresh the catalogue:

    pybabel extract -F babel.cfg -k _l -k lazy_gettext -o /tmp/messages.pot .
    pybabel update -i /tmp/messages.pot -d handbook/translations

then translate the new (empty or fuzzy) entries.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import get_babel

from handbook.members.models import MemberStatus
from tests.support import get_csrf, login

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "handbook" / "translations"
EN_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
# pybabel's default keywords (_, gettext, ngettext, pgettext, …) plus the lazy ones the code uses
EXTRA_KEYWORDS = ("_l", "lazy_gettext")

PLACEHOLDER_RE = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{\w*\}")


def _texts(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def _where(message: Message) -> str:
    return ", ".join(f"{path}:{line}" for path, line in message.locations) or "?"


def _placeholders(text: str) -> list[str]:
    return sorted(match.group(0) for match in PLACEHOLDER_RE.finditer(text))


def _read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


@pytest.fixture(scope="module")
def source_catalog(tmp_path_factory) -> Catalog:
    """The messages in the source right now, extracted as `pybabel extract` does."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    keywords = [arg for kw in EXTRA_KEYWORDS for arg in ("-k", kw)]
    cmd = [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg", *keywords,
           "-o", str(pot), "."]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, f"pybabel extract failed:\n{done.stdout}\n{done.stderr}"
    catalog = _read(pot)
    assert len(catalog) > 50, "extraction found suspiciously few messages; is babel.cfg right?"
    return catalog


@pytest.fixture(scope="module")
def en_catalog() -> Catalog:
    assert EN_PO.is_file(), f"{EN_PO.relative_to(ROOT)} is missing"
    return _read(EN_PO)


def test_english_catalogue_translates_every_source_string(source_catalog, en_catalog):
    problems = []
    for message in source_catalog:
        if not message.id:
            continue
        entry = en_catalog.get(message.id, context=message.context)
        if entry is None:
            problems.append(f"missing    {message.id!r}  ({_where(message)})")
        elif entry.fuzzy:
            problems.append(f"fuzzy      {message.id!r}  ({_where(message)})")
        elif message.pluralizable != entry.pluralizable:
            problems.append(f"plural?    {message.id!r}  ({_where(message)}): run pybabel update")
        else:
            forms = _texts(entry.string)
            if not all(form.strip() for form in forms) or (entry.pluralizable and len(forms) < en_catalog.num_plurals):
                problems.append(f"empty      {message.id!r}  ({_where(message)})")
    assert not problems, (
        f"{len(problems)} source string(s) lack an English translation in {EN_PO.relative_to(ROOT)} "
        "(see this module's docstring):\n" + "\n".join(problems)
    )


def test_translations_keep_the_placeholders(en_catalog):
    problems = []
    for message in en_catalog:
        if not message.id or not message.string:
            continue
        # plural forms: compare with the msgid's plural form (a singular may leave out the count)
        wanted = _placeholders(_texts(message.id)[-1])
        for text in _texts(message.string):
            got = _placeholders(text)
            if text and got != wanted and not (message.pluralizable and set(got) <= set(wanted)):
                problems.append(f"{message.id!r} has {wanted}, translation {text!r} has {got}")
    for message, errors in en_catalog.check():  # Babel's own python-format / plural-count checks
        problems.extend(f"{message.id!r}: {error}" for error in errors)
    assert not problems, "\n".join(problems)


def test_messages_are_nfc_unicode(source_catalog, en_catalog):
    """Vietnamese typed on some keyboards arrives decomposed (e.g. 'e' + U+0302 + U+0301); such a msgid would
    never match the NFC text in the catalogue, and it searches and sorts wrongly."""
    bad = [f"{text!r}  ({_where(message)})"
           for message in source_catalog if message.id
           for text in _texts(message.id) if not unicodedata.is_normalized("NFC", text)]
    bad += [f"{text!r}  (translation in messages.po)"
            for message in en_catalog if message.id
            for text in (*_texts(message.id), *_texts(message.string)) if not unicodedata.is_normalized("NFC", text)]
    assert not bad, "not NFC-normalised (fix with unicodedata.normalize('NFC', …)):\n" + "\n".join(bad)


# --- rendering ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compiled_catalogues():
    """Compile every .po next to itself (.mo files are git-ignored), atomically, as `make` would."""
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/*.po"):
        catalog = _read(po)
        fd, tmp = tempfile.mkstemp(dir=po.parent, suffix=".mo.tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                write_mo(f, catalog)
            os.replace(tmp, po.with_suffix(".mo"))
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


@pytest.fixture
def english(app, compiled_catalogues):
    """Flask-Babel caches loaded catalogues per process; drop anything loaded before the .mo existed."""
    get_babel(app).instance.domain_instance.cache.clear()
    yield
    get_babel(app).instance.domain_instance.cache.clear()


@pytest.fixture
def comrade(factory):
    cell = factory.org("Chi bộ Khu phố 3")
    user = factory.user("mai@test.vn", name="Trần Thị Mai")
    factory.member(cell, user, name="Trần Thị Mai", status=MemberStatus.CHINH_THUC)
    factory.commit()
    return user


def _switch(client, code: str, page: str = "/profile"):
    token = get_csrf(client, page)
    response = client.post(f"/language/{code}", data={"csrf_token": token, "next": page})
    assert response.status_code == 302
    return response


def test_pages_are_vietnamese_by_default(english, client, comrade):
    login(client, comrade.email)
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in html
    for vietnamese in ("Đăng xuất", "Xin chào, đồng chí Trần Thị Mai", "Nơi sinh hoạt", "Chính thức"):
        assert vietnamese in html
    assert "Log out" not in html


def test_member_switches_to_english(english, client, comrade):
    login(client, comrade.email)
    _switch(client, "en")
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html
    for english_text in ("Log out", "Hello, comrade Trần Thị Mai", "Party unit", "Main navigation", "Full member"):
        assert english_text in html
    for vietnamese in ("Đăng xuất", "Nơi sinh hoạt", "Trang chủ"):
        assert vietnamese not in html

    profile = client.get("/profile").get_data(as_text=True)
    assert "Date of birth" in profile and "Party cell" in profile and "Ngày sinh" not in profile

    _switch(client, "vi")
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in html and "Đăng xuất" in html


def test_language_chosen_before_login_is_kept(english, client, comrade):
    _switch(client, "en", page="/login")
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "E-mail or phone number" in page and "Password" in page  # lazy form labels

    failed = client.post("/login", data={"login": comrade.email, "password": "sai-mat-khau",
                                         "csrf_token": get_csrf(client)})
    assert "Wrong e-mail/phone number or password." in failed.get_data(as_text=True)  # gettext in the service layer

    login(client, comrade.email)
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html and "Log out" in html

"""The shared layout: its cached pieces (handbook/core/fragments.py) follow everything they depend on."""
from __future__ import annotations

import re

from flask_babel import force_locale

from handbook.core.fragments import fragment, section
from handbook.org.models import Role
from tests.support import csrf_from, login

CURRENT = re.compile(r'<a href="([^"]+)" aria-current="page">')


def _current(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    nav = html[html.index('<nav class="bottom"'):]
    return CURRENT.findall(nav[:nav.index("</nav>")])


def test_sections_of_the_bottom_navigation():
    assert section("home.index") == "home.index" and section("home.profile") == "home.profile"
    for endpoint in ("meetings.index", "meetings.show", "meetings_manage.new", "meetings_manage.review_page"):
        assert section(endpoint) == "meetings"
    assert section("regulations.article") == "regulations" and section("notify.inbox") == "notify"
    assert section("members.index") == "" and section(None) == ""


def test_navigation_marks_the_section_of_each_page(client, factory):
    cell = factory.org("Chi bộ Khu phố 5")
    leader = factory.user("bithu@test.vn")
    factory.member(cell, leader)
    factory.grant(leader, cell, Role.BI_THU)
    factory.commit()
    login(client, "bithu@test.vn")
    assert _current(client.get("/")) == ["/"]
    assert _current(client.get("/meetings")) == ["/meetings"]
    assert _current(client.get(f"/meetings/new?org={cell.id}")) == ["/meetings"]
    assert _current(client.get("/regulations")) == ["/regulations"]
    assert _current(client.get("/notifications")) == ["/notifications"]
    assert _current(client.get("/profile")) == ["/profile"]
    assert _current(client.get("/org/")) == [] and _current(client.get(f"/org/{cell.id}")) == []


def test_layout_links_follow_the_proxy_prefix(client, factory):
    factory.user("a@test.vn")
    factory.commit()
    login(client, "a@test.vn")
    plain = client.get("/").get_data(as_text=True)
    prefixed = client.get("/", base_url="http://localhost/so-tay").get_data(as_text=True)
    assert 'href="/meetings"' in plain and "/so-tay/" not in plain
    assert 'href="/so-tay/meetings"' in prefixed and 'href="/so-tay/manifest.webmanifest"' in prefixed
    assert 'action="/so-tay/logout"' in prefixed
    assert 'href="/so-tay/static/app.css?v=' in prefixed and 'src="/so-tay/static/app.js?v=' in prefixed
    # the unprefixed site is not served what was cached for the prefixed one
    again = client.get("/").get_data(as_text=True)
    assert "/so-tay/" not in again and 'src="/static/app.js?v=' in again


def test_layout_forms_carry_this_sessions_csrf_token(client, factory):
    factory.user("a@test.vn")
    factory.user("b@test.vn")
    factory.commit()
    tokens = []
    for email in ("a@test.vn", "b@test.vn"):
        other = client.application.test_client()
        login(other, email)
        html = other.get("/").get_data(as_text=True)
        logout = html[html.index('action="/logout"'):]
        tokens.append(csrf_from(logout))
        assert other.post("/logout", data={"csrf_token": tokens[-1]}).status_code == 302
    assert tokens[0] != tokens[1]


def test_cached_pieces_follow_the_language_in_force(app):
    """A piece rendered under flask-babel's `force_locale` (e.g. for another member) is kept apart."""
    with app.test_request_context("/"):
        before = fragment("layout/_banners.html")
        with force_locale("en"):
            english = fragment("layout/_banners.html")
        after = fragment("layout/_banners.html")
    assert "Cài đặt ứng dụng" in before and "Install the app" not in before
    assert "Install the app" in english and "Cài đặt ứng dụng" not in english
    assert after == before


def test_id_urls_are_the_urls_url_for_builds_under_any_prefix(app):
    """Lists link each row through `id_url` (one URL pattern per endpoint and prefix, not url_for per row)."""
    from flask import url_for

    from handbook.core.web import MAX_ID, id_url

    for base in ("http://localhost", "http://localhost/so-tay", "http://localhost"):
        with app.test_request_context("/", base_url=base):
            for endpoint, name in (("meetings.show", "meeting_id"), ("regulations.article", "article_id")):
                for value in (1, 42, 2026, MAX_ID):
                    assert id_url(endpoint, value, name) == url_for(endpoint, **{name: value})

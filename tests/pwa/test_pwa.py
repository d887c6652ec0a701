"""The PWA's server side: manifest, service worker, offline page, hashed static files, compression, text size."""
from __future__ import annotations

import json
import re

from tests.support import get_csrf, login


def test_manifest_is_installable_shape(client):
    r = client.get("/manifest.webmanifest")
    assert r.status_code == 200
    assert r.content_type == "application/manifest+json"
    m = json.loads(r.get_data(as_text=True))
    assert m["name"] == "Sổ tay đảng viên điện tử" and m["short_name"]
    assert (m["lang"], m["start_url"], m["scope"], m["display"]) == ("vi", "/", "/", "standalone")
    assert m["theme_color"] == "#b71c1c" and m["background_color"]
    sizes = {(i["sizes"], i["purpose"]) for i in m["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in m["icons"]:
        png = client.get(icon["src"])
        assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"
        assert png.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_every_page_links_manifest_and_ios_tags(client, factory):
    for html in (client.get("/login").get_data(as_text=True), client.get("/offline").get_data(as_text=True)):
        assert '<link rel="manifest" href="/manifest.webmanifest">' in html
        assert 'rel="apple-touch-icon"' in html and 'name="apple-mobile-web-app-capable"' in html
        assert re.search(r'<script src="/static/app\.js\?v=[0-9a-f]{10}" defer>', html)


def test_service_worker_headers_shell_and_version(app, client):
    r = client.get("/sw.js")
    assert r.status_code == 200 and r.mimetype == "text/javascript"
    assert r.headers["Cache-Control"] == "no-cache"
    body = r.get_data(as_text=True)
    for path in ("/static/app.css?v=", "/static/app.js?v=", "/static/icons/icon-192.png?v=", '"/offline"'):
        assert path in body
    version = re.search(r'const VERSION = "([0-9a-f]+)"', body).group(1)
    app.config["PWA_VERSION"] = "test-2"
    try:
        assert f'"{version}"' not in client.get("/sw.js").get_data(as_text=True)
    finally:
        app.config["PWA_VERSION"] = "1"


def test_static_files_hashed_immutable_unhashed_revalidate(client):
    html = client.get("/login").get_data(as_text=True)
    css = re.search(r'href="(/static/app\.css\?v=[0-9a-f]+)"', html).group(1)
    assert client.get(css).headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get("/static/app.css").headers["Cache-Control"] == "no-cache"
    assert client.get("/static/app.css?v=0000000000").headers["Cache-Control"] == "no-cache"


def test_pages_and_assets_are_compressed(client):
    r = client.get("/login", headers={"Accept-Encoding": "br, gzip"})
    assert r.headers["Content-Encoding"] == "br" and "Accept-Encoding" in r.headers["Vary"]
    r = client.get("/static/app.js", headers={"Accept-Encoding": "gzip, br"})
    assert r.headers.get("Content-Encoding") in ("br", "gzip", "deflate")


def test_offline_page_is_anonymous_safe(client, factory):
    factory.user("a@test.vn")
    factory.commit()
    login(client, "a@test.vn")
    html = client.get("/offline").get_data(as_text=True)
    assert 'id="offline-list"' in html
    anon = client.application.test_client().get("/offline").get_data(as_text=True)
    assert '<meta name="user-key" content="">' in anon and "csrf-token" not in anon


def test_user_key_differs_per_account(client, factory):
    factory.user("a@test.vn")
    factory.user("b@test.vn")
    factory.commit()
    keys = []
    for email in ("a@test.vn", "b@test.vn"):
        c = client.application.test_client()
        login(c, email)
        keys.append(re.search(r'name="user-key" content="([0-9a-f]{16})"', c.get("/").get_data(as_text=True)).group(1))
    assert keys[0] != keys[1]


def test_large_text_is_remembered_without_js(client, factory):
    factory.user("a@test.vn")
    factory.commit()
    login(client, "a@test.vn")
    token = get_csrf(client, "/profile")
    r = client.post("/settings/text-size", data={"csrf_token": token, "size": "large", "next": "/profile"})
    assert r.status_code == 302 and r.headers["Location"] == "/profile"
    assert 'class="text-large"' in client.get("/profile").get_data(as_text=True)
    # The cookie outlives the session: after logging out and in again the text is still large.
    client.post("/logout", data={"csrf_token": token})
    login(client, "a@test.vn")
    assert 'class="text-large"' in client.get("/").get_data(as_text=True)


def test_text_size_bad_input(client):
    token = get_csrf(client, "/login")
    r = client.post("/settings/text-size", data={"csrf_token": token, "size": "huge"})
    assert r.status_code == 400 and "Cỡ chữ không hợp lệ" in r.get_data(as_text=True)
    r = client.post("/settings/text-size", data={"csrf_token": token, "size": "large", "next": "//evil.example/"})
    assert r.status_code == 302 and r.headers["Location"] == "/profile"
    assert client.post("/settings/text-size", data={"size": "large"}).status_code == 400  # no CSRF token


def test_form_fields_carry_valid_aria_only_on_error(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'aria-invalid="None"' not in html and 'aria-describedby="None"' not in html
    token = get_csrf(client)
    bad = client.post("/login", data={"csrf_token": token}).get_data(as_text=True)
    assert 'aria-invalid="true"' in bad and 'aria-describedby="login-err"' in bad

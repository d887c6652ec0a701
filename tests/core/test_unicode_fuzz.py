"""Arbitrary Unicode against every JSON endpoint and every form: lone surrogates, NUL and other control characters,
right-to-left overrides, zero-width characters, 100,000-character strings. Never a 5xx; never a control
character (nor a lone surrogate) in the database afterwards; no direction control or invisible character in a
member's record.

The JSON endpoints come from the OpenAPI document, bodies and query parameters built from their schemas (string
fields get the awkward text, the others a valid value, so handlers get as far as storing). The forms are every
POST route of the app's url_map: the fields and defaults of each are read from the page that shows its form (a
crawl of every GET page of the scene); a POST route no page shows gets every text field name seen anywhere. A
bounded number of examples per endpoint, derandomised (stable in CI). tests/test_api_fuzz.py checks the API's
schema conformance with schemathesis; this one is about text.
"""
from __future__ import annotations

import json
import re
import unicodedata
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import JSON, String, Text, select
from werkzeug.exceptions import MethodNotAllowed, NotFound

from handbook.auth import service as auth_service
from handbook.core.inputs import CONTROL_RE, SURROGATE_RE
from handbook.core.timeutil import local_now, utcnow
from handbook.extensions import db
from handbook.meetings import calendar
from handbook.meetings.models import MeetingFormat, MeetingKind
from handbook.meetings.scheduling import MeetingInput, create_meeting
from handbook.members.models import Member
from handbook.members.validation import BIDI_RE, INVISIBLE_RE
from handbook.notify.models import PushSubscription
from handbook.org.models import OrgKind, Role
from tests.support import csrf_from, signed_in

FORM_EXAMPLES = 4   # per form
JSON_EXAMPLES = 6   # per operation
SPECIALS = ["\ud800", "\udfff", "\udc00\udbff", "\x00", "\x07", "\x1b", "\x7f", "\x9b", "\u202e", "\u2066",
            "\u200f", "\u061c", "\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad", "\r\n", "\t", "\n"]
LONG = st.sampled_from(["a", "đ", "\u200b", "\x00", "\u202e"]).map(lambda ch: ch * 100_000)
PIECE = st.one_of(
    st.text(st.characters(codec="utf-8", categories=["L", "N", "Zs", "P"]), max_size=12),
    st.sampled_from(SPECIALS),
    st.text(st.characters(categories=["Cc", "Cf", "Cs", "Co", "Cn"]), min_size=1, max_size=3),
)
SHORT = st.lists(PIECE, min_size=1, max_size=5).map("".join)
NASTY = st.one_of(SHORT, LONG)
# The fields a POST route that no page shows gets (besides any field a page does show for it).
COMMON_FIELDS = ("reason", "title", "code", "client_id", "login", "password", "new_password", "confirm", "next",
                 "version", "card_number", "size")
# what is recorded after a meeting: exercised on the held one
RECORDS = ("meetings_manage.sheet", "meetings_manage.minutes_page", "meetings_manage.add_resolution",
           "meetings_manage.add_vote")
# POST routes that end the session or throw away the scene: exercised last
LAST = ("meetings_manage.cancel", "regulations_manage.discard", "regulations_manage.publish",
        "regulations_manage.change_status", "members_manage.merge_duplicates", "account.change_password",
        "account.disable_twofactor", "account.revoke_other_sessions", "account.revoke_session", "auth.logout")


@pytest.fixture
def scene(app, factory):
    ward = factory.org("Đảng bộ phường Thử", OrgKind.DANG_BO_XA)
    cell = factory.org("Chi bộ Thử", OrgKind.CHI_BO, ward)
    admin = factory.user("admin@test.vn", name="Quản trị", admin=True)
    factory.member(cell, admin, name="Nguyễn Văn Quản")
    factory.grant(admin, cell, Role.BI_THU)
    other = factory.member(cell, factory.user("dv@test.vn", name="Đảng viên"), name="Trần Thị Viên")
    factory.member(cell, name="TRẦN THỊ VIÊN", birth_date=other.birth_date)  # for the duplicate finder's forms
    draft = factory.document(cell, published=False)
    published = factory.document(cell)
    factory.commit()
    now = utcnow()
    later = create_meeting(cell, MeetingInput(kind=MeetingKind.THUONG_KY, starts_at=now + timedelta(days=3),
                                              ends_at=now + timedelta(days=3, hours=2), place="Hội trường"), admin.id,
                           now=now)
    soon = create_meeting(cell, MeetingInput(kind=MeetingKind.THUONG_KY, starts_at=now + timedelta(minutes=5),
                                             ends_at=now + timedelta(hours=2), place="Hội trường"), admin.id, now=now)
    held = create_meeting(cell, MeetingInput(kind=MeetingKind.THUONG_KY, starts_at=now - timedelta(days=2),
                                             ends_at=now - timedelta(days=2) + timedelta(hours=2), place="Nhà văn hóa",
                                             format=MeetingFormat.TRUC_TIEP, recording_held=True), admin.id, now=now)
    calendar.issue_token(db.session.get(Member, other.id))
    calendar.issue_token(db.session.scalar(select(Member).where(Member.user_id == admin.id)))
    device = PushSubscription(user_id=admin.id, endpoint="https://fcm.googleapis.com/fcm/send/x", p256dh="B" * 87,
                              auth="A" * 22)
    db.session.add(device)
    db.session.commit()
    ids = {"org_id": cell.id, "member_id": other.id, "document_id": draft.id, "article_id": published.articles[0].id,
           "token_id": max(t.id for t in calendar.tokens_of(db.session.get(Member, other.id))),
           "subscription_id": device.id, "meeting_id": soon.id}
    return {"ids": ids, "held": held.id, "meetings": (soon.id, later.id, held.id),
            "documents": (draft.id, published.id), "token": auth_service.create_api_token(admin)}


def _run(strategy, examples: int, send) -> int:
    """Send `examples` values of `strategy` (derandomised); every answer must be below 500. Returns the count."""
    sent = 0

    @given(value=strategy)
    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(value):
        nonlocal sent
        sent += 1
        response = send(value)
        assert response.status_code < 500, f"{response.status_code} {response.get_data(as_text=True)[:300]}"

    run()
    return sent


# --- the forms --------------------------------------------------------------------------------------------------

class _Forms(HTMLParser):
    """Every <form method=post> of a page: its action and its fields with their default values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, tuple[str, str]]]] = []
        self._fields: dict[str, tuple[str, str]] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._fields = {}
            self.forms.append((a.get("action") or "", self._fields))
        elif self._fields is None:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in ("file", "submit", "button"):
            if a.get("type") in ("checkbox", "radio") and a["name"] in self._fields:
                return
            self._fields[a["name"]] = (a.get("type") or "text", a.get("value") or "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._fields[a["name"]] = ("textarea", "")
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._fields[a["name"]] = ("select", "")
        elif tag == "option" and self._select:
            kind, value = self._fields[self._select]
            if not value or "selected" in a:
                self._fields[self._select] = (kind, a.get("value", ""))

    def handle_data(self, data):
        if self._textarea and self._fields is not None:
            self._fields[self._textarea] = ("textarea", self._fields[self._textarea][1] + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


TEXT_KINDS = {"text", "search", "tel", "email", "url", "password", "hidden", "textarea"}


def _default(name: str, kind: str, value: str) -> str:
    if value:
        return value
    day = (local_now() + timedelta(days=10)).date()
    return {"date": day.isoformat(), "time": "21:00" if name == "end" else "19:30", "number": "1"}.get(kind, "x")


def _fill(rule, ids: dict, extra: dict) -> str:
    values = {name: ids.get(name, extra.get(name, 1)) for name in rule.arguments}
    values.setdefault("code", "vi")
    values.setdefault("token", "0" * 32)
    values.setdefault("session_id", "0" * 64)
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(rf"<(?:\w+:)?{name}>", str(values[name]), path)
    return path


def _crawl(app, client, scene) -> dict[str, dict[str, tuple[str, str]]]:
    """action URL → fields, from every GET page of the scene."""
    found: dict[str, dict[str, tuple[str, str]]] = {}
    org = scene["ids"]["org_id"]
    pages = [f"/meetings/new?org={org}", f"/meetings/series/new?org={org}", f"/members/import?org={org}",
             f"/members/duplicates/?org={org}"]
    variants = {"meeting_id": scene["meetings"], "document_id": scene["documents"]}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith(("/api/", "/static", "/sw.js")):
            continue
        name = next((n for n in variants if n in rule.arguments), None)
        values = variants[name] if name else (None,)
        pages += [_fill(rule, {**scene["ids"], **({name: value} if name else {})}, {}) for value in values]
    for path in pages:
        response = client.get(path)
        if response.status_code != 200 or "html" not in (response.content_type or ""):
            continue
        parser = _Forms()
        parser.feed(response.get_data(as_text=True))
        for action, fields in parser.forms:
            found.setdefault(action or path, fields)
    return found


def _endpoint(app, url: str) -> str | None:
    parts = urlsplit(url)
    try:
        return app.url_map.bind("localhost").match(parts.path, method="POST")[0]
    except (NotFound, MethodNotAllowed):
        return None


def _form_values(fields: dict[str, tuple[str, str]]):
    """Each text field its default or awkward text; at most one of them 100,000 characters long."""
    texts = sorted(name for name, (kind, _v) in fields.items() if kind in TEXT_KINDS and name != "csrf_token")
    base = st.fixed_dictionaries({
        name: st.one_of(st.just(_default(name, kind, value)), SHORT) if name in texts
        else st.just(_default(name, kind, value)) for name, (kind, value) in fields.items() if name != "csrf_token"})
    if not texts:
        return base
    long = st.one_of(st.none(), st.tuples(st.sampled_from(texts), LONG))
    return st.tuples(base, long).map(lambda pair: {**pair[0], **(dict([pair[1]]) if pair[1] else {})})


def _form_body(values: dict[str, str]) -> bytes:
    # What a browser would send; a lone surrogate becomes bytes that are not UTF-8 (the server replaces them).
    return urlencode(values, encoding="utf-8", errors="surrogatepass").encode("ascii")


def test_every_form_takes_any_text(app, scene):
    crawler = signed_in(app, "admin@test.vn")
    forms = _crawl(app, crawler, scene)
    targets: dict[str, tuple[str, dict[str, tuple[str, str]]]] = {}
    common = {name: ("text", "") for name in COMMON_FIELDS}
    for url, fields in forms.items():
        endpoint = _endpoint(app, url)
        if endpoint and not url.startswith("/api/"):
            targets.setdefault(endpoint, (url, fields))
    posts = [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods and not rule.rule.startswith("/api/")]
    for rule in posts:  # a POST route no page shows: every text field name seen anywhere
        if rule.endpoint not in targets:
            ids = {**scene["ids"], "meeting_id": scene["held"]} if rule.endpoint in RECORDS else scene["ids"]
            targets[rule.endpoint] = (_fill(rule, ids, {}), common)
    assert {rule.endpoint for rule in posts} <= set(targets)
    failures, calls = [], 0
    for endpoint in sorted(targets, key=lambda e: (e in LAST, LAST.index(e) if e in LAST else 0, e)):
        url, fields = targets[endpoint]
        client = signed_in(app, "admin@test.vn")
        csrf = csrf_from(client.get("/profile").get_data(as_text=True))
        try:
            calls += _run(_form_values(fields), FORM_EXAMPLES, lambda values, url=url, client=client,
                          csrf=csrf: client.post(url, data=_form_body({**values, "csrf_token": csrf}),
                                                 content_type="application/x-www-form-urlencoded"))
        except (Exception, BaseExceptionGroup) as exc:
            failures.append(f"{endpoint} {url}: {exc}"[:2000])
    assert not failures, "\n\n".join(failures)
    assert calls >= len(posts) * 2
    _nothing_stored_that_should_not_be()


# --- the JSON endpoints -----------------------------------------------------------------------------------------

def _schema_strategy(spec: dict, schema: dict, name: str, scene: dict, depth: int = 0):
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    kind = schema.get("type")
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        if depth > 2 or not props:
            return st.just({})
        return st.fixed_dictionaries({key: _schema_strategy(spec, sub, key, scene, depth + 1)
                                      for key, sub in props.items() if not sub.get("readOnly")})
    if kind == "array":
        return st.lists(_schema_strategy(spec, schema.get("items", {}), name, scene, depth + 1), max_size=3)
    if kind == "integer":
        return st.just({"organisation_id": scene["ids"]["org_id"], "id": 1}.get(name, 1))
    if kind == "number":
        return st.just(1)
    if kind == "boolean":
        return st.booleans()
    if schema.get("format") == "date-time":
        start = utcnow() + timedelta(days=3, hours=1 if name == "ends_at" else 0)
        return st.just(start.isoformat())
    if schema.get("format") == "date":
        return st.just((local_now() + timedelta(days=3)).date().isoformat())
    valid = {"login": "admin@test.vn", "version": "2026-01", "place": "Hội trường", "reason": "Đi công tác",
             "client_id": "client-12345678", "endpoint": "https://fcm.googleapis.com/fcm/send/y"}.get(name, "Nội dung")
    return st.one_of(st.just(valid), NASTY)


def test_every_json_endpoint_takes_any_text(app, client, scene):
    spec = client.get("/api/v1/openapi.json").get_json()
    headers = {"Authorization": f"Bearer {scene['token']}"}
    failures, operations, calls = [], 0, 0
    for path, methods in sorted(spec["paths"].items()):
        url = re.sub(r"\{(\w+)\}", lambda m: str(scene["ids"].get(m.group(1), 1)), path)
        for method, operation in methods.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            operations += 1
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            query = {p["name"]: _schema_strategy(spec, p.get("schema", {}), p["name"], scene)
                     for p in operation.get("parameters", []) if p.get("in") == "query"}
            strategy = st.tuples(_schema_strategy(spec, body, "", scene) if body else st.none(),
                                 st.fixed_dictionaries(query))

            def call(case, url=url, method=method):
                payload, params = case
                target = url + ("?" + urlencode(params, errors="surrogatepass") if params else "")
                response = client.open(target, method=method.upper(), headers=headers,
                                       data=json.dumps(payload) if payload is not None else None,
                                       content_type="application/json" if payload is not None else None)
                if 400 <= response.status_code < 500:
                    error = response.get_json()["error"]
                    assert error["code"] and error["message"]
                return response

            try:
                calls += _run(strategy, JSON_EXAMPLES, call)
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"{method.upper()} {path}: {exc}"[:2000])
    assert not failures, "\n\n".join(failures)
    assert operations >= 15 and calls >= operations * 2
    _nothing_stored_that_should_not_be()


def _nothing_stored_that_should_not_be() -> None:
    """No control character or lone surrogate in any text column; no direction control or invisible character
    in a member's record."""
    db.session.expire_all()
    found = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for column, value in zip(columns, row, strict=True):
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False) if value else ""
                member_text = table.name == "members" and (BIDI_RE.search(text) or INVISIBLE_RE.search(text))
                if CONTROL_RE.search(text) or SURROGATE_RE.search(text) or member_text:
                    found.append(f"{table.name}.{column.name}: {text[:60]!r}")
                elif table.name == "members" and not unicodedata.is_normalized("NFC", text):
                    found.append(f"{table.name}.{column.name} (not NFC): {text[:60]!r}")
    assert not found, found

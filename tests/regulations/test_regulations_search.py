"""Search (SQLite FTS5 by default, PostgreSQL full text when TEST_DATABASE_URL points there), scope, publishing."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from handbook.caller import load_access
from handbook.core.timeutil import as_utc, utcnow
from handbook.extensions import db
from handbook.org.models import OrgKind, Role
from handbook.regulations import reading, service
from handbook.regulations.demo import seed_demo_documents
from handbook.regulations.models import Document, DocumentKind, DocumentStatus, ReadMark
from handbook.regulations.search import EmptyQuery, Filters, search
from handbook.regulations.search_index import FTS_TABLE, dialect

DANG_PHI = """Chương I. Quy định chung
Điều 1. Đối tượng
Mọi đảng viên thực hiện theo hướng dẫn này.
Chương II. Mức đóng
Điều 2. Mức đóng đảng phí
1. Đảng viên đóng 1% tiền lương.
Điều 3. Quản lý
Chi bộ quản lý sổ thu."""


@pytest.fixture
def tree(factory):
    city = factory.org("Đảng bộ Thành phố", OrgKind.DANG_BO_TINH)
    ward_a = factory.org("Đảng bộ phường A", OrgKind.DANG_BO_XA, city)
    ward_b = factory.org("Đảng bộ phường B", OrgKind.DANG_BO_XA, city)
    cell_a = factory.org("Chi bộ A", OrgKind.CHI_BO, ward_a)
    cell_b = factory.org("Chi bộ B", OrgKind.CHI_BO, ward_b)
    users = {name: factory.user(f"{name}@test.vn") for name in ("a", "b", "staff", "admin")}
    users["admin"].is_admin = True
    factory.member(cell_a, users["a"])
    factory.member(cell_b, users["b"])
    factory.grant(users["staff"], ward_a, Role.CAN_BO)
    factory.commit()
    return {"city": city, "ward_a": ward_a, "ward_b": ward_b, "cell_a": cell_a, "users": users}


def access(user):
    return load_access(user)


def numbers(results):
    return [hit.document.number for hit in results.items]


def test_dang_phi_finds_the_article_without_diacritics(app, factory, tree):
    factory.document(body=DANG_PHI, number="01-HD/TW", kind=DocumentKind.HUONG_DAN,
                     title="Hướng dẫn thu, nộp đảng phí")
    factory.document(body="Điều 1. Chi bộ\nChi bộ họp hằng tháng.", number="02-QĐ/TW", title="Quy định họp")
    factory.commit()
    results = search(access(tree["users"]["a"]), "dang phi")
    assert numbers(results) == ["01-HD/TW"]
    hit = results.items[0]
    assert hit.article.label == "Điều 2"  # heading and body both match, so it beats Điều 1 and 3
    assert "<mark>đảng</mark> <mark>phí</mark>" in str(hit.heading_html)
    assert "<mark>Đảng</mark>" in str(hit.snippet_html) or "<mark>đảng</mark>" in str(hit.snippet_html)
    assert search(access(tree["users"]["a"]), "ĐẢNG PHÍ").items[0].article.label == "Điều 2"


def test_ranking_title_over_heading_over_body(app, factory, tree):
    factory.document(number="B-1", title="Quy định về khen thưởng",
                     body="Điều 1. Chung\nĐảng viên được khen khi có thành tích về sinh hoạt.")
    factory.document(number="H-1", title="Quy định về kỷ luật", body="Điều 1. Sinh hoạt chi bộ\nNội dung.")
    factory.document(number="T-1", title="Quy định về sinh hoạt chi bộ", body="Điều 1. Chung\nNội dung.")
    factory.commit()
    assert numbers(search(access(tree["users"]["a"]), "sinh hoat")) == ["T-1", "H-1", "B-1"]


def test_number_and_kind_find_the_document(app, factory, tree):
    factory.document(number="339-QĐ/TW", title="Quy định về đánh giá đảng viên")
    factory.document(number="123-QĐ/TW", title="Quy định khác")
    factory.document(number="339-KH/TU", kind=DocumentKind.KE_HOACH, title="Kế hoạch khác")
    factory.commit()
    assert numbers(search(access(tree["users"]["a"]), "quy dinh 339")) == ["339-QĐ/TW"]
    assert set(numbers(search(access(tree["users"]["a"]), "339"))) == {"339-QĐ/TW", "339-KH/TU"}


def test_dieu_le_finds_the_charter(app, factory, tree):
    factory.document(kind=DocumentKind.DIEU_LE, number="ĐL", title="Điều lệ Đảng")
    factory.document(number="9-QĐ", title="Quy định thi hành")
    factory.commit()
    assert numbers(search(access(tree["users"]["a"]), "dieu le"))[0] == "ĐL"


def test_filters_kind_year_status(app, factory, tree):
    factory.document(number="A", title="Sinh hoạt một", issue_date=date(2019, 5, 1))
    factory.document(number="B", title="Sinh hoạt hai", issue_date=date(2025, 5, 1), kind=DocumentKind.HUONG_DAN)
    factory.document(number="C", title="Sinh hoạt ba", issue_date=date(2025, 6, 1), status=DocumentStatus.SUPERSEDED)
    factory.commit()
    who = access(tree["users"]["a"])
    assert set(numbers(search(who, "sinh hoat", Filters(year=2025)))) == {"B", "C"}
    assert numbers(search(who, "sinh hoat", Filters(kind=DocumentKind.HUONG_DAN))) == ["B"]
    assert numbers(search(who, "sinh hoat", Filters(status=DocumentStatus.SUPERSEDED))) == ["C"]
    assert numbers(search(who, None, Filters(year=2019))) == ["A"]


def test_empty_query_is_refused_with_a_message(app, tree):
    for query in ("", "   ", "!!! ?"):
        with pytest.raises(EmptyQuery, match="Vui lòng nhập từ khoá"):
            search(access(tree["users"]["a"]), query)


def test_query_syntax_is_never_passed_through(app, factory, tree):
    factory.document(title="Quy định sinh hoạt")
    factory.commit()
    for query in ('"sinh', "sinh* OR", "NEAR(a b)", "a:b", "sinh & ! hoat | x:*", "'; DROP TABLE x; --"):
        search(access(tree["users"]["a"]), query)  # no exception


def test_scope_audience_and_drafts(app, factory, tree):
    factory.document(tree["ward_a"], number="WA", title="Thông báo phường A")
    factory.document(tree["cell_a"], number="CA", title="Thông báo chi bộ A")
    factory.document(None, number="ALL", title="Thông báo chung")
    factory.document(tree["ward_a"], number="DRAFT", title="Thông báo nháp", published=False)
    factory.commit()
    users = tree["users"]
    assert set(numbers(search(access(users["a"]), "thong bao"))) == {"WA", "CA", "ALL"}
    assert set(numbers(search(access(users["b"]), "thong bao"))) == {"ALL"}
    assert set(numbers(search(access(users["staff"]), "thong bao"))) == {"WA", "CA", "ALL"}
    assert set(numbers(search(access(users["admin"]), None))) == {"WA", "CA", "ALL"}  # drafts never listed


def test_search_index_follows_rewrites_and_reused_ids(app, factory, tree):
    doc = factory.document(title="Quy định cũ", body="Điều 1. A\nnội dung táo")
    factory.commit()
    who = access(tree["users"]["a"])
    assert numbers(search(who, "tao")) == [doc.number]
    doc.articles[0].body_markdown = "nội dung lê"
    service.refresh_search_text(doc)
    factory.commit()
    assert numbers(search(who, "tao")) == [] and numbers(search(who, "le")) == [doc.number]
    if dialect() == "sqlite":  # a stale index row under an id that gets reused must not leak
        db.session.execute(text("DELETE FROM regulation_articles"))
        db.session.execute(text("DELETE FROM regulation_documents"))
        db.session.commit()
        other = factory.document(title="Khác", body="Điều 1. B\nnội dung mận")
        factory.commit()
        assert numbers(search(who, "le")) == [] and numbers(search(who, "man")) == [other.number]
        assert db.session.scalar(text(f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH 'le'")) == 0
        # An index row whose article vanished behind the service's back is skipped, not an error.
        db.session.execute(text("DELETE FROM regulation_articles"))
        db.session.commit()
        assert search(who, "man").items == []


def test_publish_supersedes_and_announces(app, factory, tree, monkeypatch):
    staff = tree["users"]["staff"]
    old = factory.document(tree["ward_a"], number="OLD")
    factory.commit()
    announced = []
    monkeypatch.setattr(service, "announce_publication", announced.append)
    draft = service.create_draft(access(staff), staff.id, service.DocumentInput(
        DocumentKind.QUY_DINH, "NEW", "Quy định mới", "Đảng ủy phường A", date(2026, 1, 1),
        audience_org_id=tree["ward_a"].id, body=DANG_PHI))
    assert announced == []  # a draft announces nothing
    service.publish(access(staff), draft.document, replaces=old)
    assert announced == [draft.document]
    db.session.refresh(old)
    assert old.status is DocumentStatus.SUPERSEDED and old.replaced_by_id == draft.document.id
    with pytest.raises(service.RegulationError):
        service.publish(access(staff), draft.document)


def test_publishing_outside_ones_scope_is_refused(app, tree):
    staff = tree["users"]["staff"]
    data = service.DocumentInput(DocumentKind.QUY_DINH, "X", "X", "X", date(2026, 1, 1),
                                 audience_org_id=tree["ward_b"].id, body="Điều 1. A\nB")
    with pytest.raises(PermissionError):
        service.create_draft(access(staff), staff.id, data)
    data.audience_org_id = None  # the whole deployment: admins only
    with pytest.raises(PermissionError):
        service.create_draft(access(staff), staff.id, data)
    assert db.session.query(Document).count() == 0


def test_bookmarks_and_recently_read(app, factory, tree):
    user = tree["users"]["a"]
    doc = factory.document(body="\n".join(f"Điều {i}. Tiêu đề {i}\nNội dung {i}." for i in range(1, 15)))
    factory.commit()
    who = access(user)
    first, second = doc.articles[0], doc.articles[1]
    reading.set_bookmark(user.id, second, True)
    reading.set_bookmark(user.id, second, True)  # idempotent
    assert [b.article_id for b in reading.bookmarks(who, user.id)] == [second.id]
    reading.set_bookmark(user.id, second, False)
    assert reading.bookmarks(who, user.id) == []
    for article in doc.articles:
        reading.record_read(user.id, article.id)
    reading.record_read(user.id, first.id)
    recent = reading.recently_read(who, user.id)
    assert len(recent) == reading.RECENT_LIMIT and recent[0].article_id == first.id
    assert reading.neighbours(first) == (None, (second.id, "Điều 2"))
    assert reading.neighbours(second) == ((first.id, "Điều 1"), (doc.articles[2].id, "Điều 3"))
    assert reading.neighbours(doc.articles[-1]) == ((doc.articles[-2].id, "Điều 13"), None)


def test_reopening_the_article_read_last_is_written_at_most_once_a_minute(app, factory, tree):
    user = tree["users"]["a"]
    doc = factory.document(body="\n".join(f"Điều {i}. Tiêu đề {i}\nNội dung {i}." for i in range(1, 4)))
    factory.commit()
    first, second = doc.articles[0], doc.articles[1]
    start = utcnow().replace(microsecond=0)

    def read(article, seconds: int) -> None:
        reading.record_read(user.id, article.id, reading.reader_state(user.id, article.id),
                            now=start + timedelta(seconds=seconds))

    def read_at(article):
        return as_utc(db.session.scalar(select(ReadMark.read_at).where(ReadMark.user_id == user.id,
                                                                        ReadMark.article_id == article.id)))

    read(first, 0)
    read(first, 30)  # back and forth in the same article: nothing written
    assert read_at(first) == start
    read(second, 40)
    read(first, 50)  # no longer the last one read: it goes back to the top at once
    assert read_at(first) == start + timedelta(seconds=50)
    assert [r.article_id for r in reading.recently_read(access(user), user.id)] == [first.id, second.id]
    read(first, 50 + 61)  # more than a minute later: written again
    assert read_at(first) == start + timedelta(seconds=111)
    reading.set_bookmark(user.id, second, True)
    assert reading.reader_state(user.id, second.id).saved and not reading.reader_state(user.id, first.id).saved
    assert reading.reader_state(user.id, doc.articles[2].id) == (False, None, reading.reader_state(
        user.id, first.id).latest)


def test_demo_documents(app, factory, tree):
    assert seed_demo_documents(utcnow()) == 6
    assert seed_demo_documents(utcnow()) == 0  # once
    who = access(tree["users"]["a"])
    docs = db.session.query(Document).all()
    assert all(d.is_sample and "Văn bản mẫu để trình diễn" in d.preamble_html for d in docs)
    assert search(who, "dang phi").items[0].document.title.endswith("đảng phí")
    assert search(who, "quy dinh 339").items[0].document.number == "339-QĐ/MẪU"
    assert search(who, "dieu le").items[0].document.kind is DocumentKind.DIEU_LE
    superseded = [d for d in docs if d.status is DocumentStatus.SUPERSEDED]
    assert len(superseded) == 1 and superseded[0].replaced_by is not None
    levels = {p.level.value for d in docs for p in d.parts}
    assert levels == {"phan", "chuong", "muc"}

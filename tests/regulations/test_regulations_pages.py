"""The regulations pages and API through the test client: search → article → bookmark, publishing, bad input."""
from __future__ import annotations

import io
import re

import docx
import pytest

from handbook.extensions import db
from handbook.org.models import OrgKind, Role
from handbook.regulations import service
from handbook.regulations.files import MAX_UPLOAD_BYTES
from handbook.regulations.models import Document, DocumentKind
from tests.support import csrf_from, get_csrf, login

DANG_PHI = ("Chương I. Chung\nĐiều 1. Đối tượng\nMọi đảng viên.\nĐiều 2. Mức đóng đảng phí\n"
            "1. Đóng đảng phí 1% <b>lương</b> & phụ cấp.")


@pytest.fixture
def scene(factory):
    city = factory.org("Thành phố", OrgKind.DANG_BO_TINH)
    ward_a = factory.org("Phường A", OrgKind.DANG_BO_XA, city)
    ward_b = factory.org("Phường B", OrgKind.DANG_BO_XA, city)
    cell_a = factory.org("Chi bộ A", OrgKind.CHI_BO, ward_a)
    cell_b = factory.org("Chi bộ B", OrgKind.CHI_BO, ward_b)
    users = {name: factory.user(f"{name}@test.vn") for name in ("a", "b", "staff")}
    factory.member(cell_a, users["a"])
    factory.member(cell_b, users["b"])
    factory.grant(users["staff"], ward_a, Role.CAN_BO)
    doc = factory.document(None, number="01-HD/TW", title="Hướng dẫn về đảng phí", kind=DocumentKind.HUONG_DAN,
                           body=DANG_PHI)
    factory.commit()
    return {"users": users, "ward_a": ward_a, "ward_b": ward_b, "doc": doc}


def _docx(*paragraphs: str) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _form(scene, **overrides):
    values = {"kind": "quy_dinh", "number": "05-QĐ/ĐU", "title": "Quy định về sinh hoạt chi bộ phường A",
              "issuer": "Đảng ủy phường A", "issue_date": "2026-03-01", "effective_date": "",
              "audience": str(scene["ward_a"].id), "body": ""}
    values.update(overrides)
    return values


def _post_new(client, data):
    data = {**data, "csrf_token": get_csrf(client, "/regulations/new")}
    return client.post("/regulations/new", data=data, content_type="multipart/form-data")


def test_member_searches_without_diacritics_reads_and_bookmarks(client, scene):
    login(client, "a@test.vn")
    page = client.get("/regulations?q=dang+phi").get_data(as_text=True)
    assert "<mark>đảng</mark> <mark>phí</mark>" in page
    assert "<b>" not in page and "&amp; phụ cấp" in page  # snippets are plain text, escaped
    article = scene["doc"].articles[1]
    link = f"/regulations/articles/{article.id}"
    assert link in page
    response = client.get(link)
    html = response.get_data(as_text=True)
    main = html.split("<main", 1)[1].split("</main>", 1)[0]  # the article, not the layout's install panel
    assert response.status_code == 200 and "Mức đóng đảng phí" in main and "<strong>" not in main
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert "data-offline-stamp" in html and "Bản lưu ngoại tuyến từ {when}" in html
    assert 'rel="prev"' in html and 'rel="next"' not in html
    saved = client.post(f"{link}/bookmark", data={"csrf_token": csrf_from(html), "saved": "1"})
    assert saved.status_code == 302
    html = client.get(link).get_data(as_text=True)
    assert "Bỏ lưu" in html and "Đã lưu Điều 2." in html
    listing = client.get("/regulations/saved").get_data(as_text=True)
    assert listing.count(link) == 2  # saved, and recently read


def test_reader_links_the_articles_on_each_side(app, factory):
    body = "".join(f"Điều {n}. Tiêu đề {n}\nNội dung {n}.\n" for n in range(1, 5))
    doc = factory.document(None, number="02-QĐ/TW", title="Bốn điều", body=body)
    factory.document(None, number="03-QĐ/TW", title="Văn bản khác", body="Điều 1. Khác\nKhác.")
    factory.commit()
    from handbook.regulations.reading import neighbours

    articles = sorted(doc.articles, key=lambda a: a.position)
    links = [neighbours(article) for article in articles]
    labels = [(before.label if before else None, after.label if after else None) for before, after in links]
    assert labels == [(None, "Điều 2"), ("Điều 1", "Điều 3"), ("Điều 2", "Điều 4"), ("Điều 3", None)]
    assert links[1][0].id == articles[0].id and links[1][1].id == articles[2].id


def test_search_page_messages_and_nav(client, scene):
    login(client, "a@test.vn")
    html = client.get("/regulations?q=++").get_data(as_text=True)
    assert "Vui lòng nhập từ khoá" in html and "01-HD/TW" in html  # message, and the list still shown
    assert 'aria-current="page"' in html.split("Văn bản</a>")[0].rsplit("<a", 1)[1] + 'aria-current="page"'
    html = client.get("/regulations?q=khongcogica").get_data(as_text=True)
    assert "Không tìm thấy văn bản nào." in html
    assert client.get("/regulations?kind=sai&year=abc&status=x&page=-1").status_code == 200


def test_text_size_setting_without_javascript(client, scene):
    login(client, "a@test.vn")
    link = f"/regulations/articles/{scene['doc'].articles[0].id}"
    html = client.get(link).get_data(as_text=True)
    response = client.post("/regulations/text-size", data={"csrf_token": csrf_from(html), "size": "xl", "next": link})
    assert response.status_code == 302 and response.headers["Location"].endswith(link)
    assert 'class="reader t-xl"' in client.get(link).get_data(as_text=True)
    response = client.post("/regulations/text-size",
                           data={"csrf_token": csrf_from(html), "size": "huge", "next": "//evil.example/x"})
    assert response.headers["Location"].endswith("/regulations")
    assert 'class="reader t-m"' in client.get(link).get_data(as_text=True)


def test_staff_publish_docx_for_their_ward_only_its_members_see_it(app, client, scene, monkeypatch):
    announced = []
    monkeypatch.setattr(service, "announce_publication", announced.append)
    login(client, "staff@test.vn")
    data = _form(scene)
    data["source"] = (io.BytesIO(_docx("Văn bản mẫu.", "CHƯƠNG I", "QUY ĐỊNH CHUNG", "Điều 1. Phạm vi",
                                       "Quy định về giờ sinh hoạt buổi tối.", "Điều 2. Hiệu lực",
                                       "1. Có hiệu lực ngay.")), "quy-dinh.docx")
    response = _post_new(client, data)
    assert response.status_code == 302, response.get_data(as_text=True)
    doc = db.session.query(Document).filter_by(number="05-QĐ/ĐU").one()
    assert [a.label for a in doc.articles] == ["Điều 1", "Điều 2"] and doc.parts[0].title == "QUY ĐỊNH CHUNG"
    preview = client.get(f"/regulations/{doc.id}").get_data(as_text=True)
    assert "Bản xem trước" in preview and announced == []
    assert doc.attachments[0].filename == "quy-dinh.docx"

    member_a, member_b = app.test_client(), app.test_client()
    login(member_a, "a@test.vn")
    login(member_b, "b@test.vn")
    assert member_a.get(f"/regulations/{doc.id}").status_code == 404  # a draft

    published = client.post(f"/regulations/{doc.id}/publish", data={"csrf_token": csrf_from(preview), "replaces": "0"})
    assert published.status_code == 302 and [d.id for d in announced] == [doc.id]
    assert member_a.get(f"/regulations/{doc.id}").status_code == 200
    assert "<mark>buổi</mark> <mark>tối</mark>" in member_a.get("/regulations?q=buoi+toi").get_data(as_text=True)
    assert member_b.get(f"/regulations/{doc.id}").status_code == 404
    assert "Không tìm thấy văn bản nào." in member_b.get("/regulations?q=buoi+toi").get_data(as_text=True)
    download = member_a.get(f"/regulations/attachments/{doc.attachments[0].id}")
    assert download.status_code == 200 and download.headers["Content-Disposition"].startswith("attachment")
    assert download.data.startswith(b"PK")
    assert member_b.get(f"/regulations/attachments/{doc.attachments[0].id}").status_code == 404


def test_markdown_body_is_sanitised_when_published(client, scene):
    login(client, "staff@test.vn")
    body = "Điều 1. Thử\n<script>alert('x')</script><img src=x onerror=alert(1)> [a](javascript:alert(2))\n\n**đậm**"
    assert _post_new(client, _form(scene, body=body)).status_code == 302
    doc = db.session.query(Document).filter_by(number="05-QĐ/ĐU").one()
    html = client.get(f"/regulations/articles/{doc.articles[0].id}").get_data(as_text=True)
    assert "<script>alert" not in html and "onerror" not in html and 'href="javascript' not in html
    assert "<strong>đậm</strong>" in html


def test_text_without_headings_is_one_body_with_a_warning(client, scene):
    login(client, "staff@test.vn")
    data = _form(scene, source=(io.BytesIO("Thông báo lịch họp.\nMời các đồng chí.".encode()), "tb.txt"))
    response = _post_new(client, data)
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Không nhận ra cấu trúc văn bản" in html and "Toàn văn" in html


@pytest.mark.parametrize("overrides,message", [
    ({"source": (io.BytesIO(b"PK\x03\x04 not really a zip"), "hong.docx")}, "Tệp .docx bị hỏng"),
    ({"source": (io.BytesIO(b"this is plain text"), "gia.docx")}, "Tệp .docx bị hỏng"),
    ({"source": (io.BytesIO("chữ".encode("utf-16")), "sai.txt")}, "UTF-8"),
    ({"source": (io.BytesIO(b"x"), "anh.png")}, "Chỉ nhập được nội dung từ tệp .docx"),
    ({"source": (io.BytesIO(b""), "rong.txt")}, "rỗng"),
    ({"body": "Điều 1. A\nB", "attachment": (io.BytesIO(b"not a pdf"), "vb.pdf")}, "không phải là tệp PDF"),
    ({"body": "Điều 1. A\nB", "attachment": (io.BytesIO(b"x"), "vb.exe")}, "PDF hoặc DOCX"),
    ({"body": ""}, "Văn bản chưa có nội dung"),
    ({"body": "Điều 1. A", "effective_date": "2026-01-01"}, "không được trước ngày ban hành"),
    ({"body": "Điều 1. A", "issue_date": "31/02/2026"}, "Ngày không hợp lệ"),
    ({"body": "Điều 1. A", "effective_date": "ngày mai"}, "Ngày không hợp lệ"),
    ({"body": "Điều 1. A", "number": ""}, "Vui lòng nhập trường này"),
    ({"body": "Điều 1. A", "kind": "bogus"}, "Lựa chọn không hợp lệ"),
])
def test_bad_input_gets_a_vietnamese_message(client, scene, overrides, message):
    login(client, "staff@test.vn")
    response = _post_new(client, _form(scene, **overrides))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and "Not a valid" not in html and "Invalid" not in html
    assert db.session.query(Document).filter_by(number="05-QĐ/ĐU").count() == 0


def test_a_docx_that_unpacks_to_too_much_is_refused(client, scene):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * (61 * 1024 * 1024))
    login(client, "staff@test.vn")
    response = _post_new(client, _form(scene, source=(io.BytesIO(buffer.getvalue()), "bom.docx")))
    assert response.status_code == 400 and "quá lớn khi giải nén" in response.get_data(as_text=True)


def test_audience_outside_scope_is_refused(client, scene):
    login(client, "staff@test.vn")
    response = _post_new(client, _form(scene, body="Điều 1. A", audience=str(scene["ward_b"].id)))
    assert response.status_code == 400 and "Lựa chọn không hợp lệ." in response.get_data(as_text=True)
    assert db.session.query(Document).filter_by(number="05-QĐ/ĐU").count() == 0


def test_oversize_upload_is_refused_from_content_length(client, scene):
    login(client, "staff@test.vn")
    big = _form(scene, source=(io.BytesIO(b"a" * (MAX_UPLOAD_BYTES + 512 * 1024)), "lon.txt"))
    response = _post_new(client, big)
    assert response.status_code == 413 and "tối đa 10 MB" in response.get_data(as_text=True)
    just_over = _form(scene, source=(io.BytesIO(b"a" * (MAX_UPLOAD_BYTES + 1)), "lon.txt"))
    response = _post_new(client, just_over)
    assert response.status_code == 400 and "quá lớn (tối đa 10 MB)" in response.get_data(as_text=True)


def test_members_cannot_publish_or_change_status(client, scene):
    login(client, "a@test.vn")
    assert client.get("/regulations/new").status_code == 403
    html = client.get(f"/regulations/{scene['doc'].id}").get_data(as_text=True)
    assert "Cập nhật tình trạng" not in html
    assert client.post(f"/regulations/{scene['doc'].id}/status", data={"csrf_token": csrf_from(html)}).status_code \
        == 403


def test_status_superseded_needs_a_replacement(app, client, factory, scene):
    login(client, "staff@test.vn")
    doc = factory.document(scene["ward_a"], number="CU")
    new = factory.document(scene["ward_a"], number="MOI")
    factory.commit()
    html = client.get(f"/regulations/{doc.id}").get_data(as_text=True)
    token = csrf_from(html)
    client.post(f"/regulations/{doc.id}/status", data={"csrf_token": token, "status": "superseded", "replaced_by": "0"})
    assert "Hãy chọn văn bản thay thế." in client.get(f"/regulations/{doc.id}").get_data(as_text=True)
    client.post(f"/regulations/{doc.id}/status",
                data={"csrf_token": token, "status": "superseded", "replaced_by": str(new.id)})
    html = client.get(f"/regulations/{doc.id}").get_data(as_text=True)
    assert re.search(rf'href="/regulations/{new.id}">MOI', html)


# --- API ---------------------------------------------------------------------------------------

def test_api_search_list_and_document(client, scene):
    login(client, "a@test.vn")
    body = client.get("/api/v1/regulations?q=dang%20phi").get_json()
    assert body["total"] == 1 and body["page"] == 1 and body["per_page"] == 20
    item = body["items"][0]
    assert item["number"] == "01-HD/TW" and item["match"]["label"] == "Điều 2"
    assert "<mark>" in item["match"]["snippet_html"] and item["match"]["url"].startswith("/regulations/articles/")
    listing = client.get("/api/v1/regulations").get_json()
    assert listing["items"][0]["match"] is None and listing["total"] == 1
    doc = client.get(f"/api/v1/regulations/{scene['doc'].id}").get_json()
    assert doc["structure"][0]["level"] == "chuong"
    assert [c["label"] for c in doc["structure"][0]["children"]] == ["Điều 1", "Điều 2"]
    assert doc["articles"][1]["clauses"][0]["number"] == "1"


def test_api_bad_input(client, scene):
    login(client, "a@test.vn")
    response = client.get("/api/v1/regulations?q=%20")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "empty_query"
    assert "Vui lòng nhập từ khoá" in response.get_json()["error"]["message"]
    response = client.get("/api/v1/regulations?kind=bogus&page=0")
    assert response.status_code == 422 and set(response.get_json()["error"]["fields"]) == {"kind", "page"}


def test_api_scope_and_openapi(client, scene, factory):
    hidden = factory.document(scene["ward_a"], number="WA")
    factory.commit()
    login(client, "b@test.vn")
    assert client.get(f"/api/v1/regulations/{hidden.id}").status_code == 404
    assert [i["number"] for i in client.get("/api/v1/regulations").get_json()["items"]] == ["01-HD/TW"]
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/regulations" in paths and "/api/v1/regulations/{document_id}" in paths

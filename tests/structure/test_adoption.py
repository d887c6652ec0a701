"""A committee adopts the handbook on an empty database, as a new user would, through its commands and pages: the
first administrator, the tree from Excel, a ward's members in one file, activation slips, a member's activation,
a bí thư's position, then a merger of two cells and a ward moved to another committee — the meeting held before
still shows its cell as it was, and the counts as of the day before the merger do not change."""
from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta

import time_machine
from openpyxl import Workbook
from sqlalchemy import select

from handbook.auth import consent
from handbook.auth.service import find_user
from handbook.extensions import db
from handbook.meetings.attendance import record_sheet
from handbook.meetings.minutes import record_vote, save_minutes
from handbook.meetings.models import AttendanceStatus
from handbook.members.models import Member
from handbook.members.samples.make import HEADINGS, make_rows, write_workbook
from handbook.org.models import Organisation, Position, Role
from handbook.treeio.columns import COLUMNS
from tests.meetings.scenes import make_meeting
from tests.support import csrf_from, signed_in

NOW = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)  # 10/03/2026 10:00 in Hà Nội
TREE = [  # parents after their children on purpose: the import orders them
    ("T-CB1", "Chi bộ Khu phố 1", "Chi bộ", "T-P1", ""),
    ("T-CB2", "Chi bộ Khu phố 2", "Chi bộ", "T-P1", ""),
    ("T-CB3", "Chi bộ Khu phố 3", "Chi bộ", "T-P2", ""),
    ("T", "Đảng bộ tỉnh Mẫu", "Đảng bộ tỉnh", "", ""),
    ("T-P1", "Đảng bộ phường Một", "Đảng bộ xã/phường", "T", ""),
    ("T-P2", "Đảng bộ phường Hai", "Đảng bộ xã/phường", "T", ""),
    ("U", "Đảng bộ tỉnh Bên cạnh", "Đảng bộ tỉnh", "", ""),
]
SLIP_CODE = re.compile(r'class="slip-code">([A-Z0-9]{5}-[A-Z0-9]{5})<')
TOKEN = re.compile(r'action="[^"]*/import/([0-9a-f]{32})"')


def _tree_file() -> io.BytesIO:
    book = Workbook()
    book.active.append(list(COLUMNS))
    for row in TREE:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def _members_file() -> io.BytesIO:
    rows = make_rows(6, seed=7)
    for row, code in zip(rows, ["T-CB1", "T-CB1", "T-CB2", "T-CB2", "T-CB3", "T-CB3"], strict=True):
        row.append(code)
    out = io.BytesIO()
    write_workbook(out, rows, [*HEADINGS, "Mã chi bộ"])
    out.seek(0)
    return out


def _org(code: str) -> Organisation:
    return db.session.scalar(select(Organisation).where(Organisation.code == code))


def _post(client, path: str, **data):
    page = client.get(path)
    assert page.status_code == 200, path
    return client.post(path, data={"csrf_token": csrf_from(page.get_data(as_text=True)), **data})


def _count(client, org: Organisation, parent: Organisation, day: date) -> str:
    """The member count the tree page shows for `org` among `parent`'s children as of `day`."""
    page = client.get(f"/tree/{parent.id}?as_of={day:%d/%m/%Y}").get_data(as_text=True)
    found = re.search(rf"{re.escape(org.name)}.*?(\d+) đảng viên", page, re.S)
    assert found, page
    return found.group(1)


def test_a_committee_sets_up_its_deployment_and_restructures_it(app):
    with time_machine.travel(NOW, tick=False):
        # 1. The first administrator, from the command line; the home page then lists what is left to set up.
        result = app.test_cli_runner().invoke(args=["users", "create-admin", "admin@tinh.vn", "--password-stdin"],
                                              input="Tinh-Uy-Mau-2026!\n")
        assert result.exit_code == 0, result.output
        admin = find_user("admin@tinh.vn")
        assert admin.is_admin
        consent.accept(admin.id, None)
        db.session.commit()
        web = signed_in(app, "admin@tinh.vn")
        assert "Tạo hoặc nhập cây tổ chức đảng" in web.get("/").get_data(as_text=True)

        # 2. The tree from Excel: preview, then confirm.
        page = web.get("/org/tree/import").get_data(as_text=True)
        preview = web.post("/org/tree/import", data={"csrf_token": csrf_from(page), "file": (_tree_file(), "cay.xlsx")},
                           content_type="multipart/form-data").get_data(as_text=True)
        token = TOKEN.search(preview).group(1)
        assert web.post(f"/org/tree/import/{token}", data={"csrf_token": csrf_from(preview)}).status_code == 200
        cell1, cell2, cell3, ward1, ward2, other = (_org(c) for c in ("T-CB1", "T-CB2", "T-CB3", "T-P1", "T-P2", "U"))
        assert cell1.parent_id == ward1.id and ward2.parent_id == _org("T").id
        found = web.get("/tree?q=khu pho 3").get_data(as_text=True)  # imported names are searchable unaccented
        assert "Chi bộ Khu phố 3" in found and "Chi bộ Khu phố 2" not in found

        # 3. A ward's members in one file, each row to the cell of its code.
        page = web.get(f"/members/import?org={cell1.id}").get_data(as_text=True)
        preview = web.post("/members/import", data={"csrf_token": csrf_from(page), "org": str(cell1.id),
                                                    "file": (_members_file(), "phuong.xlsx")},
                           content_type="multipart/form-data").get_data(as_text=True)
        token = re.search(r"/members/import/([0-9a-f]{32})", preview).group(1)
        done = web.post(f"/members/import/{token}", data={"csrf_token": csrf_from(preview), "mode": "all"})
        assert "Đã nhập 6 đảng viên vào 3 chi bộ" in done.get_data(as_text=True)

        # 4. Activation slips for the first cell; one member activates with the printed code.
        issued = _post(web, f"/org/{cell1.id}/activation-codes")
        assert issued.status_code == 302
        slips = web.get(issued.headers["Location"]).get_data(as_text=True)
        codes = SLIP_CODE.findall(slips)
        assert len(codes) == 2 and "dd/mm" not in slips
        reader = app.test_client()
        activated = _post(reader, "/activate", code=codes[0], new_password="Chi-Bo-Mot-2026!",
                          confirm="Chi-Bo-Mot-2026!")
        assert activated.status_code == 302
        secretary = db.session.scalar(select(Member).where(Member.cell_id == cell1.id, Member.user_id.is_not(None)))
        login = find_user(secretary.phone).phone

        # 5. The new member becomes the cell's bí thư.
        result = app.test_cli_runner().invoke(args=["positions", "grant", login, "--org", str(cell1.id),
                                                    "--role", "bi_thu"])
        assert result.exit_code == 0, result.output
        assert db.session.scalar(select(Position.role).where(Position.user_id == secretary.user_id)) is Role.BI_THU

    # 6. The second cell meets in March with minutes and a vote.
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        meeting = make_meeting(cell2, NOW - timedelta(days=5), now=NOW + timedelta(days=1))
        present = db.session.scalars(select(Member.id).where(Member.cell_id == cell2.id)).all()
        record_sheet(meeting, {i: (AttendanceStatus.CO_MAT, None) for i in present}, admin.id)
        save_minutes(meeting, "Chi bộ Khu phố 2 họp thường kỳ tháng 3.", admin.id)
        record_vote(meeting, "Thông qua nghị quyết tháng 3", (2, 0, 0), "half", admin.id)
        db.session.commit()

    # 7. In April the first ward merges its second cell into the first, and the second ward moves to the other
    # province; the counts as of the day before the merger are read before and after.
    merger = date(2026, 4, 1)
    with time_machine.travel(datetime(2026, 4, 2, 3, 0, tzinfo=UTC), tick=False):
        eve = merger - timedelta(days=1)
        web = signed_in(app, "admin@tinh.vn")  # three weeks later: a new session
        before = (_count(web, cell1, ward1, eve), _count(web, cell2, ward1, eve), _count(web, ward2, _org("T"), eve))
        assert before == ("2", "2", "2")
        merged = _post(web, f"/tree/{cell1.id}/merge", sources=str(cell2.id), decision_number="15-QĐ/ĐU",
                       signer="Bí thư Đảng ủy phường Một", on="01/04/2026")
        assert merged.status_code in (200, 302), merged.get_data(as_text=True)
        moved = _post(web, f"/tree/{ward2.id}/move", parent=str(other.id), decision_number="20-QĐ/TU",
                      signer="Bí thư Tỉnh ủy", on="01/04/2026")
        assert moved.status_code in (200, 302), moved.get_data(as_text=True)
        db.session.expire_all()
        assert _org("T-CB2").dissolved_on == merger and _org("T-P2").parent_id == other.id
        assert db.session.query(Member).filter(Member.cell_id == cell1.id).count() == 4
        after = (_count(web, cell1, ward1, eve), _count(web, cell2, ward1, eve), _count(web, ward2, _org("T"), eve))
        assert after == before
        assert _count(web, cell1, ward1, merger) == "4"
        # Renamed the next day: the tree as of the eve still reads the old name.
        renamed = _post(web, f"/tree/{cell1.id}/rename", name="Chi bộ Khu dân cư Hợp nhất", on="02/04/2026")
        assert renamed.status_code in (200, 302), renamed.get_data(as_text=True)
        eve_page = web.get(f"/tree/{ward1.id}?as_of={eve:%d/%m/%Y}").get_data(as_text=True)
        assert "Chi bộ Khu phố 1" in eve_page and "Hợp nhất" not in eve_page.split("Tổ chức trực thuộc")[1]
        assert "Chi bộ Khu dân cư Hợp nhất" in web.get(f"/tree/{ward1.id}").get_data(as_text=True)

        # The meeting held before the merger still shows the cell it was held in, with its minutes and vote.
        shown = web.get(f"/meetings/{meeting.id}").get_data(as_text=True)
        assert "Chi bộ Khu phố 2" in shown and "Thông qua nghị quyết tháng 3" in shown
        printed = web.get(f"/meetings/{meeting.id}/minutes/print").get_data(as_text=True)
        assert "Chi bộ Khu phố 2" in printed

"""The demo seed: the README's demo accounts, a consistent tree, plausible member records, and the CLI."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict

import phonenumbers
import pytest
from sqlalchemy import func, select

from handbook.admission.models import Candidate, CandidateStatus
from handbook.auth.models import User
from handbook.auth.service import find_user, verify_password
from handbook.core.timeutil import local_today
from handbook.demo.people import add_years
from handbook.demo.seed import DEMO_PASSWORD, seed_demo
from handbook.extensions import db
from handbook.members.models import Member, MemberStatus
from handbook.org.models import CELL_KINDS, Organisation, OrgKind, Position, Role, Scope
from tests.support import build_app


def _make_app(path, name: str = "seed"):
    """A migrated database of its own (SQLite, or PostgreSQL under TEST_DATABASE_URL)."""
    return build_app(path, name)


@pytest.fixture
def seed_app(tmp_path):
    """An app on an empty database of its own (independent of tests/conftest.py)."""
    app = _make_app(tmp_path)
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """One default seed shared by the read-only tests of this module."""
    app = _make_app(tmp_path_factory.mktemp("demo"), "seeded")
    with app.app_context():
        report = seed_demo()
        yield report
        db.session.remove()


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _member_of(user: User) -> Member | None:
    return db.session.scalar(select(Member).where(Member.user_id == user.id))


def _positions(user: User) -> list[Position]:
    return list(db.session.scalars(select(Position).where(Position.user_id == user.id)))


def _all(model) -> list:
    return list(db.session.scalars(select(model)))


def test_default_seed_is_small_and_counted(seeded):
    assert 360 <= seeded.members <= 440
    assert seeded.members == db.session.scalar(select(func.count(Member.id)))
    assert seeded.cells == db.session.scalar(
        select(func.count(Organisation.id)).where(Organisation.kind.in_(CELL_KINDS)))
    assert seeded.organisations == db.session.scalar(select(func.count(Organisation.id)))


def test_demo_accounts_and_their_cell(seeded):
    admin, secretary, member, staff = (_user(f"{n}@demo.vn") for n in ("admin", "bithu", "dangvien", "canbo"))
    for user in (admin, secretary, member, staff):
        assert verify_password(user, DEMO_PASSWORD)
    assert admin.is_admin and admin.display_name == "Quản trị hệ thống" and _member_of(admin) is None
    assert not (secretary.is_admin or member.is_admin or staff.is_admin)

    secretary_record, member_record = _member_of(secretary), _member_of(member)
    cell = secretary_record.cell
    assert cell.name == "Chi bộ Khu dân cư số 3" and cell.is_cell
    assert member_record.cell_id == cell.id
    assert member_record.status is MemberStatus.CHINH_THUC and _positions(member) == []
    assert [(p.organisation_id, p.role, p.scope) for p in _positions(secretary)] == [
        (cell.id, Role.BI_THU, Scope.SUBTREE)]

    ward = db.session.scalar(select(Organisation).where(Organisation.name == "Đảng bộ phường Hải Châu"))
    assert ward.id in cell.ancestor_ids and ward.kind is OrgKind.DANG_BO_XA
    assert _member_of(staff) is None
    assert [(p.organisation_id, p.role, p.scope) for p in _positions(staff)] == [
        (ward.id, Role.CAN_BO, Scope.SUBTREE)]

    assert 20 <= db.session.scalar(select(func.count(Member.id)).where(Member.cell_id == cell.id)) <= 30
    groups = _all_children(cell.id, OrgKind.TO_DANG)
    assert len(groups) == 2
    in_cell = [m for m in _all(Member) if m.cell_id == cell.id]
    gone = (MemberStatus.CHUYEN_DI, MemberStatus.DA_MAT)  # no longer meet: in no tổ
    assert {m.group_id for m in in_cell if m.status not in gone} == {g.id for g in groups}
    assert {m.group_id for m in in_cell if m.status in gone} <= {None}


def _all_children(parent_id: int, kind: OrgKind) -> list[Organisation]:
    return list(db.session.scalars(
        select(Organisation).where(Organisation.parent_id == parent_id, Organisation.kind == kind)))


def test_phone_login_finds_the_demo_members(seeded):
    assert find_user("0901234567").email == "dangvien@demo.vn"
    assert find_user("0905 111 222").email == "bithu@demo.vn"
    assert _member_of(find_user("0901234567")).full_name == "Trần Văn Minh"


def test_tree_paths_are_consistent(seeded):
    orgs = {o.id: o for o in _all(Organisation)}
    roots = [o for o in orgs.values() if o.parent_id is None]
    assert [(r.name, r.kind, r.path, r.depth) for r in roots] == [
        ("Đảng bộ Thành phố Đà Nẵng", OrgKind.DANG_BO_TINH, f"/{roots[0].id}/", 0)]
    for org in orgs.values():
        if org.parent_id is None:
            continue
        parent = orgs[org.parent_id]
        assert org.path == f"{parent.path}{org.id}/"
        assert org.depth == parent.depth + 1
        if org.kind is OrgKind.TO_DANG:
            assert parent.is_cell
        if org.kind is OrgKind.DANG_BO_XA:
            assert parent.kind is OrgKind.DANG_BO_TINH
    assert sum(o.kind is OrgKind.DANG_BO_XA for o in orgs.values()) >= 3
    assert {o.kind for o in orgs.values()} >= {OrgKind.CHI_BO, OrgKind.CHI_BO_CO_SO, OrgKind.DANG_BO_BO_PHAN}


def test_every_cell_has_official_members_and_leaders(seeded):
    members_by_cell: dict[int, list[Member]] = defaultdict(list)
    for member in _all(Member):
        members_by_cell[member.cell_id].append(member)
    roles_by_org: dict[int, Counter] = defaultdict(Counter)
    holders: dict[int, set[int]] = defaultdict(set)
    for position in _all(Position):
        roles_by_org[position.organisation_id][position.role] += 1
        holders[position.organisation_id].add(position.user_id)
    cells = [o for o in _all(Organisation) if o.is_cell]
    assert cells and all(o.id in members_by_cell for o in cells)
    for cell in cells:
        members = members_by_cell[cell.id]
        assert sum(m.status is MemberStatus.CHINH_THUC for m in members) >= 3, cell.name
        assert roles_by_org[cell.id][Role.BI_THU] == 1, cell.name
        if len(members) >= 9:
            assert roles_by_org[cell.id][Role.PHO_BI_THU] == 1
            assert 1 <= roles_by_org[cell.id][Role.CAP_UY_VIEN] <= 3
        assert holders[cell.id] <= {m.user_id for m in members if m.user_id}, "leaders are members of the cell"
        groups = _all_children(cell.id, OrgKind.TO_DANG)
        if len(members) >= 30:
            assert 2 <= len(groups) <= 5
    for ward in db.session.scalars(select(Organisation).where(Organisation.kind == OrgKind.DANG_BO_XA)):
        assert roles_by_org[ward.id][Role.CAN_BO] >= 1


def test_generated_accounts_are_the_members_and_nobody_knows_their_password(seeded):
    holders = [m for m in _all(Member) if m.user_id]
    assert len(holders) > 20
    hashes = set()
    for member in holders:
        user = db.session.get(User, member.user_id)
        assert user.phone == member.phone and user.display_name == member.full_name
        if user.email is None and user.password_hash:
            hashes.add(user.password_hash)
    # the activated ones share one hash of a random password made for the seed: no demo or guessable password
    assert len(hashes) == 1
    someone = db.session.scalar(select(User).where(User.password_hash == hashes.pop()).limit(1))
    for guess in (DEMO_PASSWORD, "123456", "password", someone.phone, "Demo@2025"):
        assert not verify_password(someone, guess)
    # and some generated accounts still wait for activation
    assert db.session.scalar(select(func.count(User.id)).where(User.email.is_(None), User.password_hash.is_(None)))


def test_member_records_are_plausible(seeded):
    today = local_today()
    members = _all(Member)
    cccds = [m.cccd for m in members]
    assert all(c and len(c) == 12 and c.isdigit() for c in cccds) and len(set(cccds)) == len(cccds)
    cards = [m.card_number for m in members if m.card_number]  # a card is issued after the ceremony, not at it
    assert len(set(cards)) == len(cards) and len(cards) >= 0.9 * len(members)
    phones = [m.phone for m in members if m.phone]
    assert len(set(phones)) == len(phones) and 0.6 <= len(phones) / len(members) <= 0.85
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(p)) for p in phones)
    awaiting_recognition = set(db.session.scalars(select(Candidate.member_id).where(
        Candidate.status == CandidateStatus.DU_BI)))
    for m in members:
        assert 1940 <= m.birth_date.year <= 2005
        assert m.admission_date >= add_years(m.birth_date, 18), m.full_name
        assert m.admission_date <= today
        assert m.cccd[4:6] == f"{m.birth_date.year % 100:02d}"
        assert unicodedata.is_normalized("NFC", m.full_name) and len(m.full_name.split()) >= 3
        if m.status is MemberStatus.DU_BI:  # in probation, or past it with the recognition still to come
            assert m.official_date is None
            assert add_years(m.admission_date, 1) > today or m.id in awaiting_recognition, m.full_name
        else:
            assert m.official_date == add_years(m.admission_date, 1) <= today
    women = sum(m.gender.value == "nu" for m in members) / len(members)
    assert 0.3 <= women <= 0.5
    statuses = Counter(m.status for m in members)
    assert statuses[MemberStatus.CHINH_THUC] > 0.8 * len(members) and statuses[MemberStatus.DU_BI] > 0
    assert Counter(m.ethnicity for m in members).most_common(1)[0][0] == "Kinh"


def test_if_empty_skips_a_seeded_database(seeded):
    before = db.session.scalar(select(func.count(Member.id)))
    assert seed_demo(if_empty=True) is None
    assert db.session.scalar(select(func.count(Member.id))) == before


def test_same_seed_same_data(tmp_path):
    names = []
    for run in ("a", "b"):
        (tmp_path / run).mkdir()
        app = _make_app(tmp_path / run, f"same_{run}")
        with app.app_context():
            made = seed_demo(members=60).members
            names.append(list(db.session.scalars(select(Member.full_name).order_by(Member.id))))
            db.session.remove()
    assert names[0] == names[1] and len(names[0]) == made >= 60


def test_cli_builds_a_larger_organisation(seed_app):
    runner = seed_app.test_cli_runner()
    result = runner.invoke(args=["seed-demo", "--members", "2000"])
    assert result.exit_code == 0, result.output
    assert "Đã tạo" in result.output
    members = db.session.scalar(select(func.count(Member.id)))
    cells = db.session.scalar(select(func.count(Organisation.id)).where(Organisation.kind.in_(CELL_KINDS)))
    assert abs(members - 2000) <= 200
    assert 2000 / 28 * 0.8 <= cells <= 2000 / 28 * 1.2

    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "bỏ qua" in again.output
    assert db.session.scalar(select(func.count(Member.id))) == members


@pytest.mark.parametrize("step", ["handbook.regulations.demo.seed_demo_documents",
                                  "handbook.demo.meetings.seed_demo_meetings"])
def test_a_failed_seed_writes_nothing_says_so_in_vietnamese_and_the_next_run_seeds(seed_app, monkeypatch, step):
    runner = seed_app.test_cli_runner()
    with monkeypatch.context() as patched:
        def broken(*_args, **_kwargs):
            raise RuntimeError("ổ đĩa đầy")

        patched.setattr(step, broken)
        failed = runner.invoke(args=["seed-demo", "--if-empty"])
    assert failed.exit_code == 1
    assert "Không tạo được dữ liệu mẫu (ổ đĩa đầy)" in failed.output and "Traceback" not in failed.output
    db.session.remove()
    for table in db.metadata.sorted_tables:
        if table.name == "member_counts_version":  # its one row comes with the schema (migration 0017)
            continue
        assert db.session.scalar(select(func.count()).select_from(table)) == 0, table.name

    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0, again.output
    assert db.session.scalar(select(func.count(Member.id))) > 0
    assert find_user("dangvien@demo.vn") is not None


def test_every_organisation_has_a_readable_code(seeded):
    orgs = _all(Organisation)
    codes = {o.id: o.code for o in orgs}
    assert all(codes.values()) and len(set(codes.values())) == len(orgs)
    by_id = {o.id: o for o in orgs}
    for org in orgs:
        if org.parent_id is None:
            assert org.code == "DN"  # Đảng bộ Thành phố Đà Nẵng
        else:
            assert re.fullmatch(re.escape(by_id[org.parent_id].code) + r"-\d{2,}", org.code), org.code

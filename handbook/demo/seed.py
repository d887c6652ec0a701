"""`flask seed-demo`: a realistic, reproducible — and entirely fictional — demo organisation and the demo accounts.

Rows are inserted in bulk with ids assigned here (after the current maximum of each table) and paths
computed in Python, ward by ward, so 140,000 members take a minute or two and memory stays bounded. The whole
seed is one transaction (core/transaction.py): a failure leaves the database as it was.
"""
from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from time import perf_counter
from typing import Any, NamedTuple

from faker import Faker
from sqlalchemy import func, insert, select, text

from handbook.auth.models import User
from handbook.auth.service import hash_password
from handbook.core.timeutil import local_today, utcnow
from handbook.core.transaction import all_or_nothing
from handbook.demo.people import PeopleFactory, Places, UsedIdentifiers, add_years
from handbook.demo.tree import (
    CITY_NAME,
    REAL_WARDS,
    OrgNode,
    Ward,
    plan_ward,
    ward_budgets,
    ward_names,
)
from handbook.extensions import db
from handbook.members.models import Gender, Member, MemberStatus
from handbook.org.codes import abbreviation, child_code, unique
from handbook.org.models import Organisation, OrgKind, Position, Role, Scope, UnitType, name_key

DEMO_PASSWORD = "Demo@2026"
DEFAULT_MEMBERS = 400
MIN_MEMBERS = 30
MEMBERS_PER_CELL = 28
CELLS_PER_WARD = 55
RANDOM_SEED = 20261122
BATCH_ROWS = 5_000
LARGE_RUN = 5_000  # above this many members: commit in batches and report progress
RETIREE_CELLS = 0.3   # agency, school and clinic cells outside the demo ward with a retired member still there
WORKPLACES = ("co_quan", "giao_duc", "y_te")
#: the demo tree stands for one that existed this long before it was typed in: its versions start then, so counts
#: and compositions as of a past day (a year ago, the last four quarter ends) find it
TREE_YEARS = 5

ADMIN = {"email": "admin@demo.vn", "display_name": "Quản trị hệ thống"}
STAFF = {"email": "canbo@demo.vn", "display_name": "Phạm Quốc Bảo"}
SECRETARY = {"email": "bithu@demo.vn", "phone": "+84905111222", "full_name": "Nguyễn Thị Hồng Nhung",
             "gender": Gender.NU, "birth_date": date(1978, 8, 19), "cccd": "048178001234",
             "card_number": "48012345", "admission_date": date(2003, 5, 19)}
MEMBER = {"email": "dangvien@demo.vn", "phone": "+84901234567", "full_name": "Trần Văn Minh",
          "gender": Gender.NAM, "birth_date": date(1985, 3, 26), "cccd": "048085004321",
          "card_number": "48054321", "admission_date": date(2010, 9, 2)}
TABLES = (Organisation, User, Member, Position)  # insert order: each refers only to those before it


@dataclass
class SeedReport:
    """What a seed run created."""

    organisations: int = 0
    cells: int = 0
    members: int = 0
    users: int = 0
    positions: int = 0
    activity: dict[str, int] = field(default_factory=dict)  # meetings and what was recorded, rows per table
    seconds: float = 0.0


class OrgRef(NamedTuple):
    id: int
    path: str
    depth: int
    code: str


def thousands(n: int) -> str:
    """28000 → '28.000', as Vietnamese writes numbers."""
    return f"{n:,}".replace(",", ".")


class BulkWriter:
    """Buffers rows per table, assigns their ids and inserts them in batches, parents before children."""

    def __init__(self) -> None:
        self.last_id = {model: db.session.scalar(select(func.max(model.id))) or 0 for model in TABLES}
        self.rows: dict[type, list[dict[str, Any]]] = {model: [] for model in TABLES}

    def add(self, model: type, row: dict[str, Any]) -> int:
        """Queue a row; returns its id."""
        self.last_id[model] += 1
        row["id"] = self.last_id[model]
        self.rows[model].append(row)
        return row["id"]

    def pending(self, model: type) -> int:
        return len(self.rows[model])

    def flush(self) -> None:
        """Insert everything queued, in batches of BATCH_ROWS."""
        for model in TABLES:
            rows = self.rows[model]
            for start in range(0, len(rows), BATCH_ROWS):
                # render_nulls keeps every row's keys alike, so each batch is one executemany
                db.session.execute(insert(model).execution_options(render_nulls=True), rows[start:start + BATCH_ROWS])
            rows.clear()


def seed_demo(members: int | None = None, if_empty: bool = False,
              echo: Callable[[str], Any] | None = None, now: datetime | None = None) -> SeedReport | None:
    """Create the demo organisation and accounts as of `now`, in one transaction: everything or nothing.
    None (and nothing written) if `if_empty` and data exists."""
    started = perf_counter()
    now = now or utcnow()
    total = max(members or DEFAULT_MEMBERS, MIN_MEMBERS)
    say = echo if echo is not None and total > LARGE_RUN else None
    with all_or_nothing():
        if if_empty and db.session.scalar(select(Organisation.id).limit(1)) is not None:
            return None
        seeder = Seeder(total, say, now)
        report = seeder.run()
        from handbook.members.placements import backfill_placements
        from handbook.members.records import backfill_status_history
        from handbook.org.history import backfill_versions

        backfill_versions(valid_from=local_today(now) - timedelta(days=365 * TREE_YEARS + 2))
        backfill_placements()
        backfill_status_history()
        if seeder.demo:
            from handbook.demo.meetings import seed_demo_meetings

            seed_demo_meetings(SECRETARY["email"], now)
            from handbook.admission.demo import seed_demo_admission

            report.members += seed_demo_admission(SECRETARY["email"], MEMBER["email"], now)
            _groups_of_new_members()
            from handbook.exemptions.demo import seed_demo_exemptions

            seed_demo_exemptions(SECRETARY["email"], (SECRETARY["email"], MEMBER["email"]), now)
            from handbook.members.move_demo import seed_demo_moves

            seed_demo_moves(SECRETARY["email"], MEMBER["email"], now)  # a transfer in progress, one done last year
            from handbook.demo.security import seed_demo_security

            seed_demo_security((ADMIN["email"], STAFF["email"], SECRETARY["email"], MEMBER["email"]), now)
        from handbook.regulations.demo import seed_demo_documents

        seed_demo_documents(now)
        if seeder.demo:
            from handbook.demo.activity import seed_activity

            demo_cell = db.session.scalar(select(Member.cell_id).join(User, User.id == Member.user_id)
                                          .where(User.email == SECRETARY["email"]))
            report.activity = seed_activity(now, skip_cell_id=demo_cell)
            from handbook.evaluation.demo import seed_demo_evaluation  # last year's evaluation, after the meetings

            seed_demo_evaluation(SECRETARY["email"], now)
            from handbook.dues.demo import seed_demo_dues

            report.activity["dues_payments"] = seed_demo_dues(SECRETARY["email"], MEMBER["email"], now)
    report.seconds = perf_counter() - started
    return report


def _groups_of_new_members() -> None:
    """The occupation group of the few members the admission demo admits through its services (the demo cell is
    residential), from their job."""
    from handbook.demo.people import occupation_group

    for member in db.session.scalars(select(Member).where(Member.occupation_group.is_(None))):
        member.occupation_group = occupation_group("dan_cu", member.occupation or "")
    db.session.commit()


def _used_identifiers() -> UsedIdentifiers:
    """Phones, CCCDs, card numbers and e-mails already in the database."""
    def column(col) -> set[str]:
        return set(db.session.scalars(select(col).where(col.is_not(None))))

    return UsedIdentifiers(phones=column(User.phone) | column(Member.phone), cccds=column(Member.cccd),
                           cards=column(Member.card_number), emails=column(User.email))


def _demo_accounts_free(used: UsedIdentifiers) -> bool:
    """True when none of the fixed demo identifiers exists yet (a second seed leaves them alone)."""
    emails = {ADMIN["email"], STAFF["email"], SECRETARY["email"], MEMBER["email"]}
    fixed = ({SECRETARY["phone"], MEMBER["phone"]}, {SECRETARY["cccd"], MEMBER["cccd"]},
             {SECRETARY["card_number"], MEMBER["card_number"]})
    return not (emails & used.emails or fixed[0] & used.phones or fixed[1] & used.cccds or fixed[2] & used.cards)


def ward_count(total: int) -> int:
    """About one ward per 55 cells, and at least a few for a small organisation."""
    return max(round(total / MEMBERS_PER_CELL / CELLS_PER_WARD), min(3, max(1, total // 100)))


class Seeder:
    """One seed run: plans ward by ward and streams the rows to the database."""

    def __init__(self, total: int, say: Callable[[str], Any] | None, now: datetime) -> None:
        self.total = total
        self.say = say
        self.rng = random.Random(RANDOM_SEED)
        faker = Faker("vi_VN")
        faker.seed_instance(RANDOM_SEED)
        self.used = _used_identifiers()
        self.demo = _demo_accounts_free(self.used)
        if self.demo:
            for fixed in (SECRETARY, MEMBER):
                self.used.phones.add(fixed["phone"])
                self.used.cccds.add(fixed["cccd"])
                self.used.cards.add(fixed["card_number"])
        self.wards = ward_names(ward_count(total), self.rng)
        city_wards = tuple(f"{prefix} {name}" for prefix, name in REAL_WARDS)
        self.places = Places.build(faker, city_wards)
        self.people = PeopleFactory(self.rng, self.places, local_today(now), self.used)
        self.writer = BulkWriter()
        self.report = SeedReport()
        self.now = now
        self.password_hash = hash_password(DEMO_PASSWORD) if self.demo else None
        # the generated members' activated accounts: one hash of a random password nobody knows, made once
        self.unknown_hash = hash_password(secrets.token_urlsafe(32))
        # a second stream for what came later (retirees, accounts), so the earlier rows stay as they were
        self.extra = random.Random(RANDOM_SEED + 1)
        self.demo_ward = False
        self.staff_number = 0
        self.committed_members = 0
        # Codes as org.codes makes them: DN, DN-01, DN-01-03…; unique among those already stored.
        self.codes_taken = set(db.session.scalars(select(Organisation.code).where(Organisation.code.is_not(None))))
        self.children: dict[int, int] = {}

    # the run ----------------------------------------------------------------------------------------
    def run(self) -> SeedReport:
        """Create everything; commits once for a small seed, every tenth or so for a large one."""
        if self.say:
            self.say(f"Đang tạo dữ liệu mẫu (hư cấu): {thousands(self.total)} đảng viên trong {len(self.wards)} "
                     "đảng bộ xã, phường…")
        city = self.org(CITY_NAME, OrgKind.DANG_BO_TINH, None)
        self.committee_staff(city)
        if self.demo:
            self.user(ADMIN["email"], None, ADMIN["display_name"], self.password_hash, is_admin=True)
        budgets = ward_budgets(self.total, len(self.wards), self.rng, first_min=60 if self.demo else 0)
        for index, (ward, budget) in enumerate(zip(self.wards, budgets, strict=True)):
            self.emit_ward(ward, budget, city, demo=self.demo and index == 0)
        self.writer.flush()
        self.reset_sequences()
        db.session.commit()
        return self.report

    def emit_ward(self, ward: Ward, budget: int, city: OrgRef, demo: bool) -> None:
        """Plan one ward, queue its rows, and flush or commit when enough has piled up."""
        plan = plan_ward(ward, budget, self.rng, self.places.streets, demo=demo)
        self.demo_ward = demo
        ward_ref = self.emit(plan, city, ward)
        self.committee_staff(ward_ref)
        if demo:
            staff = self.user(STAFF["email"], None, STAFF["display_name"], self.password_hash)
            self.position(staff, ward_ref, Role.CAN_BO)
        if self.writer.pending(Member) >= BATCH_ROWS:
            self.writer.flush()
        if self.say and self.report.members - self.committed_members >= max(BATCH_ROWS, self.total // 10):
            self.writer.flush()
            db.session.commit()
            self.committed_members = self.report.members
            self.say(f"Đã tạo {thousands(self.report.members)}/{thousands(self.total)} đảng viên")

    def emit(self, node: OrgNode, parent: OrgRef, ward: Ward) -> OrgRef:
        """Queue `node` and everything below it; returns the node's reference."""
        ref = self.org(node.name, node.kind, parent, node.unit_type)
        if node.is_cell:
            self.cell(node, ref, ward)
        for child in node.children:
            self.emit(child, ref, ward)
        return ref

    # rows -------------------------------------------------------------------------------------------
    def org(self, name: str, kind: OrgKind, parent: OrgRef | None, unit_type: UnitType | None = None) -> OrgRef:
        """Queue an organisation with its materialised path and its unit type."""
        if parent is None:
            code = unique(abbreviation(name), self.codes_taken)
        else:
            self.children[parent.id] = number = self.children.get(parent.id, 0) + 1
            code = unique(child_code(parent.code, number), self.codes_taken)
        row = {"name": name, "name_key": name_key(name), "kind": kind, "parent_id": parent.id if parent else None,
               "path": "", "depth": parent.depth + 1 if parent else 0, "created_at": self.now, "code": code,
               "unit_type": unit_type}
        org_id = self.writer.add(Organisation, row)
        row["path"] = f"{parent.path if parent else '/'}{org_id}/"
        self.report.organisations += 1
        self.report.cells += kind in (OrgKind.CHI_BO, OrgKind.CHI_BO_CO_SO)
        return OrgRef(org_id, row["path"], row["depth"], code)

    def user(self, email: str | None, phone: str | None, name: str, password_hash: str | None,
             is_admin: bool = False, last_login_at: datetime | None = None, app_seen_at: datetime | None = None,
             created_at: datetime | None = None) -> int:
        """Queue an account; returns its id."""
        self.report.users += 1
        return self.writer.add(User, {
            "email": email, "phone": phone, "display_name": name, "password_hash": password_hash,
            "is_admin": is_admin, "is_active_account": True, "locale": None, "created_at": created_at or self.now,
            "last_login_at": last_login_at, "app_seen_at": app_seen_at,
        })

    def member_account(self, row: dict[str, Any], activated: bool) -> int:
        """A generated member's account on their phone: activated ones hold the seed's unknown password, signed in
        within the last 200 days (most within weeks) and some opened the installed app since."""
        if not activated:
            return self.user(None, row["phone"], row["full_name"], None)
        extra = self.extra
        login = self.now - timedelta(days=min(200.0, extra.expovariate(1 / 40)), minutes=extra.randrange(1440))
        seen = login + timedelta(minutes=extra.randrange(1, 600)) if extra.random() < 0.45 else None
        created = login - timedelta(days=extra.randint(0, 300))
        return self.user(None, row["phone"], row["full_name"], self.unknown_hash, last_login_at=login,
                         app_seen_at=min(seen, self.now) if seen else None, created_at=min(created, self.now))

    def position(self, user_id: int, org: OrgRef, role: Role) -> None:
        self.report.positions += 1
        self.writer.add(Position, {"user_id": user_id, "organisation_id": org.id, "role": role,
                                   "scope": Scope.SUBTREE, "created_at": self.now})

    def committee_staff(self, org: OrgRef) -> None:
        """One or two committee staff (cán bộ) with no member record, to be activated later."""
        for _ in range(self.rng.randint(1, 2)):
            self.staff_number += 1
            email = f"canbo.{self.staff_number}@demo.vn"
            while email in self.used.emails:
                self.staff_number += 1
                email = f"canbo.{self.staff_number}@demo.vn"
            gender = Gender.NU if self.rng.random() < 0.5 else Gender.NAM
            name = self.people.full_name(gender, self.rng.randint(1970, 1995))
            self.position(self.user(email, None, name, None), org, Role.CAN_BO)

    # cells ------------------------------------------------------------------------------------------
    def cell(self, node: OrgNode, cell: OrgRef, ward: Ward) -> None:
        """Queue the cell's tổ đảng, members, leaders' accounts and positions, and the members' own accounts."""
        groups = [self.org(f"Tổ đảng số {k}", OrgKind.TO_DANG, cell, node.unit_type).id
                  for k in range(1, node.groups + 1)]
        roles = leader_roles(node.size, self.rng)
        reach = 0.5 if node.demo else cell_reach(self.extra)
        retirees = self.retirees(node, len(roles))
        for index in range(node.size):
            row = self.people.member(node.profile, node.place, leader=index < len(roles), village=ward.is_village,
                                     employer=node.employer)
            if index in retirees and row["status"] is MemberStatus.CHINH_THUC:
                self.people.retire(row, self.extra)
            user_id = None
            if node.demo and index in (0, len(roles)):
                user_id = self.demo_member(row, SECRETARY if index == 0 else MEMBER)
            elif index < len(roles):
                user_id = self.member_account(row, self.extra.random() < min(1.0, reach + 0.3))
            elif row["phone"] and row["status"] in ACCOUNT_STATUSES and self.extra.random() < reach:
                user_id = self.member_account(row, self.extra.random() < 0.9)
            if index < len(roles):
                self.position(user_id, cell, roles[index])
            meets = row["status"] not in (MemberStatus.CHUYEN_DI, MemberStatus.DA_MAT)
            row.update(user_id=user_id, cell_id=cell.id, group_id=groups[index % len(groups)] if groups and meets
                       else None, created_at=self.now, updated_at=self.now)
            self.writer.add(Member, row)
            self.report.members += 1

    def retirees(self, node: OrgNode, leaders: int) -> set[int]:
        """Indexes of the members of an agency, school or clinic cell who retired and still meet there: in every such
        cell of the demo ward, in some elsewhere (none among the leaders)."""
        if node.profile not in WORKPLACES or node.size <= leaders + 2:
            return set()
        if not self.demo_ward and self.extra.random() >= RETIREE_CELLS:
            return set()
        return set(self.extra.sample(range(leaders + 1, node.size), self.extra.randint(1, 2)))

    def demo_member(self, row: dict[str, Any], fixed: dict[str, Any]) -> int:
        """Turn a generated row into a fixed demo member with a working login; returns the user id."""
        row.update({key: value for key, value in fixed.items() if key in row})
        row.update(status=MemberStatus.CHINH_THUC, official_date=add_years(fixed["admission_date"], 1),
                   ethnicity="Kinh", religion="Không")
        return self.user(fixed["email"], fixed["phone"], fixed["full_name"], self.password_hash)

    def reset_sequences(self) -> None:
        """On PostgreSQL, move each id sequence past the ids assigned here."""
        if db.engine.dialect.name != "postgresql":
            return
        for model in TABLES:
            table = model.__tablename__
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) "
                                    f"FROM {table} HAVING max(id) IS NOT NULL"))


ACCOUNT_STATUSES = (MemberStatus.CHINH_THUC, MemberStatus.DU_BI, MemberStatus.MIEN_SINH_HOAT, MemberStatus.TAM_MIEN)


def cell_reach(rng: random.Random) -> float:
    """The share of a cell's members who have an account: a few cells hardly any, the rest from a fifth to most."""
    if rng.random() < 0.08:
        return rng.uniform(0.0, 0.06)
    return rng.uniform(0.2, 0.9)


def leader_roles(size: int, rng: random.Random) -> list[Role]:
    """Bí thư; from nine members also a phó bí thư and one to three chi ủy viên."""
    if size < 9:
        return [Role.BI_THU]
    return [Role.BI_THU, Role.PHO_BI_THU] + [Role.CAP_UY_VIEN] * rng.randint(1, 3)

"""Demo admissions, useful on any day of the year: the demo cell's candidates at every stage of the file (a few
past their deadlines), probationary members before and after the end of their probation, one recognised, and
in the ward around it this year's and earlier years' admissions with the ward's targets — all dated back from
`today` in working days, so every deadline the pages compute is a real one. Everything goes through the
feature's services, so the demo obeys the same rules as a cell leader does."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from handbook.admission import candidates, dossier, probation, reviews, targets
from handbook.admission.models import Candidate, GeneralEducation, OccupationGroup, ProfessionalLevel, Source
from handbook.admission.steps import ADMISSION, phase_steps
from handbook.audit.service import Actor
from handbook.auth.models import User
from handbook.core.timeutil import local_today
from handbook.core.workdays import working_days_before
from handbook.extensions import db
from handbook.members.models import Gender, Member, MemberStatus
from handbook.org.models import CELL_KINDS, Organisation, OrgKind

NAMES = (("Lê Thị Thu Hà", Gender.NU), ("Phan Minh Khôi", Gender.NAM), ("Võ Ngọc Ánh", Gender.NU),
         ("Đặng Quốc Huy", Gender.NAM), ("Huỳnh Thị Mỹ Duyên", Gender.NU), ("Bùi Đức Thắng", Gender.NAM),
         ("Trương Thị Kim Ngân", Gender.NU), ("Ngô Thanh Tùng", Gender.NAM), ("A Lăng Thị Hoa", Gender.NU),
         ("Hồ Văn Lợi", Gender.NAM), ("Nguyễn Hoàng Bảo Trâm", Gender.NU), ("Lý Gia Hân", Gender.NU),
         ("Đỗ Minh Nhật", Gender.NAM), ("Phạm Thị Yến Nhi", Gender.NU), ("Trần Quang Vinh", Gender.NAM),
         ("Zơ Râm Thị Liên", Gender.NU), ("Mai Xuân Phúc", Gender.NAM), ("Cao Thị Thanh Tâm", Gender.NU),
         ("Dương Văn Khải", Gender.NAM), ("Tô Thị Bích Phượng", Gender.NU), ("Lâm Quốc Trung", Gender.NAM),
         ("Vũ Thị Hải Yến", Gender.NU), ("Tạ Minh Đức", Gender.NAM), ("Châu Thị Ngọc Hân", Gender.NU),
         ("Kiều Văn Sơn", Gender.NAM), ("Lưu Thị Diễm My", Gender.NU), ("Quách Gia Bảo", Gender.NAM),
         ("Thái Thị Minh Thư", Gender.NU), ("La Văn Hậu", Gender.NAM), ("Ông Thị Kim Oanh", Gender.NU))
# (ethnicity, religion, occupation group, professional level, source) — the mix committees report by
PROFILES = (("Kinh", None, OccupationGroup.VIEN_CHUC, ProfessionalLevel.DAI_HOC, Source.DOAN_THANH_NIEN),
            ("Kinh", "Công giáo", OccupationGroup.DN_TU_NHAN, ProfessionalLevel.CAO_DANG, Source.CONG_DOAN),
            ("Cơ Tu", None, OccupationGroup.NONG_DAN, ProfessionalLevel.KHONG, Source.HOI_NONG_DAN),
            ("Kinh", "Phật giáo", OccupationGroup.CONG_CHUC, ProfessionalLevel.THAC_SI, Source.HOI_PHU_NU),
            ("Kinh", None, OccupationGroup.HOC_SINH_SINH_VIEN, ProfessionalLevel.DAI_HOC, Source.HOI_SINH_VIEN),
            ("Kinh", None, OccupationGroup.DN_FDI, ProfessionalLevel.TRUNG_CAP, Source.CONG_DOAN),
            ("Kinh", None, OccupationGroup.LUC_LUONG_VU_TRANG, ProfessionalLevel.DAI_HOC, Source.DOAN_THANH_NIEN),
            ("Kinh", None, OccupationGroup.CONG_NHAN, ProfessionalLevel.SO_CAP, Source.CONG_DOAN),
            ("Kinh", None, OccupationGroup.VIEN_CHUC, ProfessionalLevel.TIEN_SI, Source.KHAC))
# the file's steps up to the cell's resolution, each this many working days after the one before
GAPS = {"awareness": 0, "application": 10, "background": 5, "verification": 25, "youth_union": 3,
        "introducers": 2, "org_comments": 5, "residence_comments": 3, "cell_resolution": 10}


class DemoAdmissions:
    """Builds the demo's files as seen on `today`, signed by the cell's secretary."""

    def __init__(self, cell: Organisation, secretary: User, today: date, rng: random.Random):
        self.cell, self.today, self.rng = cell, today, rng
        self.actor = Actor(user_id=secretary.id, ip=None)
        self.seq = 0
        self.members = 0  #: member records the ceremonies created
        self.officials = list(db.session.scalars(
            select(Member).where(Member.cell_id == cell.id, Member.status == MemberStatus.CHINH_THUC)
            .order_by(Member.admission_date, Member.id).limit(3)))

    # a candidate and the steps of their file ------------------------------------------------------------
    def candidate(self, cell: Organisation | None = None, *, youth: bool = True) -> Candidate:
        name, gender = NAMES[self.seq % len(NAMES)]
        ethnicity, religion, group, level, source = PROFILES[self.seq % len(PROFILES)]
        self.seq += 1
        birth = self.today - relativedelta(years=22 + self.rng.randrange(14), days=self.rng.randrange(365))
        raw = {"full_name": name, "birth_date": birth.isoformat(), "gender": gender.value, "ethnicity": ethnicity,
               "religion": religion or "", "cccd": self._cccd(gender, birth),
               "general_education": GeneralEducation.THPT.value, "professional_level": level.value,
               "occupation_group": group.value, "youth_union": youth and birth.year >= self.today.year - 30,
               "source": source.value, "residence": f"Tổ {1 + self.seq % 40}, khu dân cư số {1 + self.seq % 9}"}
        created, _warnings = candidates.create_candidate(cell or self.cell, raw, self.actor, today=self.today)
        return created

    def _cccd(self, gender: Gender, birth: date) -> str:
        head = f"048{(0 if birth.year < 2000 else 2) + (gender is Gender.NU)}{birth.year % 100:02d}"
        while True:
            number = f"{head}{self.rng.randrange(1_000_000):06d}"
            taken = db.session.scalar(select(Member.id).where(Member.cccd == number)) or db.session.scalar(
                select(Candidate.id).where(Candidate.cccd == number))
            if taken is None:
                return number

    def file_until(self, candidate: Candidate, last: str, on: date, *, open_step: str | None = None) -> None:
        """Record the admission steps up to `last` (included) so that `last` is dated `on`; `open_step` (the next
        one) is marked under way."""
        codes = [step.code for step in phase_steps(ADMISSION) if step.code in GAPS]
        if not candidate.youth_union:
            codes.remove("youth_union")
        codes = codes[:codes.index(last) + 1]
        day, dates = on, {}
        for code in reversed(codes):
            dates[code] = day
            day = working_days_before(day, GAPS[code] or 1)
        for code in codes:
            if code == "introducers":
                self.introduce(candidate, dates[code])
            self.step(candidate, code, dates[code])
        if open_step:
            self.step(candidate, open_step, None, "dang_lam")

    def introduce(self, candidate: Candidate, signed_on: date) -> None:
        for member in self.officials[: 1 if candidate.youth_union else 2]:
            dossier.add_introducer(candidate, member, known_since=signed_on - relativedelta(years=3),
                                   signed_on=signed_on, actor=self.actor, today=self.today)

    def decided(self, candidate: Candidate, cell_resolution: date, decision: date) -> None:
        """Everything to the decision: the cell's resolution, the grassroots committee's, the decision."""
        self.file_until(candidate, "cell_resolution", cell_resolution)
        grassroots = min(decision, working_days_before(decision, 5)) if decision > cell_resolution else decision
        grassroots = max(grassroots, cell_resolution)
        for code, day in (("grassroots_resolution", grassroots), ("decision", decision)):
            dossier.record_step(candidate, code, status="xong", done_on=day, number=f"{self.seq:02d}-QĐ/ĐU"
                                if code == "decision" else None, responsible=None, note=None, upload=None,
                                actor=self.actor, today=self.today)

    def admitted(self, candidate: Candidate, held_on: date, sponsor: Member | None = None) -> Candidate:
        decision = working_days_before(held_on, 8)
        self.decided(candidate, working_days_before(decision, 30), decision)
        probation.hold_ceremony(candidate, held_on=held_on, sponsor=sponsor or self.officials[-1],
                                actor=self.actor, today=self.today)  # into the sponsor's tổ đảng, if any
        self.members += 1
        return candidate

    def recognised(self, candidate: Candidate) -> None:
        """The recognition's forms around the end of the probation, the decision two weeks after it."""
        end = candidate.admitted_on + relativedelta(months=12)
        for code, day in (("self_review", working_days_before(end, 5)),
                          ("sponsor_comments", working_days_before(end, 4)),
                          ("recog_org_comments", working_days_before(end, 3)),
                          ("recog_residence_comments", working_days_before(end, 3)),
                          ("recog_cell_resolution", end), ("recog_grassroots_resolution", end + timedelta(days=7))):
            self.step(candidate, code, day)
        probation.recognise(candidate, decided_on=end + timedelta(days=14), number=f"{100 + self.seq}-QĐ/ĐU",
                            actor=self.actor, today=self.today)

    def step(self, candidate: Candidate, code: str, day: date | None, status: str = "xong") -> None:
        dossier.record_step(candidate, code, status=status, done_on=day, number=None, responsible=None, note=None,
                            upload=None, actor=self.actor, today=self.today)


def seed_demo_admission(secretary_email: str, member_email: str, now: datetime, seed: int = 2026) -> int:
    """The demo's admission files as seen at `now`; returns how many member records their ceremonies created."""
    today = local_today(now)
    secretary = db.session.scalar(select(User).where(User.email == secretary_email))
    if secretary is None:
        return 0
    cell = db.session.scalar(select(Organisation).join(Member, Member.cell_id == Organisation.id)
                             .where(Member.user_id == secretary.id))
    sponsor = db.session.scalar(select(Member).join(User, User.id == Member.user_id)
                                .where(User.email == member_email))
    demo = DemoAdmissions(cell, secretary, today, random.Random(seed))
    if len(demo.officials) < 2:
        return 0
    _demo_cell(demo, sponsor if sponsor is not None and sponsor.cell_id == cell.id else None)
    _ward(demo, cell)
    return demo.members


def _demo_cell(demo: DemoAdmissions, sponsor: Member | None) -> None:
    """One file at each stage in the demo cell, two of them overdue, one stale, and the list reviewed."""
    today = demo.today
    demo.file_until(demo.candidate(), "awareness", today - timedelta(days=20), open_step="application")
    demo.file_until(demo.candidate(), "application", working_days_before(today, 15), open_step="background")
    demo.file_until(demo.candidate(), "background", working_days_before(today, 20), open_step="verification")
    demo.file_until(demo.candidate(youth=False), "residence_comments", working_days_before(today, 3))
    waiting = demo.candidate()  # the cell resolved; the grassroots committee too; the decision is within its time
    demo.file_until(waiting, "cell_resolution", working_days_before(today, 20))
    demo.step(waiting, "grassroots_resolution", working_days_before(today, 8))
    late = demo.candidate()  # past the 60 working days without a decision
    demo.file_until(late, "cell_resolution", working_days_before(today, 66))
    demo.decided(demo.candidate(), working_days_before(today, 50), working_days_before(today, 26))  # ceremony soon
    stale = demo.candidate(youth=False)  # applied over a year ago, never considered
    demo.file_until(stale, "verification", today - relativedelta(months=13))
    # probation: ending in three weeks (the sponsor is the demo member), ended ten days ago, recognised
    near = demo.admitted(demo.candidate(), today - relativedelta(months=12) + timedelta(days=21), sponsor)
    ended = demo.admitted(demo.candidate(), today - relativedelta(months=12, days=10))
    for code in ("self_review", "sponsor_comments"):
        demo.step(ended, code, working_days_before(today, 2))
    demo.recognised(demo.admitted(demo.candidate(), today - relativedelta(months=14)))
    demo.admitted(demo.candidate(), max(date(today.year, 1, 1), today - timedelta(days=40)))  # this year's
    probation.write_note(near, "Tích cực tham gia sinh hoạt chi bộ và phong trào khu dân cư; cần đọc thêm Điều lệ.",
                         demo.actor, today=today)
    reviews.record_review(demo.cell, today - timedelta(days=today.day - 1) if today.day > 1 else today,
                          "Rà soát danh sách quần chúng ưu tú tại cuộc họp chi bộ.", demo.actor, today=today)


def _ward(demo: DemoAdmissions, cell: Organisation) -> None:
    """Admissions this year and in earlier years in the ward's other cells, and the ward's targets."""
    today = demo.today
    ward = db.session.scalar(select(Organisation).where(
        Organisation.id.in_([int(part) for part in cell.path.strip("/").split("/")]),
        Organisation.kind == OrgKind.DANG_BO_XA))
    if ward is None:
        return
    size = select(func.count(Member.id)).where(Member.cell_id == Organisation.id).scalar_subquery()
    others = list(db.session.scalars(  # cells that stay below the size where a cell splits into tổ đảng
        select(Organisation).where(Organisation.path.startswith(ward.path), Organisation.kind.in_(CELL_KINDS),
                                   Organisation.id != cell.id, size < 26).order_by(Organisation.id).limit(6)))
    start = date(today.year, 1, 1)
    for index, other in enumerate(others):
        officials = list(db.session.scalars(select(Member).where(
            Member.cell_id == other.id, Member.status == MemberStatus.CHINH_THUC).order_by(Member.id).limit(2)))
        if len(officials) < 2:
            continue
        helper = DemoAdmissions(other, db.session.get(User, demo.actor.user_id), today, demo.rng)
        helper.seq, helper.members = demo.seq, demo.members
        # this year's ceremonies, the earliest no sooner than 1 January (on 1 January: today)
        span = max((today - start).days, 0)
        helper.admitted(helper.candidate(), start + timedelta(days=span * (index + 1) // (len(others) + 1)))
        helper.recognised(helper.admitted(helper.candidate(), today - relativedelta(years=1, days=30 * (index + 1))))
        demo.seq, demo.members = helper.seq, helper.members
    below = db.session.scalars(select(Organisation.id).where(Organisation.parent_id == ward.id,
                                                             Organisation.dissolved_on.is_(None))).all()
    for year in (today.year - 1, today.year):
        children = {org_id: 1 + (org_id + year) % 3 for org_id in below}
        targets.set_targets(ward, year, {ward.id: sum(children.values()) + 2, **children}, demo.actor, today=today)

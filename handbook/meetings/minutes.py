"""What a meeting leaves behind: minutes (revisioned), resolutions, votes."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, exists, select

from handbook.audit import service as audit
from handbook.audit.service import Actor
from handbook.core.i18n import gettext as _
from handbook.core.rows import column_rows
from handbook.extensions import db
from handbook.meetings.attendance import invitees, is_temporary
from handbook.meetings.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingStatus,
    MinutesRevision,
    Resolution,
    Vote,
)
from handbook.meetings.scheduling import mark_held
from handbook.meetings.validation import MeetingError
from handbook.members.models import MemberStatus

MAX_TEXT = 100_000


def _audit(action: str, meeting: Meeting, by_user_id: int | None, actor: Actor | None, **details) -> None:
    """One audit row in the change's transaction; the view passes its actor (with the address)."""
    audit.record(action, actor if actor is not None else Actor(user_id=by_user_id), target_type="meeting",
                 target_id=meeting.id, **details)


def save_minutes(meeting: Meeting, body: str, author_id: int, *, actor: Actor | None = None) -> MinutesRevision:
    """A new revision of the minutes (audited); the same text again changes nothing."""
    body = (body or "").strip()
    if not body:
        raise MeetingError(_("Biên bản không được để trống."))
    if len(body) > MAX_TEXT:
        raise MeetingError(_("Biên bản quá dài (tối đa 100.000 ký tự)."))
    if meeting.status is MeetingStatus.CANCELLED:
        raise MeetingError(_("Buổi họp đã bị hủy."))
    latest = current_minutes(meeting)
    if latest is not None and latest.body == body:
        return latest
    revision = MinutesRevision(meeting_id=meeting.id, body=body, author_id=author_id)
    db.session.add(revision)
    mark_held(meeting)
    db.session.flush()
    _audit("meeting.minutes", meeting, author_id, actor, revision_id=revision.id)
    db.session.commit()
    return revision


def minutes_history(meeting: Meeting) -> list[MinutesRevision]:
    return list(db.session.scalars(
        select(MinutesRevision).where(MinutesRevision.meeting_id == meeting.id)
        .order_by(MinutesRevision.created_at.desc(), MinutesRevision.id.desc())
    ))


# a meeting's records (the meeting page, the minutes page, the outcome check): built once, a request binds the id
# (benchmarks/load.py)
_MEETING_ID = bindparam("meeting_id")
_CURRENT_MINUTES = (select(MinutesRevision).where(MinutesRevision.meeting_id == _MEETING_ID)
                    .order_by(MinutesRevision.id.desc()).limit(1))
_RESOLUTIONS = select(Resolution).where(Resolution.meeting_id == _MEETING_ID).order_by(Resolution.id)
_VOTES = select(Vote).where(Vote.meeting_id == _MEETING_ID).order_by(Vote.id)


def current_minutes(meeting: Meeting) -> MinutesRevision | None:
    return db.session.scalar(_CURRENT_MINUTES, {"meeting_id": meeting.id})


def add_resolution(meeting: Meeting, title: str, body: str, by_user_id: int, *,
                   actor: Actor | None = None) -> Resolution:
    title, body = (title or "").strip(), (body or "").strip()
    if not title or not body:
        raise MeetingError(_("Nghị quyết cần có tiêu đề và nội dung."))
    if len(title) > 300 or len(body) > MAX_TEXT:
        raise MeetingError(_("Tiêu đề tối đa 300 ký tự, nội dung tối đa 100.000 ký tự."))
    resolution = Resolution(meeting_id=meeting.id, title=title, body=body, created_by_id=by_user_id)
    db.session.add(resolution)
    db.session.flush()
    _audit("meeting.resolution", meeting, by_user_id, actor, resolution_id=resolution.id)
    db.session.commit()
    return resolution


def resolutions(meeting: Meeting) -> list[Resolution]:
    return list(db.session.scalars(_RESOLUTIONS, {"meeting_id": meeting.id}))


@dataclass
class Outcome:
    """What the meeting page shows of the records: that minutes exist (their text is on the minutes page), the
    resolutions and the votes."""

    has_minutes: bool
    resolutions: list[Resolution]
    votes: list[Vote]


_PRESENT = select(exists().where(MinutesRevision.meeting_id == _MEETING_ID),
                  exists().where(Resolution.meeting_id == _MEETING_ID),
                  exists().where(Vote.meeting_id == _MEETING_ID))


def outcome(meeting: Meeting) -> Outcome:
    """One query says which kinds of record exist (for a meeting still ahead: none), then one per kind that does."""
    has_minutes, has_resolutions, has_votes = column_rows(_PRESENT, {"meeting_id": meeting.id}).one()
    return Outcome(bool(has_minutes), resolutions(meeting) if has_resolutions else [],
                   votes(meeting) if has_votes else [])


@dataclass
class VoteTally:
    entitled_ids: list[int]   # official members (dự bị members do not vote; exempt ones are not counted)
    present_ids: list[int]

    @property
    def entitled(self) -> int:
        return len(self.entitled_ids)

    @property
    def present(self) -> int:
        return len(self.present_ids)

    @property
    def quorum(self) -> int:
        """More than half of the voting members must be present."""
        return self.entitled // 2 + 1

    def needed(self, rule: str) -> int:
        """Votes in favour needed: more than half, or two thirds, of the voting members."""
        return -(-2 * self.entitled // 3) if rule == "two_thirds" else self.entitled // 2 + 1


def tally(meeting: Meeting) -> VoteTally:
    present = set(db.session.scalars(select(Attendance.member_id).where(
        Attendance.meeting_id == meeting.id, Attendance.status == AttendanceStatus.CO_MAT)))
    entitled = sorted(m.id for m in invitees(meeting)
                      if m.status is MemberStatus.CHINH_THUC and not is_temporary(meeting, m))
    return VoteTally(entitled, [i for i in entitled if i in present])


def record_vote(meeting: Meeting, question: str, counts: tuple[int, int, int], rule: str, by_user_id: int,
                agenda_item_id: int | None = None, *, actor: Actor | None = None) -> Vote:
    question = (question or "").strip()
    if not question or len(question) > 300:
        raise MeetingError(_("Nội dung biểu quyết cần có, tối đa 300 ký tự."))
    if rule not in ("half", "two_thirds"):
        raise MeetingError(_("Tỷ lệ thông qua không hợp lệ."))
    if any(c < 0 for c in counts):
        raise MeetingError(_("Số phiếu không được âm."))
    if agenda_item_id is not None and agenda_item_id not in {a.id for a in meeting.agenda}:
        raise MeetingError(_("Nội dung chương trình không thuộc buổi họp này."))
    t = tally(meeting)
    if sum(counts) > t.present:
        raise MeetingError(_("Tổng số phiếu (%(total)d) vượt quá số đảng viên chính thức có mặt (%(present)d).",
                             total=sum(counts), present=t.present))
    quorum_met = t.present >= t.quorum
    vote = Vote(
        meeting_id=meeting.id, agenda_item_id=agenda_item_id, question=question, rule=rule,
        for_count=counts[0], against_count=counts[1], abstain_count=counts[2],
        entitled_count=t.entitled, present_count=t.present, entitled_member_ids=t.entitled_ids,
        quorum_met=quorum_met, passed=quorum_met and counts[0] >= t.needed(rule), recorded_by_id=by_user_id,
    )
    db.session.add(vote)
    db.session.flush()
    _audit("meeting.vote", meeting, by_user_id, actor, vote_id=vote.id)
    db.session.commit()
    return vote


def votes(meeting: Meeting) -> list[Vote]:
    return list(db.session.scalars(_VOTES, {"meeting_id": meeting.id}))

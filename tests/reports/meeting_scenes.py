"""Meetings and their records written straight to the database, for the meeting reports' tests."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from handbook.extensions import db
from handbook.meetings.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingDocument,
    MeetingKind,
    MeetingStatus,
    MinutesRevision,
    Vote,
)

PRESENT, EXCUSED, UNEXCUSED, EXEMPT = (AttendanceStatus.CO_MAT, AttendanceStatus.VANG_CO_LY_DO,
                                       AttendanceStatus.VANG_KHONG_LY_DO, AttendanceStatus.MIEN)


def local(year: int, month: int, day: int, hour: int = 19, minute: int = 30) -> datetime:
    """A wall-clock time in Hà Nội (UTC+7) as UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC) - timedelta(hours=7)


def meeting(org, starts_at: datetime, *, kind=MeetingKind.THUONG_KY, status=MeetingStatus.HELD, minutes: int = 90,
            combined: bool = False, attendance: dict | None = None, records: bool = False, votes: bool = False,
            documents_at: datetime | None = None) -> Meeting:
    """A meeting; `attendance` {member: status}; `records` adds minutes; `documents_at` a document created then."""
    row = Meeting(organisation_id=org.id, kind=kind, title="Sinh hoạt", starts_at=starts_at,
                  duration_minutes=minutes, combined_thematic=combined, status=status,
                  checkin_secret="JBSWY3DPEHPK3PXP")
    db.session.add(row)
    db.session.flush()
    for member, status_ in (attendance or {}).items():
        db.session.add(Attendance(meeting_id=row.id, member_id=member.id, status=status_, source="leader"))
    if records:
        db.session.add(MinutesRevision(meeting_id=row.id, body="Biên bản"))
    if votes:
        db.session.add(Vote(meeting_id=row.id, question="Thông qua nghị quyết", rule="half", for_count=3,
                            against_count=0, abstain_count=0, entitled_count=3, present_count=3,
                            entitled_member_ids=[], quorum_met=True, passed=True))
    if documents_at is not None:
        db.session.add(MeetingDocument(meeting_id=row.id, title="Dự thảo nghị quyết", link_url="https://example.vn/a",
                                       created_at=documents_at))
    db.session.flush()
    return row

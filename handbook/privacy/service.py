"""Everything held about one signed-in user, in sections of plain rows (Decree 13/2023: the right to access).

Secrets are left out (password hash, push keys, calendar feed tokens, check-in secrets); a device shows
its browser and push service host, not its endpoint.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import aliased

from handbook.audit.models import AuditEvent
from handbook.audit.service import ACTION_LABELS
from handbook.auth.models import User
from handbook.core.i18n import lazy_gettext as _l
from handbook.dues.labels import CATEGORY_LABELS, METHOD_LABELS, RELIEF_LABELS
from handbook.dues.models import Category, DuesPayment, DuesProfile, DuesRelief, Method, ReliefKind
from handbook.evaluation.labels import FORM_LABELS, LEVEL_LABELS
from handbook.evaluation.labels import STATUS_LABELS as ASSESSMENT_LABELS
from handbook.evaluation.models import AssessmentStatus, FormKind, Level, Rating, SelfAssessment
from handbook.exemptions.models import Exemption, ExemptionKind, ExemptionReason, ExemptionStatus
from handbook.exemptions.rules import KIND_LABELS as EXEMPTION_KIND_LABELS
from handbook.exemptions.rules import REASON_LABELS as EXEMPTION_REASON_LABELS
from handbook.exemptions.rules import STATUS_LABELS as EXEMPTION_STATUS_LABELS
from handbook.extensions import db
from handbook.meetings.labels import ATTENDANCE_LABELS
from handbook.meetings.models import Attendance, AttendanceStatus, DocumentRead, Meeting
from handbook.members.labels import (
    CHANGE_FIELD_LABELS,
    GENDER_LABELS,
    OCCUPATION_GROUP_LABELS,
    STATUS_LABELS,
    change_value,
)
from handbook.members.models import Gender, Member, MemberChange, MemberStatus, MemberStatusHistory, OccupationGroup
from handbook.members.move_models import MoveKind, MoveReason, MoveState
from handbook.members.moves import KIND_LABELS, REASON_LABELS, STATE_LABELS, moves_of
from handbook.members.placements import placements_of
from handbook.notify.kinds import KINDS
from handbook.notify.models import Notification, NotificationPreference, PushSubscription
from handbook.regulations.models import Article, Bookmark, ReadMark

MEMBER_FIELDS = ("full_name", "birth_name", "birth_date", "gender", "ethnicity", "religion", "hometown",
                 "residence", "cccd", "phone", "email", "education", "qualification", "political_theory",
                 "foreign_language", "occupation", "admission_date", "official_date", "card_number",
                 "dossier_number", "occupation_group", "status", "created_at", "updated_at")


LABELS = {
    "email": _l("Thư điện tử"), "phone": _l("Số điện thoại"), "display_name": _l("Tên hiển thị"),
    "locale": _l("Ngôn ngữ"), "created_at": _l("Tạo lúc"), "last_login_at": _l("Đăng nhập gần nhất"),
    "app_seen_at": _l("Mở ứng dụng đã cài gần nhất"), "occupation_group": _l("Nhóm nghề nghiệp"),
    "first_read_at": _l("Mở tài liệu lần đầu lúc"),
    "full_name": _l("Họ và tên"), "birth_name": _l("Họ tên khai sinh"), "birth_date": _l("Ngày sinh"),
    "gender": _l("Giới tính"), "ethnicity": _l("Dân tộc"), "religion": _l("Tôn giáo"), "hometown": _l("Quê quán"),
    "residence": _l("Nơi ở"), "cccd": _l("Số CCCD"), "education": _l("Giáo dục phổ thông"),
    "qualification": _l("Chuyên môn"), "political_theory": _l("Lý luận chính trị"),
    "foreign_language": _l("Ngoại ngữ"), "occupation": _l("Nghề nghiệp"), "admission_date": _l("Ngày vào Đảng"),
    "official_date": _l("Ngày chính thức"), "card_number": _l("Số thẻ đảng viên"), "dossier_number": _l("Số lý lịch"),
    "status": _l("Trạng thái"), "updated_at": _l("Cập nhật lúc"), "cell": _l("Chi bộ"), "group": _l("Tổ đảng"),
    "photo": _l("Có ảnh"), "from_date": _l("Từ ngày"), "reason": _l("Lý do"), "recorded_at": _l("Ghi lúc"),
    "field": _l("Mục"), "old_value": _l("Giá trị cũ"), "new_value": _l("Giá trị mới"), "changed_at": _l("Sửa lúc"),
    "month": _l("Tháng"), "amount": _l("Số tiền (đồng)"), "expected": _l("Phải đóng (đồng)"),
    "method": _l("Hình thức nộp"), "reference": _l("Mã giao dịch"), "paid_on": _l("Ngày nộp"),
    "from_month": _l("Từ tháng"), "to_month": _l("Đến tháng"), "category": _l("Đối tượng"),
    "base_amount": _l("Số tiền làm căn cứ (đồng)"), "percent": _l("Mức giảm (%)"),
    "set_at": _l("Đặt lúc"),
    "meeting": _l("Buổi sinh hoạt"), "starts_at": _l("Bắt đầu"), "source": _l("Nguồn"),
    "checked_in_at": _l("Điểm danh lúc"), "action": _l("Thao tác"), "by": _l("Người thực hiện"), "at": _l("Lúc"),
    "title": _l("Tiêu đề"), "body": _l("Nội dung"), "url": _l("Liên kết"), "read_at": _l("Đọc lúc"),
    "kind": _l("Loại"), "push_enabled": _l("Nhận thông báo đẩy"), "browser": _l("Trình duyệt"),
    "push_service": _l("Dịch vụ thông báo"), "last_success_at": _l("Gửi thành công gần nhất"),
    "article": _l("Điều khoản"),
    "starts_on": _l("Từ ngày"), "until": _l("Đến hết ngày"), "detail": _l("Trình bày thêm"),
    "requested_at": _l("Đề nghị lúc"), "decision_number": _l("Số quyết định, nghị quyết, giấy giới thiệu"),
    "decision_date": _l("Ngày quyết định, nghị quyết"),
    "refusal_reason": _l("Lý do không chấp thuận"), "ended_on": _l("Trở lại sinh hoạt từ ngày"),
    "year": _l("Năm"), "organisation": _l("Tổ chức đảng"), "form": _l("Mẫu bản tự kiểm điểm"),
    "proposed_level": _l("Tự nhận mức xếp loại"), "answers": _l("Nội dung bản tự kiểm điểm"),
    "submitted_at": _l("Nộp lúc"), "score": _l("Điểm"), "level": _l("Mức xếp loại"),
    "decided_on": _l("Ngày quyết định"), "note": _l("Nhận xét"),
    "to_date": _l("Đến ngày"),
    "destination_name": _l("Nơi chuyển đến"), "change_day": _l("Ngày có sự thay đổi"),
    "letter_number": _l("Số giấy giới thiệu"),
    "letter_day": _l("Ngày ký giấy giới thiệu"), "present_by": _l("Hạn xuất trình"),
    "received_day": _l("Ngày tiếp nhận"), "from_cell": _l("Chi bộ chuyển đi"),
}


# Coded values in words. Enums by their type (two StrEnums may share a value), the rest by section and column.
ENUM_LABELS = {MemberStatus: STATUS_LABELS, Gender: GENDER_LABELS, AttendanceStatus: ATTENDANCE_LABELS,
               OccupationGroup: OCCUPATION_GROUP_LABELS, ExemptionKind: EXEMPTION_KIND_LABELS,
               ExemptionReason: EXEMPTION_REASON_LABELS, ExemptionStatus: EXEMPTION_STATUS_LABELS,
               Level: LEVEL_LABELS, FormKind: FORM_LABELS, AssessmentStatus: ASSESSMENT_LABELS,
               MoveKind: KIND_LABELS, MoveReason: REASON_LABELS, MoveState: STATE_LABELS, Category: CATEGORY_LABELS,
               Method: METHOD_LABELS, ReliefKind: RELIEF_LABELS}
SOURCE_LABELS = {"notice": _l("Tự báo vắng"), "code": _l("Tự điểm danh bằng mã"),
                 "online": _l("Tự điểm danh trực tuyến"), "leader": _l("Chi ủy điểm danh")}
LANGUAGE_NAMES = {"vi": _l("Tiếng Việt"), "en": _l("Tiếng Anh")}


@dataclass
class Section:
    key: str
    title: str
    rows: list[dict] = field(default_factory=list)

    def labels(self, row: dict) -> dict[str, str]:
        """The Vietnamese words for the row's coded values, by column (only the columns that hold codes)."""
        found = {}
        for name, value in row.items():
            words = None
            if isinstance(value, enum.Enum) and type(value) in ENUM_LABELS:
                words = ENUM_LABELS[type(value)].get(value)
            elif not isinstance(value, str):
                continue
            elif name == "locale":
                words = LANGUAGE_NAMES.get(value)
            elif self.key == "attendance" and name == "source":
                words = SOURCE_LABELS.get(value)
            elif self.key == "record_changes" and name == "field":
                words = CHANGE_FIELD_LABELS.get(value)
            elif self.key == "record_changes" and name in ("old_value", "new_value"):
                words = change_value(row["field"], value)
                words = None if words == value else words
            elif self.key == "record_views" and name == "action":
                words = ACTION_LABELS.get(value)
            elif self.key == "notification_preferences" and name == "kind":
                words = KINDS.get(value)
            if words is not None:
                found[name] = str(words)
        return found

    def readable_rows(self) -> list[dict]:
        """The rows for the page: codes replaced by their words (dates stay dates, for the page's filter)."""
        return [{**row, **self.labels(row)} for row in self.rows]

    def export_rows(self) -> list[dict]:
        """The rows for the download: the codes, each followed by its words in a `…_label` key."""
        rows = []
        for row in self.rows:
            labels = self.labels(row)
            out = {}
            for name, value in row.items():
                out[name] = value
                if name in labels:
                    out[f"{name}_label"] = labels[name]
            rows.append(out)
        return rows


def _row(obj, names) -> dict:
    return {name: getattr(obj, name) for name in names}


def collect(user: User) -> list[Section]:
    member = db.session.scalar(select(Member).where(Member.user_id == user.id))
    sections = [Section("account", str(_l("Tài khoản")), [_row(user, (
        "email", "phone", "display_name", "locale", "created_at", "last_login_at", "app_seen_at"))])]
    if member is not None:
        record = _row(member, MEMBER_FIELDS)
        record.update(cell=member.cell.name, group=member.group.name if member.group else None,
                      photo=bool(member.photo_file))
        sections += [
            Section("member", str(_l("Hồ sơ đảng viên")), [record]),
            Section("status_history", str(_l("Quá trình trạng thái")), [
                _row(r, ("status", "from_date", "reason", "recorded_at")) for r in db.session.scalars(
                    select(MemberStatusHistory).where(MemberStatusHistory.member_id == member.id)
                    .order_by(MemberStatusHistory.from_date, MemberStatusHistory.id))]),
            Section("record_changes", str(_l("Các lần sửa hồ sơ")), [
                _row(r, ("field", "old_value", "new_value", "changed_at")) for r in db.session.scalars(
                    select(MemberChange).where(MemberChange.member_id == member.id).order_by(MemberChange.id))]),
            Section("attendance", str(_l("Tham dự sinh hoạt và báo vắng")), [
                {"meeting": title, "starts_at": starts, "status": a.status, "reason": a.reason, "source": a.source,
                 "checked_in_at": a.checked_in_at}
                for a, title, starts in db.session.execute(
                    select(Attendance, Meeting.title, Meeting.starts_at)
                    .join(Meeting, Meeting.id == Attendance.meeting_id)
                    .where(Attendance.member_id == member.id).order_by(Meeting.starts_at))]),
            Section("document_reads", str(_l("Tài liệu buổi sinh hoạt đã mở")), [
                {"meeting": title, "starts_at": starts, "first_read_at": read_at}
                for title, starts, read_at in db.session.execute(
                    select(Meeting.title, Meeting.starts_at, DocumentRead.first_read_at)
                    .join(Meeting, Meeting.id == DocumentRead.meeting_id)
                    .where(DocumentRead.member_id == member.id).order_by(Meeting.starts_at))]),
            Section("exemptions", str(_l("Miễn, tạm miễn sinh hoạt đảng")), [
                _row(e, ("kind", "reason", "detail", "starts_on", "until", "status", "requested_at", "decision_number",
                         "decision_date", "refusal_reason", "ended_on")) for e in db.session.scalars(
                    select(Exemption).where(Exemption.member_id == member.id).order_by(Exemption.id))]),
            Section("record_views", str(_l("Ai đã xem hoặc xử lý hồ sơ của tôi")), _views_of(member)),
            Section("evaluations", str(_l("Đánh giá, xếp loại")), _evaluations_of(member)),
            Section("placements", str(_l("Các chi bộ đã sinh hoạt")), [
                {"cell": p.cell.name, "from_date": p.valid_from, "to_date": p.valid_to, "reason": p.reason,
                 "decision_number": p.decision_number} for p in reversed(placements_of(member.id))]),
            Section("moves", str(_l("Chuyển sinh hoạt đảng")), [
                _row(m, ("kind", "reason", "state", "destination_name", "change_day", "until", "letter_number",
                         "letter_day", "present_by", "received_day", "requested_at")) | {"from_cell": m.from_cell.name}
                for m in reversed(moves_of(member.id))]),
            *_dues_of(member),
        ]
    sections += [
        Section("notifications", str(_l("Thông báo")), [
            _row(n, ("title", "body", "url", "created_at", "read_at")) for n in db.session.scalars(
                select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))]),
        Section("notification_preferences", str(_l("Cài đặt thông báo")), [
            _row(p, ("kind", "push_enabled")) for p in db.session.scalars(
                select(NotificationPreference).where(NotificationPreference.user_id == user.id))]),
        Section("devices", str(_l("Thiết bị nhận thông báo")), [
            {"browser": d.user_agent, "push_service": urlsplit(d.endpoint).hostname, "created_at": d.created_at,
             "last_success_at": d.last_success_at} for d in db.session.scalars(
                select(PushSubscription).where(PushSubscription.user_id == user.id).order_by(PushSubscription.id))]),
        Section("bookmarks", str(_l("Điều khoản đã lưu")), _articles(Bookmark, Bookmark.created_at, user.id)),
        Section("reading", str(_l("Điều khoản đã đọc")), _articles(ReadMark, ReadMark.read_at, user.id)),
    ]
    return sections


def _evaluations_of(member: Member) -> list[dict]:
    """Every self-assessment and rating of the member: year, organisation, form, text, level and score."""
    rows: dict[tuple[int, int], dict] = {}
    for a in db.session.scalars(select(SelfAssessment).where(SelfAssessment.member_id == member.id)):
        rows[(a.year, a.organisation_id)] = {
            "year": a.year, "organisation": a.organisation.name, "form": a.form, "status": a.status,
            "proposed_level": a.proposed_level, "submitted_at": a.submitted_at,
            "answers": "\n\n".join(text for text in (a.answers or {}).values() if text)}
    for r in db.session.scalars(select(Rating).where(Rating.member_id == member.id)):
        row = rows.setdefault((r.year, r.organisation_id), {"year": r.year, "organisation": r.organisation.name})
        row.update(score=f"{r.score:.1f}", level=r.level, decided_on=r.decided_on, note=r.note)
    return [rows[key] for key in sorted(rows)]


def _articles(model, when, user_id: int) -> list[dict]:
    return [{"article": f"{label} {heading}".strip(), "at": at} for label, heading, at in db.session.execute(
        select(Article.label, Article.heading, when).join(Article, Article.id == model.article_id)
        .where(model.user_id == user_id).order_by(when))]


def _dues_of(member: Member) -> list[Section]:
    """The member's dues: their profiles, exemptions and reductions, and the months paid."""
    def rows(model, names, order):
        return [_row(r, names) for r in db.session.scalars(select(model).where(model.member_id == member.id)
                                                               .order_by(order))]

    return [
        Section("dues_profiles", str(_l("Mức đóng đảng phí")),
                rows(DuesProfile, ("from_month", "category", "base_amount", "set_at"), DuesProfile.from_month)),
        Section("dues_reliefs", str(_l("Miễn, giảm đảng phí")),
                rows(DuesRelief, ("kind", "percent", "from_month", "to_month", "decision_number", "decision_date",
                                  "recorded_at"), DuesRelief.from_month)),
        Section("dues_payments", str(_l("Đảng phí đã nộp")),
                rows(DuesPayment, ("month", "amount", "expected", "method", "reference", "paid_on", "recorded_at"),
                     DuesPayment.month)),
    ]


def _views_of(member: Member) -> list[dict]:
    actor = aliased(User)
    return [{"action": action, "by": name, "at": at} for action, name, at in db.session.execute(
        select(AuditEvent.action, actor.display_name, AuditEvent.created_at)
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .where(AuditEvent.target_type == "member", AuditEvent.target_id == member.id)
        .order_by(AuditEvent.created_at, AuditEvent.id))]

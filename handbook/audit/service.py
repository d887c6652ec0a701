"""Writing and reading the audit log. Callers pass ids and counts in `details`, never names or numbers."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from handbook.audit.models import AuditEvent
from handbook.core.i18n import lazy_gettext as _l
from handbook.core.timeutil import local_zone
from handbook.extensions import db

# Keys allowed in `details`: anything else is dropped, so personal data cannot slip in by accident.
ALLOWED_DETAIL_KEYS = frozenset({
    "fields", "count", "rows", "valid", "rejected", "organisation_id", "member_id", "other_id", "format",
    "mode", "status", "source", "kept_id", "merged_id", "role", "method", "reason", "sessions", "tokens", "feeds",
    "devices", "old_status", "new_status", "revision_id", "vote_id", "resolution_id", "series_id", "request_id",
    "outside", "document_id", "changed", "present", "previous_id", "codes", "ids", "cells", "step",
})



@dataclass(frozen=True)
class Actor:
    """Who acts: a user (None for the command line) and where from."""

    user_id: int | None = None
    ip: str | None = None


CLI = Actor()

#: each action the log knows, in words (the admin's audit page; the "my data" page)
ACTION_LABELS = {
    "member.view": _l("Xem hồ sơ"),
    "member.update": _l("Sửa hồ sơ"),
    "member.status": _l("Ghi nhận trạng thái đảng viên"),
    "member.photo": _l("Cập nhật ảnh chân dung"),
    "members.import": _l("Nhập danh sách từ Excel"),
    "members.export": _l("Xuất danh sách Excel"),
    "members.print": _l("In danh sách"),
    "members.merge": _l("Gộp hồ sơ trùng"),
    "members.not_duplicate": _l("Xác nhận hai hồ sơ không trùng"),
    "members.template": _l("Tải mẫu nhập danh sách"),
    "member.temporary_in": _l("Nhận sinh hoạt tạm thời"),
    "member.temporary_out": _l("Kết thúc sinh hoạt tạm thời"),
    "personal_data.export": _l("Xem hoặc tải dữ liệu của tôi"),
    "auth.login": _l("Đăng nhập"),
    "auth.login_failed": _l("Đăng nhập không thành công"),
    "auth.logout": _l("Đăng xuất"),
    "auth.throttled": _l("Tạm chặn đăng nhập vì thử quá nhiều lần"),
    "auth.2fa_enrol": _l("Bật xác thực hai bước"),
    "auth.2fa_disable": _l("Tắt xác thực hai bước"),
    "auth.2fa_reset": _l("Đặt lại xác thực hai bước"),
    "auth.2fa_failed": _l("Nhập sai mã xác thực hai bước"),
    "auth.password_change": _l("Đổi mật khẩu"),
    "auth.sessions_revoked": _l("Đăng xuất các phiên khác"),
    "auth.token": _l("Cấp khóa truy cập API"),
    "privacy.consent": _l("Đồng ý thông báo xử lý dữ liệu cá nhân"),
    "position.grant": _l("Giao chức vụ"),
    "position.revoke": _l("Thôi chức vụ"),
    "auth.login_change": _l("Đổi số điện thoại đăng nhập"),
    "auth.activation_code": _l("Cấp mã kích hoạt (đặt lại mật khẩu)"),
    "auth.activation_codes_cell": _l("Cấp mã kích hoạt cho cả chi bộ"),
    "auth.activation_slips": _l("In phiếu hoặc xem tin nhắn mã kích hoạt"),
    "auth.admin_create": _l("Tạo tài khoản quản trị"),
    "auth.admin_promote": _l("Cấp quyền quản trị cho tài khoản đã có"),
    "auth.account_closed": _l("Đóng tài khoản của hồ sơ đã gộp"),
    "member.access_ended": _l("Kết thúc quyền truy cập khi rời chi bộ"),
    "meeting.create": _l("Lên lịch buổi họp"),
    "meeting.update": _l("Sửa buổi họp"),
    "meeting.cancel": _l("Hủy buổi họp"),
    "meeting.series": _l("Lập lịch sinh hoạt thường kỳ cả năm"),
    "meeting.document": _l("Thêm tài liệu buổi họp"),
    "meeting.minutes": _l("Lưu biên bản (phiên bản mới)"),
    "meeting.attendance": _l("Lưu điểm danh buổi họp"),
    "meeting.vote": _l("Ghi kết quả biểu quyết"),
    "meeting.resolution": _l("Lưu nghị quyết buổi họp"),
    "regulation.create": _l("Soạn văn bản (bản nháp)"),
    "regulation.publish": _l("Ban hành văn bản"),
    "regulation.status": _l("Đổi tình trạng văn bản"),
    "regulation.discard": _l("Xoá bản nháp văn bản"),
    "notify.delivery_status": _l("Xem tình trạng gửi thông báo"),
    "members.import_preview": _l("Xem trước tệp nhập danh sách (đối chiếu trùng)"),
    "member.temporary_request": _l("Đề nghị tiếp nhận sinh hoạt tạm thời"),
    "member.temporary_confirm": _l("Xác nhận cho sinh hoạt tạm thời"),
    "member.temporary_refuse": _l("Từ chối đề nghị sinh hoạt tạm thời"),
    "meeting.checkin_locked": _l("Khóa tự điểm danh của đảng viên (nhập sai mã quá nhiều lần)"),
    "meeting.checkin_throttled": _l("Tạm ngừng điểm danh bằng mã của buổi họp (quá nhiều lần nhập sai)"),
    "member.unique_refused": _l("Bị từ chối vì trùng dữ liệu đã có (số điện thoại, CCCD, số thẻ, họ tên)"),
    "member.temporary_expired": _l("Hết hạn sinh hoạt tạm thời"),
    "org.create": _l("Thành lập tổ chức đảng"),
    "org.rename": _l("Đổi tên tổ chức đảng"),
    "org.unit_type": _l("Ghi loại hình tổ chức đảng (dân cư hay nơi làm việc)"),
    "org.move": _l("Chuyển tổ chức đảng sang cấp trên khác"),
    "org.dissolve": _l("Giải thể tổ chức đảng"),
    "org.import": _l("Nhập cây tổ chức từ Excel"),
    "org.export": _l("Xuất cây tổ chức ra Excel"),
    "org.codes_assigned": _l("Đặt mã cho các tổ chức chưa có mã"),
    "org.merge": _l("Hợp nhất tổ chức đảng"),
    "org.split": _l("Chia tách tổ chức đảng"),
    "members.move": _l("Chuyển sinh hoạt đảng viên sang chi bộ khác"),
    "admission.ceremony": _l("Ghi nhận lễ kết nạp đảng viên (tạo hồ sơ đảng viên dự bị)"),
    "admission.sponsor": _l("Phân công đảng viên giúp đỡ đảng viên dự bị"),
    "admission.note": _l("Ghi nhận xét về đảng viên dự bị"),
    "admission.recognise": _l("Công nhận đảng viên chính thức"),
    "admission.not_recognised": _l("Không công nhận đảng viên chính thức"),
    "admission.probation_file": _l("Lập hồ sơ theo dõi đảng viên dự bị"),
    "candidate.create": _l("Thêm quần chúng ưu tú vào danh sách"),
    "candidate.update": _l("Sửa thông tin quần chúng ưu tú"),
    "candidate.stop": _l("Dừng xem xét quần chúng ưu tú"),
    "candidate.reopen": _l("Xem xét lại quần chúng ưu tú"),
    "candidate.step": _l("Ghi nhận bước hồ sơ kết nạp"),
    "candidate.extend": _l("Gia hạn thời hạn quyết định kết nạp"),
    "candidate.introducer_add": _l("Ghi nhận người giới thiệu vào Đảng"),
    "candidate.introducer_remove": _l("Bỏ người giới thiệu vào Đảng"),
    "candidate.file": _l("Tải bản chụp hồ sơ kết nạp"),
    "admission.review": _l("Ghi nhận rà soát danh sách quần chúng ưu tú"),
    "admission.targets": _l("Đặt chỉ tiêu kết nạp đảng viên"),
    "reports.review_recorded": _l("Ghi nhận cấp ủy xem xét một danh sách định kỳ"),
    # exemptions
    "exemption.request": _l("Làm đơn xin miễn, tạm miễn sinh hoạt đảng"),
    "exemption.withdraw": _l("Rút đơn xin miễn, tạm miễn sinh hoạt đảng"),
    "exemption.approve": _l("Chi bộ chấp thuận miễn, tạm miễn sinh hoạt đảng"),
    "exemption.refuse": _l("Chi bộ không chấp thuận đơn xin miễn sinh hoạt đảng"),
    "exemption.end": _l("Chi bộ kết thúc sớm thời gian miễn sinh hoạt đảng"),
    "exemption.expired": _l("Hết thời gian tạm miễn, trở lại sinh hoạt"),
    "evaluation.open": _l("Mở đợt đánh giá, xếp loại đảng viên"),
    "evaluation.close": _l("Đóng đợt đánh giá, xếp loại đảng viên"),
    "evaluation.submit": _l("Nộp bản tự kiểm điểm"),
    "evaluation.reopen": _l("Mở lại bản tự kiểm điểm để sửa"),
    "evaluation.form": _l("Đổi mẫu bản tự kiểm điểm"),
    "evaluation.rate": _l("Ghi xếp loại chất lượng đảng viên"),
    # transfers (chuyển sinh hoạt đảng)
    "member.move_request": _l("Đề nghị chuyển sinh hoạt đảng"),
    "member.move_letter": _l("Cấp giấy giới thiệu chuyển sinh hoạt đảng"),
    "member.move_received": _l("Xác nhận tiếp nhận đảng viên chuyển đến"),
    "member.move_cancel": _l("Hủy yêu cầu chuyển sinh hoạt đảng"),
    "member.move_lapsed": _l("Quá hạn xuất trình giấy giới thiệu sinh hoạt đảng"),
    "member.directory_add": _l("Thêm nơi tiếp nhận vào danh bạ"),
    "member.directory_edit": _l("Sửa nơi tiếp nhận trong danh bạ"),
    "member.directory_remove": _l("Xóa nơi tiếp nhận khỏi danh bạ"),
    "dues.payments": _l("Ghi nhận đảng phí đã thu"),
    "dues.correct": _l("Sửa hoặc xoá khoản đảng phí đã ghi nhận"),
    "dues.profile": _l("Đặt mức đóng đảng phí của đảng viên"),
    "dues.relief": _l("Ghi nhận quyết định miễn, giảm đảng phí"),
    "dues.region": _l("Đặt vùng lương tối thiểu cho tổ chức đảng"),
}
#: every action the log knows (a test checks each `record` call names one of them)
ACTIONS = tuple(ACTION_LABELS)

#: kinds of object an event is about, in words (the audit page's filter)
TARGET_LABELS = {
    "member": _l("Hồ sơ đảng viên"),
    "organisation": _l("Tổ chức đảng"),
    "user": _l("Tài khoản"),
    "meeting": _l("Buổi họp"),
    "regulation": _l("Văn bản"),
    "candidate": _l("Hồ sơ phát triển đảng viên"),
}


def action_label(action: str) -> str:
    """The action in words; an action without a label (e.g. from a newer version) shows as it is stored."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def record(action: str, actor: Actor, *, target_type: str | None = None, target_id: int | None = None,
           **details) -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits)."""
    clean = {k: v for k, v in details.items() if k in ALLOWED_DETAIL_KEYS}
    event = AuditEvent(actor_id=actor.user_id, action=action, target_type=target_type, target_id=target_id,
                       ip=actor.ip, details=clean)
    db.session.add(event)
    return event


@dataclass
class AuditFilter:
    action: str | None = None
    actor_id: int | None = None
    target_type: str | None = None
    target_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def _local_midnight_utc(day: date) -> datetime:
    """Midnight of `day` where the users are, in UTC (SQLite compares stored UTC text, so convert first)."""
    return datetime.combine(day, time.min, tzinfo=local_zone()).astimezone(UTC)


def search(flt: AuditFilter, page: int = 1, per_page: int = 50) -> tuple[list[AuditEvent], int]:
    query = select(AuditEvent)
    if flt.action:
        query = query.where(AuditEvent.action == flt.action)
    if flt.actor_id:
        query = query.where(AuditEvent.actor_id == flt.actor_id)
    if flt.target_type:
        query = query.where(AuditEvent.target_type == flt.target_type)
    if flt.target_id:
        query = query.where(AuditEvent.target_id == flt.target_id)
    if flt.date_from:
        query = query.where(AuditEvent.created_at >= _local_midnight_utc(flt.date_from))
    if flt.date_to:
        query = query.where(AuditEvent.created_at < _local_midnight_utc(flt.date_to + timedelta(days=1)))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(
        query.options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return list(rows), total or 0


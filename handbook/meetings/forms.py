"""Forms for scheduling and recording meetings (Flask-WTF, Vietnamese messages)."""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from handbook.core.forms import Form, select_choices
from handbook.core.i18n import lazy_gettext as _l
from handbook.meetings.labels import FORMAT_LABELS, KIND_LABELS

REQUIRED = _l("Vui lòng nhập trường này.")
LONG = _l("Tối đa %(max)d ký tự.")


class MeetingForm(Form):
    kind = SelectField(_l("Loại sinh hoạt"), choices=select_choices((k.value, v) for k, v in KIND_LABELS.items()))
    format = SelectField(_l("Hình thức"), choices=select_choices((k.value, v) for k, v in FORMAT_LABELS.items()))
    title = StringField(_l("Tiêu đề (để trống để tự đặt)"), validators=[Optional(), Length(max=200, message=LONG)])
    day = DateField(_l("Ngày họp"), validators=[InputRequired(REQUIRED)],
                    render_kw={"autocomplete": "off"})
    start = TimeField(_l("Giờ bắt đầu"), validators=[InputRequired(REQUIRED)])
    end = TimeField(_l("Giờ kết thúc"), validators=[InputRequired(REQUIRED)])
    combined_thematic = BooleanField(_l("Kết hợp sinh hoạt chuyên đề (tối thiểu 120 phút)"))
    place = StringField(_l("Địa điểm"), validators=[Optional(), Length(max=255, message=LONG)])
    online_url = StringField(_l("Đường dẫn họp trực tuyến (Jitsi, Zoom, Meet…)"),
                             validators=[Optional(), Length(max=500, message=LONG)],
                             render_kw={"inputmode": "url", "placeholder": "https://"})
    agenda = TextAreaField(_l("Chương trình (mỗi dòng một nội dung)"),
                           validators=[Optional(), Length(max=5000, message=LONG)], render_kw={"rows": 5})
    recording_held = BooleanField(_l("Ghi lại buổi họp đã tổ chức (cho phép ngày trong quá khứ)"))


class SeriesForm(Form):
    year = IntegerField(_l("Năm"), validators=[InputRequired(REQUIRED), NumberRange(2000, 2100)])
    day_of_month = IntegerField(_l("Ngày họp hằng tháng"), default=3,
                                validators=[InputRequired(REQUIRED), NumberRange(1, 28, _l("Từ 1 đến 28."))])
    local_time = StringField(_l("Giờ họp (HH:MM)"), default="19:30",
                             validators=[InputRequired(REQUIRED), Length(max=5, message=LONG)])
    place = StringField(_l("Địa điểm thường lệ"), validators=[Optional(), Length(max=255, message=LONG)])


class CancelForm(Form):
    reason = StringField(_l("Lý do hủy"), validators=[DataRequired(REQUIRED), Length(max=500, message=LONG)])


class AbsenceForm(Form):
    reason = TextAreaField(_l("Lý do vắng mặt"), validators=[DataRequired(REQUIRED), Length(max=500, message=LONG)],
                           render_kw={"rows": 2})
    client_id = StringField(validators=[Optional(), Length(max=64)])


class WithdrawForm(Form):
    client_id = StringField(validators=[Optional(), Length(max=64)])  # lets the offline outbox keep it once


class CheckinForm(Form):
    code = StringField(_l("Mã điểm danh"), validators=[Optional(), Length(max=12, message=LONG)],
                       render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"})
    client_id = StringField(validators=[Optional(), Length(max=64)])


class DocumentForm(Form):
    title = StringField(_l("Tên tài liệu"), validators=[Optional(), Length(max=300, message=LONG)])
    file = FileField(_l("Tệp (PDF, Word, Excel, ảnh; tối đa 10 MB)"))
    link_url = StringField(_l("Hoặc đường dẫn (ví dụ tới một điều của văn bản)"),
                           validators=[Optional(), Length(max=500, message=LONG)])


class MinutesForm(Form):
    body = TextAreaField(_l("Biên bản"), validators=[DataRequired(REQUIRED), Length(max=100_000, message=LONG)],
                         render_kw={"rows": 14})


class ResolutionForm(Form):
    title = StringField(_l("Tiêu đề nghị quyết"), validators=[DataRequired(REQUIRED), Length(max=300, message=LONG)])
    body = TextAreaField(_l("Nội dung"), validators=[DataRequired(REQUIRED), Length(max=100_000, message=LONG)],
                         render_kw={"rows": 6})


class VoteForm(Form):
    question = StringField(_l("Nội dung biểu quyết"),
                           validators=[DataRequired(REQUIRED), Length(max=300, message=LONG)])
    agenda_item = SelectField(_l("Thuộc nội dung chương trình"), choices=[], validate_choice=False)
    rule = SelectField(_l("Tỷ lệ thông qua"), choices=select_choices([
        ("half", _l("Hơn một nửa số đảng viên chính thức")),
        ("two_thirds", _l("Ít nhất 2/3 số đảng viên chính thức"))]))
    votes_for = IntegerField(_l("Tán thành"), validators=[InputRequired(REQUIRED), NumberRange(min=0)])
    votes_against = IntegerField(_l("Không tán thành"), validators=[InputRequired(REQUIRED), NumberRange(min=0)])
    votes_abstain = IntegerField(_l("Không biểu quyết"), validators=[InputRequired(REQUIRED), NumberRange(min=0)])

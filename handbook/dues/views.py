"""The cell's dues pages for its collectors (người thu đảng phí) and the committees above: the month's sheet, one
member's profile, reliefs and payments, and the region a committee sets on an organisation."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from handbook.caller import current_access, current_actor, organisation_in_scope
from handbook.core.forms import attach
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import local_today
from handbook.core.web import require
from handbook.dues import labels, payments, rules, service, sheet, tables
from handbook.dues.blueprints import dues_bp
from handbook.dues.errors import DuesError
from handbook.dues.forms import PaymentForm, ProfileForm, RegionForm, ReliefForm, SheetForm
from handbook.dues.pages import cell_member, collector_cell, form_date, form_month, submit
from handbook.org.access import can_set_dues_region


def month_from_args(today):
    """`?month=` (2026-11 or 11/2026), this month when absent: 400 with the reason otherwise."""
    raw = request.args.get("month")
    if not raw:
        return rules.month_start(today)
    month = rules.parse_month(raw)
    if month is None:
        abort(400, _("Tháng không hợp lệ; hãy nhập theo dạng tháng/năm, ví dụ 02/2026."))
    return month


def _sheet_rows(form_data, lines) -> dict[int, payments.SheetRow]:
    return {line.member.id: payments.SheetRow(paid=form_data.get(f"paid_{line.member.id}") == "1",
                                              amount=form_data.get(f"amount_{line.member.id}", ""),
                                              reference=form_data.get(f"reference_{line.member.id}"))
            for line in lines}


@dues_bp.route("/dues/cells/<int:cell_id>", methods=["GET", "POST"])
@login_required
def cell_sheet(cell_id: int):
    cell = collector_cell(cell_id)
    today = local_today()
    month = month_from_args(today)
    form = SheetForm()
    if request.method == "GET":
        form.paid_on.data = today.strftime("%d/%m/%Y")
    current = sheet.cell_sheet(cell, month, today=today)
    row_errors: dict[str, str] = {}
    status = 200
    if form.validate_on_submit():
        try:
            changed = payments.record_sheet(cell, month, _sheet_rows(request.form, current.lines),
                                            form.method.data, form_date(form, "paid_on"), current_actor(),
                                            today=today)
        except DuesError as exc:
            if exc.field and exc.field.startswith(("amount_", "reference_")):
                row_errors[exc.field] = str(exc)
                form.form_errors.append(_("Chưa lưu: có dòng cần sửa (xem bên dưới)."))
            else:
                attach(form, exc)
            status = 400
        else:
            flash(_("Đã lưu bảng thu đảng phí tháng %(m)s (%(n)d thay đổi).", m=rules.format_month(month),
                    n=changed), "success")
            return redirect(url_for("dues.cell_sheet", cell_id=cell.id, month=month.strftime("%Y-%m")))
    elif form.is_submitted():
        status = 400
    collected = sum(p.amount for p in sheet.received(cell, month))
    return render_template("dues/sheet.html", cell=cell, sheet=current, form=form, month=month, today=today,
                           labels=labels, rules=rules, posted=request.form if request.method == "POST" else None,
                           row_errors=row_errors, remittance=tables.remittance_rows(collected),
                           prev=rules.month_start(month - timedelta(days=1)), next=rules.next_month(month)), status


@dues_bp.get("/dues/cells/<int:cell_id>/members/<int:member_id>")
@login_required
def member_page(cell_id: int, member_id: int):
    cell = collector_cell(cell_id)
    member = cell_member(cell, member_id)
    return _member_page(cell, member, ProfileForm(), ReliefForm(), PaymentForm(), 200)


def _member_page(cell, member, profile_form, relief_form, payment_form, status):
    today = local_today()
    year = today.year
    if request.method == "GET":
        profile_form.from_month.data = profile_form.from_month.data or rules.format_month(rules.month_start(today))
        payment_form.paid_on.data = payment_form.paid_on.data or today.strftime("%d/%m/%Y")
    return render_template("dues/member.html", cell=cell, member=member, today=today, year=year,
                           months=sheet.member_year(member, year, today=today),
                           profiles=service.profiles_of([member.id])[member.id],
                           reliefs=service.reliefs_of([member.id])[member.id],
                           profile_form=profile_form, relief_form=relief_form, payment_form=payment_form,
                           labels=labels, rules=rules), status


@dues_bp.post("/dues/cells/<int:cell_id>/members/<int:member_id>/profile")
@login_required
def set_profile(cell_id: int, member_id: int):
    cell = collector_cell(cell_id)
    member = cell_member(cell, member_id)
    form = ProfileForm()
    result = submit(form, lambda: service.set_profile(member, form.category.data, form.base_amount.data,
                                                      form_month(form, "from_month"), current_actor(),
                                                      today=local_today()))
    if result.done:
        flash(_("Đã lưu mức đóng đảng phí."), "success")
        return redirect(url_for("dues.member_page", cell_id=cell.id, member_id=member.id))
    return _member_page(cell, member, form, ReliefForm(formdata=None), PaymentForm(formdata=None), result.status)


@dues_bp.post("/dues/cells/<int:cell_id>/members/<int:member_id>/reliefs")
@login_required
def add_relief(cell_id: int, member_id: int):
    cell = collector_cell(cell_id)
    member = cell_member(cell, member_id)
    form = ReliefForm()
    result = submit(form, lambda: service.add_relief(
        member, form.kind.data, form.percent.data, form_month(form, "from_month"),
        form_month(form, "to_month", required=False), form.decision_number.data, form_date(form, "decision_date"),
        current_actor(), today=local_today()))
    if result.done:
        flash(_("Đã ghi nhận quyết định miễn, giảm đảng phí."), "success")
        return redirect(url_for("dues.member_page", cell_id=cell.id, member_id=member.id))
    return _member_page(cell, member, ProfileForm(formdata=None), form, PaymentForm(formdata=None), result.status)


@dues_bp.post("/dues/cells/<int:cell_id>/members/<int:member_id>/payments")
@login_required
def record_payment(cell_id: int, member_id: int):
    cell = collector_cell(cell_id)
    member = cell_member(cell, member_id)
    form = PaymentForm()
    result = submit(form, lambda: payments.record_months(
        member, form_month(form, "first_month"), form_month(form, "last_month", required=False), form.amount.data,
        form.method.data, form.reference.data, form_date(form, "paid_on"), current_actor(), today=local_today(),
        cell=cell))
    if result.done:
        flash(_("Đã ghi nhận đảng phí %(n)d tháng.", n=len(result.value)), "success")
        return redirect(url_for("dues.member_page", cell_id=cell.id, member_id=member.id))
    return _member_page(cell, member, ProfileForm(formdata=None), ReliefForm(formdata=None), form, result.status)


@dues_bp.route("/dues/organisations/<int:org_id>/region", methods=["GET", "POST"])
@login_required
def region(org_id: int):
    org = organisation_in_scope(org_id)
    require(can_set_dues_region(current_access(), org), 403)
    form = RegionForm()
    own = service.own_region(org)
    if request.method == "GET":
        form.region.data = str(own or "")
    result = submit(form, lambda: service.set_region(org, form.region.data, current_actor()))
    if result.done:
        flash(_("Đã lưu vùng lương tối thiểu."), "success")
        return redirect(url_for("dues.region", org_id=org.id))
    return render_template("dues/region.html", org=org, form=form, own=own, applies=service.region_of(org),
                           labels=labels), result.status


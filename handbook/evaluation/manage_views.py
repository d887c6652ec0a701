"""An organisation's round for those who manage it: the list of members with their self-assessments and ratings,
opening and closing the round, rating a member beside their self-assessment and year's record, reopening a
self-assessment, choosing a member's form, the collective report's figures, and a member's history."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import login_required

from handbook.caller import current_access, current_actor
from handbook.core.forms import EmptyForm
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import format_date, local_today
from handbook.core.web import require
from handbook.evaluation import assessments, history, ratings, rounds, rules, summary
from handbook.evaluation.blueprints import evaluation_bp
from handbook.evaluation.errors import EvaluationError
from handbook.evaluation.forms import FormKindForm, RatingForm, RoundForm
from handbook.evaluation.member_views import LABELS
from handbook.evaluation.models import Level
from handbook.evaluation.pages import form_day, managed_org, reviewed_member, submit, visible_member, year_arg
from handbook.evaluation.record import year_record, year_records
from handbook.members.labels import STATUS_LABELS as MEMBER_STATUS_LABELS
from handbook.org.access import can_manage_org


def _org_context(org, year: int) -> dict:
    lines = summary.org_lines(org, year)
    state = rounds.state(org, year)
    return {"org": org, "year": year, "lines": lines, "figures": summary.org_figures(org, lines), "round": state,
            "records": year_records([line.member for line in lines], year), "today": local_today(),
            "member_status_labels": MEMBER_STATUS_LABELS, "levels": list(Level), "cap": rules.EXCELLENT_CAP,
            "format_date": format_date, **LABELS}


@evaluation_bp.get("/evaluation/orgs/<int:org_id>")
@login_required
def org_round(org_id: int):
    org = managed_org(org_id)
    year = year_arg()
    state = rounds.state(org, year)
    form = RoundForm(year=str(year), deadline=format_date(state.deadline))
    return render_template("evaluation/org.html", form=form, close_form=EmptyForm(),
                           years=range(local_today().year, local_today().year - 5, -1), **_org_context(org, year))


@evaluation_bp.post("/evaluation/orgs/<int:org_id>/open")
@login_required
def open_round(org_id: int):
    org = managed_org(org_id)
    year = year_arg()
    form = RoundForm()
    result = submit(form, lambda: rounds.open_round(org, year, form_day(form, "deadline"), current_actor()))
    if result.done:
        flash(_("Đã mở đợt đánh giá năm %(year)d; hạn nộp bản tự kiểm điểm %(day)s.", year=year,
                day=format_date(result.value.deadline)), "success")
        return redirect(url_for("evaluation.org_round", org_id=org.id, year=year))
    return render_template("evaluation/org.html", form=form, close_form=EmptyForm(),
                           years=range(local_today().year, local_today().year - 5, -1),
                           **_org_context(org, year)), result.status


@evaluation_bp.post("/evaluation/orgs/<int:org_id>/close")
@login_required
def close_round(org_id: int):
    org = managed_org(org_id)
    year = year_arg()
    form = EmptyForm()
    result = submit(form, lambda: rounds.close_round(org, year, current_actor()))
    if result.done:
        flash(_("Đã đóng đợt đánh giá năm %(year)d: đảng viên không nộp thêm bản tự kiểm điểm.", year=year),
              "success")
        return redirect(url_for("evaluation.org_round", org_id=org.id, year=year))
    round_form = RoundForm(year=str(year))
    return render_template("evaluation/org.html", form=round_form, close_form=form,
                           years=range(local_today().year, local_today().year - 5, -1),
                           **_org_context(org, year)), result.status


def _rating_input(form: RatingForm) -> ratings.RatingInput:
    share = (form.exceeding_share.data or "").strip()
    if share and not (share.isascii() and share.isdigit()):
        raise EvaluationError(_("Tỷ lệ nhiệm vụ vượt mức phải là số nguyên từ 0 đến 100."), "exceeding_share")
    return ratings.RatingInput(score=form.score.data, level=Level(form.level.data) if form.level.data else None,
                               all_tasks_done=bool(form.all_tasks_done.data),
                               exceeding_share=int(share) if share else None, note=form.note.data,
                               decided_on=form_day(form, "decided_on"))


@evaluation_bp.route("/evaluation/orgs/<int:org_id>/members/<int:member_id>", methods=["GET", "POST"])
@login_required
def review(org_id: int, member_id: int):
    org = managed_org(org_id)
    member = reviewed_member(org, member_id)
    year = year_arg()
    row = assessments.find(member.id, org.id, year)
    rating = ratings.find(member.id, org.id, year)
    form = RatingForm()
    if rating is not None and not form.is_submitted():
        form.score.data = rules.format_score(rating.score)
        form.all_tasks_done.data = rating.all_tasks_done
        form.exceeding_share.data = "" if rating.exceeding_share is None else str(rating.exceeding_share)
        form.level.data = rating.level.value
        form.note.data = rating.note or ""
        form.decided_on.data = format_date(rating.decided_on)
    result = submit(form, lambda: ratings.record(member, org, year, _rating_input(form), current_actor()))
    if result.done:
        flash(_("Đã ghi xếp loại của đồng chí %(name)s: %(level)s (%(score)s điểm).", name=member.full_name,
                level=rules.level_label(result.value.level), score=rules.format_score(result.value.score)),
              "success")
        return redirect(url_for("evaluation.org_round", org_id=org.id, year=year))
    kind = assessments.form_of(member, org, year, row)
    return render_template("evaluation/review.html", org=org, member=member, year=year, form=form, row=row,
                           rating=rating, kind=kind, sections=rules.SECTIONS[kind], record=year_record(member, year),
                           exempt=rules.not_rated(member.status), member_status_labels=MEMBER_STATUS_LABELS,
                           kind_form=FormKindForm(form=kind.value), action_form=EmptyForm(),
                           format_date=format_date, **LABELS), result.status


@evaluation_bp.post("/evaluation/orgs/<int:org_id>/members/<int:member_id>/reopen")
@login_required
def reopen(org_id: int, member_id: int):
    org = managed_org(org_id)
    member = reviewed_member(org, member_id)
    year = year_arg()
    row = assessments.find(member.id, org.id, year)
    require(row is not None)
    form = EmptyForm()
    result = submit(form, lambda: assessments.reopen(row, current_actor()))
    if result.done:
        flash(_("Đã mở lại bản tự kiểm điểm để đồng chí %(name)s sửa.", name=member.full_name), "success")
        return redirect(url_for("evaluation.review", org_id=org.id, member_id=member.id, year=year))
    return render_template("evaluation/refused.html", org=org, member=member, year=year,
                           errors=form.form_errors or [_("Phiên làm việc đã hết hạn. Vui lòng gửi lại.")]), 400


@evaluation_bp.post("/evaluation/orgs/<int:org_id>/members/<int:member_id>/form")
@login_required
def choose_form(org_id: int, member_id: int):
    org = managed_org(org_id)
    member = reviewed_member(org, member_id)
    year = year_arg()
    form = FormKindForm()
    result = submit(form, lambda: assessments.choose_form(member, org, year, form.kind(), current_actor()))
    if result.done:
        flash(_("Đã đổi mẫu bản tự kiểm điểm của đồng chí %(name)s.", name=member.full_name), "success")
        return redirect(url_for("evaluation.review", org_id=org.id, member_id=member.id, year=year))
    errors = [*form.form_errors, *form.form.errors]
    return render_template("evaluation/refused.html", org=org, member=member, year=year, errors=errors), 400


@evaluation_bp.get("/evaluation/orgs/<int:org_id>/collective")
@login_required
def collective(org_id: int):
    org = managed_org(org_id)
    year = year_arg()
    return render_template("evaluation/collective_print.html", **_org_context(org, year))


@evaluation_bp.get("/evaluation/members/<int:member_id>")
@login_required
def member_history(member_id: int):
    member = visible_member(member_id)
    access = current_access()
    return render_template("evaluation/history.html", member=member, years=history.by_year(history.history(member.id)),
                           manages=can_manage_org(access, member.cell), **LABELS)

"""A member's own evaluation: this year's round at each of their posts, the self-assessment form with the year's
record beside it, and every year's results."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import login_required

from handbook.caller import current_access, current_actor
from handbook.core.i18n import gettext as _
from handbook.core.timeutil import local_today
from handbook.core.web import require
from handbook.evaluation import assessments, history, people, rounds, rules
from handbook.evaluation.blueprints import evaluation_bp
from handbook.evaluation.forms import SelfAssessmentForm
from handbook.evaluation.labels import FORM_LABELS, LEVEL_LABELS, SECTION_LABELS, STATUS_LABELS
from handbook.evaluation.models import AssessmentStatus
from handbook.evaluation.pages import submit
from handbook.evaluation.record import year_record
from handbook.extensions import db
from handbook.members.models import Member
from handbook.org.access import can_write_self_assessment
from handbook.org.models import Organisation

LABELS = {"level_labels": LEVEL_LABELS, "form_labels": FORM_LABELS, "status_labels": STATUS_LABELS,
          "section_labels": SECTION_LABELS, "format_score": rules.format_score}


def own_member() -> Member | None:
    access = current_access()
    return db.session.get(Member, access.member_id) if access.member_id is not None else None


def current_posts(member: Member, year: int) -> list[dict]:
    """For the home page and the member's page: at each post, the round of `year`, the self-assessment and form."""
    today = local_today()
    out = []
    for org in people.posts_of(member):
        state = rounds.state(org, year)
        row = assessments.find(member.id, org.id, year)
        out.append({"org": org, "round": state, "open": state.is_open(today), "assessment": row,
                    "form": assessments.form_of(member, org, year, row)})
    return out


@evaluation_bp.get("/evaluation")
@login_required
def mine():
    access = current_access()
    member = own_member()
    require(member is not None)
    year = rounds.review_year()
    posts = [] if access.has_left or rules.not_rated(member.status) else current_posts(member, year)
    return render_template("evaluation/mine.html", member=member, year=year, posts=posts,
                           exempt=rules.not_rated(member.status), has_left=access.has_left,
                           years=history.by_year(history.history(member.id)), today=local_today(), **LABELS)


@evaluation_bp.route("/evaluation/<int:year>/orgs/<int:org_id>/self", methods=["GET", "POST"])
@login_required
def self_assessment(year: int, org_id: int):
    access = current_access()
    member = own_member()
    require(member is not None and can_write_self_assessment(access, member))
    org = db.session.get(Organisation, org_id)
    require(org is not None and people.is_reviewed_at(member, org) and 2000 <= year <= local_today().year)
    row = assessments.find(member.id, org.id, year)
    form = SelfAssessmentForm(obj=None)
    if row is not None and not form.is_submitted():
        for code, text in (row.answers or {}).items():
            if code in form._fields:
                form._fields[code].data = text
        form.proposed_level.data = row.proposed_level.value if row.proposed_level else ""
    kind = assessments.form_of(member, org, year, row)
    sending = form.action.data == "submit"
    result = submit(form, lambda: assessments.save(member, org, year, form.answers(), form.proposed(),
                                                   submit=sending, actor=current_actor()))
    if result.done:
        flash(_("Đã nộp bản tự kiểm điểm.") if sending else _("Đã lưu bản nháp."), "success")
        return redirect(url_for("evaluation.self_assessment", year=year, org_id=org.id))
    state = rounds.state(org, year)
    return render_template("evaluation/self.html", member=member, org=org, year=year, form=form, kind=kind, row=row,
                           sections=rules.SECTIONS[kind], record=year_record(member, year), round=state,
                           is_open=state.takes_self_assessments(local_today()), exempt=rules.not_rated(member.status),
                           read_only=row is not None and row.status is AssessmentStatus.SUBMITTED,
                           **LABELS), result.status

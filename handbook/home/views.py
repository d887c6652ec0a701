"""Home, profile and the bottom-navigation pages."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from handbook.members import service as members
from handbook.members.labels import GENDER_LABELS, STATUS_LABELS
from handbook.org.service import KIND_LABELS, ancestors

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    member = members.member_for_user(current_user.id)
    titles = members.titles_for_user(current_user.id)
    return render_template(
        "home/index.html", member=member, titles=titles, status_labels=STATUS_LABELS, kind_labels=KIND_LABELS
    )


@bp.get("/profile")
@login_required
def profile():
    member = members.member_for_user(current_user.id)
    return render_template(
        "home/profile.html",
        member=member,
        titles=members.titles_for_user(current_user.id),
        path=ancestors(member.cell) if member else [],
        status_labels=STATUS_LABELS,
        gender_labels=GENDER_LABELS,
    )


@bp.get("/meetings")
@login_required
def meetings():
    return render_template("home/upcoming.html", section="meetings")


@bp.get("/notifications")
@login_required
def notifications():
    return render_template("home/upcoming.html", section="notifications")

"""The meetings feature's two audiences, one blueprint each: members (`meetings`: the list, a meeting, absence,
check-in, calendar files) and those who run a cell's meetings — its leaders and committee staff above
(`meetings_manage`: scheduling, the series, documents, attendance, minutes, votes, the review and committee
views)."""
from flask import Blueprint

member_bp = Blueprint("meetings", __name__)
manage_bp = Blueprint("meetings_manage", __name__)

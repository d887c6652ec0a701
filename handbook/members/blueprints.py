"""The members feature's two audiences, one blueprint each: members reading the directory and records
(`members`), and those who manage records — cell leaders and committee staff (`members_manage`)."""
from flask import Blueprint

member_bp = Blueprint("members", __name__)
manage_bp = Blueprint("members_manage", __name__)

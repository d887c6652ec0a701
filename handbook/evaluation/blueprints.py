"""The evaluation's blueprint: members (their own self-assessment and history) and those who manage an
organisation (its round, its members' ratings, its figures); each page guards itself (pages.py)."""
from flask import Blueprint

evaluation_bp = Blueprint("evaluation", __name__)

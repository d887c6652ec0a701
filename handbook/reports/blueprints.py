"""The reports' one audience: those who manage an organisation — its leaders and the committees above — each over
what they manage (`org.access.can_view_reports`)."""
from flask import Blueprint

reports_bp = Blueprint("reports", __name__)

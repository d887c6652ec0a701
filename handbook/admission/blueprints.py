"""The admission feature's one audience: those who manage a cell's candidates (its leaders and the committees above)
and the sponsors of probationary members, who see their own members' files only (`org.access`)."""
from flask import Blueprint

admission_bp = Blueprint("admission", __name__)

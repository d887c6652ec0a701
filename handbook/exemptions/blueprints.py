"""Two audiences: the member (their own requests, under /me/exemptions) and those who manage a cell (its requests
and exemptions, a member's history)."""
from flask import Blueprint

exemptions_bp = Blueprint("exemptions", __name__)

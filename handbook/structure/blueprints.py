"""The tree's pages have one audience: committee staff, their bí thư and admins (`structure`, under /tree)."""
from flask import Blueprint

tree_bp = Blueprint("structure", __name__, url_prefix="/tree")

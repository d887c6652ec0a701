"""The dues feature's two audiences: the cell's collectors and the committees above (`dues`), and each member for
their own months (`my_dues`)."""
from flask import Blueprint

dues_bp = Blueprint("dues", __name__)
my_dues_bp = Blueprint("my_dues", __name__)

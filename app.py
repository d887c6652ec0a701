"""Entry point for `flask --app app`: only builds the application."""
from handbook import create_app

app = create_app()

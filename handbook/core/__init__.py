"""Pieces every feature uses: time, errors, base layout, home page."""

"""Members' records."""

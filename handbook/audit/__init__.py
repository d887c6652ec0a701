"""The audit log: who viewed, exported or changed what (no personal data in it)."""

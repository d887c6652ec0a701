"""Demo data: a realistic Vietnamese organisation and the demo accounts of CONTRACT.md."""

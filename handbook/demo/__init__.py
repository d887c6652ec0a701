"""Demo data: a realistic Vietnamese organisation and the demo accounts the README lists."""

"""Sample import files: `python -m handbook.members.samples.make` rewrites demo_import.xlsx beside this file."""

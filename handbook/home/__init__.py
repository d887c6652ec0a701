"""The signed-in member's start page and own profile."""

"""Fixtures shared by the members' tests."""
from tests.members.moves_scene import world  # noqa: F401 - the moves' scene

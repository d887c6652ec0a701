"""Every action the code records is one the audit page can name and filter by."""
import re
from pathlib import Path

import handbook
from handbook.audit import service as audit_service

RECORDED = re.compile(r'record\(\s*"([a-z_]+\.[a-z_0-9]+)"')


def _recorded_actions() -> set[str]:
    root = Path(handbook.__file__).parent
    return {m for path in root.rglob("*.py") for m in RECORDED.findall(path.read_text(encoding="utf-8"))}


def test_every_recorded_action_has_a_label():
    recorded = _recorded_actions()
    assert len(recorded) >= 40  # the scan finds the calls (a broken pattern would find none)
    assert recorded - set(audit_service.ACTIONS) == set()


def test_an_unknown_action_shows_as_stored():
    assert audit_service.action_label("future.action") == "future.action"
    assert audit_service.action_label("member.view") == "Xem hồ sơ"

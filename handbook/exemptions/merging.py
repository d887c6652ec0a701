"""How merging two member records of one person carries their exemptions: every request and period moves to the kept
record as it is (the status history, which holds the dated statuses, moves with the members feature's own rows)."""
from __future__ import annotations


def connect() -> None:
    from handbook.members.duplicates import carry_reference

    carry_reference("member_exemptions", "member_id")

"""Merging two member records of one person carries the admission files' references: the file that created the
dropped record, its sponsorships, its introductions (one letter per candidate)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from handbook.admission.models import Candidate, CandidateStatus, Introducer
from handbook.audit.service import Actor
from handbook.extensions import db
from handbook.members import duplicates
from handbook.org.models import OrgKind


def test_a_merge_carries_files_sponsorships_and_introductions(app, factory):
    ward = factory.org("Đảng bộ phường", OrgKind.DANG_BO_XA)
    cell = factory.org("Chi bộ 1", OrgKind.CHI_BO, ward)
    born = date(1990, 4, 2)
    keep = factory.member(cell, name="Lê Văn Hai", birth_date=born)
    drop = factory.member(cell, name="LÊ VĂN HAI", birth_date=born)
    own_file = factory.candidate(cell, status=CandidateStatus.DU_BI, member_id=drop.id, admitted_on=date(2026, 3, 2))
    sponsored = factory.candidate(cell, status=CandidateStatus.DU_BI, sponsor_id=drop.id,
                                  admitted_on=date(2026, 5, 2))
    both_introduced, one_introduced = factory.candidate(cell), factory.candidate(cell)
    for candidate, member in ((both_introduced, keep), (both_introduced, drop), (one_introduced, drop)):
        db.session.add(Introducer(candidate_id=candidate.id, member_id=member.id, known_since=date(2020, 1, 1),
                                  signed_on=date(2026, 10, 1)))
    factory.commit()
    keep_id = keep.id

    duplicates.merge(keep, drop, Actor(None))

    db.session.expire_all()
    assert db.session.get(Candidate, own_file.id).member_id == keep_id
    assert db.session.get(Candidate, sponsored.id).sponsor_id == keep_id
    letters = db.session.execute(select(Introducer.candidate_id, Introducer.member_id)).all()
    assert sorted(letters) == sorted([(both_introduced.id, keep_id), (one_introduced.id, keep_id)])


def test_the_kept_record_keeps_its_own_file(app, factory):
    cell = factory.org("Chi bộ 1", OrgKind.CHI_BO, factory.org("Đảng bộ phường", OrgKind.DANG_BO_XA))
    keep, drop = factory.member(cell, name="Võ Thị Ba"), factory.member(cell, name="VÕ THỊ BA")
    kept_file = factory.candidate(cell, status=CandidateStatus.DU_BI, member_id=keep.id, admitted_on=date(2026, 1, 5))
    other_file = factory.candidate(cell, status=CandidateStatus.DU_BI, member_id=drop.id, admitted_on=date(2026, 1, 5))
    factory.commit()

    duplicates.merge(keep, drop, Actor(None))

    db.session.expire_all()
    assert db.session.get(Candidate, kept_file.id).member_id == keep.id
    assert db.session.get(Candidate, other_file.id).member_id is None

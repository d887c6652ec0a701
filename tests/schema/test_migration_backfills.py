"""Migrations that fill new columns from existing rows: the values they choose."""
from __future__ import annotations

from datetime import date

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from handbook.extensions import db
from handbook.org.models import OrgKind, Role
from tests.factories import Factory
from tests.support import build_app


def test_regulation_owner_is_the_authors_highest_covering_position_or_the_audiences_committee(tmp_path):
    app = build_app(tmp_path, "backfill")
    with app.app_context():
        factory = Factory()
        city = factory.org("Thành phố", OrgKind.DANG_BO_TINH)
        ward = factory.org("Phường A", OrgKind.DANG_BO_XA, city)
        cell = factory.org("Chi bộ A", OrgKind.CHI_BO, ward)
        staff, secretary, both = (factory.user(f"{n}@test.vn") for n in ("staff", "secretary", "both"))
        factory.grant(staff, ward, Role.CAN_BO)
        factory.grant(secretary, cell, Role.BI_THU)
        factory.grant(both, cell, Role.BI_THU)
        factory.grant(both, city, Role.CAN_BO)
        docs = {
            "staff_for_cell": (factory.document(cell, published=False), staff),
            "secretary_for_cell": (factory.document(cell), secretary),
            "both_for_cell": (factory.document(cell), both),
            "nobody_for_cell": (factory.document(cell), None),
            "nobody_for_ward": (factory.document(ward), None),
            "for_everyone": (factory.document(None), staff),
        }
        for document, author in docs.values():
            document.created_by_id = author.id if author else None
        factory.commit()
        ids = {name: document.id for name, (document, _author) in docs.items()}
        orgs = {"city": city.id, "ward": ward.id, "cell": cell.id}
        db.session.remove()

        downgrade(revision="0008_search_table")
        upgrade(revision="0009_regulation_owner")
        owners = dict(db.session.execute(text("SELECT id, owner_org_id FROM regulation_documents")).all())
        assert {name: owners[doc_id] for name, doc_id in ids.items()} == {
            "staff_for_cell": orgs["ward"], "secretary_for_cell": orgs["cell"], "both_for_cell": orgs["city"],
            "nobody_for_cell": orgs["ward"], "nobody_for_ward": orgs["ward"], "for_everyone": None,
        }
        db.session.remove()
        db.engine.dispose()


def test_org_history_backfills_one_open_version_per_organisation_and_one_placement_per_member(tmp_path):
    app = build_app(tmp_path, "backfill_history")
    with app.app_context():
        factory = Factory()
        ward = factory.org("Phường A", OrgKind.DANG_BO_XA)
        cell = factory.org("Chi bộ A", OrgKind.CHI_BO, ward)
        admitted = factory.member(cell, admission_date=date(2011, 4, 5))
        unknown = factory.member(cell, admission_date=None)
        factory.commit()
        created = {org.id: org.created_at.date() for org in (ward, cell)}
        unknown_created = unknown.created_at.date()
        ids = {"ward": ward.id, "cell": cell.id, "admitted": admitted.id, "unknown": unknown.id}
        db.session.remove()

        downgrade(revision="0013_regulation_html_attributes")
        upgrade(revision="0014_org_history")
        versions = db.session.execute(text(
            "SELECT organisation_id, name, parent_id, valid_from, valid_to FROM org_versions ORDER BY id")).all()
        assert [(v[0], v[1], v[2], str(v[3]), v[4]) for v in versions] == [
            (ids["ward"], "Phường A", None, str(created[ids["ward"]]), None),
            (ids["cell"], "Chi bộ A", ids["ward"], str(created[ids["cell"]]), None)]
        placements = db.session.execute(text(
            "SELECT member_id, cell_id, valid_from, valid_to, reason FROM member_placements ORDER BY member_id")).all()
        assert [(p[0], p[1], str(p[2]), p[3], p[4]) for p in placements] == [
            (ids["admitted"], ids["cell"], "2011-04-05", None, "Dữ liệu ban đầu"),
            (ids["unknown"], ids["cell"], str(unknown_created), None, "Dữ liệu ban đầu")]
        db.session.remove()
        db.engine.dispose()


def test_org_name_key_backfill_folds_every_existing_name(tmp_path, monkeypatch):
    """Names written before the column existed get their folded key (in batches: BATCH made small here)."""
    import importlib

    migration = importlib.import_module("migrations.versions.0016_org_name_key")
    monkeypatch.setattr(migration, "BATCH", 2)
    app = build_app(tmp_path, "backfill_name_key")
    with app.app_context():
        factory = Factory()
        city = factory.org("Đảng bộ Thành phố Đà Nẵng", OrgKind.DANG_BO_TINH)
        ward = factory.org("Đảng bộ  Phường Hải Châu", OrgKind.DANG_BO_XA, city)
        cell = factory.org("Chi bộ Khu dân cư số 3 (Hải Châu)", OrgKind.CHI_BO, ward)
        factory.commit()
        ids = [city.id, ward.id, cell.id]
        db.session.remove()

        downgrade(revision="0014_org_history")
        upgrade(revision="0016_org_name_key")
        keys = db.session.execute(text("SELECT id, name_key FROM organisations ORDER BY id")).all()
        assert [tuple(k) for k in keys] == [(ids[0], "dang bo thanh pho da nang"),
                                            (ids[1], "dang bo phuong hai chau"),
                                            (ids[2], "chi bo khu dan cu so 3 hai chau")]
        db.session.remove()
        db.engine.dispose()

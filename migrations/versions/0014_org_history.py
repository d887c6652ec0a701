"""org history: organisations' codes and dissolution day, dated changes and versions; members' placements over time

Backfills one open version per organisation (from the day it was created) and one open placement per member
(from the admission date, or the day the record was created), so "as of a date" reads the same tables for
old and new rows.

Revision ID: 0014_org_history
Revises: 0013_regulation_html_attributes
Create Date: 2026-12-07 07:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0014_org_history"
down_revision = "0013_regulation_html_attributes"
branch_labels = None
depends_on = None

KINDS = 20


def _dates():
    """SQL for a DateTime column's day, on SQLite and PostgreSQL alike."""
    return "date(created_at)" if op.get_bind().dialect.name == "sqlite" else "CAST(created_at AS DATE)"


def upgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("dissolved_on", sa.Date(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_organisations_code"), ["code"])

    op.create_table(
        "org_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum("create", "rename", "move", "merge", "split", "dissolve", name="orgchangekind",
                                  native_enum=False, length=10), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("decision_number", sa.String(length=60), nullable=True),
        sa.Column("signer", sa.String(length=120), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_org_changes_organisation_id_organisations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], name=op.f("fk_org_changes_recorded_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_changes")),
    )
    op.create_index("ix_org_changes_org_on", "org_changes", ["organisation_id", "on_date"], unique=False)

    op.create_table(
        "org_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.Enum("dang_bo_tinh", "dang_bo_huyen", "dang_bo_xa", "dang_bo_co_so", "chi_bo_co_so",
                                  "dang_bo_bo_phan", "chi_bo", "to_dang", name="orgkind", native_enum=False,
                                  length=KINDS), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_org_versions_organisation_id_organisations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["parent_id"], ["organisations.id"],
                                name=op.f("fk_org_versions_parent_id_organisations"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_versions")),
    )
    op.create_index("ix_org_versions_org_from", "org_versions", ["organisation_id", "valid_from"], unique=False)
    op.create_index("ix_org_versions_parent_from", "org_versions", ["parent_id", "valid_from"], unique=False)

    op.create_table(
        "member_placements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("cell_id", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("decision_number", sa.String(length=60), nullable=True),
        sa.Column("reason", sa.String(length=255), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["cell_id"], ["organisations.id"],
                                name=op.f("fk_member_placements_cell_id_organisations")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_member_placements_member_id_members"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"],
                                name=op.f("fk_member_placements_recorded_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_placements")),
    )
    op.create_index("ix_member_placements_cell_from", "member_placements", ["cell_id", "valid_from"], unique=False)
    op.create_index(op.f("ix_member_placements_member_id"), "member_placements", ["member_id"], unique=False)

    day = _dates()
    op.execute(f"INSERT INTO org_versions (organisation_id, name, kind, parent_id, valid_from, valid_to) "
               f"SELECT id, name, kind, parent_id, {day}, NULL FROM organisations")
    op.execute(f"INSERT INTO member_placements (member_id, cell_id, valid_from, valid_to, reason, recorded_at) "
               f"SELECT id, cell_id, COALESCE(admission_date, {day}), NULL, 'Dữ liệu ban đầu', CURRENT_TIMESTAMP "
               f"FROM members")


def downgrade():
    op.drop_index(op.f("ix_member_placements_member_id"), table_name="member_placements")
    op.drop_index("ix_member_placements_cell_from", table_name="member_placements")
    op.drop_table("member_placements")
    op.drop_index("ix_org_versions_parent_from", table_name="org_versions")
    op.drop_index("ix_org_versions_org_from", table_name="org_versions")
    op.drop_table("org_versions")
    op.drop_index("ix_org_changes_org_on", table_name="org_changes")
    op.drop_table("org_changes")
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_organisations_code"), type_="unique")
        batch_op.drop_column("dissolved_on")
        batch_op.drop_column("code")

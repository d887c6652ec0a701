"""evaluation: the annual review of members — rounds, self-assessments, ratings

`evaluation_rounds` an organisation's round of a year (opened, due day for self-assessments, closed);
`evaluation_self_assessments` a member's self-assessment of a year at an organisation (form 2A/2B/2C, the
sections' text, the level they propose, draft or submitted); `evaluation_ratings` the score (in tenths of a point)
and level the organisation decided, one per member, year and organisation.

Revision ID: 0021_evaluation
Revises: 0020_dues
Create Date: 2026-12-06 16:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0021_evaluation"
down_revision = "0020_dues"
branch_labels = None
depends_on = None

LEVELS = ("xuat_sac", "tot", "hoan_thanh", "khong_hoan_thanh")


def upgrade():
    op.create_table(
        "evaluation_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_evaluation_rounds_organisation_id_organisations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["opened_by_id"], ["users.id"], name=op.f("fk_evaluation_rounds_opened_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_rounds")),
        sa.UniqueConstraint("organisation_id", "year", name="uq_evaluation_rounds_org_year"),
    )
    op.create_table(
        "evaluation_self_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("form", sa.Enum("2A", "2B", "2C", name="formkind", native_enum=False, length=2), nullable=False),
        sa.Column("form_fixed", sa.Boolean(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("proposed_level", sa.Enum(*LEVELS, name="level", native_enum=False, length=20), nullable=True),
        sa.Column("status", sa.Enum("draft", "submitted", name="assessmentstatus", native_enum=False, length=10),
                  nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"],
                                name=op.f("fk_evaluation_self_assessments_member_id_members"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_evaluation_self_assessments_organisation_id_organisations"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_self_assessments")),
        sa.UniqueConstraint("member_id", "year", "organisation_id", name="uq_evaluation_self_member_year_org"),
    )
    with op.batch_alter_table("evaluation_self_assessments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluation_self_assessments_member_id"), ["member_id"], unique=False)
        batch_op.create_index("ix_evaluation_self_org_year", ["organisation_id", "year"], unique=False)
    op.create_table(
        "evaluation_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("score_tenths", sa.Integer(), nullable=False),
        sa.Column("level", sa.Enum(*LEVELS, name="level", native_enum=False, length=20), nullable=False),
        sa.Column("all_tasks_done", sa.Boolean(), nullable=False),
        sa.Column("exceeding_share", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_evaluation_ratings_member_id_members"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_evaluation_ratings_organisation_id_organisations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], name=op.f("fk_evaluation_ratings_recorded_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_ratings")),
        sa.UniqueConstraint("member_id", "year", "organisation_id", name="uq_evaluation_ratings_member_year_org"),
    )
    with op.batch_alter_table("evaluation_ratings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluation_ratings_member_id"), ["member_id"], unique=False)
        batch_op.create_index("ix_evaluation_ratings_org_year", ["organisation_id", "year"], unique=False)


def downgrade():
    with op.batch_alter_table("evaluation_ratings", schema=None) as batch_op:
        batch_op.drop_index("ix_evaluation_ratings_org_year")
        batch_op.drop_index(batch_op.f("ix_evaluation_ratings_member_id"))
    op.drop_table("evaluation_ratings")
    with op.batch_alter_table("evaluation_self_assessments", schema=None) as batch_op:
        batch_op.drop_index("ix_evaluation_self_org_year")
        batch_op.drop_index(batch_op.f("ix_evaluation_self_assessments_member_id"))
    op.drop_table("evaluation_self_assessments")
    op.drop_table("evaluation_rounds")

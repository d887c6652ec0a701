"""temporary attendance is asked for by the receiving cell and confirmed by the member's own cell

Revision ID: 0010_temporary_arrivals
Revises: 0009_regulation_owner
Create Date: 2026-12-06 10:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0010_temporary_arrivals"
down_revision = "0009_regulation_owner"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "member_temporary_arrivals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cell_id", sa.Integer(), nullable=False),
        sa.Column("card_number", sa.String(length=20), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=10), nullable=False),
        sa.Column("until", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("previous_cell_id", sa.Integer(), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["cell_id"], ["organisations.id"],
                                name=op.f("fk_member_temporary_arrivals_cell_id_organisations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"],
                                name=op.f("fk_member_temporary_arrivals_member_id_members"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["previous_cell_id"], ["organisations.id"],
                                name=op.f("fk_member_temporary_arrivals_previous_cell_id_organisations"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["requested_by_id"], ["users.id"],
                                name=op.f("fk_member_temporary_arrivals_requested_by_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"],
                                name=op.f("fk_member_temporary_arrivals_decided_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_temporary_arrivals")),
    )
    with op.batch_alter_table("member_temporary_arrivals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_temporary_arrivals_cell_id"), ["cell_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_member_temporary_arrivals_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_member_temporary_arrivals_status"), ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("member_temporary_arrivals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_temporary_arrivals_status"))
        batch_op.drop_index(batch_op.f("ix_member_temporary_arrivals_member_id"))
        batch_op.drop_index(batch_op.f("ix_member_temporary_arrivals_cell_id"))
    op.drop_table("member_temporary_arrivals")

"""exemptions: a member's request for exemption (miễn công tác và sinh hoạt đảng) or temporary exemption (tạm miễn
sinh hoạt), the cell's decision and its period

`member_exemptions` holds each request: its kind, reason and days, the cell's decision (resolution number and day, or
the reason for refusing), whether the exempt status was written (the member's status history keeps the dated
statuses themselves), the status given back at the end and the first day back.

Revision ID: 0023_exemptions
Revises: 0022_transfers
Create Date: 2026-12-06 16:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0023_exemptions"
down_revision = "0022_transfers"
branch_labels = None
depends_on = None

MEMBER_STATUSES = ("du_bi", "chinh_thuc", "mien_sinh_hoat", "tam_mien", "chuyen_di", "da_mat", "ra_khoi_dang")


def upgrade():
    op.create_table(
        "member_exemptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum("mien", "tam_mien", name="exemptionkind", native_enum=False, length=10),
                  nullable=False),
        sa.Column("reason", sa.Enum("tuoi_cao", "suc_khoe", "lam_an_xa", "nuoc_ngoai", "thai_san", "cho_nghi_huu",
                                    "khac", name="exemptionreason", native_enum=False, length=15), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("status", sa.Enum("pending", "approved", "refused", "withdrawn", "ended", "cancelled",
                                    name="exemptionstatus", native_enum=False, length=10), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_number", sa.String(length=60), nullable=True),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("refusal_reason", sa.String(length=500), nullable=True),
        sa.Column("started", sa.Boolean(), nullable=False),
        sa.Column("previous_status", sa.Enum(*MEMBER_STATUSES, name="memberstatus", native_enum=False, length=20),
                  nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.Column("end_reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_member_exemptions_member_id_members"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["requested_by_id"], ["users.id"],
                                name=op.f("fk_member_exemptions_requested_by_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"],
                                name=op.f("fk_member_exemptions_decided_by_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["ended_by_id"], ["users.id"],
                                name=op.f("fk_member_exemptions_ended_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_exemptions")),
    )
    with op.batch_alter_table("member_exemptions", schema=None) as batch_op:
        batch_op.create_index("ix_member_exemptions_member_status", ["member_id", "status"], unique=False)
        batch_op.create_index("ix_member_exemptions_status_start", ["status", "starts_on"], unique=False)


def downgrade():
    with op.batch_alter_table("member_exemptions", schema=None) as batch_op:
        batch_op.drop_index("ix_member_exemptions_status_start")
        batch_op.drop_index("ix_member_exemptions_member_status")
    op.drop_table("member_exemptions")

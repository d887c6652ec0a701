"""dues: regions of the regional minimum wage, members' dues profiles, exemptions and reductions, payments

`dues_regions` the region (vùng I–IV) a committee set on an organisation (inherited below it); `dues_profiles` a
member's category and base amount from a month on; `dues_reliefs` an exemption or a reduction with its decision and
months; `dues_payments` what a member paid for one month, as the cell's collector recorded it.

Revision ID: 0020_dues
Revises: 0019_reports
Create Date: 2026-12-06 16:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0020_dues"
down_revision = "0019_reports"
branch_labels = None
depends_on = None

CATEGORIES = ("wage", "benefit", "pension", "student", "other")
METHODS = ("cash", "portal")
RELIEFS = ("poor", "illness", "social_pension", "reduction")


def upgrade():
    op.create_table(
        "dues_regions",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("region", sa.SmallInteger(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_dues_regions_organisation_id_organisations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["set_by_id"], ["users.id"], name=op.f("fk_dues_regions_set_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_dues_regions")),
    )
    op.create_table(
        "dues_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("from_month", sa.Date(), nullable=False),
        sa.Column("category", sa.Enum(*CATEGORIES, name="category", native_enum=False, length=10), nullable=False),
        sa.Column("base_amount", sa.Integer(), nullable=True),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_dues_profiles_member_id_members"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["set_by_id"], ["users.id"], name=op.f("fk_dues_profiles_set_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dues_profiles")),
        sa.UniqueConstraint("member_id", "from_month", name="uq_dues_profiles_member_month"),
    )
    op.create_table(
        "dues_reliefs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum(*RELIEFS, name="reliefkind", native_enum=False, length=16), nullable=False),
        sa.Column("percent", sa.SmallInteger(), nullable=False),
        sa.Column("from_month", sa.Date(), nullable=False),
        sa.Column("to_month", sa.Date(), nullable=True),
        sa.Column("decision_number", sa.String(length=60), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_dues_reliefs_member_id_members"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], name=op.f("fk_dues_reliefs_recorded_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dues_reliefs")),
    )
    with op.batch_alter_table("dues_reliefs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dues_reliefs_member_id"), ["member_id"], unique=False)
    op.create_table(
        "dues_payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("cell_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("expected", sa.Integer(), nullable=True),
        sa.Column("method", sa.Enum(*METHODS, name="method", native_enum=False, length=8), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["cell_id"], ["organisations.id"], name=op.f("fk_dues_payments_cell_id_organisations")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_dues_payments_member_id_members"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], name=op.f("fk_dues_payments_recorded_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dues_payments")),
        sa.UniqueConstraint("member_id", "month", name="uq_dues_payments_member_month"),
    )
    with op.batch_alter_table("dues_payments", schema=None) as batch_op:
        batch_op.create_index("ix_dues_payments_cell_month", ["cell_id", "month"], unique=False)
        batch_op.create_index("ix_dues_payments_month_cell", ["month", "cell_id", "amount"], unique=False)
        batch_op.create_index("ix_dues_payments_paid_on_cell", ["paid_on", "cell_id", "amount"], unique=False)


def downgrade():
    with op.batch_alter_table("dues_payments", schema=None) as batch_op:
        batch_op.drop_index("ix_dues_payments_paid_on_cell")
        batch_op.drop_index("ix_dues_payments_month_cell")
        batch_op.drop_index("ix_dues_payments_cell_month")
    op.drop_table("dues_payments")
    with op.batch_alter_table("dues_reliefs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dues_reliefs_member_id"))
    op.drop_table("dues_reliefs")
    op.drop_table("dues_profiles")
    op.drop_table("dues_regions")

"""the version of what member counts read, so counts per day can be cached until the next change

`member_counts_version`: one row whose token every write to placements, status history, members or
organisation versions replaces in its own transaction (members.counts); the counts cached under a token are
read only while it is current.

Revision ID: 0017_counts_version
Revises: 0016_org_name_key
Create Date: 2026-12-09 09:00:00

"""
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0017_counts_version"
down_revision = "0016_org_name_key"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "member_counts_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_counts_version")),
    )
    op.bulk_insert(table, [{"id": 1, "token": uuid.uuid4().hex}])


def downgrade():
    op.drop_table("member_counts_version")

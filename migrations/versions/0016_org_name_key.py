"""organisations' folded names for search; covering indexes for counts as of a date

`organisations.name_key`: the name without diacritics, lower case, single-spaced ("phuong hai chau"), filled
for existing rows here (in batches). `member_status_history (member_id, from_date, id, status)` and
`member_placements (cell_id, valid_from, valid_to, member_id)` let members.counts read a member's status on a
day and the placements valid that day from the index alone (the latter replaces `(cell_id, valid_from)`).

Revision ID: 0016_org_name_key
Revises: 0014_org_history
Create Date: 2026-12-08 09:00:00

"""
import sqlalchemy as sa
from alembic import op

from handbook.core.fold import fold

revision = "0016_org_name_key"
down_revision = "0015_activation_code_batches"
branch_labels = None
depends_on = None

BATCH = 2_000


def upgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=200), nullable=False, server_default=""))
    backfill_name_keys(op.get_bind())
    op.create_index("ix_member_status_history_member_day", "member_status_history",
                    ["member_id", "from_date", "id", "status"], unique=False)
    op.drop_index("ix_member_placements_cell_from", table_name="member_placements")
    op.create_index("ix_member_placements_cell_day", "member_placements",
                    ["cell_id", "valid_from", "valid_to", "member_id"], unique=False)


def backfill_name_keys(bind) -> None:
    """Every organisation's name_key from its name, BATCH rows at a time (by id)."""
    orgs = sa.table("organisations", sa.column("id", sa.Integer), sa.column("name", sa.String),
                    sa.column("name_key", sa.String))
    last = 0
    while True:
        rows = bind.execute(sa.select(orgs.c.id, orgs.c.name).where(orgs.c.id > last).order_by(orgs.c.id)
                            .limit(BATCH)).all()
        if not rows:
            return
        bind.execute(orgs.update().where(orgs.c.id == sa.bindparam("b_id")).values(name_key=sa.bindparam("b_key")),
                     [{"b_id": row.id, "b_key": " ".join(fold(row.name).split())} for row in rows])
        last = rows[-1].id


def downgrade():
    op.drop_index("ix_member_placements_cell_day", table_name="member_placements")
    op.create_index("ix_member_placements_cell_from", "member_placements", ["cell_id", "valid_from"], unique=False)
    op.drop_index("ix_member_status_history_member_day", table_name="member_status_history")
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_column("name_key")

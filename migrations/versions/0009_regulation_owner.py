"""regulation documents belong to the organisation that issues them

Until now whoever managed a document's audience could publish, discard it and change its status, so a cell's
secretary could do so with the committee's documents written for the cell. `owner_org_id` names the issuing
organisation. Existing documents get the highest organisation where their author holds a position over the
audience; without such a position (author gone, demo documents) the audience's committee: its parent when the
audience is a cell or a tổ đảng, the audience itself otherwise; documents for everyone stay with the admins.

Revision ID: 0009_regulation_owner
Revises: 0008_search_table
Create Date: 2026-12-06 09:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0009_regulation_owner"
down_revision = "0008_search_table"
branch_labels = None
depends_on = None

BELOW_COMMITTEE = ("chi_bo", "chi_bo_co_so", "to_dang")


def _owner(audience, grants) -> int | None:
    """`grants`: (organisation id, path, scope) of the author's positions."""
    if audience is None:
        return None
    covering = [(path.count("/"), org_id) for org_id, path, scope in grants
                if (org_id == audience.id if scope == "unit" else audience.path.startswith(path))]
    if covering:
        return min(covering)[1]
    if audience.kind in BELOW_COMMITTEE and audience.parent_id is not None:
        return audience.parent_id
    return audience.id


def upgrade():
    with op.batch_alter_table("regulation_documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_org_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_regulation_documents_owner_org_id"), ["owner_org_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_regulation_documents_owner_org_id_organisations"),
                                    "organisations", ["owner_org_id"], ["id"], ondelete="SET NULL")

    conn = op.get_bind()
    orgs = {row.id: row for row in conn.execute(sa.text("SELECT id, kind, parent_id, path FROM organisations"))}
    grants: dict[int, list] = {}
    for user_id, org_id, scope in conn.execute(sa.text("SELECT user_id, organisation_id, scope FROM positions")):
        if org_id in orgs:
            grants.setdefault(user_id, []).append((org_id, orgs[org_id].path, scope))
    documents = conn.execute(sa.text("SELECT id, audience_org_id, created_by_id FROM regulation_documents")).all()
    for doc_id, audience_id, author_id in documents:
        owner = _owner(orgs.get(audience_id), grants.get(author_id, []))
        if owner is not None:
            conn.execute(sa.text("UPDATE regulation_documents SET owner_org_id = :owner WHERE id = :id"),
                         {"owner": owner, "id": doc_id})


def downgrade():
    with op.batch_alter_table("regulation_documents", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_regulation_documents_owner_org_id_organisations"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_regulation_documents_owner_org_id"))
        batch_op.drop_column("owner_org_id")

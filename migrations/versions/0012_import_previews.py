"""member import previews: confirming an uploaded file is once-only, claimed in the database

Revision ID: 0012_import_previews
Revises: 0011_login_phone
Create Date: 2026-12-06 06:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0012_import_previews"
down_revision = "0011_login_phone"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('member_import_previews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('file_digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                            name=op.f('fk_member_import_previews_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_member_import_previews_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_import_previews')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_member_import_previews_token_hash'))
    )
    with op.batch_alter_table('member_import_previews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_import_previews_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_import_previews_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('member_import_previews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_import_previews_user_id'))
        batch_op.drop_index(batch_op.f('ix_member_import_previews_created_at'))
    op.drop_table('member_import_previews')

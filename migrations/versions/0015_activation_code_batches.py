"""activation code batches: a whole cell's codes, sealed until they expire, for the slips and SMS pages

Revision ID: 0015_activation_code_batches
Revises: 0014_org_history
Create Date: 2026-12-10 06:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0015_activation_code_batches"
down_revision = "0014_org_history"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('activation_code_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('entries', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                            name=op.f('fk_activation_code_batches_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_activation_code_batches_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activation_code_batches')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_activation_code_batches_token_hash'))
    )
    with op.batch_alter_table('activation_code_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activation_code_batches_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_activation_code_batches_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('activation_code_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activation_code_batches_user_id'))
        batch_op.drop_index(batch_op.f('ix_activation_code_batches_expires_at'))
    op.drop_table('activation_code_batches')

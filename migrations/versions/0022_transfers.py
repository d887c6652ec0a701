"""transfers: a member's moves (chuyển sinh hoạt đảng, permanent or temporary) and the directory of receiving
organisations

`member_transfers` one move of a member from the request to its end — the letter's number and day, the deadlines
in working days, who received the member where; `receiving_organisations` the entries a committee keeps of the
organisations members move to, with an optional link to an organisation of this deployment.

Revision ID: 0022_transfers
Revises: 0021_evaluation
Create Date: 2026-12-06 16:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0022_transfers"
down_revision = "0021_evaluation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('receiving_organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=255), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('hours', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_receiving_organisations_organisation_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['organisations.id'], name=op.f('fk_receiving_organisations_owner_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receiving_organisations'))
    )
    with op.batch_alter_table('receiving_organisations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receiving_organisations_owner_id'), ['owner_id'], unique=False)

    op.create_table('member_transfers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('chinh_thuc', 'tam_thoi', name='movekind', native_enum=False), nullable=False),
    sa.Column('reason', sa.Enum('cong_tac', 'nghi_huu', 'cu_tru', 'hoc_tap', name='movereason', native_enum=False, length=10), nullable=False),
    sa.Column('state', sa.Enum('requested', 'letter', 'received', 'cancelled', 'lapsed', name='movestate', native_enum=False, length=10), nullable=False),
    sa.Column('from_cell_id', sa.Integer(), nullable=False),
    sa.Column('to_org_id', sa.Integer(), nullable=True),
    sa.Column('destination_id', sa.Integer(), nullable=True),
    sa.Column('destination_name', sa.String(length=200), nullable=False),
    sa.Column('change_day', sa.Date(), nullable=False),
    sa.Column('request_by', sa.Date(), nullable=True),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=255), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('letter_number', sa.String(length=60), nullable=True),
    sa.Column('letter_day', sa.Date(), nullable=True),
    sa.Column('letter_by_id', sa.Integer(), nullable=True),
    sa.Column('present_by', sa.Date(), nullable=True),
    sa.Column('received_day', sa.Date(), nullable=True),
    sa.Column('received_cell_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_member_transfers_confirmed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['destination_id'], ['receiving_organisations.id'], name=op.f('fk_member_transfers_destination_id_receiving_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['from_cell_id'], ['organisations.id'], name=op.f('fk_member_transfers_from_cell_id_organisations')),
    sa.ForeignKeyConstraint(['letter_by_id'], ['users.id'], name=op.f('fk_member_transfers_letter_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_member_transfers_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['received_cell_id'], ['organisations.id'], name=op.f('fk_member_transfers_received_cell_id_organisations')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_member_transfers_requested_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['to_org_id'], ['organisations.id'], name=op.f('fk_member_transfers_to_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_transfers'))
    )
    with op.batch_alter_table('member_transfers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_transfers_from_cell_id'), ['from_cell_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_transfers_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_transfers_state'), ['state'], unique=False)
        batch_op.create_index('ix_member_transfers_state_present_by', ['state', 'present_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_transfers_to_org_id'), ['to_org_id'], unique=False)



def downgrade():
    with op.batch_alter_table('member_transfers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_transfers_to_org_id'))
        batch_op.drop_index('ix_member_transfers_state_present_by')
        batch_op.drop_index(batch_op.f('ix_member_transfers_state'))
        batch_op.drop_index(batch_op.f('ix_member_transfers_member_id'))
        batch_op.drop_index(batch_op.f('ix_member_transfers_from_cell_id'))

    op.drop_table('member_transfers')
    with op.batch_alter_table('receiving_organisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receiving_organisations_owner_id'))

    op.drop_table('receiving_organisations')

"""login phone: a member's contact phone and their account's login phone become one number

Until now a member who changed the phone on their profile kept logging in with the old number. From now on
the record's phone is the login (handbook/members/records.py keeps them equal); this reconciles the rows
written before:

- a record whose phone differs from its account's login: the account logs in with the record's phone (the
  number the member, or their cell, last gave), unless another account already logs in with it — then
  both are left as they are (the login never moves onto someone else's number);
- a record without a phone whose account has one: the record takes the account's number, so nobody loses
  their way to log in.

Data only: downgrading leaves the numbers as they are.

Revision ID: 0011_login_phone
Revises: 0010_temporary_arrivals
Create Date: 2026-12-06 05:30:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0011_login_phone"
down_revision = "0010_temporary_arrivals"
branch_labels = None
depends_on = None

users = sa.table("users", sa.column("id", sa.Integer), sa.column("phone", sa.String))
members = sa.table("members", sa.column("id", sa.Integer), sa.column("user_id", sa.Integer),
                   sa.column("phone", sa.String))


def upgrade():
    conn = op.get_bind()
    differing = conn.execute(
        sa.select(members.c.id, members.c.phone, users.c.id, users.c.phone)
        .join(users, users.c.id == members.c.user_id)
        .where(sa.or_(
            sa.and_(members.c.phone.is_(None), users.c.phone.is_not(None)),
            sa.and_(members.c.phone.is_not(None), sa.or_(users.c.phone.is_(None), users.c.phone != members.c.phone)),
        ))
        .order_by(members.c.id)
    ).all()
    wanted = [row[1] for row in differing if row[1] is not None]
    taken = set()
    for start in range(0, len(wanted), 500):
        taken.update(conn.scalars(sa.select(users.c.phone).where(users.c.phone.in_(wanted[start:start + 500]))))
    for member_id, member_phone, user_id, user_phone in differing:
        if member_phone is None:
            conn.execute(members.update().where(members.c.id == member_id).values(phone=user_phone))
        elif member_phone not in taken:
            conn.execute(users.update().where(users.c.id == user_id).values(phone=member_phone))
            taken.discard(user_phone)
            taken.add(member_phone)


def downgrade():
    pass

"""reports: organisations' unit type, members' occupation group, the app seen installed, meeting documents read,
periodic reviews

`organisations.unit_type` says whether an organisation is residential or a workplace (the review of retired
members reads it); `members.occupation_group` the group committees count a member under (filled from the member's
admission file where there is one); `users.app_seen_at` the latest time the app reported running installed;
`meeting_document_reads` the first time a member opened a meeting's documents; `report_reviews` and
`report_review_members` a committee's periodic review of a list and who was on it.

Revision ID: 0019_reports
Revises: 0018_admission
Create Date: 2026-12-06 14:00:00

"""
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0019_reports"
down_revision = "0018_admission"
branch_labels = None
depends_on = None

OCCUPATION_GROUPS = ("cong_nhan", "nong_dan", "cong_chuc", "vien_chuc", "dn_nha_nuoc", "dn_tu_nhan", "dn_fdi",
                     "hssv", "llvt", "huu_tri", "khac")
UNIT_TYPES = ("dan_cu", "co_quan", "su_nghiep", "doanh_nghiep", "quan_doi", "cong_an", "khac")


def upgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit_type", sa.Enum(*UNIT_TYPES, name="unittype", native_enum=False,
                                                           length=12), nullable=True))
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("occupation_group", sa.Enum(*OCCUPATION_GROUPS, name="occupationgroup",
                                                                  native_enum=False, length=12), nullable=True))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("app_seen_at", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "meeting_document_reads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("first_read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"],
                                name=op.f("fk_meeting_document_reads_meeting_id_meetings"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"],
                                name=op.f("fk_meeting_document_reads_member_id_members"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_document_reads")),
        sa.UniqueConstraint("meeting_id", "member_id", name="uq_meeting_document_reads_meeting_member"),
    )
    with op.batch_alter_table("meeting_document_reads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_document_reads_member_id"), ["member_id"], unique=False)

    op.create_table(
        "report_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum("retired_workplace", "no_attendance", name="reviewkind", native_enum=False,
                                  length=20), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("listed", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_report_reviews_organisation_id_organisations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reviewed_by_id"], ["users.id"],
                                name=op.f("fk_report_reviews_reviewed_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_reviews")),
    )
    with op.batch_alter_table("meeting_attendance", schema=None) as batch_op:
        batch_op.create_index("ix_meeting_attendance_meeting_status", ["meeting_id", "status"], unique=False)

    with op.batch_alter_table("report_reviews", schema=None) as batch_op:
        batch_op.create_index("ix_report_reviews_org_kind_day", ["organisation_id", "kind", "reviewed_on"],
                              unique=False)
    op.create_table(
        "report_review_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["review_id"], ["report_reviews.id"],
                                name=op.f("fk_report_review_members_review_id_report_reviews"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"],
                                name=op.f("fk_report_review_members_member_id_members"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_review_members")),
        sa.UniqueConstraint("review_id", "member_id", name="uq_report_review_members_review_member"),
    )
    with op.batch_alter_table("report_review_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_review_members_member_id"), ["member_id"], unique=False)

    # a member created by an admission ceremony is in the occupation group of their file
    op.execute(sa.text(
        "UPDATE members SET occupation_group = (SELECT c.occupation_group FROM admission_candidates c "
        "WHERE c.member_id = members.id) "
        "WHERE occupation_group IS NULL AND EXISTS (SELECT 1 FROM admission_candidates c WHERE c.member_id = members.id)"))
    # counts kept per process are keyed by this token: the records changed
    op.execute(sa.text("UPDATE member_counts_version SET token = :token").bindparams(token=uuid.uuid4().hex))


def downgrade():
    with op.batch_alter_table("report_review_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_review_members_member_id"))
    op.drop_table("report_review_members")
    with op.batch_alter_table("report_reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_report_reviews_org_kind_day")
    op.drop_table("report_reviews")
    with op.batch_alter_table("meeting_attendance", schema=None) as batch_op:
        batch_op.drop_index("ix_meeting_attendance_meeting_status")

    with op.batch_alter_table("meeting_document_reads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_document_reads_member_id"))
    op.drop_table("meeting_document_reads")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("app_seen_at")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("occupation_group")
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_column("unit_type")

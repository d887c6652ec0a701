"""admission: candidates and their files step by step, introducers, list reviews, sponsors' notes, yearly targets

`admission_candidates` holds one person's file from the candidate list to official membership (the member record
the ceremony created, the sponsor); `admission_steps` one step of it (a form or an event, its date, number, scan);
`admission_introducers` the official members introducing a candidate; `admission_reviews` a cell's review of its
list; `admission_sponsor_notes` the sponsor's notes; `admission_targets` a committee's yearly target;
`ix_members_cell_admission` and `ix_members_admission_cell` members by cell and admission date (the admissions
report).

Revision ID: 0018_admission
Revises: 0017_counts_version
Create Date: 2026-12-06 10:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0018_admission"
down_revision = "0017_counts_version"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "admission_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cell_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("candidates", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cell_id"],
            ["organisations.id"],
            name=op.f("fk_admission_reviews_cell_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["users.id"],
            name=op.f("fk_admission_reviews_reviewed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admission_reviews")),
    )
    with op.batch_alter_table("admission_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_admission_reviews_cell_id"), ["cell_id"], unique=False)

    op.create_table(
        "admission_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_admission_targets_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"], ["users.id"], name=op.f("fk_admission_targets_set_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admission_targets")),
        sa.UniqueConstraint("organisation_id", "year", name="uq_admission_targets_org_year"),
    )
    with op.batch_alter_table("admission_targets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_admission_targets_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "admission_candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cell_id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("gender", sa.Enum("nam", "nu", name="gender", native_enum=False, length=5), nullable=False),
        sa.Column("ethnicity", sa.String(length=40), nullable=False),
        sa.Column("religion", sa.String(length=40), nullable=True),
        sa.Column("cccd", sa.String(length=12), nullable=True),
        sa.Column("phone", sa.String(length=16), nullable=True),
        sa.Column("residence", sa.String(length=200), nullable=True),
        sa.Column("hometown", sa.String(length=200), nullable=True),
        sa.Column(
            "general_education",
            sa.Enum("tieu_hoc", "thcs", "thpt", name="generaleducation", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("education_exception", sa.String(length=255), nullable=True),
        sa.Column(
            "professional_level",
            sa.Enum(
                "khong",
                "so_cap",
                "trung_cap",
                "cao_dang",
                "dai_hoc",
                "thac_si",
                "tien_si",
                name="professionallevel",
                native_enum=False,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("qualification", sa.String(length=120), nullable=True),
        sa.Column("occupation", sa.String(length=120), nullable=True),
        sa.Column(
            "occupation_group",
            sa.Enum(
                "cong_nhan",
                "nong_dan",
                "cong_chuc",
                "vien_chuc",
                "dn_nha_nuoc",
                "dn_tu_nhan",
                "dn_fdi",
                "hssv",
                "llvt",
                "khac",
                name="occupationgroup",
                native_enum=False,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("youth_union", sa.Boolean(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "doan_tn",
                "hoi_phu_nu",
                "cong_doan",
                "hoi_nong_dan",
                "hoi_ccb",
                "hoi_sinh_vien",
                "khac",
                name="source",
                native_enum=False,
                length=15,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "dang_xet",
                "du_bi",
                "chinh_thuc",
                "khong_cong_nhan",
                "dung",
                name="candidatestatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("status_reason", sa.String(length=255), nullable=True),
        sa.Column("decision_extended", sa.Boolean(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("sponsor_id", sa.Integer(), nullable=True),
        sa.Column("admitted_on", sa.Date(), nullable=True),
        sa.Column("official_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cell_id"], ["organisations.id"], name=op.f("fk_admission_candidates_cell_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_admission_candidates_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_admission_candidates_member_id_members"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["sponsor_id"], ["members.id"], name=op.f("fk_admission_candidates_sponsor_id_members"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admission_candidates")),
        sa.UniqueConstraint("cccd", name=op.f("uq_admission_candidates_cccd")),
        sa.UniqueConstraint("member_id", name=op.f("uq_admission_candidates_member_id")),
    )
    with op.batch_alter_table("admission_candidates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_admission_candidates_admitted_on"), ["admitted_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_admission_candidates_cell_id"), ["cell_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_admission_candidates_sponsor_id"), ["sponsor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_admission_candidates_status"), ["status"], unique=False)

    op.create_table(
        "admission_introducers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("known_since", sa.Date(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["admission_candidates.id"],
            name=op.f("fk_admission_introducers_candidate_id_admission_candidates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_admission_introducers_member_id_members"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_admission_introducers_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admission_introducers")),
        sa.UniqueConstraint("candidate_id", "member_id", name="uq_admission_introducers_pair"),
    )
    with op.batch_alter_table("admission_introducers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_admission_introducers_candidate_id"), ["candidate_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_admission_introducers_member_id"), ["member_id"], unique=False)

    op.create_table(
        "admission_sponsor_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("written_on", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_admission_sponsor_notes_author_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["admission_candidates.id"],
            name=op.f("fk_admission_sponsor_notes_candidate_id_admission_candidates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admission_sponsor_notes")),
    )
    with op.batch_alter_table("admission_sponsor_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_admission_sponsor_notes_candidate_id"), ["candidate_id"], unique=False)

    op.create_table(
        "admission_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=30), nullable=False),
        sa.Column(
            "status",
            sa.Enum("chua", "dang_lam", "xong", "khong_dat", name="stepstatus", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("number", sa.String(length=60), nullable=True),
        sa.Column("responsible", sa.String(length=120), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("file_key", sa.String(length=64), nullable=True),
        sa.Column("file_name", sa.String(length=200), nullable=True),
        sa.Column("file_type", sa.String(length=60), nullable=True),
        sa.Column("file_size", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["admission_candidates.id"],
            name=op.f("fk_admission_steps_candidate_id_admission_candidates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_admission_steps_updated_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admission_steps")),
        sa.UniqueConstraint("candidate_id", "step", name="uq_admission_steps_candidate_step"),
    )
    with op.batch_alter_table("admission_steps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_admission_steps_candidate_id"), ["candidate_id"], unique=False)
    # the admissions report reads the members admitted since a day: per cell from the first (SQLite walks the
    # subtree's cells), as a range of days from the second (PostgreSQL's plan)
    op.create_index("ix_members_cell_admission", "members", ["cell_id", "admission_date"], unique=False)
    op.create_index("ix_members_admission_cell", "members", ["admission_date", "cell_id"], unique=False)


def downgrade():
    op.drop_index("ix_members_admission_cell", table_name="members")
    op.drop_index("ix_members_cell_admission", table_name="members")
    with op.batch_alter_table("admission_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_admission_steps_candidate_id"))

    op.drop_table("admission_steps")
    with op.batch_alter_table("admission_sponsor_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_admission_sponsor_notes_candidate_id"))

    op.drop_table("admission_sponsor_notes")
    with op.batch_alter_table("admission_introducers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_admission_introducers_member_id"))
        batch_op.drop_index(batch_op.f("ix_admission_introducers_candidate_id"))

    op.drop_table("admission_introducers")
    with op.batch_alter_table("admission_candidates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_admission_candidates_status"))
        batch_op.drop_index(batch_op.f("ix_admission_candidates_sponsor_id"))
        batch_op.drop_index(batch_op.f("ix_admission_candidates_cell_id"))
        batch_op.drop_index(batch_op.f("ix_admission_candidates_admitted_on"))

    op.drop_table("admission_candidates")
    with op.batch_alter_table("admission_targets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_admission_targets_organisation_id"))

    op.drop_table("admission_targets")
    with op.batch_alter_table("admission_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_admission_reviews_cell_id"))

    op.drop_table("admission_reviews")

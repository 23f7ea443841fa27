"""practice records: statutory visits, reviews, supervision and case file audits

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=True),
        sa.Column("auditor", sa.String(length=120), nullable=False),
        sa.Column("audit_date", sa.Date(), nullable=False),
        sa.Column("instrument", sa.String(length=60), nullable=False),
        sa.Column("overall_grade", sa.String(length=24), nullable=False),
        sa.Column("moderated_grade", sa.String(length=24), nullable=True),
        sa.Column("moderator", sa.String(length=120), nullable=True),
        sa.Column("themes", sa.Text(), nullable=True, comment="learning themes, separated by ';'"),
        sa.Column(
            "external_id", sa.String(length=80), nullable=True, comment="id in the source system"
        ),
        sa.CheckConstraint(
            "moderated_grade IS NULL OR moderated_grade IN ('outstanding', 'good', 'requires_improvement', 'inadequate')",
            name=op.f("ck_case_audit_moderated_grade"),
        ),
        sa.CheckConstraint(
            "overall_grade IN ('outstanding', 'good', 'requires_improvement', 'inadequate')",
            name=op.f("ck_case_audit_overall_grade"),
        ),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            name=op.f("fk_case_audit_authority_id_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["child.id"],
            name=op.f("fk_case_audit_child_id_child"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["worker.id"],
            name=op.f("fk_case_audit_worker_id_worker"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_audit")),
    )
    op.create_index(
        "ix_case_audit_authority_date", "case_audit", ["authority_id", "audit_date"], unique=False
    )
    op.create_index(op.f("ix_case_audit_child_id"), "case_audit", ["child_id"], unique=False)
    op.create_table(
        "review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("case_type", sa.String(length=8), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column(
            "external_id", sa.String(length=80), nullable=True, comment="id in the source system"
        ),
        sa.CheckConstraint("case_type IN ('cp', 'cla')", name=op.f("ck_review_case_type")),
        sa.CheckConstraint(
            "due_date IS NOT NULL OR review_date IS NOT NULL", name=op.f("ck_review_dated")
        ),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            name=op.f("fk_review_authority_id_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["child_id"], ["child.id"], name=op.f("fk_review_child_id_child"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review")),
    )
    op.create_index("ix_review_authority", "review", ["authority_id"], unique=False)
    op.create_index(op.f("ix_review_child_id"), "review", ["child_id"], unique=False)
    op.create_table(
        "supervision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("supervisor_id", sa.Integer(), nullable=True),
        sa.Column("supervision_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=True),
        sa.Column(
            "external_id", sa.String(length=80), nullable=True, comment="id in the source system"
        ),
        sa.CheckConstraint(
            "kind IN ('formal', 'group', 'reflective', 'ad_hoc')", name=op.f("ck_supervision_kind")
        ),
        sa.CheckConstraint(
            "duration_minutes IS NULL OR (duration_minutes > 0 AND duration_minutes <= 600)",
            name=op.f("ck_supervision_duration_range"),
        ),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            name=op.f("fk_supervision_authority_id_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supervisor_id"],
            ["worker.id"],
            name=op.f("fk_supervision_supervisor_id_worker"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["worker.id"],
            name=op.f("fk_supervision_worker_id_worker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision")),
    )
    op.create_index(
        "ix_supervision_authority_date",
        "supervision",
        ["authority_id", "supervision_date"],
        unique=False,
    )
    op.create_index(
        "ix_supervision_worker_date", "supervision", ["worker_id", "supervision_date"], unique=False
    )
    op.create_table(
        "visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=True),
        sa.Column("case_type", sa.String(length=8), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("seen", sa.Boolean(), nullable=True),
        sa.Column("seen_alone", sa.Boolean(), nullable=True),
        sa.Column("recorded_date", sa.Date(), nullable=True),
        sa.Column(
            "external_id", sa.String(length=80), nullable=True, comment="id in the source system"
        ),
        sa.CheckConstraint("case_type IN ('cin', 'cp', 'cla')", name=op.f("ck_visit_case_type")),
        sa.CheckConstraint(
            "recorded_date IS NULL OR recorded_date >= visit_date",
            name=op.f("ck_visit_recorded_after_visit"),
        ),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            name=op.f("fk_visit_authority_id_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["child_id"], ["child.id"], name=op.f("fk_visit_child_id_child"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["worker.id"],
            name=op.f("fk_visit_worker_id_worker"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit")),
    )
    op.create_index(
        "ix_visit_authority_date", "visit", ["authority_id", "visit_date"], unique=False
    )
    op.create_index("ix_visit_child_date", "visit", ["child_id", "visit_date"], unique=False)
    op.create_table(
        "case_audit_grade",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=80), nullable=False),
        sa.Column("grade", sa.String(length=24), nullable=False),
        sa.CheckConstraint(
            "grade IN ('outstanding', 'good', 'requires_improvement', 'inadequate')",
            name=op.f("ck_case_audit_grade_grade"),
        ),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["case_audit.id"],
            name=op.f("fk_case_audit_grade_audit_id_case_audit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_audit_grade")),
        sa.UniqueConstraint("audit_id", "domain", name="uq_case_audit_grade_domain"),
    )


def downgrade() -> None:
    op.drop_table("case_audit_grade")
    op.drop_index("ix_visit_child_date", table_name="visit")
    op.drop_index("ix_visit_authority_date", table_name="visit")
    op.drop_table("visit")
    op.drop_index("ix_supervision_worker_date", table_name="supervision")
    op.drop_index("ix_supervision_authority_date", table_name="supervision")
    op.drop_table("supervision")
    op.drop_index(op.f("ix_review_child_id"), table_name="review")
    op.drop_index("ix_review_authority", table_name="review")
    op.drop_table("review")
    op.drop_index(op.f("ix_case_audit_child_id"), table_name="case_audit")
    op.drop_index("ix_case_audit_authority_date", table_name="case_audit")
    op.drop_table("case_audit")

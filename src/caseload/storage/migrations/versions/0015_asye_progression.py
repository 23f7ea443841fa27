"""ASYE programmes, their reviews, and progression applications

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

LADDER = "('social_worker', 'senior_social_worker', 'advanced_practitioner', 'team_manager')"


def upgrade() -> None:
    op.create_table(
        "asye_programme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("assessor", sa.String(length=120), nullable=True),
        sa.Column(
            "mentor", sa.String(length=120), nullable=True, comment="mentor or practice educator"
        ),
        sa.Column("outcome", sa.String(length=8), nullable=True),
        sa.Column("outcome_date", sa.Date(), nullable=True),
        sa.Column("extended_to", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('pass', 'extend', 'fail')",
            name=op.f("ck_asye_programme_outcome"),
        ),
        sa.CheckConstraint(
            "(outcome IS NULL) = (outcome_date IS NULL)",
            name=op.f("ck_asye_programme_outcome_dated"),
        ),
        sa.CheckConstraint(
            "extended_to IS NULL OR extended_to > start_date",
            name=op.f("ck_asye_programme_extended_after_start"),
        ),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            name=op.f("fk_asye_programme_authority_id_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["worker.id"],
            name=op.f("fk_asye_programme_worker_id_worker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asye_programme")),
        sa.UniqueConstraint("worker_id", "start_date", name="uq_asye_programme_worker_start"),
    )
    op.create_index("ix_asye_programme_authority", "asye_programme", ["authority_id"], unique=False)
    op.create_table(
        "asye_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("review_point", sa.String(length=12), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("held_date", sa.Date(), nullable=True),
        sa.Column(
            "judgement",
            sa.String(length=16),
            nullable=True,
            comment="against the Knowledge and Skills Statement",
        ),
        sa.CheckConstraint(
            "review_point IN ('3', '6', '12', 'extension')",
            name=op.f("ck_asye_review_review_point"),
        ),
        sa.CheckConstraint(
            "judgement IS NULL OR judgement IN ('on_track', 'concerns', 'not_on_track')",
            name=op.f("ck_asye_review_judgement"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["asye_programme.id"],
            name=op.f("fk_asye_review_programme_id_asye_programme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asye_review")),
        sa.UniqueConstraint("programme_id", "review_point", name="uq_asye_review_point"),
    )
    op.create_table(
        "progression_application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("from_role", sa.String(length=32), nullable=False),
        sa.Column("to_role", sa.String(length=32), nullable=False),
        sa.Column("applied_date", sa.Date(), nullable=False),
        sa.Column("decided_date", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=12), nullable=True),
        sa.Column(
            "evidence_note",
            sa.Text(),
            nullable=True,
            comment="the evidence offered; no personal data beyond the worker",
        ),
        sa.CheckConstraint(
            f"from_role IN {LADDER}", name=op.f("ck_progression_application_from_role")
        ),
        sa.CheckConstraint(f"to_role IN {LADDER}", name=op.f("ck_progression_application_to_role")),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('approved', 'refused', 'withdrawn')",
            name=op.f("ck_progression_application_outcome"),
        ),
        sa.CheckConstraint(
            "(outcome IS NULL) = (decided_date IS NULL)",
            name=op.f("ck_progression_application_outcome_dated"),
        ),
        sa.CheckConstraint(
            "decided_date IS NULL OR decided_date >= applied_date",
            name=op.f("ck_progression_application_decided_after_applied"),
        ),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            name=op.f("fk_progression_application_authority_id_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["worker.id"],
            name=op.f("fk_progression_application_worker_id_worker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progression_application")),
        sa.UniqueConstraint(
            "worker_id", "to_role", "applied_date", name="uq_progression_application_applied"
        ),
    )
    op.create_index(
        "ix_progression_application_authority",
        "progression_application",
        ["authority_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_progression_application_authority", table_name="progression_application")
    op.drop_table("progression_application")
    op.drop_table("asye_review")
    op.drop_index("ix_asye_programme_authority", table_name="asye_programme")
    op.drop_table("asye_programme")

"""agency engagements: the records the DfE agency rules are checked against

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

JOB_TYPES = (
    "('social_worker', 'senior_social_worker', 'advanced_practitioner', 'team_manager', "
    "'iro_or_chair')"
)
EXEMPTIONS = "('redundancy', 'probation', 'permanent_role', 'different_region')"


def upgrade() -> None:
    op.create_table(
        "agency_engagement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=120), nullable=False),
        sa.Column("job_type", sa.String(length=24), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column(
            "pay_rate",
            sa.Numeric(precision=8, scale=2),
            nullable=False,
            comment="worker's hourly pay, pounds",
        ),
        sa.Column(
            "on_costs",
            sa.Numeric(precision=8, scale=2),
            nullable=True,
            comment="employer national insurance and apprenticeship levy per hour",
        ),
        sa.Column(
            "agency_fee",
            sa.Numeric(precision=8, scale=2),
            nullable=True,
            comment="agency's fee per hour",
        ),
        sa.Column(
            "pqe_date",
            sa.Date(),
            nullable=True,
            comment="first day of post-qualifying experience in child and family social work",
        ),
        sa.Column("pqe_years", sa.Numeric(precision=4, scale=1), nullable=True),
        sa.Column("pqe_evidence", sa.String(length=200), nullable=True),
        sa.Column("previous_council", sa.String(length=3), nullable=True),
        sa.Column("previous_region", sa.String(length=60), nullable=True),
        sa.Column("previous_end_date", sa.Date(), nullable=True),
        sa.Column("previous_exemption", sa.String(length=20), nullable=True),
        sa.Column("notice_weeks", sa.Numeric(precision=4, scale=1), nullable=True),
        sa.Column("reference_practice_based", sa.Boolean(), nullable=True),
        sa.Column("reference_date", sa.Date(), nullable=True),
        sa.Column("director_signoff_date", sa.Date(), nullable=True),
        sa.Column("chief_executive_signoff_date", sa.Date(), nullable=True),
        sa.Column("project_team", sa.Boolean(), nullable=False),
        sa.Column(
            "external_id", sa.String(length=80), nullable=True, comment="id in the source system"
        ),
        sa.CheckConstraint(f"job_type IN {JOB_TYPES}", name=op.f("ck_agency_engagement_job_type")),
        sa.CheckConstraint(
            f"previous_exemption IS NULL OR previous_exemption IN {EXEMPTIONS}",
            name=op.f("ck_agency_engagement_previous_exemption"),
        ),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name=op.f("ck_agency_engagement_dates")
        ),
        sa.CheckConstraint("pay_rate > 0", name=op.f("ck_agency_engagement_pay_rate")),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            name=op.f("fk_agency_engagement_authority_id_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["worker.id"],
            name=op.f("fk_agency_engagement_worker_id_worker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_engagement")),
    )
    with op.batch_alter_table("agency_engagement", schema=None) as batch_op:
        batch_op.create_index(
            "ix_agency_engagement_authority_start", ["authority_id", "start_date"], unique=False
        )
        batch_op.create_index("ix_agency_engagement_worker", ["worker_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("agency_engagement", schema=None) as batch_op:
        batch_op.drop_index("ix_agency_engagement_worker")
        batch_op.drop_index("ix_agency_engagement_authority_start")
    op.drop_table("agency_engagement")

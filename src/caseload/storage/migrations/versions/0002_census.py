"""census returns and published indicators

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "published_indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release", sa.String(length=40), nullable=False),
        sa.Column("time_period", sa.Integer(), nullable=False),
        sa.Column("geographic_level", sa.String(length=20), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=True),
        sa.Column("region_name", sa.String(length=60), nullable=True),
        sa.Column("old_la_code", sa.String(length=20), nullable=True),
        sa.Column("new_la_code", sa.String(length=40), nullable=True),
        sa.Column("la_name", sa.String(length=120), nullable=True),
        sa.Column("inpost_fte", sa.String(length=16), nullable=True),
        sa.Column("inpost_headcount", sa.String(length=16), nullable=True),
        sa.Column("starters_fte", sa.String(length=16), nullable=True),
        sa.Column("starters_headcount", sa.String(length=16), nullable=True),
        sa.Column("leavers_fte", sa.String(length=16), nullable=True),
        sa.Column("leavers_headcount", sa.String(length=16), nullable=True),
        sa.Column("turnover_rate_fte", sa.String(length=16), nullable=True),
        sa.Column("turnover_rate_headcount", sa.String(length=16), nullable=True),
        sa.Column("agency_fte", sa.String(length=16), nullable=True),
        sa.Column("agency_headcount", sa.String(length=16), nullable=True),
        sa.Column("agency_rate_fte", sa.String(length=16), nullable=True),
        sa.Column("agency_rate_headcount", sa.String(length=16), nullable=True),
        sa.Column("agency_cover_fte", sa.String(length=16), nullable=True),
        sa.Column("agency_cover_rate_fte", sa.String(length=16), nullable=True),
        sa.Column("vacancy_fte", sa.String(length=16), nullable=True),
        sa.Column("vacancy_rate_fte", sa.String(length=16), nullable=True),
        sa.Column("vacancy_agency_cover_rate_fte", sa.String(length=16), nullable=True),
        sa.Column("case_holders_fte", sa.String(length=16), nullable=True),
        sa.Column("cases", sa.String(length=16), nullable=True),
        sa.Column("caseload_fte", sa.String(length=16), nullable=True),
        sa.Column("working_days_lost_fte", sa.String(length=16), nullable=True),
        sa.Column("absence_rate_fte", sa.String(length=16), nullable=True),
        sa.CheckConstraint(
            "geographic_level IN ('National', 'Regional', 'Local authority')",
            name=op.f("ck_published_indicator_level"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_published_indicator")),
    )
    with op.batch_alter_table("published_indicator", schema=None) as batch_op:
        batch_op.create_index(
            "ix_published_indicator_release_period",
            ["release", "time_period", "geographic_level"],
            unique=False,
        )

    op.create_table(
        "census_return",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("census_year", sa.Integer(), nullable=False),
        sa.Column("reference_date", sa.Date(), nullable=False),
        sa.Column("software_code", sa.String(length=200), nullable=True),
        sa.Column("generated_at", sa.String(length=40), nullable=True),
        sa.Column("number_of_vacancies", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("agency_cover_fte", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("agency_cover_headcount", sa.Integer(), nullable=True),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("source_name", sa.String(length=260), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            name=op.f("fk_census_return_authority_id_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_census_return")),
        sa.UniqueConstraint("authority_id", "census_year", name="uq_census_return_authority_year"),
    )
    op.create_table(
        "census_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("agency_worker", sa.SmallInteger(), nullable=True),
        sa.Column("swe_no", sa.String(length=20), nullable=True),
        sa.Column("fte", sa.Numeric(precision=8, scale=6), nullable=True),
        sa.Column("person_birth_date", sa.Date(), nullable=True),
        sa.Column("gender_current", sa.SmallInteger(), nullable=True),
        sa.Column("ethnicity", sa.String(length=4), nullable=True),
        sa.Column("qual_inst", sa.String(length=200), nullable=True),
        sa.Column("qual_level", sa.SmallInteger(), nullable=True),
        sa.Column("step_up_grad", sa.SmallInteger(), nullable=True),
        sa.Column("org_role", sa.SmallInteger(), nullable=True),
        sa.Column("role_start_date", sa.Date(), nullable=True),
        sa.Column("start_origin", sa.SmallInteger(), nullable=True),
        sa.Column("role_end_date", sa.Date(), nullable=True),
        sa.Column("leaver_destination", sa.SmallInteger(), nullable=True),
        sa.Column("reason_leave", sa.SmallInteger(), nullable=True),
        sa.Column("fte30", sa.Numeric(precision=8, scale=6), nullable=True),
        sa.Column("cases30", sa.Integer(), nullable=True),
        sa.Column("working_days_lost", sa.Numeric(precision=8, scale=2), nullable=True),
        sa.Column("contract_weeks", sa.Numeric(precision=8, scale=1), nullable=True),
        sa.Column("frontline_grad", sa.SmallInteger(), nullable=True),
        sa.Column("absat30sept", sa.SmallInteger(), nullable=True),
        sa.Column("reason_absence", sa.String(length=3), nullable=True),
        sa.Column("cfkss_status", sa.SmallInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["return_id"],
            ["census_return.id"],
            name=op.f("fk_census_record_return_id_census_return"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_census_record")),
        sa.UniqueConstraint("return_id", "position", name="uq_census_record_return_position"),
    )


def downgrade() -> None:
    op.drop_table("census_record")
    op.drop_table("census_return")
    with op.batch_alter_table("published_indicator", schema=None) as batch_op:
        batch_op.drop_index("ix_published_indicator_release_period")

    op.drop_table("published_indicator")

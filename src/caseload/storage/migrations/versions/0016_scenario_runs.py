"""scenario runs: workforce plan scenarios as they were run and stored, with their results

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scenario_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("scenario", sa.String(60), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column(
            "scenario_text", sa.Text(), nullable=False, comment="the scenario file as it was run"
        ),
        sa.Column("as_at", sa.Date(), nullable=False),
        sa.Column("paths", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("result", sa.Text(), nullable=False, comment="the run's figures, as JSON"),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            ondelete="CASCADE",
            name=op.f("fk_scenario_run_authority_id_authority"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scenario_run")),
    )
    op.create_index("ix_scenario_run_authority", "scenario_run", ["authority_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_scenario_run_authority", table_name="scenario_run")
    op.drop_table("scenario_run")

"""scorecard snapshots: the headline measures of a reporting date, kept as they were reported

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scorecard_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("as_at", sa.Date(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("taken_by", sa.String(80), nullable=False),
        sa.Column("measures", sa.Text(), nullable=False, comment="measure name -> value, as JSON"),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            ondelete="CASCADE",
            name=op.f("fk_scorecard_snapshot_authority_id_authority"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scorecard_snapshot")),
    )
    op.create_index("ix_scorecard_snapshot_day", "scorecard_snapshot", ["authority_id", "as_at"])


def downgrade() -> None:
    op.drop_index("ix_scorecard_snapshot_day", table_name="scorecard_snapshot")
    op.drop_table("scorecard_snapshot")

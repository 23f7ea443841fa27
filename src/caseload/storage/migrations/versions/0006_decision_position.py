"""allocation decisions record the day of the position they were based on

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("allocation_decision") as batch:
        batch.add_column(
            sa.Column(
                "position_as_at",
                sa.Date(),
                nullable=True,
                comment="the day of the caseloads and queue the decision was made on",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("allocation_decision") as batch:
        batch.drop_column("position_as_at")

"""cases held index: the census counts each worker's cases on a reference day from an index alone

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_allocation_cases_held",
        "allocation",
        ["authority_id", "role", "start_date", "end_date", "worker_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_allocation_cases_held", table_name="allocation")

"""sign-in attempts by network address, so the limit on failures holds across server workers

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False, comment="what key is: 'address'"),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("tried_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_attempt")),
    )
    op.create_index(
        "ix_sign_in_attempt_kind_key_tried_at", "sign_in_attempt", ["kind", "key", "tried_at"]
    )
    op.create_index("ix_sign_in_attempt_tried_at", "sign_in_attempt", ["tried_at"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_attempt_tried_at", table_name="sign_in_attempt")
    op.drop_index("ix_sign_in_attempt_kind_key_tried_at", table_name="sign_in_attempt")
    op.drop_table("sign_in_attempt")

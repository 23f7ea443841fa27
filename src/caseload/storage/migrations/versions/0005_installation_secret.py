"""the installation's own secrets: the key of the analysts' pseudonyms, made at set-up

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "installation_secret",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("value", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    # 32 random bytes, made once here; 'caseload db upgrade' never replaces it.
    op.bulk_insert(
        table,
        [{"name": "pseudonyms", "value": secrets.token_hex(32), "created_at": datetime.now(UTC)}],
    )


def downgrade() -> None:
    op.drop_table("installation_secret")

"""allocation requests: overflow proposals for the service manager to agree, and team managers
holding a child's case while nobody has room

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "allocation_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(80), nullable=False),
        sa.Column("requested_at", TZ, nullable=False),
        sa.Column("answer", sa.String(20), nullable=True),
        sa.Column("answered_by", sa.String(80), nullable=True),
        sa.Column("answered_at", TZ, nullable=True),
        sa.Column("answer_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('overflow', 'holding')", name=op.f("ck_allocation_request_kind")
        ),
        sa.CheckConstraint(
            "answer IS NULL OR answer IN ('agreed', 'declined', 'ended')",
            name=op.f("ck_allocation_request_answer"),
        ),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            ondelete="CASCADE",
            name=op.f("fk_allocation_request_authority_id_authority"),
        ),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["child.id"],
            ondelete="CASCADE",
            name=op.f("fk_allocation_request_child_id_child"),
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["worker.id"], name=op.f("fk_allocation_request_worker_id_worker")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_request")),
    )
    op.create_index(op.f("ix_allocation_request_child_id"), "allocation_request", ["child_id"])
    op.create_index("ix_allocation_request_open", "allocation_request", ["authority_id", "answer"])


def downgrade() -> None:
    op.drop_index("ix_allocation_request_open", table_name="allocation_request")
    op.drop_index(op.f("ix_allocation_request_child_id"), table_name="allocation_request")
    op.drop_table("allocation_request")

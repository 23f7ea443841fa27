"""source ids, import runs, allocation decisions, caseload policy

Columns are added and dropped with plain ALTER TABLE (SQLite 3.35+ drops columns natively), never
by recreating a table, so the allocation overlap triggers of 0001 survive.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "caseload_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=True),
        sa.Column(
            "document", sa.Text(), nullable=False, comment="the policy as YAML, as it was set"
        ),
        sa.Column("set_by", sa.String(length=80), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            name=op.f("fk_caseload_policy_authority_id_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_caseload_policy")),
    )
    op.create_table(
        "import_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("source_name", sa.String(length=260), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("mapping_name", sa.String(length=80), nullable=True),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.String(length=80), nullable=True),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("ended", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.Integer(), nullable=False),
        sa.Column(
            "details", sa.Text(), nullable=False, comment="JSON: counts per table and the warnings"
        ),
        sa.CheckConstraint("kind IN ('hr', 'absences', 'ssd')", name=op.f("ck_import_run_kind")),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            name=op.f("fk_import_run_authority_id_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_run")),
    )
    with op.batch_alter_table("import_run", schema=None) as batch_op:
        batch_op.create_index(
            "ix_import_run_authority_loaded", ["authority_id", "loaded_at"], unique=False
        )

    op.create_table(
        "allocation_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("recommended_worker_id", sa.Integer(), nullable=True),
        sa.Column("chosen_worker_id", sa.Integer(), nullable=True),
        sa.Column("allocation_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("decided_by", sa.String(length=80), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "decision = 'accepted' OR (reason IS NOT NULL AND length(reason) > 0)",
            name=op.f("ck_allocation_decision_reason_when_not_accepted"),
        ),
        sa.CheckConstraint(
            "decision IN ('accepted', 'overridden', 'manual', 'rejected')",
            name=op.f("ck_allocation_decision_decision"),
        ),
        sa.ForeignKeyConstraint(
            ["allocation_id"],
            ["allocation.id"],
            name=op.f("fk_allocation_decision_allocation_id_allocation"),
        ),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            name=op.f("fk_allocation_decision_authority_id_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["child.id"],
            name=op.f("fk_allocation_decision_child_id_child"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["chosen_worker_id"],
            ["worker.id"],
            name=op.f("fk_allocation_decision_chosen_worker_id_worker"),
        ),
        sa.ForeignKeyConstraint(
            ["recommended_worker_id"],
            ["worker.id"],
            name=op.f("fk_allocation_decision_recommended_worker_id_worker"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_decision")),
    )
    with op.batch_alter_table("allocation_decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_allocation_decision_child_id"), ["child_id"], unique=False
        )

    op.add_column(
        "absence",
        sa.Column(
            "external_id",
            sa.String(length=80),
            nullable=True,
            comment="id in the source system",
        ),
    )

    op.add_column(
        "allocation",
        sa.Column(
            "external_id",
            sa.String(length=80),
            nullable=True,
            comment="id in the source system",
        ),
    )

    op.add_column(
        "child_status",
        sa.Column(
            "external_id",
            sa.String(length=80),
            nullable=True,
            comment="id in the source system",
        ),
    )

    op.add_column(
        "employment_spell",
        sa.Column(
            "external_id",
            sa.String(length=80),
            nullable=True,
            comment="id in the source system",
        ),
    )

    op.add_column(
        "referral",
        sa.Column(
            "external_id",
            sa.String(length=80),
            nullable=True,
            comment="id in the source system",
        ),
    )

    op.add_column(
        "team",
        sa.Column(
            "external_id",
            sa.String(length=60),
            nullable=True,
            comment="id in the source system",
        ),
    )

    op.add_column(
        "worker",
        sa.Column(
            "case_system_id",
            sa.String(length=60),
            nullable=True,
            comment="the worker's id in the case management system (SSD professional id)",
        ),
    )


def downgrade() -> None:
    op.drop_column("worker", "case_system_id")

    op.drop_column("team", "external_id")

    op.drop_column("referral", "external_id")

    op.drop_column("employment_spell", "external_id")

    op.drop_column("child_status", "external_id")

    op.drop_column("allocation", "external_id")

    op.drop_column("absence", "external_id")

    with op.batch_alter_table("allocation_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allocation_decision_child_id"))

    op.drop_table("allocation_decision")
    with op.batch_alter_table("import_run", schema=None) as batch_op:
        batch_op.drop_index("ix_import_run_authority_loaded")

    op.drop_table("import_run")
    op.drop_table("caseload_policy")

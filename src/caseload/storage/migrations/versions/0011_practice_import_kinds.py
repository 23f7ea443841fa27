"""import runs of supervision records and case file audits

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('hr', 'absences', 'ssd')"
NEW_KINDS = "kind IN ('hr', 'absences', 'ssd', 'supervision', 'audits')"


def _kinds(condition: str) -> None:
    with op.batch_alter_table("import_run", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_import_run_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_import_run_kind"), condition)


def upgrade() -> None:
    _kinds(NEW_KINDS)


def downgrade() -> None:
    op.execute("DELETE FROM import_run WHERE kind IN ('supervision', 'audits')")
    _kinds(OLD_KINDS)

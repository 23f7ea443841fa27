"""import runs of the learning, staff voice and agency records

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('hr', 'absences', 'ssd', 'supervision', 'audits')"
NEW_KINDS = (
    "kind IN ('hr', 'absences', 'ssd', 'supervision', 'audits', 'asye', 'progression', "
    "'training', 'placements', 'health_check', 'agency')"
)
ADDED = "('asye', 'progression', 'training', 'placements', 'health_check', 'agency')"


def _kinds(condition: str) -> None:
    with op.batch_alter_table("import_run", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_import_run_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_import_run_kind"), condition)


def upgrade() -> None:
    _kinds(NEW_KINDS)


def downgrade() -> None:
    op.execute(f"DELETE FROM import_run WHERE kind IN {ADDED}")
    _kinds(OLD_KINDS)

"""foundation: authorities, teams, posts, workers, spells, absences, children, allocations

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "authority",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=3), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("region", sa.String(length=60), nullable=True),
        sa.Column(
            "data_as_at",
            sa.Date(),
            nullable=True,
            comment="the last day the day-to-day data covers (the extract or simulation date)",
        ),
        sa.CheckConstraint("length(code) = 3", name=op.f("ck_authority_code_three_digits")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authority")),
        sa.UniqueConstraint("code", name=op.f("uq_authority_code")),
    )
    op.create_table(
        "child",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("child_ref", sa.String(length=40), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("sibling_group", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            name=op.f("fk_child_authority_id_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child")),
        sa.UniqueConstraint("authority_id", "child_ref", name="uq_child_authority_ref"),
    )
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_child_sibling_group"), ["sibling_group"], unique=False)

    op.create_table(
        "team",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "service_area",
                "team",
                name="team_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            name=op.f("fk_team_authority_id_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["parent_id"], ["team.id"], name=op.f("fk_team_parent_id_team")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team")),
        sa.UniqueConstraint("authority_id", "name", name="uq_team_authority_name"),
    )
    op.create_table(
        "worker",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("staff_number", sa.String(length=40), nullable=False),
        sa.Column("swe_number", sa.String(length=20), nullable=True),
        sa.Column("first_name", sa.String(length=80), nullable=False),
        sa.Column("last_name", sa.String(length=80), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("gender", sa.SmallInteger(), nullable=True),
        sa.Column("ethnicity", sa.String(length=4), nullable=True),
        sa.Column("qualification_date", sa.Date(), nullable=True),
        sa.Column("qualification_level", sa.SmallInteger(), nullable=True),
        sa.Column("qualification_institution", sa.String(length=120), nullable=True),
        sa.Column("step_up", sa.Boolean(), nullable=False),
        sa.Column("frontline", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "gender IS NULL OR gender IN (0, 1, 2, 9)", name=op.f("ck_worker_gender_code")
        ),
        sa.CheckConstraint(
            "qualification_level IS NULL OR qualification_level IN (1, 2, 3)",
            name=op.f("ck_worker_qual_level_code"),
        ),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            name=op.f("fk_worker_authority_id_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worker")),
        sa.UniqueConstraint("authority_id", "staff_number", name="uq_worker_authority_staff"),
    )
    with op.batch_alter_table("worker", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_worker_swe_number"), ["swe_number"], unique=False)

    op.create_table(
        "absence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column(
            "reason",
            sa.Enum(
                "MAT",
                "OTH",
                "PUB",
                "SIC",
                "TRN",
                "UNA",
                "UNP",
                name="absence_reason",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("working_days_lost", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name=op.f("ck_absence_dates_in_order")
        ),
        sa.CheckConstraint("working_days_lost >= 0", name=op.f("ck_absence_days_not_negative")),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            name=op.f("fk_absence_authority_id_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["worker.id"],
            name=op.f("fk_absence_worker_id_worker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absence")),
    )
    with op.batch_alter_table("absence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_absence_worker_id"), ["worker_id"], unique=False)

    op.create_table(
        "allocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "allocated",
                "co_worker",
                name="allocation_role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column(
            "change_reason",
            sa.Enum(
                "MANAGE",
                "FCONTA",
                "LEFTRL",
                "ORGRST",
                "TSPROC",
                "ABSENC",
                "CHCHAN",
                "PCCHAN",
                "SWDIED",
                "OTHERS",
                name="worker_change_reason",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name=op.f("ck_allocation_dates_in_order")
        ),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            name=op.f("fk_allocation_authority_id_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["child.id"],
            name=op.f("fk_allocation_child_id_child"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["worker.id"],
            name=op.f("fk_allocation_worker_id_worker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation")),
    )
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.create_index(
            "ix_allocation_authority_dates",
            ["authority_id", "start_date", "end_date"],
            unique=False,
        )
        batch_op.create_index("ix_allocation_child_dates", ["child_id", "start_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_allocation_worker_id"), ["worker_id"], unique=False)
        batch_op.create_index(
            "uq_allocation_one_open_allocated_worker",
            ["child_id"],
            unique=True,
            sqlite_where=sa.text("end_date IS NULL AND role = 'allocated'"),
            postgresql_where=sa.text("end_date IS NULL AND role = 'allocated'"),
        )

    op.create_table(
        "child_status",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "assessment",
                "cin",
                "cp",
                "cla",
                "care_leaver",
                name="case_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date",
            name=op.f("ck_child_status_dates_in_order"),
        ),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            name=op.f("fk_child_status_authority_id_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["child.id"],
            name=op.f("fk_child_status_child_id_child"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child_status")),
    )
    with op.batch_alter_table("child_status", schema=None) as batch_op:
        batch_op.create_index(
            "ix_child_status_authority_dates",
            ["authority_id", "start_date", "end_date"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_child_status_child_id"), ["child_id"], unique=False)

    op.create_table(
        "post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "asye",
                "social_worker",
                "senior_social_worker",
                "advanced_practitioner",
                "team_manager",
                "service_manager",
                "senior_manager",
                "qualified_without_cases",
                "family_support_worker",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("funded_fte", sa.Numeric(precision=7, scale=6), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name=op.f("ck_post_dates_in_order")
        ),
        sa.CheckConstraint("funded_fte > 0 AND funded_fte <= 1", name=op.f("ck_post_fte_range")),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            name=op.f("fk_post_authority_id_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_post_team_id_team")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post")),
        sa.UniqueConstraint("authority_id", "reference", name="uq_post_authority_reference"),
    )
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_post_team_id"), ["team_id"], unique=False)

    op.create_table(
        "proceedings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "pre_proceedings",
                "care_proceedings",
                name="proceedings_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name=op.f("ck_proceedings_dates_in_order")
        ),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            name=op.f("fk_proceedings_authority_id_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["child.id"],
            name=op.f("fk_proceedings_child_id_child"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proceedings")),
    )
    with op.batch_alter_table("proceedings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proceedings_child_id"), ["child_id"], unique=False)

    op.create_table(
        "referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("referral_date", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=True),
        sa.Column("led_to_assessment", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            name=op.f("fk_referral_authority_id_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["child_id"], ["child.id"], name=op.f("fk_referral_child_id_child"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(
            "ix_referral_authority_date", ["authority_id", "referral_date"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_referral_child_id"), ["child_id"], unique=False)

    op.create_table(
        "team_management",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date",
            name=op.f("ck_team_management_dates_in_order"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
            name=op.f("fk_team_management_team_id_team"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["worker.id"],
            name=op.f("fk_team_management_worker_id_worker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_management")),
    )
    with op.batch_alter_table("team_management", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_team_management_team_id"), ["team_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_team_management_worker_id"), ["worker_id"], unique=False
        )

    op.create_table(
        "employment_spell",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column(
            "contract",
            sa.Enum(
                "own",
                "agency",
                name="contract_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "role",
            sa.Enum(
                "asye",
                "social_worker",
                "senior_social_worker",
                "advanced_practitioner",
                "team_manager",
                "service_manager",
                "senior_manager",
                "qualified_without_cases",
                "family_support_worker",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("fte", sa.Numeric(precision=7, scale=6), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column(
            "end_reason",
            sa.Enum(
                "left",
                "role_change",
                "fte_change",
                "team_change",
                "contract_ended",
                name="spell_end_reason",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("start_origin", sa.SmallInteger(), nullable=True),
        sa.Column("reason_leave", sa.SmallInteger(), nullable=True),
        sa.Column("leaver_destination", sa.SmallInteger(), nullable=True),
        sa.Column("agency_contract_weeks", sa.Numeric(precision=6, scale=1), nullable=True),
        sa.CheckConstraint(
            "(end_date IS NULL AND end_reason IS NULL) OR (end_date IS NOT NULL AND end_reason IS NOT NULL)",
            name=op.f("ck_employment_spell_end_has_reason"),
        ),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date",
            name=op.f("ck_employment_spell_dates_in_order"),
        ),
        sa.CheckConstraint("fte > 0 AND fte <= 1", name=op.f("ck_employment_spell_fte_range")),
        sa.CheckConstraint(
            "leaver_destination IS NULL OR leaver_destination BETWEEN 1 AND 9",
            name=op.f("ck_employment_spell_dest_code"),
        ),
        sa.CheckConstraint(
            "reason_leave IS NULL OR reason_leave BETWEEN 1 AND 10",
            name=op.f("ck_employment_spell_reason_code"),
        ),
        sa.CheckConstraint(
            "start_origin IS NULL OR start_origin BETWEEN 1 AND 10",
            name=op.f("ck_employment_spell_origin_code"),
        ),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            name=op.f("fk_employment_spell_authority_id_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["post.id"], name=op.f("fk_employment_spell_post_id_post")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_employment_spell_team_id_team")
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["worker.id"],
            name=op.f("fk_employment_spell_worker_id_worker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employment_spell")),
    )
    with op.batch_alter_table("employment_spell", schema=None) as batch_op:
        batch_op.create_index(
            "ix_employment_spell_authority_dates",
            ["authority_id", "start_date", "end_date"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_employment_spell_post_id"), ["post_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_employment_spell_team_id"), ["team_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_employment_spell_worker_id"), ["worker_id"], unique=False
        )

    create_allocation_overlap_guard()


def downgrade() -> None:
    drop_allocation_overlap_guard()
    with op.batch_alter_table("employment_spell", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employment_spell_worker_id"))
        batch_op.drop_index(batch_op.f("ix_employment_spell_team_id"))
        batch_op.drop_index(batch_op.f("ix_employment_spell_post_id"))
        batch_op.drop_index("ix_employment_spell_authority_dates")

    op.drop_table("employment_spell")
    with op.batch_alter_table("team_management", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_management_worker_id"))
        batch_op.drop_index(batch_op.f("ix_team_management_team_id"))

    op.drop_table("team_management")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_child_id"))
        batch_op.drop_index("ix_referral_authority_date")

    op.drop_table("referral")
    with op.batch_alter_table("proceedings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proceedings_child_id"))

    op.drop_table("proceedings")
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_post_team_id"))

    op.drop_table("post")
    with op.batch_alter_table("child_status", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_child_status_child_id"))
        batch_op.drop_index("ix_child_status_authority_dates")

    op.drop_table("child_status")
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_allocation_one_open_allocated_worker",
            sqlite_where=sa.text("end_date IS NULL AND role = 'allocated'"),
            postgresql_where=sa.text("end_date IS NULL AND role = 'allocated'"),
        )
        batch_op.drop_index(batch_op.f("ix_allocation_worker_id"))
        batch_op.drop_index("ix_allocation_child_dates")
        batch_op.drop_index("ix_allocation_authority_dates")

    op.drop_table("allocation")
    with op.batch_alter_table("absence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_absence_worker_id"))

    op.drop_table("absence")
    with op.batch_alter_table("worker", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_worker_swe_number"))

    op.drop_table("worker")
    op.drop_table("team")
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_child_sibling_group"))

    op.drop_table("child")
    op.drop_table("authority")


OVERLAP_MESSAGE = "a child cannot have two allocated workers on the same day"

# Two allocated-worker rows for one child overlap when each starts on or before the other ends
# (dates are inclusive; an open row ends never).
SQLITE_GUARD = """
CREATE TRIGGER trg_allocation_no_overlap_{event} BEFORE {event} ON allocation
WHEN NEW.role = 'allocated' AND EXISTS (
    SELECT 1 FROM allocation a
    WHERE a.child_id = NEW.child_id AND a.role = 'allocated' AND a.id IS NOT NEW.id
      AND a.start_date <= COALESCE(NEW.end_date, '9999-12-31')
      AND NEW.start_date <= COALESCE(a.end_date, '9999-12-31'))
BEGIN SELECT RAISE(ABORT, '{message}'); END
"""

POSTGRESQL_GUARD = """
CREATE FUNCTION allocation_no_overlap() RETURNS trigger AS $$
BEGIN
    IF NEW.role = 'allocated' AND EXISTS (
        SELECT 1 FROM allocation a
        WHERE a.child_id = NEW.child_id AND a.role = 'allocated' AND a.id <> NEW.id
          AND a.start_date <= COALESCE(NEW.end_date, DATE '9999-12-31')
          AND NEW.start_date <= COALESCE(a.end_date, DATE '9999-12-31')) THEN
        RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER trg_allocation_no_overlap BEFORE INSERT OR UPDATE ON allocation
FOR EACH ROW EXECUTE FUNCTION allocation_no_overlap();
"""


def create_allocation_overlap_guard() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for event in ("INSERT", "UPDATE"):
            op.execute(SQLITE_GUARD.format(event=event, message=OVERLAP_MESSAGE))
    elif dialect == "postgresql":
        op.execute(POSTGRESQL_GUARD.format(message=OVERLAP_MESSAGE))


def drop_allocation_overlap_guard() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for event in ("INSERT", "UPDATE"):
            op.execute(f"DROP TRIGGER IF EXISTS trg_allocation_no_overlap_{event}")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS trg_allocation_no_overlap ON allocation")
        op.execute("DROP FUNCTION IF EXISTS allocation_no_overlap()")

"""learning academy and pipeline: courses, training records, the learning offer and its
attendance, placements and practice educators

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "course",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("mandatory", sa.Boolean(), nullable=False),
        sa.Column(
            "roles",
            sa.String(length=400),
            nullable=True,
            comment="role codes separated by ';' (empty: every role)",
        ),
        sa.Column("renewal_months", sa.SmallInteger(), nullable=True),
        sa.CheckConstraint(
            "renewal_months IS NULL OR (renewal_months > 0 AND renewal_months <= 120)",
            name=op.f("ck_course_renewal_range"),
        ),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            name=op.f("fk_course_authority_id_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course")),
        sa.UniqueConstraint("authority_id", "code", name="uq_course_authority_code"),
    )
    op.create_table(
        "learning_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column(
            "link", sa.String(length=400), nullable=True, comment="a web address or a location"
        ),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column("tags", sa.String(length=400), nullable=True, comment="tags separated by ';'"),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('course', 'guidance', 'tool', 'event')", name=op.f("ck_learning_item_kind")
        ),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            name=op.f("fk_learning_item_authority_id_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course.id"],
            name=op.f("fk_learning_item_course_id_course"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_item")),
        sa.UniqueConstraint("authority_id", "code", name="uq_learning_item_authority_code"),
    )
    op.create_table(
        "placement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column(
            "learner_ref", sa.String(length=60), nullable=False, comment="the learner's reference"
        ),
        sa.Column("learner_kind", sa.String(length=12), nullable=False),
        sa.Column(
            "programme", sa.String(length=160), nullable=False, comment="university and programme"
        ),
        sa.Column("study_year", sa.SmallInteger(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("educator_id", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=True),
        sa.Column("converted_worker_id", sa.Integer(), nullable=True),
        sa.Column("converted_date", sa.Date(), nullable=True),
        sa.Column(
            "external_id", sa.String(length=80), nullable=True, comment="id in the source system"
        ),
        sa.CheckConstraint(
            "learner_kind IN ('student', 'apprentice')", name=op.f("ck_placement_learner_kind")
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('passed', 'failed', 'withdrawn')",
            name=op.f("ck_placement_outcome"),
        ),
        sa.CheckConstraint(
            "(converted_worker_id IS NULL) = (converted_date IS NULL)",
            name=op.f("ck_placement_conversion_dated"),
        ),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_placement_dates_in_order")),
        sa.CheckConstraint(
            "study_year IS NULL OR study_year BETWEEN 1 AND 4", name=op.f("ck_placement_study_year")
        ),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            name=op.f("fk_placement_authority_id_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["converted_worker_id"],
            ["worker.id"],
            name=op.f("fk_placement_converted_worker_id_worker"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["educator_id"],
            ["worker.id"],
            name=op.f("fk_placement_educator_id_worker"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_placement_team_id_team"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placement")),
    )
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.create_index(
            "ix_placement_authority_dates", ["authority_id", "start_date", "end_date"], unique=False
        )

    op.create_table(
        "practice_educator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.SmallInteger(), nullable=False),
        sa.Column("accredited_date", sa.Date(), nullable=True),
        sa.Column("capacity", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint(
            "capacity >= 0 AND capacity <= 10", name=op.f("ck_practice_educator_capacity_range")
        ),
        sa.CheckConstraint("stage IN (1, 2)", name=op.f("ck_practice_educator_stage")),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            name=op.f("fk_practice_educator_authority_id_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["worker.id"],
            name=op.f("fk_practice_educator_worker_id_worker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_educator")),
        sa.UniqueConstraint("authority_id", "worker_id", name="uq_practice_educator_worker"),
    )
    op.create_table(
        "training_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("completed_date", sa.Date(), nullable=False),
        sa.Column("expiry_date", sa.Date(), nullable=True),
        sa.Column(
            "external_id", sa.String(length=80), nullable=True, comment="id in the source system"
        ),
        sa.CheckConstraint(
            "expiry_date IS NULL OR expiry_date > completed_date",
            name=op.f("ck_training_record_expires_after_completion"),
        ),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            name=op.f("fk_training_record_authority_id_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course.id"],
            name=op.f("fk_training_record_course_id_course"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["worker.id"],
            name=op.f("fk_training_record_worker_id_worker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_record")),
    )
    with op.batch_alter_table("training_record", schema=None) as batch_op:
        batch_op.create_index(
            "ix_training_record_authority_date", ["authority_id", "completed_date"], unique=False
        )
        batch_op.create_index(
            "ix_training_record_worker_course", ["worker_id", "course_id"], unique=False
        )

    op.create_table(
        "attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("attended_date", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authority.id"],
            name=op.f("fk_attendance_authority_id_authority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["learning_item.id"],
            name=op.f("fk_attendance_item_id_learning_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["worker.id"],
            name=op.f("fk_attendance_worker_id_worker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance")),
        sa.UniqueConstraint("worker_id", "item_id", "attended_date", name="uq_attendance_once"),
    )
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.create_index("ix_attendance_item", ["item_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_index("ix_attendance_item")

    op.drop_table("attendance")
    with op.batch_alter_table("training_record", schema=None) as batch_op:
        batch_op.drop_index("ix_training_record_worker_course")
        batch_op.drop_index("ix_training_record_authority_date")

    op.drop_table("training_record")
    op.drop_table("practice_educator")
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.drop_index("ix_placement_authority_dates")

    op.drop_table("placement")
    op.drop_table("learning_item")
    op.drop_table("course")

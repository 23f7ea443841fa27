"""Tables of the learning academy and the pipeline: courses and training records, the learning
offer and resource hub with its attendance, placements of students and apprentices and the
practice educators who supervise them (frames: :mod:`caseload.domain.training_records`).

Training records and placements are loaded by their imports (a re-import replaces what the file
covers, ``external_id`` is the id in the source system); the course list and the offer come from
the academy's YAML file (``caseload academy load``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from caseload.storage.models import Base

ITEM_KINDS = "('course', 'guidance', 'tool', 'event')"
LEARNER_KINDS = "('student', 'apprentice')"
PLACEMENT_OUTCOMES = "('passed', 'failed', 'withdrawn')"


class Course(Base):
    """A training course; a mandatory course is required of the roles it names (all roles when
    it names none) and is renewed every ``renewal_months`` (never when empty)."""

    __tablename__ = "course"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(160))
    mandatory: Mapped[bool] = mapped_column(Boolean)
    roles: Mapped[str | None] = mapped_column(
        String(400), comment="role codes separated by ';' (empty: every role)"
    )
    renewal_months: Mapped[int | None] = mapped_column(SmallInteger)
    __table_args__ = (
        UniqueConstraint("authority_id", "code", name="uq_course_authority_code"),
        CheckConstraint(
            "renewal_months IS NULL OR (renewal_months > 0 AND renewal_months <= 120)",
            name="renewal_range",
        ),
    )


class TrainingRecord(Base):
    """A course a worker completed, with the day it expires (None: it does not expire)."""

    __tablename__ = "training_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    completed_date: Mapped[date]
    expiry_date: Mapped[date | None]
    external_id: Mapped[str | None] = mapped_column(String(80), comment="id in the source system")
    __table_args__ = (
        CheckConstraint(
            "expiry_date IS NULL OR expiry_date > completed_date", name="expires_after_completion"
        ),
        Index("ix_training_record_worker_course", "worker_id", "course_id"),
        Index("ix_training_record_authority_date", "authority_id", "completed_date"),
    )


class LearningItem(Base):
    """An entry of the learning offer and resource hub: a course, practice guidance, a tool or
    an event."""

    __tablename__ = "learning_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(160))
    summary: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(400), comment="a web address or a location")
    event_date: Mapped[date | None]
    tags: Mapped[str | None] = mapped_column(String(400), comment="tags separated by ';'")
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id", ondelete="SET NULL"))
    __table_args__ = (
        UniqueConstraint("authority_id", "code", name="uq_learning_item_authority_code"),
        CheckConstraint(f"kind IN {ITEM_KINDS}", name="kind"),
    )


class Attendance(Base):
    """A worker attending an entry of the offer (a course session or an event) on a day."""

    __tablename__ = "attendance"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("learning_item.id", ondelete="CASCADE"))
    attended_date: Mapped[date]
    __table_args__ = (
        UniqueConstraint("worker_id", "item_id", "attended_date", name="uq_attendance_once"),
        Index("ix_attendance_item", "item_id"),
    )


class PracticeEducator(Base):
    """A worker accredited as a practice educator (Practice Educator Professional Standards
    stage 1 or 2), who can take ``capacity`` students at once."""

    __tablename__ = "practice_educator"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"))
    stage: Mapped[int] = mapped_column(SmallInteger)
    accredited_date: Mapped[date | None]
    capacity: Mapped[int] = mapped_column(SmallInteger)
    __table_args__ = (
        UniqueConstraint("authority_id", "worker_id", name="uq_practice_educator_worker"),
        CheckConstraint("stage IN (1, 2)", name="stage"),
        CheckConstraint("capacity >= 0 AND capacity <= 10", name="capacity_range"),
    )


class Placement(Base):
    """A social work student's or apprentice's placement in a team, with its practice educator,
    its outcome and, when the learner joined the council as a newly qualified worker, the worker
    and the day of the first ASYE post."""

    __tablename__ = "placement"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    learner_ref: Mapped[str] = mapped_column(String(60), comment="the learner's reference")
    learner_kind: Mapped[str] = mapped_column(String(12))
    programme: Mapped[str] = mapped_column(String(160), comment="university and programme")
    study_year: Mapped[int | None] = mapped_column(SmallInteger)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))
    educator_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id", ondelete="SET NULL"))
    start_date: Mapped[date]
    end_date: Mapped[date]
    outcome: Mapped[str | None] = mapped_column(String(12))
    converted_worker_id: Mapped[int | None] = mapped_column(
        ForeignKey("worker.id", ondelete="SET NULL")
    )
    converted_date: Mapped[date | None]
    external_id: Mapped[str | None] = mapped_column(String(80), comment="id in the source system")
    __table_args__ = (
        CheckConstraint(f"learner_kind IN {LEARNER_KINDS}", name="learner_kind"),
        CheckConstraint(f"outcome IS NULL OR outcome IN {PLACEMENT_OUTCOMES}", name="outcome"),
        CheckConstraint("end_date >= start_date", name="dates_in_order"),
        CheckConstraint("study_year IS NULL OR study_year BETWEEN 1 AND 4", name="study_year"),
        CheckConstraint(
            "(converted_worker_id IS NULL) = (converted_date IS NULL)", name="conversion_dated"
        ),
        Index("ix_placement_authority_dates", "authority_id", "start_date", "end_date"),
    )

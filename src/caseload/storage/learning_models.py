"""Tables of the ASYE programme and the progression framework: each newly qualified worker's
programme, its reviews, and applications to progress (frames:
:mod:`caseload.storage.learning_frames`).
Loaded by ``caseload import asye`` and ``caseload import progression``; a re-import replaces the
records of the workers in the file."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from caseload.storage.models import Base

ASYE_OUTCOMES = "('pass', 'extend', 'fail')"
REVIEW_POINTS = "('3', '6', '12', 'extension')"
JUDGEMENTS = "('on_track', 'concerns', 'not_on_track')"
LADDER_ROLES = "('social_worker', 'senior_social_worker', 'advanced_practitioner', 'team_manager')"
APPLICATION_OUTCOMES = "('approved', 'refused', 'withdrawn')"


class AsyeProgramme(Base):
    """A newly qualified worker's Assessed and Supported Year in Employment."""

    __tablename__ = "asye_programme"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"))
    start_date: Mapped[date]
    assessor: Mapped[str | None] = mapped_column(String(120))
    mentor: Mapped[str | None] = mapped_column(String(120), comment="mentor or practice educator")
    outcome: Mapped[str | None] = mapped_column(String(8))
    outcome_date: Mapped[date | None]
    extended_to: Mapped[date | None]
    __table_args__ = (
        CheckConstraint(f"outcome IS NULL OR outcome IN {ASYE_OUTCOMES}", name="outcome"),
        CheckConstraint("(outcome IS NULL) = (outcome_date IS NULL)", name="outcome_dated"),
        CheckConstraint(
            "extended_to IS NULL OR extended_to > start_date", name="extended_after_start"
        ),
        UniqueConstraint("worker_id", "start_date", name="uq_asye_programme_worker_start"),
        Index("ix_asye_programme_authority", "authority_id"),
    )


class AsyeReview(Base):
    """A review point of an ASYE programme: 3, 6 or 12 months, or the extension's end."""

    __tablename__ = "asye_review"
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("asye_programme.id", ondelete="CASCADE"))
    review_point: Mapped[str] = mapped_column(String(12))
    due_date: Mapped[date | None]
    held_date: Mapped[date | None]
    judgement: Mapped[str | None] = mapped_column(
        String(16), comment="against the Knowledge and Skills Statement"
    )
    __table_args__ = (
        CheckConstraint(f"review_point IN {REVIEW_POINTS}", name="review_point"),
        CheckConstraint(f"judgement IS NULL OR judgement IN {JUDGEMENTS}", name="judgement"),
        UniqueConstraint("programme_id", "review_point", name="uq_asye_review_point"),
    )


class ProgressionApplication(Base):
    """A worker's application to progress to a higher role under the progression framework."""

    __tablename__ = "progression_application"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"))
    from_role: Mapped[str] = mapped_column(String(32))
    to_role: Mapped[str] = mapped_column(String(32))
    applied_date: Mapped[date]
    decided_date: Mapped[date | None]
    outcome: Mapped[str | None] = mapped_column(String(12))
    evidence_note: Mapped[str | None] = mapped_column(
        Text, comment="the evidence offered; no personal data beyond the worker"
    )
    __table_args__ = (
        CheckConstraint(f"from_role IN {LADDER_ROLES}", name="from_role"),
        CheckConstraint(f"to_role IN {LADDER_ROLES}", name="to_role"),
        CheckConstraint(f"outcome IS NULL OR outcome IN {APPLICATION_OUTCOMES}", name="outcome"),
        CheckConstraint("(outcome IS NULL) = (decided_date IS NULL)", name="outcome_dated"),
        CheckConstraint(
            "decided_date IS NULL OR decided_date >= applied_date", name="decided_after_applied"
        ),
        UniqueConstraint(
            "worker_id", "to_role", "applied_date", name="uq_progression_application_applied"
        ),
        Index("ix_progression_application_authority", "authority_id"),
    )

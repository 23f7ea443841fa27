"""Tables of practice records: statutory visits, reviews, supervision and case file audits
(frames: :mod:`caseload.domain.practice_records`). Loaded by the SSD import (visits and
reviews) and by the supervision and audit imports; a re-import replaces a council's rows from
the same source (``external_id`` is the id in the source system)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from caseload.storage.models import Base

GRADES = "('outstanding', 'good', 'requires_improvement', 'inadequate')"


class Visit(Base):
    """A statutory visit to a child under a child in need, child protection or looked-after plan."""

    __tablename__ = "visit"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"))
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id", ondelete="SET NULL"))
    case_type: Mapped[str] = mapped_column(String(8))
    visit_date: Mapped[date]
    seen: Mapped[bool | None] = mapped_column(Boolean)
    seen_alone: Mapped[bool | None] = mapped_column(Boolean)
    recorded_date: Mapped[date | None]
    external_id: Mapped[str | None] = mapped_column(String(80), comment="id in the source system")
    __table_args__ = (
        CheckConstraint("case_type IN ('cin', 'cp', 'cla')", name="case_type"),
        CheckConstraint(
            "recorded_date IS NULL OR recorded_date >= visit_date", name="recorded_after_visit"
        ),
        Index("ix_visit_child_date", "child_id", "visit_date"),
        Index("ix_visit_authority_date", "authority_id", "visit_date"),
    )


class Review(Base):
    """A child protection review conference or a looked-after child review, held or due."""

    __tablename__ = "review"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    case_type: Mapped[str] = mapped_column(String(8))
    due_date: Mapped[date | None]
    review_date: Mapped[date | None]
    external_id: Mapped[str | None] = mapped_column(String(80), comment="id in the source system")
    __table_args__ = (
        CheckConstraint("case_type IN ('cp', 'cla')", name="case_type"),
        CheckConstraint("due_date IS NOT NULL OR review_date IS NOT NULL", name="dated"),
        Index("ix_review_authority", "authority_id"),
    )


class Supervision(Base):
    """A supervision session a worker had."""

    __tablename__ = "supervision"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"))
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id", ondelete="SET NULL"))
    supervision_date: Mapped[date]
    kind: Mapped[str] = mapped_column(String(12))
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    external_id: Mapped[str | None] = mapped_column(String(80), comment="id in the source system")
    __table_args__ = (
        CheckConstraint("kind IN ('formal', 'group', 'reflective', 'ad_hoc')", name="kind"),
        CheckConstraint(
            "duration_minutes IS NULL OR (duration_minutes > 0 AND duration_minutes <= 600)",
            name="duration_range",
        ),
        Index("ix_supervision_worker_date", "worker_id", "supervision_date"),
        Index("ix_supervision_authority_date", "authority_id", "supervision_date"),
    )


class CaseAudit(Base):
    """A case file audit of a child's record, graded overall and by domain, and moderated."""

    __tablename__ = "case_audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id", ondelete="SET NULL"))
    auditor: Mapped[str] = mapped_column(String(120))
    audit_date: Mapped[date]
    instrument: Mapped[str] = mapped_column(String(60))
    overall_grade: Mapped[str] = mapped_column(String(24))
    moderated_grade: Mapped[str | None] = mapped_column(String(24))
    moderator: Mapped[str | None] = mapped_column(String(120))
    themes: Mapped[str | None] = mapped_column(Text, comment="learning themes, separated by ';'")
    external_id: Mapped[str | None] = mapped_column(String(80), comment="id in the source system")
    __table_args__ = (
        CheckConstraint(f"overall_grade IN {GRADES}", name="overall_grade"),
        CheckConstraint(
            f"moderated_grade IS NULL OR moderated_grade IN {GRADES}", name="moderated_grade"
        ),
        Index("ix_case_audit_authority_date", "authority_id", "audit_date"),
    )


class CaseAuditGrade(Base):
    """One domain's grade in a case file audit (the domains are the council's instrument's)."""

    __tablename__ = "case_audit_grade"
    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("case_audit.id", ondelete="CASCADE"))
    domain: Mapped[str] = mapped_column(String(80))
    grade: Mapped[str] = mapped_column(String(24))
    __table_args__ = (
        CheckConstraint(f"grade IN {GRADES}", name="grade"),
        UniqueConstraint("audit_id", "domain", name="uq_case_audit_grade_domain"),
    )

"""Tables that record what people and loads did: import runs, allocation decisions and the
caseload policy in force. Rows here are appended, never updated or deleted."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from caseload.storage.models import Base


class ImportRun(Base):
    """One load of a source (HR extract, absences, SSD, supervision records, case file audits):
    what it added, changed and ended."""

    __tablename__ = "import_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    source_name: Mapped[str] = mapped_column(String(260))
    content_sha256: Mapped[str] = mapped_column(String(64))
    mapping_name: Mapped[str | None] = mapped_column(String(80))
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    loaded_by: Mapped[str | None] = mapped_column(String(80))
    added: Mapped[int] = mapped_column(default=0)
    changed: Mapped[int] = mapped_column(default=0)
    ended: Mapped[int] = mapped_column(default=0)
    warnings: Mapped[int] = mapped_column(default=0)
    details: Mapped[str] = mapped_column(Text, comment="JSON: counts per table and the warnings")
    __table_args__ = (
        CheckConstraint(
            "kind IN ('hr', 'absences', 'ssd', 'supervision', 'audits', 'asye', 'progression', "
            "'training', 'placements', 'health_check', 'agency')",
            name="kind",
        ),
        Index("ix_import_run_authority_loaded", "authority_id", "loaded_at"),
    )


class AllocationDecision(Base):
    """A named user's decision on a child's allocation: a recommendation accepted, overridden with
    a reason, or a manual allocation (over a cap only with an explicit override and reason)."""

    __tablename__ = "allocation_decision"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    recommended_worker_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    chosen_worker_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    allocation_id: Mapped[int | None] = mapped_column(ForeignKey("allocation.id"))
    decision: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    effective_date: Mapped[date]
    position_as_at: Mapped[date | None] = mapped_column(
        comment="the day of the caseloads and queue the decision was made on"
    )
    decided_by: Mapped[str] = mapped_column(String(80))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        CheckConstraint(
            "decision IN ('accepted', 'overridden', 'manual', 'rejected')", name="decision"
        ),
        CheckConstraint(
            "decision = 'accepted' OR (reason IS NOT NULL AND length(reason) > 0)",
            name="reason_when_not_accepted",
        ),
    )


class CaseloadPolicyVersion(Base):
    """A caseload policy set for an authority (or for all when ``authority_id`` is null). The
    newest row is in force; older rows are the history."""

    __tablename__ = "caseload_policy"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    document: Mapped[str] = mapped_column(Text, comment="the policy as YAML, as it was set")
    set_by: Mapped[str | None] = mapped_column(String(80))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AllocationRequest(Base):
    """What happens to a child nobody has room for while they wait: an overflow proposal sent to
    the service manager to agree (``kind`` 'overflow', with the worker proposed over cap), or a
    team manager holding the child's case themselves (``kind`` 'holding'). The answer is written
    once (agreed, declined, or ended when the child is allocated or the hold is given up)."""

    __tablename__ = "allocation_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"))
    reason: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(80))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    answer: Mapped[str | None] = mapped_column(String(20))
    answered_by: Mapped[str | None] = mapped_column(String(80))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answer_reason: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        CheckConstraint("kind IN ('overflow', 'holding')", name="kind"),
        CheckConstraint(
            "answer IS NULL OR answer IN ('agreed', 'declined', 'ended')", name="answer"
        ),
        Index("ix_allocation_request_open", "authority_id", "answer"),
    )


class ScorecardSnapshot(Base):
    """The headline scorecard of a reporting date as it was reported (the Workforce Steering
    Group's history): each measure's value, stored so later corrections to the data do not
    rewrite what the group was told. ``measures`` is JSON. Taking a date again (on purpose)
    appends a row; the newest row of a date is the one reports use."""

    __tablename__ = "scorecard_snapshot"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    as_at: Mapped[date]
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    taken_by: Mapped[str] = mapped_column(String(80))
    measures: Mapped[str] = mapped_column(Text, comment="measure name -> value, as JSON")
    __table_args__ = (Index("ix_scorecard_snapshot_day", "authority_id", "as_at"),)

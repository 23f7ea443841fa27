"""A cheap fingerprint of an authority's day-to-day data: one SELECT of scalar subqueries (the
highest id and the number of open rows of the tables a caseload report or an allocation plan
reads). Records are appended or ended, never rewritten in place outside an import, and every
import adds an ``import_run`` row, so any change moves at least one of these numbers:

- a decision adds an ``allocation_decision`` row (and usually an ``allocation``);
- a caseload move ends allocations (the open count falls) and starts others;
- an import adds an ``import_run`` row, whatever it changed;
- a new policy adds a ``caseload_policy`` row;
- practice records (visits, reviews, supervision, audits) move their tables' highest ids;
- the learning offer, training records, attendance and placements move theirs.

Every part is an index look-up or a count over a small table or a partial index, so the query
stays at a few milliseconds on a council with tens of thousands of open cases. Open statuses are
not counted (a scan of the largest table): only imports change them, and imports are counted."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ScalarSelect, func, or_, select
from sqlalchemy.orm import Session

from caseload.domain import AllocationRole
from caseload.storage.learning_models import AsyeProgramme, AsyeReview, ProgressionApplication
from caseload.storage.models import Absence, Allocation, ChildStatus, EmploymentSpell, Team
from caseload.storage.operations_models import (
    AllocationDecision,
    CaseloadPolicyVersion,
    ImportRun,
)
from caseload.storage.practice_models import CaseAudit, Review, Supervision, Visit
from caseload.storage.training_models import Attendance, LearningItem, Placement, TrainingRecord

Fingerprint = tuple[int | None, ...]


def _max_id(model: Any) -> ScalarSelect[Any]:
    """The highest id in the whole table: an index look-up, whatever the table's size."""
    return select(func.max(model.id)).scalar_subquery()


def _count(model: Any, authority_id: int, *conditions: Any) -> ScalarSelect[Any]:
    return (
        select(func.count())
        .select_from(model)
        .where(model.authority_id == authority_id, *conditions)
        .scalar_subquery()
    )


def data_fingerprint(session: Session, authority_id: int) -> Fingerprint:
    """Numbers that change whenever anything a caseload report reads changes: highest ids of
    allocations, spells, absences, statuses, imports, decisions, policies and teams; the open
    allocated-worker allocations (counted on the partial index that keeps one per child); the
    authority's open spells and absences, and its imports, decisions, policies and teams."""
    open_allocated = Allocation.end_date.is_(None) & (
        Allocation.role == AllocationRole.ALLOCATED_WORKER
    )
    statement = select(
        _max_id(Allocation),
        _max_id(EmploymentSpell),
        _max_id(Absence),
        _max_id(ChildStatus),
        _max_id(ImportRun),
        _max_id(AllocationDecision),
        _max_id(CaseloadPolicyVersion),
        _max_id(Team),
        select(func.count()).select_from(Allocation).where(open_allocated).scalar_subquery(),
        _count(EmploymentSpell, authority_id, EmploymentSpell.end_date.is_(None)),
        _count(Absence, authority_id, Absence.end_date.is_(None)),
        _count(ImportRun, authority_id),
        _count(AllocationDecision, authority_id),
        select(func.count())
        .select_from(CaseloadPolicyVersion)
        .where(
            or_(
                CaseloadPolicyVersion.authority_id == authority_id,
                CaseloadPolicyVersion.authority_id.is_(None),
            )
        )
        .scalar_subquery(),
        _count(Team, authority_id),
        # Practice records (visits, reviews, supervision, audits), appended by their imports.
        _max_id(Visit),
        _max_id(Review),
        _max_id(Supervision),
        _max_id(CaseAudit),
        # ASYE programmes, their reviews and progression applications.
        _max_id(AsyeProgramme),
        _max_id(AsyeReview),
        _max_id(ProgressionApplication),
        # The learning academy's catalogue, training records, attendance and placements.
        _max_id(LearningItem),
        _max_id(TrainingRecord),
        _max_id(Attendance),
        _max_id(Placement),
    )
    row = session.execute(statement).one()
    return tuple(None if value is None else int(value) for value in row)


# The parts of a fingerprint an allocation decision moves: the highest allocation and decision
# ids, the open allocated-worker allocations and the authority's decisions.
DECISION_PARTS = frozenset({0, 5, 8, 12})


def changed_only_by_decisions(before: Fingerprint, after: Fingerprint) -> bool:
    """True when nothing but allocation decisions (and the allocations they made) can have changed
    between two fingerprints of one authority."""
    return len(before) == len(after) and all(
        old == new
        for part, (old, new) in enumerate(zip(before, after, strict=True))
        if part not in DECISION_PARTS
    )


def open_allocated(stamp: Fingerprint) -> int:
    """The open allocated-worker allocations counted in a fingerprint."""
    return int(stamp[8] or 0)

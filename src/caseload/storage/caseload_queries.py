"""Reads for caseloads and allocation: teams, people, children, their statuses and allocations as
frames for one authority, the caseload policy in force, and the look-ups decisions need."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl
from sqlalchemy import ColumnElement, Select, exists, or_, select
from sqlalchemy.orm import Session, aliased

from caseload.domain import AllocationRole
from caseload.errors import NotFoundError
from caseload.storage.frames import FrameSource, as_text, read_frame
from caseload.storage.models import (
    Allocation,
    Child,
    ChildStatus,
    Proceedings,
    Team,
    TeamManagement,
    Worker,
)
from caseload.storage.operations_models import AllocationDecision, CaseloadPolicyVersion

TEAM_SCHEMA = {
    "team_id": pl.Int64,
    "team": pl.Utf8,
    "kind": pl.Utf8,
    "external_id": pl.Utf8,
    "parent_id": pl.Int64,
    "parent": pl.Utf8,
}
STATUS_SCHEMA = {
    "child_id": pl.Int64,
    "status": pl.Utf8,
    "start_date": pl.Date,
    "end_date": pl.Date,
}
WAITING_IDS_PER_READ = 5_000
"""Children's ids per read of the waiting children's records (well inside SQLite's limit on the
values one statement may carry)."""
ALLOCATION_SCHEMA = {
    "allocation_id": pl.Int64,
    "child_id": pl.Int64,
    "worker_id": pl.Int64,
    "role": pl.Utf8,
    "start_date": pl.Date,
    "end_date": pl.Date,
    "change_reason": pl.Utf8,
}


def teams_frame(source: FrameSource, authority_id: int) -> pl.DataFrame:
    """Teams and service areas with their parent's id and name."""
    parent = aliased(Team)
    query = (
        select(Team.id, Team.name, as_text(Team.kind), Team.external_id, parent.id, parent.name)
        .outerjoin(parent, parent.id == Team.parent_id)
        .where(Team.authority_id == authority_id)
    )
    return read_frame(source, query, TEAM_SCHEMA)


def worker_details_frame(source: FrameSource, authority_id: int) -> pl.DataFrame:
    """The names and numbers a manager knows people by, and their qualification date."""
    w = Worker
    query = select(
        w.id, w.staff_number, w.swe_number, w.first_name, w.last_name, w.qualification_date
    ).where(w.authority_id == authority_id)
    frame = read_frame(
        source,
        query,
        {
            "worker_id": pl.Int64,
            "staff_number": pl.Utf8,
            "swe_number": pl.Utf8,
            "first_name": pl.Utf8,
            "last_name": pl.Utf8,
            "qualification_date": pl.Date,
        },
    )
    return frame.select(
        "worker_id",
        "staff_number",
        pl.concat_str("first_name", "last_name", separator=" ").alias("name"),
        "qualification_date",
        "swe_number",
    )


def team_managers_frame(source: FrameSource, authority_id: int) -> pl.DataFrame:
    """Who managed which team, when."""
    m = TeamManagement
    query = (
        select(m.team_id, m.worker_id, m.start_date, m.end_date)
        .join(Team, Team.id == m.team_id)
        .where(Team.authority_id == authority_id)
    )
    return read_frame(
        source,
        query,
        {"team_id": pl.Int64, "worker_id": pl.Int64, "start_date": pl.Date, "end_date": pl.Date},
    )


def children_frame(source: FrameSource, authority_id: int) -> pl.DataFrame:
    c = Child
    query = select(c.id, c.child_ref, c.birth_date, c.sibling_group).where(
        c.authority_id == authority_id
    )
    return read_frame(
        source,
        query,
        {
            "child_id": pl.Int64,
            "child_ref": pl.Utf8,
            "birth_date": pl.Date,
            "sibling_group": pl.Utf8,
        },
    )


def statuses_frame(source: FrameSource, authority_id: int) -> pl.DataFrame:
    """Every status episode: the case type of a child over time."""
    s = ChildStatus
    query = select(s.child_id, as_text(s.status), s.start_date, s.end_date).where(
        s.authority_id == authority_id
    )
    return read_frame(source, query, STATUS_SCHEMA)


def proceedings_frame(source: FrameSource, authority_id: int) -> pl.DataFrame:
    p = Proceedings
    query = select(p.child_id, as_text(p.kind), p.start_date, p.end_date).where(
        p.authority_id == authority_id
    )
    return read_frame(
        source,
        query,
        {"child_id": pl.Int64, "kind": pl.Utf8, "start_date": pl.Date, "end_date": pl.Date},
    )


def allocations_frame(source: FrameSource, authority_id: int) -> pl.DataFrame:
    """Every allocation, allocated workers and co-workers, with its change reason."""
    return allocations_where(source, Allocation.authority_id == authority_id)


def allocations_where(source: FrameSource, condition: ColumnElement[bool]) -> pl.DataFrame:
    """The allocations meeting ``condition``, as ``allocations_frame`` reads them."""
    a = Allocation
    query = select(
        a.id,
        a.child_id,
        a.worker_id,
        as_text(a.role),
        a.start_date,
        a.end_date,
        as_text(a.change_reason),
    ).where(condition)
    return read_frame(source, query, ALLOCATION_SCHEMA)


def _open_on(spell: type[Allocation] | type[ChildStatus], day: date) -> ColumnElement[bool]:
    return (spell.start_date <= day) & or_(spell.end_date.is_(None), spell.end_date >= day)


def _waiting(authority_ids: Sequence[int], day: date) -> Select[tuple[int, int]]:
    """The children of these authorities with an open status on ``day`` and no allocated worker
    then (the unallocated queue of :func:`caseload.caseloads.queue.unallocated_queue`)."""
    s, a = ChildStatus, Allocation
    held = exists().where(
        a.child_id == s.child_id,
        a.role == AllocationRole.ALLOCATED_WORKER,
        _open_on(a, day),
    )
    return (
        select(s.authority_id, s.child_id)
        .where(s.authority_id.in_(authority_ids), _open_on(s, day), ~held)
        .distinct()
    )


def waiting_frames(
    source: FrameSource, authority_ids: Sequence[int], day: date
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The children waiting for a worker on ``day`` in many councils at once, found by the
    database: (authority_id, child_id), their statuses begun by ``day`` and their allocated-worker
    allocations ended before it (what the days each has waited are worked out from). The two
    last are read for the waiting children's ids, ``WAITING_IDS_PER_READ`` at a time."""
    waiting = _waiting(authority_ids, day).subquery()
    children = read_frame(
        source,
        select(waiting.c.authority_id, waiting.c.child_id),
        {"authority_id": pl.Int64, "child_id": pl.Int64},
    )
    s, a = ChildStatus, Allocation
    statuses, allocations = [], []
    waiting_ids = children["child_id"].sort().to_list()
    for first in range(0, len(waiting_ids), WAITING_IDS_PER_READ):
        ids = waiting_ids[first : first + WAITING_IDS_PER_READ]
        statuses.append(
            read_frame(
                source,
                select(s.child_id, as_text(s.status), s.start_date, s.end_date).where(
                    s.child_id.in_(ids), s.start_date <= day
                ),
                STATUS_SCHEMA,
            )
        )
        allocations.append(
            allocations_where(
                source,
                a.child_id.in_(ids)
                & (a.role == AllocationRole.ALLOCATED_WORKER)
                & (a.end_date < day),
            )
        )
    return (
        children,
        pl.concat(statuses) if statuses else pl.DataFrame(schema=STATUS_SCHEMA),
        pl.concat(allocations) if allocations else pl.DataFrame(schema=ALLOCATION_SCHEMA),
    )


def rejections_frame(source: FrameSource, authority_id: int) -> pl.DataFrame:
    """Recommendations a manager rejected: which worker, for which child, on which day."""
    d = AllocationDecision
    query = select(d.child_id, d.recommended_worker_id, d.effective_date).where(
        d.authority_id == authority_id, d.decision == "rejected"
    )
    return read_frame(
        source,
        query,
        {"child_id": pl.Int64, "worker_id": pl.Int64, "effective_date": pl.Date},
    )


def newest_policy(session: Session, authority_id: int | None) -> CaseloadPolicyVersion | None:
    """The policy set for the authority, else the newest one set for every authority."""
    for owner in ([authority_id] if authority_id is not None else []) + [None]:
        condition = (
            CaseloadPolicyVersion.authority_id.is_(None)
            if owner is None
            else CaseloadPolicyVersion.authority_id == owner
        )
        found = session.scalars(
            select(CaseloadPolicyVersion)
            .where(condition)
            .order_by(CaseloadPolicyVersion.set_at.desc(), CaseloadPolicyVersion.id.desc())
            .limit(1)
        ).first()
        if found is not None:
            return found
    return None


def newest_policies(
    session: Session, authority_ids: Sequence[int]
) -> dict[int | None, CaseloadPolicyVersion]:
    """In one query: the newest policy set for each of these authorities that has one of its
    own, and under None the newest set for every authority (see :func:`newest_policy`)."""
    v = CaseloadPolicyVersion
    versions = session.scalars(
        select(v)
        .where(or_(v.authority_id.in_(authority_ids), v.authority_id.is_(None)))
        .order_by(v.set_at, v.id)
    )
    return {version.authority_id: version for version in versions}


def policy_history(session: Session, authority_id: int | None) -> list[CaseloadPolicyVersion]:
    """Policies set for the authority and for every authority, newest first."""
    condition: ColumnElement[bool] = CaseloadPolicyVersion.authority_id.is_(None)
    if authority_id is not None:
        condition = or_(condition, CaseloadPolicyVersion.authority_id == authority_id)
    return list(
        session.scalars(
            select(CaseloadPolicyVersion)
            .where(condition)
            .order_by(CaseloadPolicyVersion.set_at.desc(), CaseloadPolicyVersion.id.desc())
        )
    )


def child_by_ref(session: Session, authority_id: int, child_ref: str, *, lock: bool) -> Child:
    """The child with this reference; ``lock`` holds the row until the transaction ends, so two
    decisions on one child are taken one after the other."""
    query = select(Child).where(Child.authority_id == authority_id, Child.child_ref == child_ref)
    if lock:
        query = query.with_for_update()
    child = session.scalars(query).first()
    if child is None:
        raise NotFoundError(f"no child with reference {child_ref!r} in this authority")
    return child


def worker_by_staff_number(session: Session, authority_id: int, staff_number: str) -> Worker:
    worker = session.scalars(
        select(Worker).where(
            Worker.authority_id == authority_id, Worker.staff_number == staff_number
        )
    ).first()
    if worker is None:
        raise NotFoundError(f"no worker with staff number {staff_number!r} in this authority")
    return worker


def allocations_on(
    session: Session, child_id: int, day: date, role: AllocationRole
) -> list[Allocation]:
    """A child's allocations in ``role`` active on ``day`` or starting after it."""
    a = Allocation
    return list(
        session.scalars(
            select(a)
            .where(
                a.child_id == child_id,
                a.role == role,
                or_(a.end_date.is_(None), a.end_date >= day),
            )
            .order_by(a.start_date)
        )
    )


def decision_for(session: Session, allocation_id: int) -> AllocationDecision | None:
    return session.scalars(
        select(AllocationDecision).where(AllocationDecision.allocation_id == allocation_id)
    ).first()

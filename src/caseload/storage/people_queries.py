"""Reads for one worker's page: their record, spells and absences, and the caseload frames
narrowed to the children they hold and the people who work those children with them, so a
worker's caseload is computed exactly as in the council's report without reading the council."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from caseload.domain import AllocationRole
from caseload.domain.caseload_data import CaseloadData
from caseload.storage.caseload_queries import allocations_where, teams_frame
from caseload.storage.frames import as_float, as_text, read_frame
from caseload.storage.models import (
    Absence,
    Allocation,
    Child,
    ChildStatus,
    EmploymentSpell,
    Proceedings,
    Team,
    Worker,
)

SPELL_SCHEMA = {
    "worker_id": pl.Int64,
    "contract": pl.Utf8,
    "role": pl.Utf8,
    "fte": pl.Float64,
    "team_id": pl.Int64,
    "team": pl.Utf8,
    "start_date": pl.Date,
    "end_date": pl.Date,
    "end_reason": pl.Utf8,
}
ABSENCE_SCHEMA = {
    "worker_id": pl.Int64,
    "start_date": pl.Date,
    "end_date": pl.Date,
    "reason": pl.Utf8,
    "working_days_lost": pl.Float64,
}


def worker_facts(session: Session, authority_id: int, worker_id: int) -> dict[str, Any] | None:
    """The worker's names and numbers, or None when they are not the authority's."""
    w = Worker
    row = session.execute(
        select(
            w.id,
            w.staff_number,
            w.first_name,
            w.last_name,
            w.swe_number,
            w.qualification_date,
        ).where(w.id == worker_id, w.authority_id == authority_id)
    ).first()
    if row is None:
        return None
    return {
        "worker_id": row.id,
        "staff_number": row.staff_number,
        "name": f"{row.first_name} {row.last_name}",
        "swe_number": row.swe_number,
        "qualification_date": row.qualification_date,
    }


def spell_teams(session: Session, worker_id: int) -> list[tuple[int, date, date | None]]:
    """The team, start and end of each of the worker's employment spells, earliest first."""
    rows = session.execute(
        select(EmploymentSpell.team_id, EmploymentSpell.start_date, EmploymentSpell.end_date)
        .where(EmploymentSpell.worker_id == worker_id)
        .order_by(EmploymentSpell.start_date)
    )
    return [(row.team_id, row.start_date, row.end_date) for row in rows]


def swe_numbers(session: Session, authority_id: int) -> dict[int, str | None]:
    """Every worker's Social Work England number."""
    rows = session.execute(
        select(Worker.id, Worker.swe_number).where(Worker.authority_id == authority_id)
    ).tuples()
    return dict(rows.all())


def spells_of(session: Session, worker_ids: Collection[int]) -> pl.DataFrame:
    """Employment spells of the workers, with their team's id and name."""
    s = EmploymentSpell
    query = (
        select(
            s.worker_id,
            as_text(s.contract),
            as_text(s.role),
            as_float(s.fte),
            s.team_id,
            Team.name,
            s.start_date,
            s.end_date,
            as_text(s.end_reason),
        )
        .outerjoin(Team, Team.id == s.team_id)
        .where(s.worker_id.in_(sorted(worker_ids)))
        .order_by(s.worker_id, s.start_date)
    )
    return read_frame(session, query, SPELL_SCHEMA)


def absences_of(session: Session, worker_ids: Collection[int]) -> pl.DataFrame:
    a = Absence
    query = (
        select(
            a.worker_id,
            a.start_date,
            a.end_date,
            as_text(a.reason),
            as_float(a.working_days_lost),
        )
        .where(a.worker_id.in_(sorted(worker_ids)))
        .order_by(a.worker_id, a.start_date)
    )
    return read_frame(session, query, ABSENCE_SCHEMA)


def caseload_subset(session: Session, authority_id: int, worker_id: int, day: date) -> CaseloadData:
    """The caseload frames for one worker: every child they hold or co-work on ``day`` with all
    of those children's allocations, statuses and proceedings, and the spells and absences of
    the worker and of everyone else allocated to those children on the day (a protecting
    co-worker counts only while in post and not on long absence)."""
    mine = allocations_where(
        session,
        (Allocation.worker_id == worker_id)
        & (Allocation.start_date <= day)
        & or_(Allocation.end_date.is_(None), Allocation.end_date >= day),
    )
    child_ids = sorted(set(mine["child_id"].to_list()))
    allocations = allocations_where(session, Allocation.child_id.in_(child_ids))
    today = allocations.filter(
        (pl.col("start_date") <= day) & (pl.col("end_date").is_null() | (pl.col("end_date") >= day))
    )
    people = sorted({worker_id, *today["worker_id"].to_list()})
    w = Worker
    workers = read_frame(
        session,
        select(w.id, w.staff_number, w.first_name, w.last_name, w.qualification_date).where(
            w.id.in_(people)
        ),
        {
            "worker_id": pl.Int64,
            "staff_number": pl.Utf8,
            "first_name": pl.Utf8,
            "last_name": pl.Utf8,
            "qualification_date": pl.Date,
        },
    ).select(
        "worker_id",
        "staff_number",
        pl.concat_str("first_name", "last_name", separator=" ").alias("name"),
        "qualification_date",
    )
    c = Child
    children = read_frame(
        session,
        select(c.id, c.child_ref, c.birth_date, c.sibling_group).where(c.id.in_(child_ids)),
        {
            "child_id": pl.Int64,
            "child_ref": pl.Utf8,
            "birth_date": pl.Date,
            "sibling_group": pl.Utf8,
        },
    )
    s = ChildStatus
    statuses = read_frame(
        session,
        select(s.child_id, as_text(s.status), s.start_date, s.end_date).where(
            s.child_id.in_(child_ids)
        ),
        {"child_id": pl.Int64, "status": pl.Utf8, "start_date": pl.Date, "end_date": pl.Date},
    )
    p = Proceedings
    proceedings = read_frame(
        session,
        select(p.child_id, as_text(p.kind), p.start_date, p.end_date).where(
            p.child_id.in_(child_ids)
        ),
        {"child_id": pl.Int64, "kind": pl.Utf8, "start_date": pl.Date, "end_date": pl.Date},
    )
    return CaseloadData(
        teams=teams_frame(session, authority_id),
        workers=workers,
        spells=spells_of(session, people).drop("team_id"),
        managers=pl.DataFrame(
            schema={
                "team_id": pl.Int64,
                "worker_id": pl.Int64,
                "start_date": pl.Date,
                "end_date": pl.Date,
            }
        ),
        absences=absences_of(session, people),
        children=children,
        statuses=statuses,
        proceedings=proceedings,
        allocations=allocations,
    )


def held_allocations(session: Session, worker_ids: Collection[int], since: date) -> pl.DataFrame:
    """The workers' allocated-worker allocations open on or after ``since`` (for month-end
    caseload history)."""
    return allocations_where(
        session,
        Allocation.worker_id.in_(sorted(worker_ids))
        & (Allocation.role == AllocationRole.ALLOCATED_WORKER)
        & or_(Allocation.end_date.is_(None), Allocation.end_date >= since),
    )

"""Reading the day-to-day workforce data as frames (census derivation, series, summaries)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl
from sqlalchemy import and_, case, func, or_, select

from caseload.domain import AllocationRole
from caseload.storage.frames import FrameSource, as_float, as_text, read_frame
from caseload.storage.models import (
    Absence,
    Allocation,
    Authority,
    EmploymentSpell,
    Post,
    Team,
    Worker,
)


def spells_frame(source: FrameSource, authority_ids: Sequence[int]) -> pl.DataFrame:
    s = EmploymentSpell
    query = (
        select(
            Authority.code,
            s.worker_id,
            as_text(s.contract),
            as_text(s.role),
            as_float(s.fte),
            Team.name,
            s.post_id,
            s.start_date,
            s.end_date,
            as_text(s.end_reason),
            s.start_origin,
            s.reason_leave,
            s.leaver_destination,
            as_float(s.agency_contract_weeks),
        )
        .join(Authority, Authority.id == s.authority_id)
        .outerjoin(Team, Team.id == s.team_id)
        .where(s.authority_id.in_(authority_ids))
    )
    return read_frame(
        source,
        query,
        {
            "LEA": pl.Utf8,
            "worker_id": pl.Int64,
            "contract": pl.Utf8,
            "role": pl.Utf8,
            "fte": pl.Float64,
            "team": pl.Utf8,
            "post_id": pl.Int64,
            "start_date": pl.Date,
            "end_date": pl.Date,
            "end_reason": pl.Utf8,
            "start_origin": pl.Int64,
            "reason_leave": pl.Int64,
            "leaver_destination": pl.Int64,
            "agency_contract_weeks": pl.Float64,
        },
    )


def workers_frame(source: FrameSource, authority_ids: Sequence[int]) -> pl.DataFrame:
    w = Worker
    query = select(
        w.id,
        w.swe_number,
        w.birth_date,
        w.gender,
        w.ethnicity,
        w.qualification_institution,
        w.qualification_level,
        w.step_up,
        w.frontline,
        w.qualification_date,
    ).where(w.authority_id.in_(authority_ids))
    return read_frame(
        source,
        query,
        {
            "worker_id": pl.Int64,
            "swe_number": pl.Utf8,
            "birth_date": pl.Date,
            "gender": pl.Int64,
            "ethnicity": pl.Utf8,
            "qualification_institution": pl.Utf8,
            "qualification_level": pl.Int64,
            "step_up": pl.Boolean,
            "frontline": pl.Boolean,
            "qualification_date": pl.Date,  # ASYE status (caseloads.definitions.asye_status)
        },
    )


# An allocated worker's rows (not co-workers'): who holds each case, when.
ALLOCATED_SCHEMA = {
    "worker_id": pl.Int64,
    "child_id": pl.Int64,
    "start_date": pl.Date,
    "end_date": pl.Date,
}


CASES_HELD_SCHEMA = {"worker_id": pl.Int64, "AsAt": pl.Date, "Cases30": pl.Int64}


def cases_held_frame(
    source: FrameSource, authority_ids: Sequence[int], days: Sequence[date]
) -> pl.DataFrame:
    """Children held as allocated worker (not co-worker) by each worker on each of ``days``,
    counted by the database in one pass over the allocations: worker_id, AsAt, Cases30 (a worker
    holding none on a day has no row for it)."""
    a = Allocation
    open_on = [
        and_(a.start_date <= day, or_(a.end_date.is_(None), a.end_date >= day)) for day in days
    ]
    query = (
        select(a.worker_id, *(func.sum(case((held, 1), else_=0)) for held in open_on))
        .where(a.authority_id.in_(authority_ids), a.role == AllocationRole.ALLOCATED_WORKER)
        .where(or_(*open_on))
        .group_by(a.worker_id)
    )
    columns = [f"on_{index}" for index in range(len(days))]
    counted = read_frame(source, query, {"worker_id": pl.Int64} | dict.fromkeys(columns, pl.Int64))
    return (
        counted.unpivot(index="worker_id", on=columns, variable_name="day", value_name="Cases30")
        .filter(pl.col("Cases30") > 0)
        .with_columns(
            pl.col("day")
            .replace_strict(dict(zip(columns, days, strict=True)), return_dtype=pl.Date)
            .alias("AsAt")
        )
        .select(list(CASES_HELD_SCHEMA))
        .cast(CASES_HELD_SCHEMA)  # type: ignore[arg-type]
    )


def absences_frame(
    source: FrameSource,
    authority_ids: Sequence[int],
    overlapping: tuple[date, date] | None = None,
) -> pl.DataFrame:
    """Absences; with ``overlapping`` (first, last), only those under way at some time from
    ``first`` to ``last``."""
    a = Absence
    query = select(
        a.worker_id, a.start_date, a.end_date, as_text(a.reason), as_float(a.working_days_lost)
    ).where(a.authority_id.in_(authority_ids))
    if overlapping is not None:
        first, last = overlapping
        query = query.where(a.start_date <= last, or_(a.end_date.is_(None), a.end_date >= first))
    return read_frame(
        source,
        query,
        {
            "worker_id": pl.Int64,
            "start_date": pl.Date,
            "end_date": pl.Date,
            "reason": pl.Utf8,
            "working_days_lost": pl.Float64,
        },
    )


def posts_frame(source: FrameSource, authority_ids: Sequence[int]) -> pl.DataFrame:
    p = Post
    query = (
        select(
            Authority.code,
            p.id,
            Team.name,
            as_text(p.role),
            as_float(p.funded_fte),
            p.start_date,
            p.end_date,
        )
        .join(Authority, Authority.id == p.authority_id)
        .join(Team, Team.id == p.team_id)
        .where(p.authority_id.in_(authority_ids))
    )
    return read_frame(
        source,
        query,
        {
            "LEA": pl.Utf8,
            "post_id": pl.Int64,
            "team": pl.Utf8,
            "role": pl.Utf8,
            "funded_fte": pl.Float64,
            "start_date": pl.Date,
            "end_date": pl.Date,
        },
    )

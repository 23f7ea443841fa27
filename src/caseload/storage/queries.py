"""Queries on the day-to-day data. All reads for services live here and return frames or models."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from caseload.errors import NotFoundError
from caseload.storage.frames import as_text, read_frame
from caseload.storage.models import (
    Allocation,
    Authority,
    ChildStatus,
    EmploymentSpell,
)


def first_authorities(session: Session, limit: int = 2) -> list[Authority]:
    """The first authorities by code: enough to tell whether there are none, one or several."""
    return list(session.scalars(select(Authority).order_by(Authority.code).limit(limit)))


def authorities(session: Session, code: str | None = None) -> list[Authority]:
    """The authority with ``code``, or every authority when no code is given."""
    query = select(Authority).order_by(Authority.code)
    if code is not None:
        query = query.where(Authority.code == code)
    found = list(session.scalars(query))
    if code is not None and not found:
        known = ", ".join(
            session.scalars(select(Authority.code).order_by(Authority.code).limit(10))
        )
        hint = f"known codes include {known}" if known else "the database holds no authorities yet"
        raise NotFoundError(f"no authority with code {code!r} in the database; {hint}")
    return found


def authorities_in(
    session: Session, codes: Sequence[str] | None = None, region: str | None = None
) -> list[Authority]:
    """The authorities with these codes (every one when None) in ``region`` (any when None;
    matched without regard to case), ordered by code. An unknown code or a region holding none
    of them is an error naming what the database holds."""
    query = select(Authority).order_by(Authority.code)
    if codes is not None:
        query = query.where(Authority.code.in_(codes))
    if region is not None:
        query = query.where(func.lower(Authority.region) == region.strip().lower())
    found = list(session.scalars(query))
    if codes is not None:
        unknown = sorted(set(codes) - {authority.code for authority in found})
        if unknown and region is None:
            known = ", ".join(
                session.scalars(select(Authority.code).order_by(Authority.code).limit(10))
            )
            hint = f"known codes include {known}" if known else "the database holds no authorities"
            raise NotFoundError(
                f"no authority with code {', '.join(map(repr, unknown))} in the database; {hint}"
            )
    if region is not None and not found:
        regions = sorted(
            {name for name in session.scalars(select(Authority.region).distinct()) if name}
        )
        held = ", ".join(regions) if regions else "none recorded"
        raise NotFoundError(f"no authority in the region {region!r}; regions held: {held}")
    return found


def authority_regions(session: Session, codes: Sequence[str]) -> dict[str, str | None]:
    """Each authority's region by code."""
    return dict(
        session.execute(select(Authority.code, Authority.region).where(Authority.code.in_(codes)))
        .tuples()
        .all()
    )


def data_spans(
    session: Session, authority_ids: Sequence[int]
) -> dict[int, tuple[date | None, date | None]]:
    """Each authority's first employment spell start and latest data day (as
    :func:`latest_data_date` gives it for the authority alone), in a few grouped queries."""
    firsts: dict[int, date | None] = dict(
        session.execute(
            select(EmploymentSpell.authority_id, func.min(EmploymentSpell.start_date))
            .where(EmploymentSpell.authority_id.in_(authority_ids))
            .group_by(EmploymentSpell.authority_id)
        )
        .tuples()
        .all()
    )
    lasts: dict[int, date | None] = dict(
        session.execute(
            select(Authority.id, Authority.data_as_at).where(Authority.id.in_(authority_ids))
        )
        .tuples()
        .all()
    )
    undeclared = [key for key, value in lasts.items() if value is None]
    if undeclared:
        for column in (EmploymentSpell.start_date, ChildStatus.start_date, Allocation.start_date):
            table = column.class_
            found = session.execute(
                select(table.authority_id, func.max(column))
                .where(table.authority_id.in_(undeclared))
                .group_by(table.authority_id)
            ).all()
            for key, value in found:
                latest = lasts.get(key)
                if value is not None and (latest is None or value > latest):
                    lasts[key] = value
    return {key: (firsts.get(key), lasts.get(key)) for key in authority_ids}


def _active_on(
    start: InstrumentedAttribute[date], end: InstrumentedAttribute[date | None], day: date
) -> ColumnElement[bool]:
    """Inclusive spell test: started on or before ``day`` and not ended before it."""
    return and_(start <= day, or_(end.is_(None), end >= day))


def statuses_active_on(session: Session, authority_ids: Sequence[int], day: date) -> pl.DataFrame:
    """Child status episodes (open cases) active on ``day``."""
    c = ChildStatus
    query = select(c.child_id, as_text(c.status)).where(
        c.authority_id.in_(authority_ids), _active_on(c.start_date, c.end_date, day)
    )
    return read_frame(session, query, {"child_id": pl.Int64, "status": pl.Utf8})


def allocations_active_on(
    session: Session, authority_ids: Sequence[int], day: date
) -> pl.DataFrame:
    a = Allocation
    query = select(a.child_id, a.worker_id, as_text(a.role)).where(
        a.authority_id.in_(authority_ids), _active_on(a.start_date, a.end_date, day)
    )
    return read_frame(
        session, query, {"child_id": pl.Int64, "worker_id": pl.Int64, "role": pl.Utf8}
    )


def latest_data_date(session: Session, authority_ids: Sequence[int]) -> date | None:
    """The latest day any of the authorities' data covers."""
    declared = session.scalar(
        select(func.max(Authority.data_as_at)).where(Authority.id.in_(authority_ids))
    )
    if declared is not None:
        return declared
    latest: date | None = None
    for column in (EmploymentSpell.start_date, ChildStatus.start_date, Allocation.start_date):
        table = column.class_
        value = session.scalar(
            select(func.max(column)).where(table.authority_id.in_(authority_ids))
        )
        if value is not None and (latest is None or value > latest):
            latest = value
    return latest

"""Stored scorecards (``scorecard_snapshot``): append one, read a council's history."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseload.storage.models import Authority
from caseload.storage.operations_models import ScorecardSnapshot

Measures = dict[str, float | int | None]


def append_scorecard(
    session: Session,
    *,
    authority_id: int,
    as_at: date,
    measures: Measures,
    taken_by: str,
    taken_at: datetime,
) -> int:
    row = ScorecardSnapshot(
        authority_id=authority_id,
        as_at=as_at,
        taken_at=taken_at,
        taken_by=taken_by,
        measures=json.dumps(measures, sort_keys=True),
    )
    session.add(row)
    session.flush()
    return row.id


def stored_days(session: Session, authority_id: int) -> list[date]:
    found = session.scalars(
        select(ScorecardSnapshot.as_at)
        .where(ScorecardSnapshot.authority_id == authority_id)
        .distinct()
        .order_by(ScorecardSnapshot.as_at)
    )
    return list(found)


def stored_scorecards(
    session: Session, authority_id: int, up_to: date
) -> list[tuple[date, datetime, Measures]]:
    """The newest stored scorecard of each date up to ``up_to``, oldest date first: (date,
    when it was taken, measures)."""
    newest = (
        select(ScorecardSnapshot.as_at, func.max(ScorecardSnapshot.id).label("id"))
        .where(ScorecardSnapshot.authority_id == authority_id, ScorecardSnapshot.as_at <= up_to)
        .group_by(ScorecardSnapshot.as_at)
        .subquery()
    )
    rows = session.execute(
        select(ScorecardSnapshot.as_at, ScorecardSnapshot.taken_at, ScorecardSnapshot.measures)
        .join(newest, newest.c.id == ScorecardSnapshot.id)
        .order_by(ScorecardSnapshot.as_at)
    )
    return [(day, taken, json.loads(text)) for day, taken, text in rows]


def authority_id_of(session: Session, code: str) -> int:
    found = session.scalar(select(Authority.id).where(Authority.code == code))
    if found is None:
        raise LookupError(code)
    return int(found)

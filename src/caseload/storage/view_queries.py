"""Cheap reads for the overview and workforce pages: what the census and benchmark figures depend
on beyond the day-to-day data (:mod:`caseload.storage.fingerprint` covers that), and the first
recorded leaving date."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseload.domain.codes import SpellEndReason
from caseload.storage.census_models import CensusRecord, CensusReturn, PublishedIndicator
from caseload.storage.models import EmploymentSpell, Post, Team, Worker

CensusStamp = tuple[int | None, ...]


def census_stamp(session: Session, authority_id: int) -> CensusStamp:
    """Numbers that change when an imported return, DfE's published indicators, the posts or the
    workers' census details change (index look-ups and counts over small tables)."""
    row = session.execute(
        select(
            select(func.max(CensusReturn.id)).scalar_subquery(),
            select(func.count(CensusReturn.id))
            .where(CensusReturn.authority_id == authority_id)
            .scalar_subquery(),
            select(func.max(CensusRecord.id)).scalar_subquery(),
            select(func.max(PublishedIndicator.id)).scalar_subquery(),
            select(func.count(PublishedIndicator.id)).scalar_subquery(),
            select(func.max(Post.id)).scalar_subquery(),
            select(func.max(Worker.id)).scalar_subquery(),
        )
    ).one()
    return tuple(None if value is None else int(value) for value in row)


def first_leaving_date(session: Session, authority_id: int) -> date | None:
    """The earliest day an employment ended with the person leaving the council."""
    return session.scalar(
        select(func.min(EmploymentSpell.end_date)).where(
            EmploymentSpell.authority_id == authority_id,
            EmploymentSpell.end_reason == SpellEndReason.LEFT,
        )
    )


def team_ids_by_name(session: Session, authority_id: int) -> dict[str, int]:
    """The authority's teams (and service areas) by name; names are unique within a council."""
    rows = session.execute(select(Team.name, Team.id).where(Team.authority_id == authority_id))
    return {str(name): int(team_id) for name, team_id in rows.tuples()}

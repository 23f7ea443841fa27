"""Stored workforce plan runs (``scenario_run``): append one, list a council's, read one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from caseload.storage.models import Base


class ScenarioRun(Base):
    """A workforce plan scenario as it was run and stored: the scenario file's text, the day,
    the number of paths and the seed (so the run can be repeated exactly) and its figures
    (JSON). Rows are only ever added."""

    __tablename__ = "scenario_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    scenario: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(120))
    scenario_text: Mapped[str] = mapped_column(Text, comment="the scenario file as it was run")
    as_at: Mapped[date]
    paths: Mapped[int]
    seed: Mapped[int]
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    result: Mapped[str] = mapped_column(Text, comment="the run's figures, as JSON")
    __table_args__ = (Index("ix_scenario_run_authority", "authority_id", "created_at"),)


@dataclass(frozen=True)
class StoredRun:
    id: int
    scenario: str
    title: str
    as_at: date
    paths: int
    seed: int
    created_by: str
    created_at: datetime


def append_run(
    session: Session,
    *,
    authority_id: int,
    scenario: str,
    title: str,
    scenario_text: str,
    as_at: date,
    paths: int,
    seed: int,
    created_by: str,
    created_at: datetime,
    result: dict[str, Any],
) -> int:
    row = ScenarioRun(
        authority_id=authority_id,
        scenario=scenario,
        title=title,
        scenario_text=scenario_text,
        as_at=as_at,
        paths=paths,
        seed=seed,
        created_by=created_by,
        created_at=created_at,
        result=json.dumps(result, sort_keys=True, default=str),
    )
    session.add(row)
    session.flush()
    return row.id


def stored_runs(session: Session, authority_id: int, limit: int = 50) -> list[StoredRun]:
    """The council's stored runs, newest first."""
    rows = session.execute(
        select(
            ScenarioRun.id,
            ScenarioRun.scenario,
            ScenarioRun.title,
            ScenarioRun.as_at,
            ScenarioRun.paths,
            ScenarioRun.seed,
            ScenarioRun.created_by,
            ScenarioRun.created_at,
        )
        .where(ScenarioRun.authority_id == authority_id)
        .order_by(ScenarioRun.created_at.desc(), ScenarioRun.id.desc())
        .limit(limit)
    ).all()
    return [StoredRun(*row) for row in rows]


def stored_result(session: Session, authority_id: int, run_id: int) -> dict[str, Any] | None:
    row = session.scalar(
        select(ScenarioRun.result).where(
            ScenarioRun.authority_id == authority_id, ScenarioRun.id == run_id
        )
    )
    return None if row is None else dict(json.loads(row))

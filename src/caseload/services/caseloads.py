"""Caseloads and alerts on any date, for a council or some of its teams."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from caseload.caseloads.dfe import dfe_caseload
from caseload.caseloads.position import ALLOCATED, CaseloadData
from caseload.caseloads.report import CaseloadReport, build_report
from caseload.census.derive import DayToDay
from caseload.errors import InvalidInputError, NotFoundError
from caseload.services.policy import PolicyInForce, policy_for
from caseload.storage import caseload_queries, queries, workforce_frames
from caseload.storage.engine import session_scope
from caseload.storage.models import Authority
from caseload.storage.schema import require_current


@dataclass(frozen=True)
class Scope:
    """The authority, day, policy and teams a view covers."""

    authority: Authority
    day: date
    policy: PolicyInForce
    team_ids: list[int] | None
    team_names: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "authority": {"code": self.authority.code, "name": self.authority.name},
            "as_at": self.day.isoformat(),
            "teams": self.team_names or "all",
            "policy": self.policy.source,
        }


def one_authority(session: Session, code: str | None) -> Authority:
    """The authority named, or the only one in the database."""
    if code is not None:
        return queries.authorities(session, code)[0]
    found = list(session.scalars(select(Authority).order_by(Authority.code).limit(2)))
    if not found:
        raise NotFoundError(
            "the database holds no authorities yet; run 'caseload demo' or 'caseload generate'"
        )
    if len(found) > 1:
        raise InvalidInputError(
            "the database holds more than one authority; name one with --authority CODE"
        )
    return found[0]


def teams_in_scope(teams: pl.DataFrame, names: Sequence[str]) -> list[int]:
    """Team ids for names (or source ids), case-insensitive; a service area brings its teams."""
    chosen: set[int] = set()
    for name in names:
        wanted = name.strip().casefold()
        match = teams.filter(
            (pl.col("team").str.to_lowercase() == wanted)
            | (pl.col("external_id").str.to_lowercase() == wanted)
        )
        if match.is_empty():
            known = ", ".join(sorted(teams["team"].to_list())[:12])
            raise NotFoundError(f"no team called {name!r}; teams include {known}")
        ids = match["team_id"].to_list()
        chosen.update(ids)
        chosen.update(teams.filter(pl.col("parent_id").is_in(ids))["team_id"].to_list())
    return sorted(chosen)


def load_data(session: Session, authority_id: int) -> CaseloadData:
    return CaseloadData(
        teams=caseload_queries.teams_frame(session, authority_id),
        workers=caseload_queries.worker_details_frame(session, authority_id),
        spells=workforce_frames.spells_frame(session, [authority_id]),
        managers=caseload_queries.team_managers_frame(session, authority_id),
        absences=workforce_frames.absences_frame(session, [authority_id]),
        children=caseload_queries.children_frame(session, authority_id),
        statuses=caseload_queries.statuses_frame(session, authority_id),
        proceedings=caseload_queries.proceedings_frame(session, authority_id),
        allocations=caseload_queries.allocations_frame(session, authority_id),
        rejections=caseload_queries.rejections_frame(session, authority_id),
    )


def census_inputs(session: Session, authority_id: int, data: CaseloadData) -> DayToDay:
    """The census engine's inputs, reusing the frames already read."""
    allocated = data.allocations.filter(pl.col("role") == ALLOCATED).select(
        "worker_id", "child_id", "start_date", "end_date"
    )
    return DayToDay(
        spells=data.spells,
        workers=workforce_frames.workers_frame(session, [authority_id]),
        allocations=allocated,
        absences=data.absences,
        posts=workforce_frames.posts_frame(session, [authority_id]),
    )


def open_scope(
    session: Session,
    *,
    as_at: date | None,
    authority_code: str | None,
    teams: Sequence[str] = (),
) -> tuple[Scope, CaseloadData]:
    authority = one_authority(session, authority_code)
    day = as_at or queries.latest_data_date(session, [authority.id])
    if day is None:
        raise NotFoundError(f"authority {authority.code} holds no dated records yet")
    data = load_data(session, authority.id)
    team_ids = teams_in_scope(data.teams, teams) if teams else None
    names = (
        data.teams.filter(pl.col("team_id").is_in(team_ids))["team"].sort().to_list()
        if team_ids is not None
        else []
    )
    policy = policy_for(session, authority.id, authority.code)
    return Scope(authority, day, policy, team_ids, names), data


def caseload_report(
    engine: Engine,
    *,
    as_at: date | None = None,
    authority_code: str | None = None,
    teams: Sequence[str] = (),
) -> tuple[Scope, CaseloadReport]:
    """Caseloads on ``as_at`` (default: the latest data date) with the DfE average from the
    census engine, for the council or the named teams."""
    require_current(engine)
    with session_scope(engine) as session:
        scope, data = open_scope(session, as_at=as_at, authority_code=authority_code, teams=teams)
        census = census_inputs(session, scope.authority.id, data)
    overall = dfe_caseload(census, scope.day)
    by_team = dfe_caseload(census, scope.day, by_team=True).select(
        "team", pl.col("caseload_fte").alias("dfe_caseload")
    )
    average: dict[str, Any] = {}
    if overall.height:
        row = overall.row(0, named=True)
        average = {key: row[key] for key in ("cases", "case_holders_fte", "caseload_fte")}
    report = build_report(
        data, scope.day, scope.policy.policy, team_ids=scope.team_ids, dfe_average=average
    )
    teams_frame = report.teams.join(by_team, on="team", how="left")
    return scope, replace(report, teams=teams_frame)


def caseload_alerts(
    engine: Engine,
    *,
    as_at: date | None = None,
    authority_code: str | None = None,
    teams: Sequence[str] = (),
) -> tuple[Scope, pl.DataFrame]:
    """The alerts on ``as_at`` for the council or the named teams, red first."""
    require_current(engine)
    with session_scope(engine) as session:
        scope, data = open_scope(session, as_at=as_at, authority_code=authority_code, teams=teams)
    report = build_report(data, scope.day, scope.policy.policy, team_ids=scope.team_ids)
    return scope, report.alerts

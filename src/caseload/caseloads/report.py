"""Caseloads on a day, put together: workers, teams, services, the distribution next to the DfE
average, the unallocated queue, continuity and every rule broken, for a council or some teams."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from caseload.caseloads import rules
from caseload.caseloads.alerts import build_alerts
from caseload.caseloads.continuity import continuity_summary, workers_per_child
from caseload.caseloads.policy import CaseloadPolicy
from caseload.caseloads.position import (
    CaseloadData,
    active_on,
    cases_on,
    held_on,
    managers_on,
    workers_on,
)
from caseload.caseloads.queue import unallocated_queue
from caseload.caseloads.workload import (
    distribution,
    service_caseloads,
    team_caseloads,
    worker_caseloads,
)

WORKER_COLUMNS = (
    "worker_id",
    "staff_number",
    "name",
    "team",
    "service",
    "role",
    "contract",
    "fte",
    "cases",
    "points",
    "co_working",
    "cap_cases",
    "cap_points",
    "capacity_cases",
    "capacity_points",
    "caseload",
    "utilisation",
    "band",
    "absent",
    "long_absence",
    "phased_return",
    "holding_until",
    "rules",
)


@dataclass(frozen=True)
class CaseloadReport:
    as_at: date
    workers: pl.DataFrame
    teams: pl.DataFrame
    services: pl.DataFrame
    distribution: list[dict[str, object]]
    dfe_average: dict[str, Any]
    queue: pl.DataFrame
    continuity: dict[str, Any]
    continuity_by_child: pl.DataFrame
    breaches: pl.DataFrame
    alerts: pl.DataFrame


@dataclass(frozen=True)
class Position:
    """Everything about the day that caseloads and allocation share."""

    day: date
    caseloads: pl.DataFrame  # workers with their workload (worker_caseloads)
    cases: pl.DataFrame  # open children (cases_on)
    held: pl.DataFrame  # allocated-worker allocations on the day (held_on)
    managers: pl.DataFrame
    queue: pl.DataFrame


def position_on(data: CaseloadData, day: date, policy: CaseloadPolicy) -> Position:
    workers = workers_on(data, day, policy)
    held = held_on(data, day, policy)
    caseloads = worker_caseloads(workers, held, active_on(data.allocations, day), policy)
    cases = cases_on(data, day, policy)
    return Position(
        day=day,
        caseloads=caseloads,
        cases=cases,
        held=held,
        managers=managers_on(data, day),
        queue=unallocated_queue(data, cases, held, caseloads, day, policy),
    )


def build_report(
    data: CaseloadData,
    day: date,
    policy: CaseloadPolicy,
    *,
    team_ids: Collection[int] | None = None,
    dfe_average: dict[str, Any] | None = None,
    position: Position | None = None,
) -> CaseloadReport:
    """The caseload report on ``day``; ``team_ids`` limits it to those teams (their workers, the
    children waiting for them, and the rules broken there). ``position``: the council's
    :func:`position_on` the day, when already worked out."""
    if position is None:
        position = position_on(data, day, policy)
    teams = team_caseloads(position.caseloads, position.managers, policy)
    breaches = rules.as_frame(
        rules.worker_breaches(position.caseloads, policy)
        + rules.case_breaches(position.held, position.caseloads, data.absences, policy)
        + rules.sibling_breaches(position.cases, position.caseloads)
        + rules.team_breaches(teams, policy)
    )
    caseloads = position.caseloads
    queue = position.queue
    continuity = workers_per_child(data.allocations, position.cases, day)
    if team_ids is not None:
        scope = sorted(team_ids)
        caseloads = caseloads.filter(pl.col("team_id").is_in(scope))
        teams = teams.filter(pl.col("team_id").is_in(scope))
        queue = queue.filter(pl.col("home_team_ids").list.set_intersection(scope).list.len() > 0)
        breaches = breaches.filter(pl.col("team_id").is_in(scope))
        in_scope = pl.concat(
            [
                position.held.filter(pl.col("worker_id").is_in(caseloads["worker_id"].implode()))[
                    "child_id"
                ],
                queue["child_id"],
            ]
        )
        continuity = continuity.filter(pl.col("child_id").is_in(in_scope.implode()))
    per_worker = (
        breaches.filter(pl.col("worker_id").is_not_null())
        .group_by("worker_id")
        .agg(pl.col("rule").unique().sort().str.join(", ").alias("rules"))
    )
    caseloads = caseloads.join(per_worker, on="worker_id", how="left").with_columns(
        pl.col("rules").fill_null("")
    )
    alerts = build_alerts(breaches, queue, caseloads, day, policy)
    return CaseloadReport(
        as_at=day,
        workers=caseloads.select(WORKER_COLUMNS),
        teams=teams,
        services=service_caseloads(caseloads, policy),
        distribution=distribution(caseloads),
        dfe_average=dfe_average or {},
        queue=queue,
        continuity=continuity_summary(continuity),
        continuity_by_child=continuity,
        breaches=breaches,
        alerts=alerts,
    )

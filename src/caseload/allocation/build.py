"""Building the allocation problem from the position on a day: the unallocated queue (or the
caseload of a worker who is leaving or going on long absence) and the workers who might take it."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection
from datetime import date, timedelta
from typing import Any

import polars as pl

from caseload.allocation.problem import POINTS_SCALE, Child, Problem, Unit, Worker
from caseload.caseloads.policy import CaseloadPolicy
from caseload.caseloads.position import CaseloadData, known_workers
from caseload.caseloads.queue import home_teams
from caseload.caseloads.report import Position
from caseload.domain import Role

SENIOR_ROLES = {Role.SENIOR_SOCIAL_WORKER.value, Role.ADVANCED_PRACTITIONER.value}
SENIOR_PQE_YEARS = 5.0


def experience_level(role: str | None, pqe_years: float | None) -> int:
    """0 newly qualified (ASYE), 1 experienced, 2 senior (senior or advanced practitioner, or a
    social worker with five years' post-qualifying experience)."""
    if role == Role.ASYE.value:
        return 0
    if role in SENIOR_ROLES or (pqe_years is not None and pqe_years >= SENIOR_PQE_YEARS):
        return 2
    return 1


def complexity_level(protected: bool, points: int) -> int:
    """2 for protected cases (child protection, proceedings), 0 below one point (care leavers
    by default), else 1."""
    if protected:
        return 2
    return 0 if points < POINTS_SCALE else 1


def _unavailable(
    row: dict[str, Any], position: Position, window: int, moving: int | None
) -> str | None:
    day = position.day
    if row["worker_id"] == moving:
        return "their own caseload is moving"
    if not row["in_post"]:
        return "not in post"
    if not row["case_holding"]:
        return "in a role without a caseload"
    if row["absent"]:
        return f"absent since {row['absent_since']}"
    if row["long_absence_from"] is not None:
        return f"starts a long absence on {row['long_absence_from']}"
    until = row["holding_until"]
    if until is not None and until < day + timedelta(days=window):
        return f"leaves the role after {until}"
    return None


def _worker(row: dict[str, Any], unavailable: str | None, policy: CaseloadPolicy) -> Worker:
    return Worker(
        worker_id=row["worker_id"],
        staff_number=row["staff_number"] or str(row["worker_id"]),
        name=row["name"] or "unknown",
        role=row["role"] or "none",
        team_id=row["team_id"],
        team=row["team"],
        fte=row["fte"] or 0.0,
        level=experience_level(row["role"], row["pqe_years"]),
        cases=row["cases"],
        points=round(row["points"] * POINTS_SCALE),
        cap_cases=math.floor(row["cap_cases"] + 1e-9),
        cap_points=math.floor(row["cap_points"] * POINTS_SCALE + 1e-6),
        unavailable=unavailable,
        protecting=row["role"] in policy.co_worker_roles,
        co_working=row["co_working"],
    )


def rejected_workers(
    rejections: pl.DataFrame, waiting: pl.DataFrame, day: date
) -> dict[int, set[int]]:
    """Per waiting child, the workers a manager rejected for them during the current wait (on or
    after the day the wait began, and not after ``day``)."""
    since = waiting.select(
        "child_id",
        (pl.lit(day) - pl.duration(days=pl.col("days_waiting").fill_null(0))).alias("since"),
    )
    found: dict[int, set[int]] = defaultdict(set)
    for child_id, worker_id in (
        rejections.join(since, on="child_id")
        .filter(
            pl.col("worker_id").is_not_null()
            & (pl.col("effective_date") >= pl.col("since"))
            & (pl.col("effective_date") <= day)
        )
        .select("child_id", "worker_id")
        .iter_rows()
    ):
        found[child_id].add(worker_id)
    return found


def build_problem(
    data: CaseloadData,
    position: Position,
    policy: CaseloadPolicy,
    *,
    team_ids: Collection[int] | None = None,
    moving_worker: int | None = None,
) -> Problem:
    """The queue on the day (or ``moving_worker``'s open cases) as units, and the case holders in
    the teams (all teams when ``team_ids`` is None) plus any worker already holding a sibling."""
    day = position.day
    window = policy.exclude_leaving_within_days
    cases = position.cases
    if moving_worker is None:
        waiting = position.queue
        if team_ids is not None:
            waiting = waiting.filter(
                (pl.col("home_team_ids").list.len() == 0)
                | (pl.col("home_team_ids").list.set_intersection(sorted(team_ids)).list.len() > 0)
            )
    else:
        moving = cases.filter(pl.col("worker_id") == moving_worker)
        places = home_teams(
            data,
            cases,
            position.held,
            position.caseloads,
            moving["child_id"],
            day,
            exclude_workers=[moving_worker],
        )
        waiting = moving.join(places, on="child_id", how="left").with_columns(
            pl.lit(0, dtype=pl.Int64).alias("days_waiting")
        )
    ids = set(waiting["child_id"].to_list())
    known: dict[int, list[int]] = defaultdict(list)
    history = known_workers(data, day).filter(pl.col("child_id").is_in(sorted(ids)))
    for child_id, worker_id in (
        history.sort("last_day", descending=True).select("child_id", "worker_id").iter_rows()
    ):
        if worker_id != moving_worker:
            known[child_id].append(worker_id)
    co_workers = dict(cases.select("child_id", "co_workers").iter_rows())
    rejected = rejected_workers(data.rejections, waiting, day)
    held_siblings: dict[str, set[int]] = defaultdict(set)
    for group, worker_id, child_id in (
        cases.filter(pl.col("sibling_group").is_not_null() & pl.col("worker_id").is_not_null())
        .select("sibling_group", "worker_id", "child_id")
        .iter_rows()
    ):
        if child_id not in ids and worker_id != moving_worker:
            held_siblings[group].add(worker_id)

    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in waiting.sort("child_ref").iter_rows(named=True):
        key = (
            f"siblings {row['sibling_group']}"
            if row["sibling_group"]
            else f"child {row['child_ref']}"
        )
        grouped[key].append(row)
    units = []
    for key, rows in sorted(grouped.items()):
        children = tuple(
            Child(
                child_id=row["child_id"],
                child_ref=row["child_ref"],
                case_type=row["case_type"],
                proceedings=row["proceedings"],
                points=round(row["points"] * POINTS_SCALE),
                protected=row["protected"],
                priority=row["priority"],
                days_waiting=row["days_waiting"] or 0,
                complexity=complexity_level(row["protected"], round(row["points"] * POINTS_SCALE)),
                sibling_group=row["sibling_group"],
                known_workers=tuple(known.get(row["child_id"], [])),
                co_workers=tuple(
                    w for w in co_workers.get(row["child_id"]) or [] if w != moving_worker
                ),
            )
            for row in rows
        )
        first = rows[0]
        units.append(
            Unit(
                key=key,
                children=children,
                home_team_ids=tuple(first["home_team_ids"] or ()),
                home_team=first["home_team"],
                home_from=first.get("home_from"),
                sibling_workers=tuple(
                    sorted(held_siblings.get(first["sibling_group"] or "", set()))
                ),
                rejected_workers=tuple(
                    sorted({w for row in rows for w in rejected.get(row["child_id"], ())})
                ),
            )
        )
    needed = {w for unit in units for w in unit.sibling_workers} | {
        w for unit in units for child in unit.children for w in child.co_workers
    }
    frame = position.caseloads.filter(
        pl.col("case_holding") | pl.col("worker_id").is_in(sorted(needed))
    )
    if team_ids is not None:
        frame = frame.filter(
            pl.col("team_id").is_in(sorted(team_ids)) | pl.col("worker_id").is_in(sorted(needed))
        )
    workers = tuple(
        _worker(row, _unavailable(row, position, window, moving_worker), policy)
        for row in frame.sort("team", "staff_number", nulls_last=True).iter_rows(named=True)
    )
    return Problem(
        day=day,
        units=tuple(units),
        workers=workers,
        allow_cross_team=policy.allow_cross_team,
        leaving_window_days=window,
        co_worker_roles=policy.co_worker_roles,
        moving_worker=moving_worker,
    )

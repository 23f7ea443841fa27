"""A team manager's part of the exported tables: their teams, and the workers and children in
them on the data date (the rule of :mod:`caseload.services.access`, applied to frames).

- A worker is in scope when a spell of theirs active on the day is in one of the teams, or, with
  none active (someone who has left), when their last spell is.
- A child is in scope when their allocated worker on the day is in scope, or, with none on the
  day, when their last allocated worker is. Children who have never had an allocated worker are
  not in any team manager's export (the allocation meeting shows them).
- Every other table keeps the rows of kept workers, children or teams, or of kept rows of the
  table it belongs to (an audit's domain grades, an ASYE programme's reviews); lists such as
  courses are kept whole; tables that only make sense for the whole council (the census return)
  are left out."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date

import polars as pl

from caseload.domain import AllocationRole
from caseload.exporters.table_rules import TABLES, Scope


def _active(frame: pl.DataFrame, day: date) -> pl.DataFrame:
    return frame.filter(
        (pl.col("start_date") <= day) & (pl.col("end_date").is_null() | (pl.col("end_date") >= day))
    )


def _last_without_active(frame: pl.DataFrame, key: str, day: date) -> pl.DataFrame:
    """Each ``key``'s last row (by start date, then id), for those with no row active on day."""
    active = _active(frame, day).select(key).unique()
    return (
        frame.join(active, on=key, how="anti")
        .sort("start_date", "id")
        .group_by(key, maintain_order=True)
        .last()
    )


def workers_in_teams(spells: pl.DataFrame, team_ids: Collection[int], day: date) -> pl.Series:
    teams = list(team_ids)
    now = _active(spells, day).filter(pl.col("team_id").is_in(teams))["worker_id"]
    before = _last_without_active(spells, "worker_id", day)
    left = before.filter(pl.col("team_id").is_in(teams))["worker_id"]
    return pl.concat([now, left]).unique().sort()


def children_of_workers(allocations: pl.DataFrame, worker_ids: pl.Series, day: date) -> pl.Series:
    allocated = allocations.filter(pl.col("role") == AllocationRole.ALLOCATED_WORKER.value)
    now = _active(allocated, day).filter(pl.col("worker_id").is_in(worker_ids.implode()))
    before = _last_without_active(allocated, "child_id", day).filter(
        pl.col("worker_id").is_in(worker_ids.implode())
    )
    return pl.concat([now["child_id"], before["child_id"]]).unique().sort()


def rows_in_teams(
    frames: Mapping[str, pl.DataFrame], team_ids: Collection[int], day: date
) -> tuple[dict[str, pl.DataFrame], list[str]]:
    """The frames cut to the teams ``team_ids`` on ``day``, and the tables left out."""
    kept_ids: dict[str, pl.Series] = {
        "team": pl.Series("id", sorted(team_ids), dtype=pl.Int64),
    }
    kept_ids["worker"] = workers_in_teams(frames["employment_spell"], team_ids, day)
    kept_ids["child"] = children_of_workers(frames["allocation"], kept_ids["worker"], day)
    kept: dict[str, pl.DataFrame] = {}
    left_out = []
    for name, frame in frames.items():
        scope = TABLES[name].scope
        if scope.whole_council:
            left_out.append(name)
            continue
        ids = _kept(scope, kept_ids, kept)
        kept[name] = (
            frame if ids is None else frame.filter(pl.col(str(scope.column)).is_in(ids.implode()))
        )
    return kept, left_out


def _kept(
    scope: Scope, kept_ids: Mapping[str, pl.Series], kept: Mapping[str, pl.DataFrame]
) -> pl.Series | None:
    if scope.column is None:
        return None
    if scope.parent is not None:
        return kept[scope.parent]["id"] if scope.parent in kept else pl.Series([], dtype=pl.Int64)
    return kept_ids[str(scope.kind)]

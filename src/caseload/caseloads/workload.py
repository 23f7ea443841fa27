"""Weighted workload per worker, team and service, and the distribution of caseloads.

- cases: children a worker is the allocated worker for (the DfE count; co-working is not counted);
- points: the policy's points for those cases;
- cap: the role's cap x FTE (x the phased-return share); capacity for new work is zero while absent;
- utilisation: the higher of cases / case cap and points / points cap;
- band: red, amber or green against the worker's own role's caps (see
  :func:`caseload.caseloads.definitions.band`): red exactly when over a cap.

Team and service totals count case holders, their FTE and their cases by DfE's rule
(:func:`caseload.caseloads.definitions.case_holder`), so they add up to the DfE average's
figures."""

from __future__ import annotations

import polars as pl

from caseload.caseloads.definitions import (
    band,
    case_holder,
    over_case_cap,
    over_points_cap,
    utilisation,
)
from caseload.caseloads.policy import CaseloadPolicy
from caseload.caseloads.position import CO_WORKER

# Primero-style bands of cases held.
DISTRIBUTION_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0-9", 0, 9),
    ("10-19", 10, 19),
    ("20-29", 20, 29),
    ("30+", 30, None),
)


def worker_caseloads(
    workers: pl.DataFrame,
    held: pl.DataFrame,
    allocations_today: pl.DataFrame,
    policy: CaseloadPolicy,
) -> pl.DataFrame:
    """``workers`` from :func:`position.workers_on`, ``held`` from :func:`position.held_on`,
    ``allocations_today``: allocations active on the day (for co-working). Adds cases, points,
    protected_cases, co_working, caseload (cases per FTE), over_case_cap, over_points_cap, band
    (by role), utilisation, room_cases and room_points (what new work may still use)."""
    counts = held.group_by("worker_id").agg(
        pl.len().cast(pl.Int64).alias("cases"),
        pl.col("points").sum().alias("points"),
        pl.col("protected").sum().cast(pl.Int64).alias("protected_cases"),
    )
    co_working = (
        allocations_today.filter(pl.col("role") == CO_WORKER)
        .group_by("worker_id")
        .agg(pl.len().cast(pl.Int64).alias("co_working"))
    )
    frame = (
        workers.join(counts, on="worker_id", how="left")
        .join(co_working, on="worker_id", how="left")
        .with_columns(
            pl.col("cases", "protected_cases", "co_working").fill_null(0),
            pl.col("points").fill_null(0.0),
        )
    )
    caseload = pl.when(pl.col("fte") > 0).then(pl.col("cases") / pl.col("fte"))
    return frame.with_columns(
        caseload.alias("caseload"),
        over_case_cap().alias("over_case_cap"),
        over_points_cap().alias("over_points_cap"),
        band(policy).alias("band"),
        utilisation(
            pl.col("cases"), pl.col("points"), pl.col("cap_cases"), pl.col("cap_points")
        ).alias("utilisation"),
        (pl.col("capacity_cases") - pl.col("cases")).alias("room_cases"),
        (pl.col("capacity_points") - pl.col("points")).alias("room_points"),
    )


def _rollup(workers: pl.DataFrame, keys: list[str], policy: CaseloadPolicy) -> pl.DataFrame:
    holder = case_holder()
    grouped = workers.group_by(keys).agg(
        holder.sum().cast(pl.Int64).alias("case_holders"),
        pl.col("fte").filter(holder).sum().alias("fte"),
        pl.col("cases").filter(holder).sum().cast(pl.Int64).alias("cases"),
        pl.col("points").sum().alias("points"),
        pl.col("cap_cases").sum().alias("cap_cases"),
        pl.col("cap_points").sum().alias("cap_points"),
        (pl.col("role") == "asye").sum().cast(pl.Int64).alias("asye"),
        (pl.col("role") == "advanced_practitioner").sum().cast(pl.Int64).alias("advanced"),
        (pl.col("band") == "red").sum().cast(pl.Int64).alias("red"),
        (pl.col("band") == "amber").sum().cast(pl.Int64).alias("amber"),
        (pl.col("band") == "green").sum().cast(pl.Int64).alias("green"),
        (pl.col("case_holding") & pl.col("in_post") & pl.col("absent"))
        .sum()
        .cast(pl.Int64)
        .alias("absent"),
    )
    return grouped.with_columns(
        utilisation(
            pl.col("cases"), pl.col("points"), pl.col("cap_cases"), pl.col("cap_points")
        ).alias("utilisation")
    ).sort(keys, nulls_last=True)


def team_caseloads(
    workers: pl.DataFrame, managers: pl.DataFrame, policy: CaseloadPolicy
) -> pl.DataFrame:
    """Per team: case holders, FTE, cases, points, caps, utilisation, ASYEs and advanced
    practitioners, bands, managers and the span of control they allow. ``managers``:
    team_id, worker_id for managers in post on the day."""
    frame = _rollup(workers, ["team_id", "team", "service"], policy)
    counts = managers.group_by("team_id").agg(pl.col("worker_id").n_unique().alias("managers"))
    return frame.join(counts, on="team_id", how="left").with_columns(
        pl.col("managers").fill_null(0).cast(pl.Int64),
        (pl.col("managers").fill_null(0) * policy.span_of_control).cast(pl.Int64).alias("span"),
    )


def service_caseloads(workers: pl.DataFrame, policy: CaseloadPolicy) -> pl.DataFrame:
    return _rollup(workers, ["service"], policy)


def distribution(workers: pl.DataFrame) -> list[dict[str, object]]:
    """Workers in post in case-holding roles by band of cases held, with shares. The 0-9 band
    includes those holding none, who are not case holders (:func:`definitions.case_holder`)."""
    holders = workers.filter(pl.col("case_holding") & pl.col("in_post"))
    total = holders.height
    rows: list[dict[str, object]] = []
    for label, low, high in DISTRIBUTION_BANDS:
        inside = pl.col("cases") >= low
        if high is not None:
            inside = inside & (pl.col("cases") <= high)
        count = holders.filter(inside).height
        share = round(100.0 * count / total, 1) if total else None
        rows.append({"band": label, "workers": count, "share": share})
    return rows

"""Progression up the practice ladder: who is eligible for the next step of the progression
framework (:mod:`caseload.retention.ladder`) on a day, who applied and with what outcome, and
who progressed (the one definition, :func:`caseload.retention.flows.progression_moves`).

**Time in role.** Whole calendar months from the start of the worker's unbroken run of spells in
their current role (spells in the same role, each starting no later than the day after the one
before ended) to the day. **Post-qualifying experience (PQE).** Whole calendar months from the
qualification date. A worker becomes eligible on ``eligible_from``, the later of the run's start
plus the step's ``min_months_in_role`` and the qualification date plus its ``min_pqe_months``
(calendar months; from 31 January, one month on is the last day of February), and is eligible
on every day from then while in the role. With no qualification date, PQE is unknown and the
worker is not listed as eligible.

Worked example: a social worker since 2 September 2022 (unbroken), qualified 1 July 2021, with a
step asking 24 months in role and 36 months PQE, becomes eligible on the later of 2 September
2024 and 1 July 2024: 2 September 2024."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Final

import polars as pl

from caseload.domain.learning_records import APPLICATION_SCHEMA as APPLICATION_SCHEMA
from caseload.retention.flows import census_year_expr, progression_moves
from caseload.retention.ladder import Framework

APPLICATION_STATUS_LABELS: Final = {
    "pending": "Awaiting a decision",
    "approved": "Approved",
    "refused": "Not approved",
    "withdrawn": "Withdrawn",
}


def whole_months(since: pl.Expr, day: date) -> pl.Expr:
    """Whole calendar months from ``since`` to ``day`` (0 when ``day`` is earlier than a month
    on), counted as :func:`polars.Expr.dt.offset_by` counts them."""
    base = (day.year - since.dt.year()) * 12 + (day.month - since.dt.month())
    month_end = (day + timedelta(days=1)).day == 1
    short = since.dt.day() > day.day
    months = base - (short & pl.lit(not month_end)).cast(pl.Int32)
    return pl.max_horizontal(months, pl.lit(0)).cast(pl.Int64)


def role_runs(spells: pl.DataFrame, day: date) -> pl.DataFrame:
    """Each worker's role on ``day`` and the first day of their unbroken run in it: worker_id,
    role, team, role_since. A worker holding two spells that day: the later started."""
    ordered = spells.sort("worker_id", "start_date")
    previous_end = pl.col("end_date").shift(1).over("worker_id")
    previous_role = pl.col("role").shift(1).over("worker_id")
    started_over = (
        previous_role.is_null()
        | (pl.col("role") != previous_role)
        | (previous_end.is_not_null() & (pl.col("start_date") > previous_end + timedelta(days=1)))
    )
    runs = ordered.with_columns(started_over.cum_sum().over("worker_id").alias("_run"))
    runs = runs.with_columns(
        pl.col("start_date").min().over("worker_id", "_run").alias("role_since")
    )
    covering = (pl.col("start_date") <= day) & (
        pl.col("end_date").is_null() | (pl.col("end_date") >= day)
    )
    return (
        runs.filter(covering)
        .sort("start_date")
        .group_by("worker_id")
        .last()
        .select("worker_id", "role", "team", "role_since")
        .sort("worker_id")
    )


def _steps(framework: Framework) -> pl.DataFrame:
    return pl.DataFrame(
        [(s.from_role, s.to_role, s.min_months_in_role, s.min_pqe_months) for s in framework.steps],
        schema={
            "role": pl.Utf8,
            "next_role": pl.Utf8,
            "min_months_in_role": pl.Int64,
            "min_pqe_months": pl.Int64,
        },
        orient="row",
    )


def eligibility(
    spells: pl.DataFrame, workers: pl.DataFrame, framework: Framework, day: date
) -> pl.DataFrame:
    """Workers in post on ``day`` in a role the framework has a step from: worker_id, role, team,
    next_role, role_since, months_in_role, qualification_date, pqe_months (null when the
    qualification date is unknown), eligible_from (null when unknown), eligible."""
    runs = role_runs(spells, day).join(_steps(framework), on="role")
    since = pl.col("role_since")
    qualified = pl.col("qualification_date")
    eligible_from = pl.max_horizontal(
        since.dt.offset_by(pl.format("{}mo", pl.col("min_months_in_role"))),
        qualified.dt.offset_by(pl.format("{}mo", pl.col("min_pqe_months"))),
    )
    return (
        runs.join(workers.select("worker_id", "qualification_date"), on="worker_id", how="left")
        .with_columns(
            whole_months(since, day).alias("months_in_role"),
            pl.when(qualified.is_not_null()).then(whole_months(qualified, day)).alias("pqe_months"),
            pl.when(qualified.is_not_null()).then(eligible_from).alias("eligible_from"),
        )
        .with_columns((pl.col("eligible_from") <= day).fill_null(False).alias("eligible"))
        .select(
            "worker_id",
            "role",
            "team",
            "next_role",
            "role_since",
            "months_in_role",
            "qualification_date",
            "pqe_months",
            "eligible_from",
            "eligible",
        )
        .sort("worker_id")
    )


def application_status(applications: pl.DataFrame, day: date) -> pl.DataFrame:
    """Applications made on or before ``day`` with their status that day: pending (no decision
    yet on ``day``), approved, refused or withdrawn."""
    decided = pl.col("decided_date").is_not_null() & (pl.col("decided_date") <= day)
    return (
        applications.filter(pl.col("applied_date") <= day)
        .with_columns(
            pl.when(decided & pl.col("outcome").is_not_null())
            .then(pl.col("outcome"))
            .otherwise(pl.lit("pending"))
            .alias("status")
        )
        .sort("applied_date", "application_id")
    )


def eligible_with_applications(
    eligible: pl.DataFrame, applications: pl.DataFrame, day: date
) -> pl.DataFrame:
    """:func:`eligibility` with each worker's latest application to their next role on or
    before ``day`` (applied_date, status; null when none)."""
    latest = (
        application_status(applications, day)
        .sort("applied_date")
        .group_by("worker_id", "to_role")
        .last()
        .select(
            "worker_id",
            pl.col("to_role").alias("next_role"),
            "applied_date",
            pl.col("status").alias("application"),
        )
    )
    return eligible.join(latest, on=["worker_id", "next_role"], how="left")


def progressed_between(spells: pl.DataFrame, start: date, end: date) -> pl.DataFrame:
    """Moves up the ladder (:func:`caseload.retention.flows.progression_moves`) with the new
    role's first day from ``start`` to ``end``."""
    moves = progression_moves(spells)
    return moves.filter((pl.col("moved_on") >= start) & (pl.col("moved_on") <= end))


def yearly_counts(
    spells: pl.DataFrame, applications: pl.DataFrame, census_years: Sequence[int], day: date
) -> pl.DataFrame:
    """Per census year: progressed (people moving up the ladder, by the new role's first day,
    up to ``day``), applications (made that year), approved and refused (decided that year)."""
    years = pl.DataFrame({"census_year": list(census_years)}, schema={"census_year": pl.Int64})
    moves = (
        progression_moves(spells)
        .filter(pl.col("moved_on") <= day)
        .group_by("census_year")
        .agg(pl.col("worker_id").n_unique().cast(pl.Int64).alias("progressed"))
    )
    made = (
        applications.filter(pl.col("applied_date") <= day)
        .group_by(census_year_expr(pl.col("applied_date")).alias("census_year"))
        .agg(pl.len().cast(pl.Int64).alias("applications"))
    )
    decided = (
        applications.filter(pl.col("decided_date") <= day)
        .group_by(census_year_expr(pl.col("decided_date")).alias("census_year"))
        .agg(
            (pl.col("outcome") == "approved").sum().cast(pl.Int64).alias("approved"),
            (pl.col("outcome") == "refused").sum().cast(pl.Int64).alias("refused"),
        )
    )
    return (
        years.join(moves, on="census_year", how="left")
        .join(made, on="census_year", how="left")
        .join(decided, on="census_year", how="left")
        .fill_null(0)
        .sort("census_year")
    )


def worker_history(
    spells: pl.DataFrame, applications: pl.DataFrame, worker_id: int, day: date
) -> pl.DataFrame:
    """One worker's path up to ``day``: their roles (from each unbroken run's start) and their
    applications, in date order: date, event (role, applied, decided), role, detail."""
    own = spells.filter((pl.col("worker_id") == worker_id) & (pl.col("start_date") <= day))
    runs = (
        own.sort("start_date")
        .with_columns(
            (pl.col("role") != pl.col("role").shift(1)).fill_null(True).cum_sum().alias("_run")
        )
        .group_by("_run")
        .agg(pl.col("start_date").min().alias("date"), pl.col("role").first())
        .select("date", pl.lit("role").alias("event"), "role", pl.lit("").alias("detail"))
    )
    mine = application_status(applications.filter(pl.col("worker_id") == worker_id), day)
    applied = mine.select(
        pl.col("applied_date").alias("date"),
        pl.lit("applied").alias("event"),
        pl.col("to_role").alias("role"),
        pl.lit("").alias("detail"),
    )
    decided = mine.filter(pl.col("status") != "pending").select(
        pl.col("decided_date").alias("date"),
        pl.lit("decided").alias("event"),
        pl.col("to_role").alias("role"),
        pl.col("status").alias("detail"),
    )
    return pl.concat([runs, applied, decided]).sort("date", "event")

"""Mandatory training compliance and each worker's gaps, and attendance of the learning offer.

**Compliance on a day** (``docs/metrics/training_compliance.md``) is the share of pairs (worker,
mandatory course required of the worker's role) with a completed record that counts on the day:
completed on or before the day and not expired (the expiry date is the **last day** the training
counts, so a record expiring on the day still counts on it, and is expired the day after). Each
pair has one status:

- ``current``: a record counts on the day and does not expire within :data:`EXPIRING_DAYS` days;
- ``expiring``: a record counts on the day and expires within :data:`EXPIRING_DAYS` days after it
  (it still counts: compliant, but to be renewed);
- ``expired``: the worker completed the course but the latest record expired before the day;
- ``missing``: the worker never completed the course (on or before the day).

The workers are the council's own staff in post on the day, with the role and team of their
spell on it (agency workers are trained by their agency). A course with no roles is required of
every role."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

import polars as pl

EXPIRING_DAYS: Final = 60
STATUSES: Final = ("current", "expiring", "expired", "missing")
COMPLIANT: Final = ("current", "expiring")
STATUS_LABELS: Final = {
    "current": "Up to date",
    "expiring": "Expires within 60 days",
    "expired": "Expired",
    "missing": "Never completed",
}


def expiry_after(completed: pl.Expr, renewal_months: pl.Expr) -> pl.Expr:
    """The last day a record counts: the day before the same day ``renewal_months`` months after
    completion (completed 15 March 2024, renewed every 12 months: counts to 14 March 2025);
    null when the course is never renewed."""
    return pl.when(renewal_months.is_not_null()).then(
        completed.dt.offset_by(pl.format("{}mo", renewal_months)) - pl.duration(days=1)
    )


def staff_on(spells: pl.DataFrame, day: date) -> pl.DataFrame:
    """worker_id, role, team: own staff in post on ``day`` (their latest spell starting on or
    before it). ``spells``: the caseload frames' spells."""
    return (
        spells.filter(
            (pl.col("contract") == "own")
            & (pl.col("start_date") <= day)
            & (pl.col("end_date").is_null() | (pl.col("end_date") >= day))
        )
        .sort("start_date", descending=True)
        .unique("worker_id", keep="first")
        .select("worker_id", "role", "team")
        .sort("worker_id")
    )


def required_pairs(staff: pl.DataFrame, courses: pl.DataFrame) -> pl.DataFrame:
    """worker_id, role, team, course_id, code, title: one row per worker and mandatory course
    required of the worker's role."""
    mandatory = courses.filter(pl.col("mandatory")).select("course_id", "code", "title", "roles")
    return (
        staff.join(mandatory, how="cross")
        .filter((pl.col("roles").list.len() == 0) | pl.col("roles").list.contains(pl.col("role")))
        .drop("roles")
        .sort("worker_id", "code")
    )


def training_status(
    staff: pl.DataFrame,
    courses: pl.DataFrame,
    training: pl.DataFrame,
    as_at: date,
    *,
    expiring_days: int = EXPIRING_DAYS,
) -> pl.DataFrame:
    """One row per (worker, mandatory course) pair on ``as_at``: worker_id, role, team,
    course_id, code, title, completed_date and expiry_date of the latest record completed on or
    before the day (null: none), status (:data:`STATUSES`) and compliant."""
    pairs = required_pairs(staff, courses)
    latest = (
        training.filter(pl.col("completed_date") <= as_at)
        .sort("completed_date", "expiry_date", nulls_last=False)
        .group_by("worker_id", "course_id", maintain_order=True)
        .last()
        .select("worker_id", "course_id", "completed_date", "expiry_date")
    )
    soon = as_at + timedelta(days=expiring_days)
    expiry = pl.col("expiry_date")
    status = (
        pl.when(pl.col("completed_date").is_null())
        .then(pl.lit("missing"))
        .when(expiry.is_not_null() & (expiry < as_at))
        .then(pl.lit("expired"))
        .when(expiry.is_not_null() & (expiry <= soon))
        .then(pl.lit("expiring"))
        .otherwise(pl.lit("current"))
    )
    return (
        pairs.join(latest, on=["worker_id", "course_id"], how="left")
        .with_columns(status.alias("status"))
        .with_columns(pl.col("status").is_in(COMPLIANT).alias("compliant"))
    )


def compliance(status: pl.DataFrame, by: str | None = None) -> pl.DataFrame:
    """[by], pairs, compliant, missing, expired, expiring, compliance (per cent, one decimal;
    null without pairs): the share of pairs compliant on the day, for the council or by ``team``
    or ``role``."""
    aggregates = [
        pl.len().alias("pairs"),
        pl.col("compliant").sum().alias("compliant"),
        *(
            (pl.col("status") == name).sum().alias(name)
            for name in ("missing", "expired", "expiring")
        ),
    ]
    if by is None:
        grouped = status.select(aggregates) if status.height else _empty_counts()
    else:
        grouped = status.group_by(by).agg(aggregates).sort(by)
    return grouped.with_columns(
        pl.col(name).cast(pl.Int64)
        for name in ("pairs", "compliant", "missing", "expired", "expiring")
    ).with_columns(
        pl.when(pl.col("pairs") > 0)
        .then((100.0 * pl.col("compliant") / pl.col("pairs")).round(1))
        .alias("compliance")
    )


def _empty_counts() -> pl.DataFrame:
    return pl.DataFrame(
        {name: [0] for name in ("pairs", "compliant", "missing", "expired", "expiring")},
        schema=dict.fromkeys(("pairs", "compliant", "missing", "expired", "expiring"), pl.Int64),
    )


def gaps(status: pl.DataFrame) -> pl.DataFrame:
    """The pairs that need action: missing, expired or expiring, the most urgent first."""
    order = {name: rank for rank, name in enumerate(("missing", "expired", "expiring"))}
    return (
        status.filter(pl.col("status") != "current")
        .with_columns(pl.col("status").replace_strict(order, return_dtype=pl.Int64).alias("_rank"))
        .sort("_rank", "worker_id", "code")
        .drop("_rank")
    )


def attendance_counts(
    offer: pl.DataFrame, attendance: pl.DataFrame, start: date, end: date
) -> pl.DataFrame:
    """item_id, code, kind, title, attendances, workers: attendance of each offer item from
    ``start`` to ``end`` (both included), most attended first; items nobody attended count 0."""
    counted = (
        attendance.filter(pl.col("attended_date").is_between(start, end))
        .group_by("item_id")
        .agg(pl.len().alias("attendances"), pl.col("worker_id").n_unique().alias("workers"))
    )
    return (
        offer.select("item_id", "code", "kind", "title")
        .join(counted, on="item_id", how="left")
        .with_columns(pl.col("attendances", "workers").fill_null(0).cast(pl.Int64))
        .sort(["attendances", "code"], descending=[True, False])
    )


def search_offer(offer: pl.DataFrame, query: str) -> pl.DataFrame:
    """The offer items matching every word of ``query`` (case ignored) in the title, summary or
    tags; the whole offer for an empty query. Events first by date, then by title."""
    words = [word for word in query.lower().split() if word]
    text = pl.concat_str(
        [
            pl.col("title").fill_null(""),
            pl.col("summary").fill_null(""),
            pl.col("tags").list.join(" ").fill_null(""),
        ],
        separator=" ",
    ).str.to_lowercase()
    found = offer
    for word in words:
        found = found.filter(text.str.contains(word, literal=True))
    return found.sort("kind", "event_date", "title", nulls_last=True)

"""Child protection review conferences and looked-after child reviews against the practice
standards: reviews due, held, held on time and overdue, for open ``cp`` and ``cla`` plans.

Reviews follow the visits' windows (:mod:`caseload.practice.schedule`): the first review falls
due ``first_within`` after the plan's start, the second ``second_within`` after the first, then
each ``every`` after the one before. A review not held falls due again at the interval of the
review that would follow it (a first review not held: every ``second_within`` from its due date,
until one is held). Due
dates are worked out from the standards and the reviews held (``review_date``), so every council
is measured by one rule; the source's own ``due_date`` is not used, and a row with no
``review_date`` (a review not yet held) is not a review held. Unlike visits, a child on a
protection plan while looked after is counted under both: the conference and the looked-after
review are separate duties."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from caseload.domain.practice_records import REVIEW_CASE_TYPES
from caseload.practice import schedule
from caseload.practice.calendar import WorkingCalendar
from caseload.practice.schedule import FAR_FUTURE
from caseload.practice.standards import Interval, PracticeStandards

OUTCOMES = ("on_time", "late", "missed", "not_yet_overdue")
GROUPS = ("child_id", "case_type")


def review_windows(
    statuses: pl.DataFrame,
    reviews: pl.DataFrame,
    standards: PracticeStandards,
    calendar: WorkingCalendar,
    until: date,
    since: date | None = None,
) -> pl.DataFrame:
    """Every review due under every open ``cp`` and ``cla`` plan up to ``until`` (from the gaps
    open on or after ``since`` when given): the windows' columns (plan_id, child_id, case_type,
    plan_start, plan_end, window, opened, due_date, gap_closed, opened_by) and the review that
    met the window (review_id, review_date; null when none did)."""
    rules: dict[tuple[str, str], Interval] = {}
    for rule in standards.reviews:
        rules[(rule.case_type, schedule.FIRST)] = rule.first_within
        rules[(rule.case_type, schedule.SECOND)] = rule.second_within
        rules[(rule.case_type, schedule.EVERY)] = rule.every
    types = [c for c in REVIEW_CASE_TYPES if standards.review_rule(c) is not None]
    return schedule.windows(
        schedule.plans(statuses, types),
        reviews.select("child_id", "case_type", "review_id", "review_date").sort("review_id"),
        event_date="review_date",
        event_id="review_id",
        rules=rules,
        second_kind=schedule.SECOND,
        calendar=calendar,
        until=until,
        since=since,
    )


def reviews_position(windows: pl.DataFrame, reviews: pl.DataFrame, as_at: date) -> pl.DataFrame:
    """One row per ``cp`` or ``cla`` plan open on ``as_at``: child_id, case_type, plan_id,
    plan_start, last_review_date (null when none yet), next_due (the first review due after
    the last one, or after the plan's start), overdue (``as_at`` after next_due), days_overdue
    (calendar days; 0 when not overdue) and reviews_missed (reviews that fell due before
    ``as_at`` since the last one)."""
    day = pl.lit(as_at)
    current = (
        windows.filter(
            (pl.col("plan_start") <= day)
            & (pl.col("plan_end").fill_null(FAR_FUTURE) >= day)
            & (pl.col("opened") <= day)
            & (pl.col("gap_closed").is_null() | (pl.col("gap_closed") > day))
        )
        .group_by("plan_id")
        .agg(
            pl.col("child_id", "case_type", "plan_start", "opened_by").first(),
            pl.col("due_date").min(),
            (pl.col("due_date") < day).sum().cast(pl.Int64).alias("reviews_missed"),
        )
    )
    last = reviews.filter(
        pl.col("review_id").is_in(current["opened_by"].drop_nulls().implode())
    ).select(
        pl.col("review_id").alias("opened_by"), pl.col("review_date").alias("last_review_date")
    )
    overdue = day > pl.col("due_date")
    return (
        current.join(last, on="opened_by", how="left")
        .select(
            "child_id",
            "case_type",
            "plan_id",
            "plan_start",
            "last_review_date",
            pl.col("due_date").alias("next_due"),
            overdue.alias("overdue"),
            pl.when(overdue)
            .then((day - pl.col("due_date")).dt.total_days())
            .otherwise(0)
            .cast(pl.Int64)
            .alias("days_overdue"),
            "reviews_missed",
        )
        .sort("child_id", "plan_id")
    )


def reviews_due(windows: pl.DataFrame, start: date, end: date) -> pl.DataFrame:
    """One row per review due from ``start`` to ``end`` (inclusive), as known on ``end``:
    child_id, case_type, plan_id, window, due_date, review_id and review_date (the review that
    met it, null when none by ``end``) and outcome (:data:`OUTCOMES`, as for visits)."""
    if end < start:
        raise ValueError("the period must not end before it starts")
    last = pl.lit(end)
    due = windows.filter(
        pl.col("due_date").is_between(pl.lit(start), last)
        & (pl.col("due_date") <= pl.col("plan_end").fill_null(FAR_FUTURE))
    )
    held = pl.col("review_date").is_not_null() & (pl.col("review_date") <= last)
    return due.select(
        "child_id",
        "case_type",
        "plan_id",
        "window",
        "due_date",
        pl.when(held).then("review_id").alias("review_id"),
        pl.when(held).then("review_date").alias("review_date"),
        schedule.outcome(held, pl.col("review_date"), end).alias("outcome"),
    ).sort("due_date", "child_id", "plan_id")


def review_summary(due: pl.DataFrame, by: Sequence[str] = ()) -> pl.DataFrame:
    """Reviews due (from :func:`reviews_due`) counted by ``by`` (:data:`GROUPS`): due, held,
    on_time, late, missed, not_yet_overdue and on_time_rate (per cent of reviews held or
    missed that were held on time; null when none)."""
    unknown = sorted(set(by) - set(GROUPS))
    if unknown:
        raise ValueError(f"cannot group by {', '.join(unknown)}; use {', '.join(GROUPS)}")
    return schedule.outcome_counts(due, list(by), done="held")

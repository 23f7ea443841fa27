"""Statutory visits and their recording, against the practice standards: when each child's next
visit is due and whether it is overdue, visits due in a period and how many were done on time,
children not seen (or not seen alone) at their last visit, and how soon visits are written up.

Frames in, frames out. The inputs are the caseload frames' ``statuses`` and ``allocations``
(:class:`caseload.domain.caseload_data.CaseloadData`), the ``visits`` frame
(:data:`caseload.domain.practice_records.VISIT_SCHEMA`), the standards and their working
calendar. :func:`visit_windows` does the work once; every figure is then read from its windows on
any day, so a monthly series costs one pass over the visits.

Definitions, decided once (docs/practice.md has the worked example):

- **Plans.** Each ``cin``, ``cp`` or ``cla`` status spell is a plan; a looked-after child's
  placement is the start of the ``cla`` status. A visit counts for a plan when it is of the
  plan's type (``case_type``) and dated within the spell; several on one day count once.
- **A visit due** is a window (:mod:`caseload.practice.schedule`): the first falls due
  ``first_within`` after the plan's start, each later one the rule's interval after the visit
  before. It is due *in a period* when its due date is in the period, and it is counted once,
  under the plan that ruled the child on its due date.
- **Overlapping plans.** A child with more than one plan open counts under one, the first open
  in the caseloads' case precedence (:data:`caseload.caseloads.position.CASE_PRECEDENCE`:
  child protection, then looked after, then child in need); a plan's windows count only on days
  it rules. Child protection, the most frequent visiting, therefore governs a looked-after child
  on a protection plan.
- **On time** is on or before the due date; **late** after it; **missed** when no visit had
  been made by the end of the period and the due date was before it; a visit due on the period's
  last day and not yet made is **not yet overdue**. Nothing is due after a plan ends.
- **Overdue on a day**: the child's current window fell due before that day.
- **Who.** A visit is the visiting worker's (``worker_id``; when null, the child's allocated
  worker on the visit's day); a visit not made is the allocated worker's on its due date; a
  child's position on a day is the allocated worker's on that day.
- **Recording**: a visit is recorded on time when ``recorded_date`` is within
  ``recording_within`` of the visit; not recorded by the end of the period counts as late once
  the deadline has passed and as not yet due before."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import polars as pl

from caseload.caseloads.position import CASE_PRECEDENCE
from caseload.domain.practice_records import VISIT_CASE_TYPES
from caseload.practice import schedule
from caseload.practice.calendar import WorkingCalendar, working_days_between
from caseload.practice.schedule import FAR_FUTURE
from caseload.practice.standards import Interval, PracticeStandards

# The visit plan types in the order a child with several counts under (the caseloads' order).
VISIT_ORDER: tuple[str, ...] = tuple(c for c in CASE_PRECEDENCE if c in VISIT_CASE_TYPES)
VISIT_COLUMNS = ("visit_id", "visit_date", "worker_id", "seen", "seen_alone", "recorded_date")
OUTCOMES = schedule.OUTCOMES
RECORDING_OUTCOMES = ("on_time", "late", "not_due_yet")
GROUPS = ("child_id", "worker_id", "team", "service", "case_type")
ALLOCATED = "allocated"


def visit_windows(
    statuses: pl.DataFrame,
    visits: pl.DataFrame,
    standards: PracticeStandards,
    calendar: WorkingCalendar,
    until: date,
    since: date | None = None,
) -> pl.DataFrame:
    """Every visit due under every plan up to ``until`` (the last day any figure will be read
    for; a plan's current window is always kept), from the gaps open on or after ``since``
    when given (the first day any figure will be read for; much less work for one date).

    Columns: plan_id, child_id, case_type, plan_start, plan_end, window (1, 2, ... within the
    plan), opened (the plan's start or the visit before), due_date, gap_closed (the next visit
    after ``opened``; null while none), opened_by (the visit_id of the visit before; null when
    the plan's start opened it) and the visit that met the window (visit_id, visit_date,
    worker_id, seen, seen_alone, recorded_date; null when none did)."""
    plan_frame, events, rules = _visit_inputs(statuses, visits, standards)
    return schedule.windows(
        plan_frame,
        events,
        event_date="visit_date",
        event_id="visit_id",
        rules=rules,
        second_kind=schedule.EVERY,
        calendar=calendar,
        until=until,
        since=since,
    )


def visit_windows_for(
    statuses: pl.DataFrame,
    visits: pl.DataFrame,
    standards: PracticeStandards,
    calendar: WorkingCalendar,
    periods: Sequence[tuple[date | None, date]],
) -> list[pl.DataFrame]:
    """:func:`visit_windows` for each ``(since, until)`` of ``periods`` (the days of a trend),
    worked out in one pass (:func:`caseload.practice.schedule.windows_for`): frame for frame
    the same as one call for each."""
    plan_frame, events, rules = _visit_inputs(statuses, visits, standards)
    return schedule.windows_for(
        plan_frame,
        events,
        event_date="visit_date",
        event_id="visit_id",
        rules=rules,
        second_kind=schedule.EVERY,
        calendar=calendar,
        periods=periods,
    )


def _visit_inputs(
    statuses: pl.DataFrame, visits: pl.DataFrame, standards: PracticeStandards
) -> tuple[pl.DataFrame, pl.DataFrame, dict[tuple[str, str], Interval]]:
    """The visit plans, the visits as the schedule's events and the standards' intervals."""
    rules: dict[tuple[str, str], Interval] = {}
    for rule in standards.visits:
        rules[(rule.case_type, schedule.FIRST)] = rule.first_within
        rules[(rule.case_type, schedule.EVERY)] = rule.every
        if rule.every_after_first_year is not None:
            rules[(rule.case_type, schedule.AFTER_FIRST_YEAR)] = rule.every_after_first_year
    types = [case for case in VISIT_ORDER if standards.visit_rule(case) is not None]
    events = visits.select("child_id", "case_type", *VISIT_COLUMNS).sort("visit_id")
    return schedule.plans(statuses, types), events, rules


def _plan_frame(windows: pl.DataFrame) -> pl.DataFrame:
    return windows.select("plan_id", "child_id", "case_type", "plan_start", "plan_end").unique(
        "plan_id"
    )


def allocated_on(frame: pl.DataFrame, allocations: pl.DataFrame, day: str) -> pl.DataFrame:
    """``frame`` (with child_id and a date column ``day``) with ``allocated_worker_id``: the
    child's allocated worker on that day (the latest-starting allocation covering it; null when
    none). Row order is kept."""
    spells = allocations.filter(pl.col("role") == ALLOCATED).select(
        "child_id",
        pl.col("worker_id").alias("allocated_worker_id"),
        pl.col("start_date").alias("_start"),
        pl.col("end_date").fill_null(FAR_FUTURE).alias("_end"),
    )
    rows = frame.with_row_index("_row")
    found = (
        rows.select("_row", "child_id", day)
        .join(spells, on="child_id", how="inner")
        .filter((pl.col("_start") <= pl.col(day)) & (pl.col("_end") >= pl.col(day)))
        .sort("_start")
        .group_by("_row")
        .agg(pl.col("allocated_worker_id").last())
    )
    return rows.join(found, on="_row", how="left").sort("_row").drop("_row")


def visits_position(
    windows: pl.DataFrame, visits: pl.DataFrame, allocations: pl.DataFrame, as_at: date
) -> pl.DataFrame:
    """One row per child with a visit plan open on ``as_at``, under the plan that rules:
    child_id, case_type, plan_id, plan_start, last_visit_date, last_visit_id, seen, seen_alone
    (at the last visit under the plan; null when none yet), next_due (the first visit due after
    the last one, or after the plan's start), overdue (``as_at`` is after next_due),
    days_overdue (calendar days since next_due; 0 when not overdue), visits_missed (visits that
    fell due before ``as_at`` since the last visit) and worker_id (the allocated worker on
    ``as_at``). ``windows`` must run to ``as_at`` at least (:func:`visit_windows`)."""
    day = pl.lit(as_at)
    open_plans = windows.filter(
        (pl.col("plan_start") <= day) & (pl.col("plan_end").fill_null(FAR_FUTURE) >= day)
    )
    current = (
        open_plans.filter(
            (pl.col("opened") <= day)
            & (pl.col("gap_closed").is_null() | (pl.col("gap_closed") > day))
        )
        .group_by("plan_id")
        .agg(
            pl.col("child_id", "case_type", "plan_start", "opened_by").first(),
            pl.col("due_date").min(),
            (pl.col("due_date") < day).sum().cast(pl.Int64).alias("visits_missed"),
        )
        .with_columns(day.alias("as_at"))
    )
    current = schedule.ruling(current, _plan_frame(windows), "as_at", VISIT_ORDER)
    last = visits.filter(
        pl.col("visit_id").is_in(current["opened_by"].drop_nulls().implode())
    ).select(
        pl.col("visit_id").alias("opened_by"),
        pl.col("visit_date").alias("last_visit_date"),
        "seen",
        "seen_alone",
    )
    frame = current.join(last, on="opened_by", how="left").with_columns(
        pl.col("opened_by").alias("last_visit_id")
    )
    frame = allocated_on(frame, allocations, "as_at")
    overdue = day > pl.col("due_date")
    return frame.select(
        "child_id",
        "case_type",
        "plan_id",
        "plan_start",
        "last_visit_date",
        "last_visit_id",
        "seen",
        "seen_alone",
        pl.col("due_date").alias("next_due"),
        overdue.alias("overdue"),
        pl.when(overdue)
        .then((day - pl.col("due_date")).dt.total_days())
        .otherwise(0)
        .cast(pl.Int64)
        .alias("days_overdue"),
        "visits_missed",
        pl.col("allocated_worker_id").alias("worker_id"),
    ).sort("child_id", "plan_id")


def visits_due(
    windows: pl.DataFrame, allocations: pl.DataFrame, start: date, end: date
) -> pl.DataFrame:
    """One row per visit due from ``start`` to ``end`` (inclusive), as known on ``end``:
    child_id, case_type, plan_id, window, due_date, visit_id and visit_date (the visit that met
    it, null when none by ``end``), outcome (:data:`OUTCOMES`) and worker_id (the visiting
    worker, or the allocated worker on the visit's day, or for a visit not made on its due
    date)."""
    if end < start:
        raise ValueError("the period must not end before it starts")
    last = pl.lit(end)
    due = windows.filter(
        pl.col("due_date").is_between(pl.lit(start), last)
        & (pl.col("due_date") <= pl.col("plan_end").fill_null(FAR_FUTURE))
    )
    due = schedule.ruling(due, _plan_frame(windows), "due_date", VISIT_ORDER)
    done = pl.col("visit_date").is_not_null() & (pl.col("visit_date") <= last)
    outcome = schedule.outcome(done, pl.col("visit_date"), end)
    frame = due.select(
        "child_id",
        "case_type",
        "plan_id",
        "window",
        "due_date",
        pl.when(done).then("visit_id").alias("visit_id"),
        pl.when(done).then("visit_date").alias("visit_date"),
        outcome.alias("outcome"),
        pl.when(done).then("worker_id").alias("_visitor"),
        pl.when(done).then("visit_date").otherwise("due_date").alias("_day"),
    )
    return (
        allocated_on(frame, allocations, "_day")
        .with_columns(pl.coalesce("_visitor", "allocated_worker_id").alias("worker_id"))
        .drop("_visitor", "_day", "allocated_worker_id")
        .sort("due_date", "child_id")
    )


def with_teams(frame: pl.DataFrame, worker_teams: pl.DataFrame | None) -> pl.DataFrame:
    """Add team and service from ``worker_teams`` (worker_id, team, service: each worker's team
    on the day, chosen by the caller); null for a worker not in it or when it is not given."""
    if worker_teams is None:
        return frame.with_columns(
            pl.lit(None, pl.Utf8).alias("team"), pl.lit(None, pl.Utf8).alias("service")
        )
    lookup = worker_teams.select("worker_id", "team", "service").unique("worker_id")
    return frame.drop("team", "service", strict=False).join(lookup, on="worker_id", how="left")


def _grouped(
    frame: pl.DataFrame, by: Sequence[str], worker_teams: pl.DataFrame | None
) -> tuple[pl.DataFrame, list[str]]:
    unknown = sorted(set(by) - set(GROUPS))
    if unknown:
        raise ValueError(f"cannot group by {', '.join(unknown)}; use {', '.join(GROUPS)}")
    if {"team", "service"} & set(by):
        frame = with_teams(frame, worker_teams)
    return frame, list(by)


def visit_summary(
    due: pl.DataFrame, by: Sequence[str] = (), worker_teams: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Visits due (from :func:`visits_due`) counted by ``by`` (:data:`GROUPS`; none: one row):
    due, done, on_time, late, missed, not_yet_overdue and on_time_rate (per cent of visits due
    and done or missed that were done on time; null when there are none)."""
    frame, keys = _grouped(due, by, worker_teams)
    return schedule.outcome_counts(frame, keys, done="done")


def seen_summary(
    position: pl.DataFrame, by: Sequence[str] = (), worker_teams: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Children with a visit plan on the day (from :func:`visits_position`) by ``by``:
    children, visited (with a visit under the plan), overdue, not_seen and not_seen_alone (at
    their last visit the child was recorded as not seen, or not seen alone), seen_unknown and
    seen_alone_unknown (not recorded), and the shares not_seen_rate and not_seen_alone_rate (per
    cent of children visited)."""
    frame, keys = _grouped(position, by, worker_teams)
    visited = pl.col("last_visit_date").is_not_null()
    measures = [
        pl.len().alias("children"),
        visited.sum().alias("visited"),
        pl.col("overdue").sum().alias("overdue"),
        (visited & (pl.col("seen") == False)).sum().alias("not_seen"),  # noqa: E712
        (visited & (pl.col("seen_alone") == False)).sum().alias("not_seen_alone"),  # noqa: E712
        (visited & pl.col("seen").is_null()).sum().alias("seen_unknown"),
        (visited & pl.col("seen_alone").is_null()).sum().alias("seen_alone_unknown"),
    ]
    aggregated = frame.group_by(keys).agg(measures) if keys else frame.select(measures)
    counts = ("children", "visited", "overdue", "not_seen", "not_seen_alone")
    return (
        aggregated.with_columns(
            schedule.share(pl.col("not_seen"), pl.col("visited")).alias("not_seen_rate"),
            schedule.share(pl.col("not_seen_alone"), pl.col("visited")).alias(
                "not_seen_alone_rate"
            ),
        )
        .with_columns(
            pl.col(c).cast(pl.Int64) for c in (*counts, "seen_unknown", "seen_alone_unknown")
        )
        .sort(keys or "children")
    )


def recording(
    visits: pl.DataFrame,
    allocations: pl.DataFrame,
    standards: PracticeStandards,
    calendar: WorkingCalendar,
    start: date,
    end: date,
) -> pl.DataFrame:
    """One row per visit made from ``start`` to ``end``, as known on ``end``: visit_id,
    child_id, case_type, visit_date, deadline (``recording_within`` after the visit),
    recorded_date (null when not recorded by ``end``), outcome (:data:`RECORDING_OUTCOMES`),
    working_days_to_record (null when not recorded) and worker_id (the visiting worker, else the
    allocated worker on the visit's day)."""
    if end < start:
        raise ValueError("the period must not end before it starts")
    within = standards.recording_within
    last = pl.lit(end)
    made = visits.filter(pl.col("visit_date").is_between(pl.lit(start), last)).with_columns(
        pl.when(pl.col("recorded_date") <= last).then("recorded_date").alias("recorded_date"),
        schedule.add_interval(
            pl.col("visit_date"), pl.lit(within.unit), pl.lit(within.count), calendar
        ).alias("deadline"),
    )
    recorded = pl.col("recorded_date").is_not_null()
    outcome = (
        pl.when(recorded & (pl.col("recorded_date") <= pl.col("deadline")))
        .then(pl.lit("on_time"))
        .when(recorded | (last > pl.col("deadline")))
        .then(pl.lit("late"))
        .otherwise(pl.lit("not_due_yet"))
    )
    frame = allocated_on(made, allocations, "visit_date")
    return frame.select(
        "visit_id",
        "child_id",
        "case_type",
        "visit_date",
        "deadline",
        "recorded_date",
        outcome.alias("outcome"),
        working_days_between(pl.col("visit_date"), pl.col("recorded_date"), calendar).alias(
            "working_days_to_record"
        ),
        pl.coalesce("worker_id", "allocated_worker_id").alias("worker_id"),
    ).sort("visit_date", "visit_id")


def recording_summary(
    recorded: pl.DataFrame, by: Sequence[str] = (), worker_teams: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Visits (from :func:`recording`) by ``by``: visits, on_time, late, not_due_yet and
    on_time_rate (per cent of visits past their deadline or recorded that were recorded on
    time; null when none)."""
    frame, keys = _grouped(recorded, by, worker_teams)
    counts = [(pl.col("outcome") == o).sum().alias(o) for o in RECORDING_OUTCOMES]
    aggregated = (
        frame.group_by(keys).agg(pl.len().alias("visits"), *counts)
        if keys
        else frame.select(pl.len().alias("visits"), *counts)
    )
    return (
        aggregated.with_columns(
            schedule.share(pl.col("on_time"), pl.col("on_time") + pl.col("late")).alias(
                "on_time_rate"
            )
        )
        .with_columns(pl.col(c).cast(pl.Int64) for c in ("visits", *RECORDING_OUTCOMES))
        .sort(keys or "visits")
    )


def month_ends(first: date, last: date) -> list[date]:
    """The last day of every month from ``first``'s month to ``last``'s."""
    ends: list[date] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        following = date(year + month // 12, month % 12 + 1, 1)
        ends.append(following - timedelta(days=1))
        year, month = following.year, following.month
    return ends


def monthly_series(
    statuses: pl.DataFrame,
    visits: pl.DataFrame,
    allocations: pl.DataFrame,
    standards: PracticeStandards,
    calendar: WorkingCalendar,
    first: date,
    last: date,
    *,
    by: Sequence[str] = (),
    worker_teams: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Each visit figure at each month end from ``first``'s month to ``last``'s, by ``by``:
    month_end; the month's visits due (:func:`visit_summary`: due, done, on_time, late,
    missed, not_yet_overdue, on_time_rate); the children's position at the month end
    (:func:`seen_summary`: children, visited, overdue, not_seen, not_seen_alone and their
    rates); and the month's recording (recorded_on_time, recorded_late, recording_not_due_yet,
    recording_rate). The windows are worked out once for the whole series."""
    if last < first:
        raise ValueError("the series must not end before it starts")
    ends = month_ends(first, last)
    windows = visit_windows(
        statuses, visits, standards, calendar, ends[-1], since=ends[0].replace(day=1)
    )
    parts: list[pl.DataFrame] = []
    keys = list(by)
    for end in ends:
        start = end.replace(day=1)
        due = visit_summary(visits_due(windows, allocations, start, end), keys, worker_teams)
        seen = seen_summary(visits_position(windows, visits, allocations, end), keys, worker_teams)
        written = recording_summary(
            recording(visits, allocations, standards, calendar, start, end), keys, worker_teams
        ).select(
            *keys,
            pl.col("on_time").alias("recorded_on_time"),
            pl.col("late").alias("recorded_late"),
            pl.col("not_due_yet").alias("recording_not_due_yet"),
            pl.col("on_time_rate").alias("recording_rate"),
        )
        row = (
            due.join(seen, on=keys, how="full", coalesce=True, nulls_equal=True).join(
                written, on=keys, how="full", coalesce=True, nulls_equal=True
            )
            if keys
            else pl.concat([due, seen, written], how="horizontal")
        )
        parts.append(row.with_columns(pl.lit(end).alias("month_end")))
    frame = pl.concat(parts, how="diagonal_relaxed")
    counts = [c for c, t in frame.schema.items() if t == pl.Int64 and c not in keys]
    return frame.with_columns(pl.col(counts).fill_null(0)).select(
        "month_end", *keys, pl.exclude("month_end", *keys)
    )

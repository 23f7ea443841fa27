"""Windows: the one definition of "a visit (or review) due" that visits and reviews share.

A child's plan is one status spell (``statuses`` row) of a type with a rule. Its events (visits
or reviews of that type, dated within the spell; several on one day count once) split it into
**gaps**: the first runs from the plan's start to the first event, each later one from an event
to the next, the last from the last event on (open). Each gap holds one or more **windows**, each
a visit (or review) due:

- the gap's first window falls due the rule's interval after the gap opened: ``first_within``
  after the plan's start for the first gap; for the others ``every`` (visits;
  ``every_after_first_year`` instead once the opening visit is on or after the plan's first
  anniversary, where the rule has one), or ``second_within`` then ``every`` (reviews);
- while no event comes, windows keep falling due, each the interval of the window that would
  follow after the one before (a CP child not visited for six weeks has three visits due and
  missed, not one): the j-th repeat is j intervals after the gap's first due date;
- the event that closes the gap meets the gap's last window: **on time** when on or before its
  due date, **late** when after; the gap's earlier windows were **missed**.

So each event meets one window, and every window is met by at most one event. A window falling
due after the plan ended never fell due (nothing is due after a plan ends) and is left out of
due counts. Counting from the event before, rather than from a fixed timetable, is the statutory
reading of "at least every 10 working days": each visit within 10 working days of the one before.

Worked example (CP, every 10 working days, plan from Monday 1 December 2025, visits on 10 and 29
December): window 1 due Monday 15 December (met on time on the 10th); window 2 due Wednesday 24
December (met late on the 29th); window 3 due Tuesday 13 January 2026 (25 and 26 December and 1
January are bank holidays), window 4 due Tuesday 27 January, and so on while no visit comes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import polars as pl

from caseload.practice.calendar import WorkingCalendar, add_working_days
from caseload.practice.standards import Interval

WINDOW_SCHEMA: dict[str, pl.DataType] = {
    "plan_id": pl.Int64(),
    "child_id": pl.Int64(),
    "case_type": pl.Utf8(),
    "plan_start": pl.Date(),
    "plan_end": pl.Date(),
    "window": pl.Int64(),
    "opened": pl.Date(),
    "due_date": pl.Date(),
    "gap_closed": pl.Date(),
}
# Interval kinds: which of a rule's intervals sets a window's due date.
FIRST, SECOND, EVERY, AFTER_FIRST_YEAR = "first", "second", "every", "after_first_year"
FAR_FUTURE = date(9999, 12, 31)
UNITS = ("working_days", "days", "weeks", "months")


def plans(statuses: pl.DataFrame, case_types: Sequence[str]) -> pl.DataFrame:
    """plan_id, child_id, case_type, plan_start, plan_end: the status spells of the given types
    (each row its own plan; ``plan_end`` null while open). ``plan_id`` is the row's position in
    ``statuses``, so it is the same for every call on the same frame."""
    return (
        statuses.with_row_index("plan_id")
        .with_columns(pl.col("plan_id").cast(pl.Int64))
        .filter(pl.col("status").is_in(list(case_types)))
        .select(
            "plan_id",
            "child_id",
            pl.col("status").alias("case_type"),
            pl.col("start_date").alias("plan_start"),
            pl.col("end_date").alias("plan_end"),
        )
    )


def intervals_frame(rules: dict[tuple[str, str], Interval]) -> pl.DataFrame:
    """case_type, kind, unit, count: the rules' intervals as a frame to join on."""
    return pl.DataFrame(
        [
            {"case_type": case_type, "kind": kind, "unit": iv.unit, "count": iv.count}
            for (case_type, kind), iv in rules.items()
        ],
        schema={"case_type": pl.Utf8, "kind": pl.Utf8, "unit": pl.Utf8, "count": pl.Int64},
    )


def add_months(days: pl.Expr, months: pl.Expr | int) -> pl.Expr:
    """Each day moved on by its row's number of calendar months (or by ``months`` for every
    row), to the same day of the month or the month's last day when it is shorter (31 January
    + 1 month = 28 or 29 February); null where either is null. Polars' calendar offsets
    (``"<n>mo"``) follow the same rule."""
    if isinstance(months, int):
        return days.dt.offset_by(f"{months}mo")
    return days.dt.offset_by(pl.format("{}mo", months))


def add_interval(
    days: pl.Expr,
    unit: pl.Expr,
    count: pl.Expr,
    calendar: WorkingCalendar,
    units: Iterable[str] = UNITS,
) -> pl.Expr:
    """Each day moved on by its row's interval (``unit`` and ``count`` columns): working days by
    the calendar's convention (:mod:`caseload.practice.calendar`), calendar days and weeks
    exactly, months by :func:`add_months`. ``units`` limits the work to the units in use."""
    branches: dict[str, pl.Expr] = {
        "days": days + pl.duration(days=count),
        "weeks": days + pl.duration(days=count * 7),
        "months": add_months(days, count),
    }
    chosen = [u for u in UNITS if u in set(units)]
    result: pl.Expr = pl.lit(None, pl.Date)
    for name in reversed(chosen):
        branch = branches.get(name)
        if branch is None:
            working = add_working_days(days, count, calendar)
            assert isinstance(working, pl.Expr)
            branch = working
        result = pl.when(unit == name).then(branch).otherwise(result)
    return result


def _min_days(unit: pl.Expr, count: pl.Expr) -> pl.Expr:
    """The fewest calendar days an interval can span (a month is at least 28 days)."""
    per = pl.when(unit == "weeks").then(7).when(unit == "months").then(28).otherwise(1)
    return count * per


def _position_in_run(first: pl.Expr) -> pl.Expr:
    """1, 2, ... along each run of rows that starts where ``first`` is true (rows in order)."""
    index = pl.int_range(pl.len(), dtype=pl.Int64)
    return index - pl.when(first).then(index).otherwise(None).forward_fill() + 1


def reach_days(interval: Interval) -> int:
    """Calendar days an interval can span at most: a month is 31 days, a week 7, and working
    days are counted as whole weeks with two more weeks for bank holidays and closures."""
    if interval.unit == "months":
        return 31 * interval.count
    if interval.unit == "weeks":
        return 7 * interval.count
    if interval.unit == "working_days":
        return 7 * (interval.count // 5 + 1) + 14
    return interval.count


def _with_reach(frame: pl.DataFrame, rules: dict[tuple[str, str], Interval]) -> pl.DataFrame:
    """``frame`` (with case_type) with ``_reach``: :func:`reach_days` of the longest interval
    of the row's case type (0 for a type with no rule)."""
    reach: dict[str, int] = {}
    for (case_type, _kind), interval in rules.items():
        reach[case_type] = max(reach.get(case_type, 0), reach_days(interval))
    return frame.with_columns(
        pl.col("case_type").replace_strict(reach, default=0, return_dtype=pl.Int64).alias("_reach")
    )


def _cutoff(since: date) -> pl.Expr:
    """For each row (with ``_reach``, :func:`_with_reach`), the earliest day an event can open
    a gap holding a window due on or after ``since``: the row's reach before it."""
    return pl.lit(since) - pl.duration(days=pl.col("_reach"))


def _read_by(since: date | None, until: date) -> pl.Expr:
    """The gaps (or their windows: opened, gap_closed, plan_end, _reach) a period reads: opened
    by its last day; given ``since``, under a plan not ended before its cut-off day
    (:func:`_cutoff`) and still open then (closing on or after it, or not closed)."""
    read = pl.col("opened") <= pl.lit(until)
    if since is not None:
        cutoff = _cutoff(since)
        read = (
            read
            & (pl.col("plan_end").is_null() | (pl.col("plan_end") >= cutoff))
            & (pl.col("gap_closed").is_null() | (pl.col("gap_closed") >= cutoff))
        )
    return read


def windows(
    plan_frame: pl.DataFrame,
    events: pl.DataFrame,
    *,
    event_date: str,
    event_id: str,
    rules: dict[tuple[str, str], Interval],
    second_kind: str,
    calendar: WorkingCalendar,
    until: date,
    since: date | None = None,
) -> pl.DataFrame:
    """One row per window of every plan falling due up to ``until`` (:data:`WINDOW_SCHEMA`,
    plus the columns of the event that met it, null on windows no event met), ordered by plan
    and window, with ``opened_by``: the ``event_id`` of the event that opened the window's gap
    (null when the plan's start did). ``events`` has child_id, case_type, ``event_date``,
    ``event_id`` and any other columns to carry; several events on one day count once (the
    first row).

    ``second_kind`` is the interval kind of window 2 and later: :data:`SECOND` for reviews
    (the window opened by the first review; :data:`EVERY` after) or :data:`EVERY` for visits
    (:data:`AFTER_FIRST_YEAR` instead once the event opening the window is on or after the
    plan's first anniversary, where the rule has one). Windows that fall due with no event in
    between repeat at the interval of the window that would follow (see the module's
    docstring); the plan's last gap is filled up to ``until`` or the plan's end.

    ``until`` is the last day any figure will be read for: the gaps opened after it are left
    out (the gap open on it is kept whole, with the event after it that closed it). Given
    ``since``, the first day any figure will be read for, only the gaps that can hold a window
    falling due on or after it are built (their windows number from 1 at the first kept): those
    still open within the longest interval of the plan's kind before it (:func:`reach_days`),
    since a gap's windows all fall due by its closing event plus one interval. So a window due
    in a period but met early, before the period began, is kept."""
    (frame,) = windows_for(
        plan_frame,
        events,
        event_date=event_date,
        event_id=event_id,
        rules=rules,
        second_kind=second_kind,
        calendar=calendar,
        periods=[(since, until)],
    )
    return frame


def windows_for(
    plan_frame: pl.DataFrame,
    events: pl.DataFrame,
    *,
    event_date: str,
    event_id: str,
    rules: dict[tuple[str, str], Interval],
    second_kind: str,
    calendar: WorkingCalendar,
    periods: Sequence[tuple[date | None, date]],
) -> list[pl.DataFrame]:
    """:func:`windows` for each ``(since, until)`` of ``periods`` (the days of a trend) in one
    pass: frame for frame the same as calling :func:`windows` with each.

    Every event is placed in its plan once (the gap it closes and the one it opens); the gaps
    any period reads are then built together, and each period's frame is cut from them. A
    gap's windows depend on no period, except the plan's last (open) gap, filled up to the
    period's ``until`` or the plan's end, and the window numbers (from 1 at the period's first
    gap)."""
    if not periods:
        return []
    event_columns = [c for c in events.columns if c not in ("child_id", "case_type")]
    until = max(last for _, last in periods)
    when = pl.col(event_date)
    new_plan = (pl.col("plan_id") != pl.col("plan_id").shift(1)).fill_null(True)
    carried = events.with_row_index("_event").with_columns(pl.col("_event").cast(pl.Int64))
    plan_frame = _with_reach(plan_frame, rules)
    matched = (
        carried.select("_event", "child_id", "case_type", event_date)
        .filter(when.is_not_null())
        .join(plan_frame, on=["child_id", "case_type"], how="inner", maintain_order="left")
        .filter((when >= pl.col("plan_start")) & (when <= pl.col("plan_end").fill_null(FAR_FUTURE)))
    )
    # Before the earliest day a period reads from (:func:`_cutoff`, of the earliest ``since``),
    # only each plan's last event (which opens the first gap read) and the number of event days
    # (which numbers the gaps) matter.
    starts = [since for since, _ in periods]
    first_day = (
        None if None in starts else _cutoff(min(since for since in starts if since is not None))
    )
    before = pl.DataFrame(
        schema={
            "plan_id": pl.Int64,
            "_before": pl.Date,
            "_before_event": pl.Int64,
            "_earlier": pl.UInt32,
        }
    )
    if first_day is not None:
        matched = matched.with_columns(first_day.alias("_from"))
        early = when < pl.col("_from")
        # The last day and its first event, as one number: the day, then the event reversed.
        latest = when.cast(pl.Int64) * (1 << 32) + ((1 << 32) - 1 - pl.col("_event"))
        before = (
            matched.filter(early)
            .group_by("plan_id")
            .agg(latest.max().alias("_latest"), when.n_unique().alias("_earlier"))
            .select(
                "plan_id",
                (pl.col("_latest") // (1 << 32)).cast(pl.Int32).cast(pl.Date).alias("_before"),
                ((1 << 32) - 1 - pl.col("_latest") % (1 << 32)).alias("_before_event"),
                "_earlier",
            )
        )
        matched = matched.filter(~early).drop("_from")
    # Every later event within its plan, in order, one a day: each closes the plan's gap open
    # before it (the n-th, opened by the plan's start or the event before) and opens the next.
    # (Sorted by plan and day as one number, keeping the events' order within a day.)
    in_order = pl.col("plan_id") * (1 << 20) + (when.cast(pl.Int64) + (1 << 19))
    earlier = pl.col("_earlier").cast(pl.Int64).fill_null(0)
    closed = (
        matched.sort(in_order, maintain_order=True)
        .filter(new_plan | (when != when.shift(1)))
        .join(before, on="plan_id", how="left", maintain_order="left")
        .with_columns(
            pl.when(new_plan)
            .then(pl.coalesce("_before", "plan_start"))
            .otherwise(when.shift(1))
            .alias("opened"),
            pl.when(new_plan)
            .then(pl.col("_before_event"))
            .otherwise(pl.col("_event").shift(1))
            .alias("_opener"),
            when.alias("_closes"),
            (_position_in_run(new_plan) + earlier).alias("_gap"),
        )
        .drop(event_date, "_before", "_before_event", "_earlier")
    )
    last = closed.filter((pl.col("plan_id") != pl.col("plan_id").shift(-1)).fill_null(True)).select(
        "plan_id",
        pl.col("_closes").alias("_last"),
        pl.col("_event").alias("_last_event"),
        pl.col("_gap").alias("_events"),
    )
    open_gaps = (
        plan_frame.join(last, on="plan_id", how="left")
        .join(before, on="plan_id", how="left")
        .with_columns(
            pl.coalesce("_last", "_before", "plan_start").alias("opened"),
            pl.coalesce("_last_event", "_before_event").alias("_opener"),
            pl.lit(None, pl.Date).alias("_closes"),
            (pl.coalesce("_events", earlier) + 1).alias("_gap"),
            pl.lit(None, pl.Int64).alias("_event"),
        )
        .drop("_last", "_last_event", "_events", "_before", "_before_event", "_earlier")
    )
    read = pl.lit(False)
    for since, last_day in periods:
        read = read | _read_by(since, last_day)
    gaps = (
        pl.concat([closed, open_gaps], how="diagonal_relaxed")
        .with_columns(pl.col("_closes").alias("gap_closed"))
        .filter(read)
        .drop("gap_closed")
    )

    # The interval kind of each gap's first window, and of the windows repeating after it.
    after_year = [case for (case, k) in rules if k == AFTER_FIRST_YEAR]
    later = pl.lit(SECOND if second_kind == SECOND else EVERY)
    regular = pl.lit(EVERY)
    if second_kind == EVERY and after_year:
        regular = (
            pl.when(
                (pl.col("opened") >= add_months(pl.col("plan_start"), 12))
                & pl.col("case_type").is_in(after_year)
            )
            .then(pl.lit(AFTER_FIRST_YEAR))
            .otherwise(regular)
        )
    gap = pl.col("_gap")
    kind = pl.when(gap == 1).then(pl.lit(FIRST)).when(gap == 2).then(later).otherwise(regular)
    repeat_kind = pl.when(gap == 1).then(later).otherwise(regular)
    intervals = intervals_frame(rules)
    units = set(intervals["unit"])
    gaps = (
        gaps.with_columns(kind.alias("kind"), repeat_kind.alias("_repeat_kind"))
        .join(intervals, on=["case_type", "kind"], how="left")
        .join(
            intervals.rename({"kind": "_repeat_kind", "unit": "_unit", "count": "_count"}),
            on=["case_type", "_repeat_kind"],
            how="left",
        )
        .with_columns(
            add_interval(pl.col("opened"), pl.col("unit"), pl.col("count"), calendar, units).alias(
                "due_date"
            ),
            pl.coalesce(
                "_closes",
                pl.min_horizontal(pl.col("plan_end").fill_null(FAR_FUTURE), pl.lit(until))
                + pl.duration(days=1),
            ).alias("_limit"),
        )
    )
    # Windows 2, 3, ... of a gap: only where the first fell due before the gap closed.
    spare = (pl.col("_limit") - pl.col("due_date")).dt.total_days()
    repeats = (
        gaps.filter(spare > 0)
        .select(
            "plan_id",
            "_gap",
            "due_date",
            "_limit",
            pl.int_ranges(
                1, spare // _min_days(pl.col("_unit"), pl.col("_count")) + 2, dtype=pl.Int64
            ).alias("_step"),
            "_unit",
            "_count",
        )
        .explode("_step")
        .with_columns(
            add_interval(
                pl.col("due_date"),
                pl.col("_unit"),
                pl.col("_count") * pl.col("_step"),
                calendar,
                units,
            ).alias("due_date")
        )
        .filter(pl.col("due_date") < pl.col("_limit"))
    )
    extra = repeats.group_by("plan_id", "_gap").agg(
        pl.len().cast(pl.Int64).alias("_extra"),
    )
    gaps = (
        gaps.join(extra, on=["plan_id", "_gap"], how="left")
        .with_columns(pl.col("_extra").fill_null(0))
        .sort("plan_id", "_gap")
        .with_columns(
            # The window number of each gap's first window: the windows of the gaps before it.
            (
                (pl.col("_extra") + 1).cum_sum()
                - (pl.col("_extra") + 1)
                - pl.when((pl.col("plan_id") != pl.col("plan_id").shift(1)).fill_null(True))
                .then((pl.col("_extra") + 1).cum_sum() - (pl.col("_extra") + 1))
                .otherwise(None)
                .forward_fill()
                + 1
            ).alias("window")
        )
    )
    met_first = (pl.col("_extra") == 0) & pl.col("_closes").is_not_null()
    firsts = gaps.select(
        *(c for c in WINDOW_SCHEMA if c != "gap_closed"),
        pl.col("_closes").alias("gap_closed"),
        "_opener",
        pl.when(met_first).then(pl.col("_event")).alias("_event"),
    )
    later_windows = repeats.join(
        gaps.select(
            "plan_id",
            "_gap",
            "_extra",
            "window",
            *(c for c in WINDOW_SCHEMA if c not in ("plan_id", "window", "due_date", "gap_closed")),
            "_closes",
            "_opener",
            "_event",
        ),
        on=["plan_id", "_gap"],
        how="inner",
    )
    met = (pl.col("_step") == pl.col("_extra")) & pl.col("_closes").is_not_null()
    later_windows = later_windows.select(
        *(
            (pl.col("window") + pl.col("_step")).alias(c) if c == "window" else pl.col(c)
            for c in WINDOW_SCHEMA
            if c != "gap_closed"
        ),
        pl.col("_closes").alias("gap_closed"),
        "_opener",
        pl.when(met).then(pl.col("_event")).alias("_event"),
    )
    frame = pl.concat([firsts, later_windows]).sort(
        pl.col("plan_id") * (1 << 20) + pl.col("window")
    )
    # ``_event`` and ``_opener`` are rows of ``events``: their columns are taken by position.
    met_by = carried.select(pl.col(*event_columns).gather(frame["_event"]))
    opened_by = carried[event_id].gather(frame["_opener"]).alias("opened_by")
    every = pl.concat(
        [frame.select(*WINDOW_SCHEMA), opened_by.to_frame(), met_by], how="horizontal"
    )
    every = _with_reach(every, rules)
    return [_cut(every, since, last_day) for since, last_day in periods]


def _cut(frame: pl.DataFrame, since: date | None, until: date) -> pl.DataFrame:
    """The rows of ``frame`` (the windows of :func:`windows_for`'s gaps) that :func:`windows`
    gives for ``since`` and ``until``: those of the gaps the period reads, the plan's open gap
    filled only up to ``until`` or the plan's end, numbered from 1 at its first gap."""
    still_open = pl.col("gap_closed").is_null()
    window = pl.col("window")
    first_open = window == window.filter(still_open).min().over("plan_id")
    last_day = pl.min_horizontal(pl.col("plan_end").fill_null(FAR_FUTURE), pl.lit(until))
    return (
        frame.filter(_read_by(since, until))
        .filter(~still_open | first_open | (pl.col("due_date") <= last_day))
        .with_columns((window - window.min().over("plan_id") + 1).alias("window"))
        .drop("_reach")
    )


def ruling(
    frame: pl.DataFrame, plan_frame: pl.DataFrame, day: str, order: Sequence[str]
) -> pl.DataFrame:
    """The rows of ``frame`` (with plan_id, child_id, case_type) whose plan ruled the child on
    the row's ``day``: no plan of a type earlier in ``order`` was open for the child that day."""
    rank = {case: index for index, case in enumerate(order)}
    ranked = pl.col("case_type").replace_strict(rank, default=len(order), return_dtype=pl.Int64)
    rows = frame.with_row_index("_row").with_columns(ranked.alias("_rank"))
    others = plan_frame.select(
        "child_id",
        ranked.alias("_other_rank"),
        pl.col("plan_start").alias("_start"),
        pl.col("plan_end").fill_null(FAR_FUTURE).alias("_end"),
    )
    outranked = (
        rows.select("_row", "child_id", "_rank", day)
        .join(others, on="child_id", how="inner")
        .filter(
            (pl.col("_other_rank") < pl.col("_rank"))
            & (pl.col("_start") <= pl.col(day))
            & (pl.col("_end") >= pl.col(day))
        )
        .select("_row")
        .unique()
    )
    return rows.join(outranked, on="_row", how="anti").drop("_row", "_rank")


OUTCOMES = ("on_time", "late", "missed", "not_yet_overdue")


def outcome(done: pl.Expr, done_on: pl.Expr, end: date) -> pl.Expr:
    """A window's outcome as known on ``end``: ``on_time`` (met on or before its due date),
    ``late`` (met after it, by ``end``), ``missed`` (not met by ``end`` and due before it) or
    ``not_yet_overdue`` (due on ``end`` itself and not met yet)."""
    return (
        pl.when(done & (done_on <= pl.col("due_date")))
        .then(pl.lit("on_time"))
        .when(done)
        .then(pl.lit("late"))
        .when(pl.col("due_date") < pl.lit(end))
        .then(pl.lit("missed"))
        .otherwise(pl.lit("not_yet_overdue"))
    )


def share(part: pl.Expr, whole: pl.Expr) -> pl.Expr:
    """Per cent to 1 decimal place (halves away from zero, as every figure Caseload shows),
    null when the whole is 0."""
    exact = 100.0 * part / whole
    return pl.when(whole > 0).then(exact.round(9).round(1, mode="half_away_from_zero"))


def outcome_counts(frame: pl.DataFrame, keys: list[str], *, done: str) -> pl.DataFrame:
    """Windows with an ``outcome`` counted by ``keys`` (none: one row): due, ``done`` (met),
    each of :data:`OUTCOMES` and on_time_rate (per cent of those met or missed that were met on
    time; null when none)."""
    counts = [(pl.col("outcome") == name).sum().alias(name) for name in OUTCOMES]
    aggregated = (
        frame.group_by(keys).agg(pl.len().alias("due"), *counts)
        if keys
        else frame.select(pl.len().alias("due"), *counts)
    )
    decided = pl.col("on_time") + pl.col("late") + pl.col("missed")
    return (
        aggregated.with_columns(
            (pl.col("on_time") + pl.col("late")).alias(done),
            share(pl.col("on_time"), decided).alias("on_time_rate"),
        )
        .select(*keys, "due", done, *OUTCOMES, "on_time_rate")
        .with_columns(pl.col(c).cast(pl.Int64) for c in ("due", done, *OUTCOMES))
        .sort(keys or "due")
    )

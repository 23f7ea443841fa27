"""Statutory visits and reviews for a synthetic council's children in need, on child protection
plans and looked after, following the default practice standards (DOMAIN.md section 5).

- **Visits** chain from the plan's start: CP within 10 working days of the last visit, CIN within
  20 working days, CLA within 7 days of the start, then 6-weekly in the plan's first year and
  3-monthly after. At each due date the chance the visit is on time falls with the allocated
  worker's caseload that day (:func:`on_time_chance`: 95% up to 18 cases per FTE, 70% above 20);
  a visit not on time is late by a few days or missed (the next falls a whole interval later). A
  child without an allocated worker is visited on time less often. The visitor is the allocated
  worker on the visit day. The child is seen 97% of the time, seen alone less often the younger
  they are. Visits are written up within a few working days, more slowly by workers over their
  cap.
- **Reviews**: CP reviews 3 months after the plan starts, then every 6 months; CLA reviews within
  20 working days, then 3 months later, then every 6 months; about 90% on time (fewer when the
  worker is overloaded). An open plan's next review is a row due and not yet held.

Records fall in the simulated period [first, last]; plans older than it start their chain from
an earlier visit (or review) drawn before the period. Working days are weekdays (bank holidays
are not modelled)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

from caseload.synthetic.days import BoolArray, FloatArray, IntArray
from caseload.synthetic.workload import FAR, Workload, days

Roll = Literal["forward", "backward"]
KINDS = ("cin", "cp", "cla")
EVERY = {"cin": 20, "cp": 10}  # working days
CLA_FIRST, CLA_YEAR_ONE, CLA_AFTER = 7, 42, 91  # calendar days
MISSED_SHARE = 0.35  # of visits not on time, the share missed rather than late
UNALLOCATED_ON_TIME = 0.6
SEEN = 0.97
SEEN_ALONE_BY_AGE = ((3.0, 0.1), (8.0, 0.55), (200.0, 0.85))  # (under age, chance)
RECORDED_DAILY = {False: 0.35, True: 0.16}  # chance a day's delay ends, by over-cap
REVIEW_ON_TIME = 0.9


def on_time_chance(per_fte: FloatArray) -> FloatArray:
    """The chance a visit is on time given the worker's cases per FTE on the due day (NaN: no
    allocated worker)."""
    chance = np.interp(per_fte, [0.0, 18.0, 20.0, 30.0], [0.95, 0.95, 0.70, 0.66])
    result: FloatArray = np.where(np.isnan(per_fte), UNALLOCATED_ON_TIME, chance)
    return result


def shift(day: IntArray, amount: IntArray, working: BoolArray, roll: Roll = "forward") -> IntArray:
    """``day`` moved by ``amount`` working days (where ``working``) or calendar days then to a
    weekday (``roll`` forward or backward)."""
    dated = day.astype("datetime64[D]")
    by_working = np.busday_offset(dated, amount, roll="forward")
    by_calendar = np.busday_offset(dated + amount, 0, roll=roll)
    moved: IntArray = np.where(working, by_working, by_calendar).astype(np.int64)
    return moved


def add_months(day: IntArray, months: int) -> IntArray:
    """The same day of the month ``months`` later (the month's last day when it has no such
    day)."""
    dated = day.astype("datetime64[D]")
    month = dated.astype("datetime64[M]")
    offset = (dated - month.astype("datetime64[D]")).astype(np.int64)
    target = month + months
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(
        np.int64
    )
    result: IntArray = target.astype("datetime64[D]").astype(np.int64) + np.minimum(
        offset, length - 1
    )
    return result


@dataclass(frozen=True)
class Plans:
    """Open plans of one kind: child, start and last day (within the period or open)."""

    kind: int  # index into KINDS
    child: IntArray
    start: IntArray
    end: IntArray


def plans_of(statuses: pl.DataFrame, first: int) -> list[Plans]:
    found = []
    for index, kind in enumerate(KINDS):
        rows = statuses.filter((pl.col("status") == kind) & (days("end_date") >= first)).select(
            "child_id", days("start_date"), days("end_date")
        )
        found.append(
            Plans(
                index,
                rows["child_id"].to_numpy(),
                rows["start_date"].to_numpy(),
                rows["end_date"].to_numpy(),
            )
        )
    return found


def _visit_interval(kind: str, last: IntArray, start: IntArray, opening: BoolArray) -> IntArray:
    n = len(last)
    if kind in EVERY:
        return np.full(n, EVERY[kind], dtype=np.int64)
    later = np.where(last - start < 365, CLA_YEAR_ONE, CLA_AFTER)
    interval: IntArray = np.where(opening, CLA_FIRST, later).astype(np.int64)
    return interval


def _visit_dates(
    rng: np.random.Generator, plans: Plans, load: Workload
) -> tuple[IntArray, IntArray]:
    """(plan index, visit day) of every visit in the period, in chain order."""
    kind = KINDS[plans.kind]
    working = np.full(len(plans.child), kind in EVERY)
    span = EVERY.get(kind, CLA_AFTER)
    old = plans.start < load.first - 2 * span
    previous = np.where(
        old, load.first - rng.integers(1, span + 1, size=len(old)), plans.start
    ).astype(np.int64)
    opening = ~old
    alive = np.arange(len(plans.child))
    found_plan, found_day = [], []
    while alive.size:
        child, start, end = plans.child[alive], plans.start[alive], plans.end[alive]
        interval = _visit_interval(kind, previous[alive], start, opening[alive])
        is_working = working[alive]
        base = np.where(opening[alive], start, previous[alive])
        due = shift(base, interval, is_working, roll="backward")
        probe = np.clip(due, load.first, load.last)
        worker = load.allocated.on(child, probe)
        chance = on_time_chance(load.per_fte(worker, probe))
        draw = rng.random(alive.size)
        on_time = draw < chance
        missed = draw > chance + (1.0 - chance) * (1.0 - MISSED_SHARE)
        slack = np.maximum(interval // 4, 1)
        early = rng.integers(0, slack + 1)
        delay = rng.integers(1, np.maximum(interval // 3, 2) + 1)
        day = np.where(
            on_time,
            shift(due, -early, is_working, roll="backward"),
            shift(due, np.where(missed, interval - early, delay), is_working),
        )
        day = np.maximum(day, previous[alive] + 1)
        within = day <= np.minimum(end, load.last)
        shown = within & (day >= load.first)
        found_plan.append(alive[shown])
        found_day.append(day[shown])
        previous[alive] = day
        opening[alive] = False
        alive = alive[within]
    return np.concatenate(found_plan), np.concatenate(found_day)


def visits_frame(
    rng: np.random.Generator, statuses: pl.DataFrame, children: pl.DataFrame, load: Workload
) -> pl.DataFrame:
    """The visits table (local ids, sorted by child and date)."""
    birth = children.select("id", days("birth_date"))
    birth_day = np.zeros(int(birth["id"].to_numpy().max(initial=0)) + 1, dtype=np.int64)
    birth_day[birth["id"].to_numpy()] = birth["birth_date"].to_numpy()
    parts = []
    for plans in plans_of(statuses, load.first):
        index, day = _visit_dates(rng, plans, load)
        child = plans.child[index]
        worker = load.allocated.on(child, day)
        seen = rng.random(len(day)) < SEEN
        age = (day - birth_day[child]) / 365.25
        alone_chance = np.select(
            [age < limit for limit, _ in SEEN_ALONE_BY_AGE], [c for _, c in SEEN_ALONE_BY_AGE]
        )
        alone = seen & (rng.random(len(day)) < alone_chance)
        over = load.over_cap(worker, day)
        delay = rng.geometric(np.where(over, RECORDED_DAILY[True], RECORDED_DAILY[False])) - 1
        recorded = shift(day, delay, np.ones(len(day), dtype=bool))
        parts.append(
            pl.DataFrame(
                {
                    "child_id": child,
                    "worker_id": pl.Series(worker, dtype=pl.Int64),
                    "case_type": KINDS[plans.kind],
                    "visit_date": day,
                    "seen": seen,
                    "seen_alone": alone,
                    "recorded_date": np.where(recorded <= load.last, recorded, -1),
                },
                schema_overrides={"case_type": pl.Utf8},
            )
        )
    visits = pl.concat(parts).sort("child_id", "visit_date", "case_type")
    return visits.select(
        pl.int_range(1, visits.height + 1, dtype=pl.Int64).alias("id"),
        pl.col("child_id").cast(pl.Int64),
        pl.when(pl.col("worker_id") > 0).then(pl.col("worker_id")).alias("worker_id"),
        "case_type",
        pl.col("visit_date").cast(pl.Int32).cast(pl.Date),
        "seen",
        "seen_alone",
        pl.when(pl.col("recorded_date") >= 0)
        .then(pl.col("recorded_date"))
        .cast(pl.Int32)
        .cast(pl.Date)
        .alias("recorded_date"),
        pl.lit(None, dtype=pl.Utf8).alias("external_id"),
    )


def _review_due(kind: str, base: IntArray, step: IntArray) -> IntArray:
    """Due date of the review numbered ``step`` (0: the first) after ``base``."""
    if kind == "cp":
        due: IntArray = np.where(step == 0, add_months(base, 3), add_months(base, 6))
        return due
    first = shift(base, np.full(len(base), 20), np.ones(len(base), dtype=bool))
    due = np.where(step == 0, first, np.where(step == 1, add_months(base, 3), add_months(base, 6)))
    return due


def reviews_frame(rng: np.random.Generator, statuses: pl.DataFrame, load: Workload) -> pl.DataFrame:
    """The reviews table: CP and CLA reviews held in the period, and each open plan's next."""
    parts = []
    for plans in plans_of(statuses, load.first):
        kind = KINDS[plans.kind]
        if kind == "cin":
            continue
        old = plans.start < load.first - 400
        previous = np.where(
            old, load.first - rng.integers(1, 183, size=len(old)), plans.start
        ).astype(np.int64)
        step = np.where(old, 2, 0).astype(np.int64)
        alive = np.arange(len(plans.child))
        rows_child, rows_due, rows_held = [], [], []
        while alive.size:
            child, end = plans.child[alive], plans.end[alive]
            due = _review_due(kind, previous[alive], step[alive])
            probe = np.clip(due, load.first, load.last)
            chance = REVIEW_ON_TIME - 0.08 * np.nan_to_num(
                np.clip((load.per_fte(load.allocated.on(child, probe), probe) - 18.0) / 2, 0, 1)
            )
            on_time = rng.random(alive.size) < chance
            weekdays = np.zeros(alive.size, dtype=bool)
            held = np.where(
                on_time,
                shift(due, -rng.integers(0, 11, size=alive.size), weekdays, roll="backward"),
                shift(due, rng.integers(1, 29, size=alive.size), weekdays),
            )
            held = np.maximum(held, previous[alive] + 1)
            open_at_end = end >= FAR
            in_plan = due <= np.minimum(end, load.last)
            done = in_plan & (held <= load.last) & (held <= end)
            waiting = open_at_end & ((due > load.last) | (in_plan & (held > load.last)))
            shown = (done & (held >= load.first)) | waiting
            rows_child.append(child[shown])
            rows_due.append(due[shown])
            rows_held.append(np.where(done, held, -1)[shown])
            previous[alive] = held
            step[alive] += 1
            alive = alive[done]
        parts.append(
            pl.DataFrame(
                {
                    "child_id": np.concatenate(rows_child),
                    "case_type": kind,
                    "due_date": np.concatenate(rows_due),
                    "review_date": np.concatenate(rows_held),
                },
                schema_overrides={"case_type": pl.Utf8},
            )
        )
    reviews = pl.concat(parts).sort("child_id", "due_date", "case_type")
    return reviews.select(
        pl.int_range(1, reviews.height + 1, dtype=pl.Int64).alias("id"),
        pl.col("child_id").cast(pl.Int64),
        "case_type",
        pl.col("due_date").cast(pl.Int32).cast(pl.Date),
        pl.when(pl.col("review_date") >= 0)
        .then(pl.col("review_date"))
        .cast(pl.Int32)
        .cast(pl.Date)
        .alias("review_date"),
        pl.lit(None, dtype=pl.Utf8).alias("external_id"),
    )

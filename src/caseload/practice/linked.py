"""Practice linked to caseloads: each event (a visit, a recording delay, a supervision gap, an
audit) joined to the caseload, band and role of the worker on the day it happened, and visit
timeliness and audit grades by caseload band.

**Cases held on a day** are the children the worker is the allocated worker for that day
(allocations with role ``allocated_worker`` whose inclusive ``start_date``..``end_date`` covers
it), the count :func:`caseload.caseloads.workload.worker_caseloads` makes from
:func:`caseload.caseloads.position.held_on`: siblings count separately, co-working does not. An
allocation that starts on a day and one that ends on it both count that day.

**Role and FTE** come from the worker's spell covering the day (the latest started when two
do); with the ``workers`` frame (qualification dates) an ASYE is recognised by
:func:`caseload.caseloads.definitions.asye_status` and :func:`role_with_asye`, as on the caseload
pages.

**The band** is the policy's rating of a caseload (:meth:`CaseloadPolicy.band` on cases per
FTE, the rating of the council's average caseload): green up to ``bands.green`` (18), amber up to
``bands.amber`` (20), red above. This is an approximation of the per-worker band on the caseload
pages (:func:`caseload.caseloads.definitions.band`), which rates each worker against their own
role's case *and points* caps: points need each child's case type on each day, which linking
millions of events does not carry. For a social worker the two agree on cases; an ASYE over the
ASYE cap of 15 but at 18 or fewer cases is green here. Only workers in post in a case-holding role
with an FTE above 0 are banded; everyone else's events are "not known".

The joins are interval joins (sorted as-of joins per worker), with no loop over events."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

import numpy as np
import numpy.typing as npt
import polars as pl

from caseload.caseloads.definitions import asye_status, role_with_asye
from caseload.caseloads.policy import CASE_HOLDING_ROLES, CaseloadPolicy
from caseload.caseloads.position import ALLOCATED
from caseload.practice.audits import final_grade, grade_summary

BANDS: Final = ("green", "amber", "red")
NOT_KNOWN: Final = "not known"

LINKED_METHOD: Final = (
    "Each visit and each audit is matched to the worker responsible on the day (the worker who "
    "visited, or the child's allocated worker when the record does not say; the worker whose "
    "case was audited) and to the caseload that worker held that day: the children they were "
    "the allocated worker for, per full-time equivalent, banded by the caseload policy (green up "
    "to the green limit, amber up to the amber limit, red above). "
    "What this shows is an association, not a cause: workers with high caseloads may also hold "
    "the most complex cases, be newer, or work in teams under other pressures, and any of these "
    "could explain a difference. Small groups swing widely: a band with few visits or audits "
    "should not be read on its own. The caseload is the one held on the day of the event, not "
    "over the weeks of work behind it, and the band rates cases per FTE only, not the weighted "
    "points of the caseload pages. Records without a known worker, or a worker not in post in a "
    "case-holding role that day, are counted as 'not known'."
)


def band_labels(policy: CaseloadPolicy) -> dict[str, str]:
    """Plain words for each band: 'up to 18 cases per FTE', 'above 18, up to 20', 'above 20'."""
    green, amber = policy.band_green, policy.band_amber
    return {
        "green": f"up to {green} cases per FTE",
        "amber": f"above {green}, up to {amber} cases per FTE",
        "red": f"above {amber} cases per FTE",
        NOT_KNOWN: "not known",
    }


def cases_changes(allocations: pl.DataFrame) -> pl.DataFrame:
    """worker_id, from_date, cases: each worker's allocated-worker cases as a step function,
    ``cases`` held from ``from_date`` until the next row's date (sorted by from_date)."""
    held = allocations.filter((pl.col("role") == ALLOCATED) & pl.col("worker_id").is_not_null())
    starts = held.select("worker_id", pl.col("start_date").alias("from_date"), pl.lit(1).alias("d"))
    ends = held.filter(pl.col("end_date").is_not_null()).select(
        "worker_id",
        (pl.col("end_date") + timedelta(days=1)).alias("from_date"),
        pl.lit(-1).alias("d"),
    )
    return (
        pl.concat([starts, ends])
        .group_by("worker_id", "from_date")
        .agg(pl.col("d").sum())
        .sort("worker_id", "from_date")
        .with_columns(pl.col("d").cum_sum().alias("_running"))
        .with_columns(
            # The running total less what it stood at before the worker's first row: the
            # worker's own running total (a window per worker is far slower).
            (
                pl.col("_running")
                - pl.when((pl.col("worker_id") != pl.col("worker_id").shift(1)).fill_null(True))
                .then(pl.col("_running") - pl.col("d"))
                .forward_fill()
            )
            .cast(pl.Int64)
            .alias("cases")
        )
        .select("worker_id", "from_date", "cases")
        .sort("from_date")
    )


def with_allocated_worker(
    events: pl.DataFrame, allocations: pl.DataFrame, day: str = "day"
) -> pl.DataFrame:
    """Fill a null ``worker_id`` with the child's allocated worker on the event's day (the
    latest started allocation covering it; null when the child had none). ``events``:
    child_id, worker_id, ``day``."""
    held = (
        allocations.filter(pl.col("role") == ALLOCATED)
        .select(
            "child_id",
            pl.col("worker_id").alias("_allocated"),
            pl.col("start_date").alias("_from"),
            pl.col("end_date").alias("_until"),
        )
        .sort("_from")
    )
    if events.is_empty() or events["worker_id"].null_count() == 0:
        return events
    missing = (
        events.select("child_id", pl.col(day).alias("_day"))
        .with_row_index("_row")
        .filter(events["worker_id"].is_null())
        .sort("_day")
        .join_asof(
            held,
            left_on="_day",
            right_on="_from",
            by="child_id",
            strategy="backward",
            check_sortedness=False,  # sorted by day, so sorted within each child
        )
    )
    ended = pl.col("_until").is_not_null() & (pl.col("_until") < pl.col("_day"))
    found = missing.select(
        "_row", pl.when(ended).then(None).otherwise(pl.col("_allocated")).alias("_allocated")
    )
    filled = events["worker_id"].scatter(found["_row"], found["_allocated"])
    return events.with_columns(filled.alias("worker_id"))


def link_to_caseloads(
    events: pl.DataFrame,
    allocations: pl.DataFrame,
    spells: pl.DataFrame,
    policy: CaseloadPolicy,
    *,
    workers: pl.DataFrame | None = None,
    day: str = "day",
    steps: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """``events`` (worker_id, ``day``, anything else, kept in order) with cases, fte, role,
    caseload (cases per FTE), band (green / amber / red, null when not banded) and band_label
    added, for the worker on the day. ``allocations``: worker_id, child_id, role, start_date,
    end_date; ``spells``: worker_id, role, fte, start_date, end_date; ``workers``
    (optional): worker_id, qualification_date, for ASYE status; ``steps``: their
    :func:`caseload_steps` when already worked out. See the module docstring."""
    added = ["cases", "fte", "role", "caseload", "band", "band_label"]
    if steps is None:
        steps = caseload_steps(allocations, spells, policy, workers)
    steps = steps.sort("worker_id", "from_date")
    rows = step_rows(steps, events["worker_id"], events[day])
    found = steps.select(pl.col(added).gather(rows))
    unknown = band_labels(policy)[NOT_KNOWN]
    return events.drop(added, strict=False).hstack(
        found.with_columns(
            pl.col("cases").fill_null(0), pl.col("band_label").fill_null(unknown)
        ).get_columns()
    )


_GRID_LIMIT: Final = 20_000_000  # cells (4 bytes each, 80 MB) of the worker-by-day table


def step_rows(steps: pl.DataFrame, worker_id: pl.Series, day: pl.Series) -> pl.Series:
    """For each (worker_id, day), the row of ``steps`` (sorted by worker_id, from_date) in
    force that day: the worker's last row with from_date on or before the day; null when the
    worker has none, or worker_id or day is null. An as-of join without sorting the events:
    a table of step rows by worker and day over the events' dates, read by position (or, when
    that table would be too big, a binary search)."""
    known = (worker_id.is_not_null() & day.is_not_null()).to_numpy()
    events_day = day.cast(pl.Int32).fill_null(0).to_numpy().astype(np.int64)
    workers, first_row = np.unique(steps["worker_id"].to_numpy(), return_index=True)
    event_workers = worker_id.fill_null(-1).to_numpy()
    slot = np.clip(np.searchsorted(workers, event_workers), 0, max(len(workers) - 1, 0))
    known &= len(workers) > 0
    if len(workers):
        known &= workers[slot] == event_workers
    if not known.any():
        return pl.repeat(None, len(worker_id), dtype=pl.UInt32, eager=True).alias("row")
    low = int(events_day[known].min())
    span = int(events_day[known].max()) - low + 1
    step_day = steps["from_date"].cast(pl.Int32).to_numpy().astype(np.int64)
    if len(workers) * span <= _GRID_LIMIT:
        grid = _step_grid(step_day, first_row, len(steps), low, span)
        offset = np.clip(events_day - low, 0, span - 1)
        row = grid[slot * span + offset]
    else:
        key = (slot.astype(np.int64) << 32) | (events_day + (1 << 31))
        step_slot = np.repeat(np.arange(len(workers)), np.diff(np.append(first_row, len(steps))))
        step_key = (step_slot.astype(np.int64) << 32) | (step_day + (1 << 31))
        found = np.searchsorted(step_key, key, side="right") - 1
        same = (found >= 0) & (step_slot[np.clip(found, 0, None)] == slot)
        row = np.where(same, found, -1)
    missing = np.flatnonzero(~known | (row < 0))
    return pl.Series("row", np.clip(row, 0, None), dtype=pl.UInt32).scatter(missing, None)


def _step_grid(
    step_day: npt.NDArray[np.int64],
    first_row: npt.NDArray[np.int64],
    rows: int,
    low: int,
    span: int,
) -> npt.NDArray[np.int32]:
    """A flat (worker slot x day from ``low``) table of the step row in force, -1 before a
    worker's first step. Each step fills the days from its date (clipped to the table) to the
    day before the worker's next step."""
    slot = np.repeat(np.arange(len(first_row)), np.diff(np.append(first_row, rows)))
    last_of_worker = np.append(first_row[1:], rows) - 1
    is_last = np.zeros(rows, dtype=bool)
    is_last[last_of_worker] = True
    begin = np.clip(step_day - low, 0, span)
    following = np.append(step_day[1:], 0)
    end = np.where(is_last, span, np.clip(following - low, 0, span))
    length = np.clip(end - begin, 0, None)
    grid = np.full(len(first_row) * span, -1, dtype=np.int32)
    start = slot * span + begin
    total = int(length.sum())
    if total:
        owner = np.repeat(np.arange(rows, dtype=np.int32), length)
        within = np.arange(total) - np.repeat(np.cumsum(length) - length, length)
        grid[np.repeat(start, length) + within] = owner
    return grid


def caseload_steps(
    allocations: pl.DataFrame,
    spells: pl.DataFrame,
    policy: CaseloadPolicy,
    workers: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """worker_id, from_date, cases, fte, role, caseload, band, band_label: each worker's
    caseload as a step function, each row in force from ``from_date`` until the worker's next
    row, with a row wherever the cases, the spell or (with ``workers``) the ASYE status change.
    Sorted by from_date. Linking an event is then one as-of join (see the module docstring)."""
    changes = cases_changes(allocations)
    posts = spells.select(
        "worker_id",
        pl.col("role").alias("_hr_role"),
        pl.col("fte").alias("_fte"),
        pl.col("start_date").alias("_from"),
        pl.col("end_date").alias("_until"),
    ).sort("_from")
    points = [
        changes.select("worker_id", "from_date"),
        posts.select("worker_id", pl.col("_from").alias("from_date")),
        posts.filter(pl.col("_until").is_not_null()).select(
            "worker_id", (pl.col("_until") + timedelta(days=1)).alias("from_date")
        ),
    ]
    status: pl.DataFrame | None = None
    if workers is not None and spells.height:
        first_day: date = spells["start_date"].min()  # type: ignore[assignment]
        status = asye_status(workers, spells, first_day).select(
            "worker_id", pl.col("asye").is_null().alias("_unknown"), "asye_from", "asye_until"
        )
        known = status.filter(pl.col("asye_from").is_not_null())
        points.append(known.select("worker_id", pl.col("asye_from").alias("from_date")))
        points.append(
            known.select("worker_id", (pl.col("asye_until") + timedelta(days=1)).alias("from_date"))
        )
    frame = (
        pl.concat(points)
        .unique()
        .sort("from_date")
        .join_asof(
            changes.rename({"from_date": "_changed"}),
            left_on="from_date",
            right_on="_changed",
            by="worker_id",
            strategy="backward",
            check_sortedness=False,  # sorted by date, so sorted within each worker
        )
        .join_asof(
            posts,
            left_on="from_date",
            right_on="_from",
            by="worker_id",
            strategy="backward",
            check_sortedness=False,
        )
    )
    ended = pl.col("_until").is_not_null() & (pl.col("_until") < pl.col("from_date"))
    frame = frame.with_columns(
        pl.col("cases").fill_null(0),
        pl.when(ended).then(None).otherwise(pl.col("_hr_role")).alias("_hr_role"),
        pl.when(ended).then(None).otherwise(pl.col("_fte")).alias("fte"),
    )
    role = pl.col("_hr_role")
    if status is not None:
        frame = frame.join(status, on="worker_id", how="left")
        day = pl.col("from_date")
        within = (pl.col("asye_from") <= day) & (pl.col("asye_until") >= day)
        asye = (
            pl.when(pl.col("_unknown").fill_null(True))
            .then(None)
            .otherwise(within.fill_null(False))
        )
        role = role_with_asye(role, asye)
    banded = pl.col("role").is_in(CASE_HOLDING_ROLES).fill_null(False) & (
        pl.col("fte").fill_null(0.0) > 0
    )
    frame = frame.with_columns(role.alias("role")).with_columns(
        pl.when(banded).then(pl.col("cases") / pl.col("fte")).alias("caseload")
    )
    # The policy rates each distinct caseload once (a few hundred values).
    ratings = frame.select(pl.col("caseload").drop_nulls().unique())
    ratings = ratings.with_columns(
        pl.Series("band", [policy.band(value) for value in ratings["caseload"]], dtype=pl.Utf8)
    )
    labels = band_labels(policy)
    return (
        frame.join(ratings, on="caseload", how="left")
        .with_columns(
            pl.col("band")
            .fill_null(NOT_KNOWN)
            .replace_strict(labels, return_dtype=pl.Utf8)
            .alias("band_label")
        )
        .select("worker_id", "from_date", "cases", "fte", "role", "caseload", "band", "band_label")
        .sort("from_date")
    )


def _by_band(linked: pl.DataFrame, summary: pl.DataFrame, policy: CaseloadPolicy) -> pl.DataFrame:
    order = {band: i for i, band in enumerate(BANDS)}
    labels = band_labels(policy)
    present = summary.with_columns(pl.col("band").fill_null(NOT_KNOWN))
    rows = pl.DataFrame({"band": [*BANDS, NOT_KNOWN]})
    frame = rows.join(present, on="band", how="left")
    if linked.filter(pl.col("band").is_null()).is_empty():
        frame = frame.filter(pl.col("band") != NOT_KNOWN)
    return (
        frame.with_columns(
            pl.col("band").replace_strict(labels, return_dtype=pl.Utf8).alias("band_label"),
            pl.col("band")
            .replace_strict(order, default=len(BANDS), return_dtype=pl.Int64)
            .alias("_o"),
        )
        .sort("_o")
        .drop("_o")
    )


def visits_by_band(
    visits: pl.DataFrame,
    allocations: pl.DataFrame,
    spells: pl.DataFrame,
    policy: CaseloadPolicy,
    *,
    workers: pl.DataFrame | None = None,
    day: str = "visit_date",
    steps: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """band, band_label, visits, on_time, share_on_time (%, 1 dp): visits with an ``on_time``
    boolean (computed from the standards beforehand) by the band of the visiting worker (or the
    child's allocated worker when the visit does not name one) on ``day``. Every band is listed
    (0 visits: share null); 'not known' only when some visit could not be banded. Visits with
    ``on_time`` null are left out. ``steps``: :func:`caseload_steps` when already worked
    out."""
    events = visits.filter(pl.col("on_time").is_not_null())
    if "child_id" in events.columns:
        events = with_allocated_worker(events, allocations, day)
    linked = link_to_caseloads(
        events, allocations, spells, policy, workers=workers, day=day, steps=steps
    )
    summary = (
        linked.group_by("band")
        .agg(
            pl.len().cast(pl.Int64).alias("visits"),
            pl.col("on_time").sum().cast(pl.Int64).alias("on_time"),
        )
        .with_columns(
            pl.when(pl.col("visits") > 0)
            .then(100.0 * pl.col("on_time") / pl.col("visits"))
            .round(1, mode="half_away_from_zero")
            .alias("share_on_time")
        )
    )
    frame = _by_band(linked, summary, policy).with_columns(pl.col("visits", "on_time").fill_null(0))
    return frame.select("band", "band_label", "visits", "on_time", "share_on_time")


def grades_by_band(
    audits: pl.DataFrame,
    allocations: pl.DataFrame,
    spells: pl.DataFrame,
    policy: CaseloadPolicy,
    *,
    workers: pl.DataFrame | None = None,
    day: str = "audit_date",
    steps: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """band, band_label, audits, good_or_better, share_good_or_better (%, 1 dp), mean_score
    (4 outstanding .. 1 inadequate, 2 dp): audits' final grades (moderated when moderated) by
    the band of the audited worker (or the child's allocated worker when the audit does not
    name one) on ``day``. Every band is listed; 'not known' only when needed. ``steps``:
    :func:`caseload_steps` when already worked out."""
    events = audits.with_columns(final_grade().alias("grade"))
    if "child_id" in events.columns:
        events = with_allocated_worker(events, allocations, day)
    linked = link_to_caseloads(
        events, allocations, spells, policy, workers=workers, day=day, steps=steps
    )
    summary = grade_summary(linked, ["band"])
    frame = _by_band(linked, summary, policy).with_columns(
        pl.col("audits", "good_or_better").fill_null(0)
    )
    return frame.select(
        "band", "band_label", "audits", "good_or_better", "share_good_or_better", "mean_score"
    )

"""The unallocated queue: open children with no allocated worker, how long each has waited, its
escalation status, and the team the child belongs to.

A child waits from the later of the day their case opened (the start of the unbroken run of
statuses covering the day) and the day after their last allocated worker's allocation ended
(:func:`waiting_since`, also used by the data-quality check); days waiting and the escalation
status (``escalate`` from the policy's escalation age, ``review`` from its review age, else
``new``) are defined in :mod:`caseload.caseloads.definitions`. The home team is where the child
belongs (see :func:`home_teams`): a sibling's worker's team, the last worker's team, or the teams
of the service areas handling the case type."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

import polars as pl

from caseload.caseloads.definitions import escalation, escalation_at, waiting_days
from caseload.caseloads.policy import CaseloadPolicy
from caseload.caseloads.position import ALLOCATED, CaseloadData, team_lookup

AREA_SHARE = 0.1

FAR = date(9999, 12, 31)


def waiting_since(
    statuses: pl.DataFrame, allocations: pl.DataFrame, waiting: pl.DataFrame
) -> pl.DataFrame:
    """child_id, waiting_since for ``waiting`` (child_id, as_at: children with no allocated worker
    on their as-at date, which may differ by authority): the later of the day the case opened (the
    start of the unbroken run of statuses covering ``as_at``) and the day after the last
    allocated-worker allocation that ended before ``as_at``. ``statuses``: child_id, start_date,
    end_date; ``allocations``: child_id, role, start_date, end_date."""
    dates = waiting.select("child_id", "as_at")
    ordered = (
        statuses.select("child_id", "start_date", "end_date")
        .join(dates, on="child_id")
        .filter(pl.col("start_date") <= pl.col("as_at"))
        .with_columns(pl.col("end_date").fill_null(FAR).alias("_end"))
        .sort("child_id", "start_date")
        .with_columns(pl.col("_end").cum_max().over("child_id").alias("_reach"))
    )
    reach = pl.col("_reach").shift(1).over("child_id")
    new_run = reach.is_null() | (pl.col("start_date") > reach.dt.offset_by("1d"))
    runs = ordered.with_columns(new_run.cast(pl.Int64).cum_sum().over("child_id").alias("run"))
    opened = (
        runs.group_by("child_id", "run")
        .agg(
            pl.col("start_date").min().alias("opened"),
            pl.col("_end").max().alias("_last"),
            pl.col("as_at").first(),
        )
        .filter((pl.col("opened") <= pl.col("as_at")) & (pl.col("_last") >= pl.col("as_at")))
        .select("child_id", "opened")
    )
    last_end = (
        allocations.filter(pl.col("role") == ALLOCATED)
        .select("child_id", "end_date")
        .join(dates, on="child_id")
        .filter(pl.col("end_date") < pl.col("as_at"))
        .group_by("child_id")
        .agg(pl.col("end_date").max().alias("last_end"))
    )
    since = pl.max_horizontal(
        pl.col("opened").fill_null(pl.col("as_at")), pl.col("last_end").dt.offset_by("1d")
    )
    return (
        dates.join(opened, on="child_id", how="left")
        .join(last_end, on="child_id", how="left")
        .select("child_id", since.alias("waiting_since"))
    )


def worker_team_at(data: CaseloadData, rows: pl.DataFrame) -> pl.DataFrame:
    """For rows of (key columns..., worker_id, at): the worker's team_id on ``at``."""
    names = data.teams.select("team_id", "team")
    spells = data.spells.join(names, on="team", how="left").select(
        "worker_id", "team_id", "start_date", "end_date"
    )
    return (
        rows.join(spells, on="worker_id", how="left")
        .filter(
            pl.col("start_date").is_null()
            | (
                (pl.col("start_date") <= pl.col("at"))
                & (pl.col("end_date").is_null() | (pl.col("end_date") >= pl.col("at")))
            )
        )
        .drop("start_date", "end_date")
    )


def case_type_areas(held: pl.DataFrame, workers: pl.DataFrame) -> pl.DataFrame:
    """case_type, service_id: the service areas that handle each case type, read from who holds
    what on the day: an area holding at least a tenth of the council's cases of a type handles it.
    """
    counts = (
        held.filter(pl.col("case_type").is_not_null())
        .join(workers.select("worker_id", "service_id"), on="worker_id")
        .filter(pl.col("service_id").is_not_null())
        .group_by("case_type", "service_id")
        .len()
    )
    share = pl.col("len") / pl.col("len").sum().over("case_type")
    return counts.filter(share >= AREA_SHARE).select("case_type", "service_id")


def home_teams(
    data: CaseloadData,
    cases: pl.DataFrame,
    held: pl.DataFrame,
    workers: pl.DataFrame,
    children: pl.Series,
    day: date,
    exclude_workers: Collection[int] = (),
) -> pl.DataFrame:
    """child_id, home_team_ids, home_team, home_from for ``children`` (open cases on ``day``).

    The home team is the team of a sibling's current worker (``sibling``); else the team of the
    child's last allocated worker, when that team's service area handles the child's case type now
    (``last worker``); else every team of the areas that handle the case type (``case type``);
    else none, and any team may take the child. Workers in ``exclude_workers`` (a caseload being
    moved) anchor nothing."""
    excluded = sorted(exclude_workers)
    wanted = cases.filter(pl.col("child_id").is_in(children.implode())).select(
        "child_id", "sibling_group", "case_type"
    )
    teams = team_lookup(data.teams)
    areas = case_type_areas(held.filter(~pl.col("worker_id").is_in(excluded)), workers)
    sibling_workers = cases.filter(
        pl.col("sibling_group").is_not_null()
        & pl.col("worker_id").is_not_null()
        & ~pl.col("worker_id").is_in(excluded)
    ).select("sibling_group", "worker_id", pl.lit(day).alias("at"))
    by_sibling = (
        worker_team_at(data, sibling_workers)
        .filter(pl.col("team_id").is_not_null())
        .group_by("sibling_group")
        .agg(pl.col("team_id").unique().sort().alias("sibling_teams"))
    )
    last = (
        data.allocations.filter(
            (pl.col("role") == ALLOCATED)
            & pl.col("child_id").is_in(children.implode())
            & (pl.col("start_date") <= day)
        )
        .sort("start_date", "allocation_id")
        .group_by("child_id")
        .last()
        .select(
            "child_id",
            "worker_id",
            pl.min_horizontal(pl.col("end_date").fill_null(day), pl.lit(day)).alias("at"),
        )
    )
    by_last = (
        worker_team_at(data, last)
        .group_by("child_id")
        .agg(pl.col("team_id").drop_nulls().last().alias("last_team"))
        .join(teams.select(pl.col("team_id").alias("last_team"), "service_id"), on="last_team")
    )
    handled = areas.with_columns(pl.lit(True).alias("handles"))
    area_teams = (
        areas.join(teams.select("team_id", "service_id", "service"), on="service_id")
        .group_by("case_type")
        .agg(
            pl.col("team_id").unique().sort().alias("area_teams"),
            pl.col("service").unique().sort().str.join(" or ").alias("areas"),
        )
    )
    frame = (
        wanted.join(by_sibling, on="sibling_group", how="left")
        .join(by_last, on="child_id", how="left")
        .join(handled, on=["case_type", "service_id"], how="left")
        .join(area_teams, on="case_type", how="left")
        .with_columns(
            # With no area data for the case type, the last worker's team stands.
            (pl.col("handles").fill_null(False) | pl.col("area_teams").is_null()).alias("handles")
        )
    )
    names = dict(teams.select("team_id", "team").iter_rows())
    last_ok = pl.col("last_team").is_not_null() & pl.col("handles")
    frame = frame.with_columns(
        pl.when(pl.col("sibling_teams").is_not_null())
        .then(pl.col("sibling_teams"))
        .when(last_ok)
        .then(pl.concat_list(pl.col("last_team")))
        .otherwise(pl.col("area_teams"))
        .alias("home_team_ids"),
        pl.when(pl.col("sibling_teams").is_not_null())
        .then(pl.lit("sibling"))
        .when(last_ok)
        .then(pl.lit("last worker"))
        .when(pl.col("area_teams").is_not_null())
        .then(pl.lit("case type"))
        .alias("home_from"),
    )
    label = pl.when(pl.col("home_from") == "case type").then(
        pl.col("areas") + pl.lit(" (any team)")
    )
    frame = frame.with_columns(label.alias("home_team"))
    labels = [
        row["home_team"]
        if row["home_team"] is not None
        else (", ".join(names.get(t, str(t)) for t in row["home_team_ids"]) or None)
        if row["home_team_ids"] is not None
        else None
        for row in frame.select("home_team", "home_team_ids").iter_rows(named=True)
    ]
    return frame.select(
        "child_id",
        pl.col("home_team_ids").fill_null(pl.lit([], dtype=pl.List(pl.Int64))),
        pl.Series("home_team", labels, dtype=pl.Utf8),
        "home_from",
    )


def unallocated_queue(
    data: CaseloadData,
    cases: pl.DataFrame,
    held: pl.DataFrame,
    workers: pl.DataFrame,
    day: date,
    policy: CaseloadPolicy,
) -> pl.DataFrame:
    """One row per open child with no allocated worker on ``day``: child_id, child_ref,
    sibling_group, case_type, proceedings, points, protected, priority, waiting_since,
    days_waiting, escalation, home_team_ids, home_team, home_from; most urgent first."""
    waiting = cases.filter(pl.col("worker_id").is_null())
    ids = waiting["child_id"]
    since = waiting_since(
        data.statuses,
        data.allocations,
        waiting.select("child_id", pl.lit(day, dtype=pl.Date).alias("as_at")),
    )
    frame = (
        waiting.join(since, on="child_id", how="left")
        .join(home_teams(data, cases, held, workers, ids, day), on="child_id", how="left")
        .with_columns(
            waiting_days(pl.col("waiting_since"), pl.lit(day, dtype=pl.Date)).alias("days_waiting")
        )
    )
    return (
        frame.with_columns(escalation(pl.col("days_waiting"), policy).alias("escalation"))
        .select(
            "child_id",
            "child_ref",
            "sibling_group",
            "case_type",
            "proceedings",
            "points",
            "protected",
            "priority",
            "waiting_since",
            "days_waiting",
            "escalation",
            "home_team_ids",
            "home_team",
            "home_from",
        )
        .sort(["priority", "days_waiting", "child_ref"], descending=[False, True, False])
    )


def waiting_by_home_team(queue: pl.DataFrame) -> pl.DataFrame:
    """Children waiting per home team ("any team" for a child with none): how many, how many past
    the escalation age, and the longest wait in days."""
    return (
        queue.with_columns(pl.col("home_team").fill_null("any team"))
        .group_by("home_team")
        .agg(
            pl.len().alias("children"),
            (pl.col("escalation") == "escalate").sum().alias("escalate"),
            pl.col("days_waiting").max().alias("longest"),
        )
    )


def waiting_by_council(
    waiting: pl.DataFrame,
    statuses: pl.DataFrame,
    allocations: pl.DataFrame,
    day: date,
    ages: pl.DataFrame,
) -> pl.DataFrame:
    """The unallocated queue of many councils on ``day`` in one pass, as each council's own
    :func:`unallocated_queue` counts it: LEA, children_waiting, escalate (past the escalation
    age), longest_wait (days; null with nobody waiting). ``waiting``: LEA, child_id (the children
    with an open status and no allocated worker on the day); ``statuses`` and ``allocations``:
    theirs, as :func:`waiting_since` takes them; ``ages``: LEA, review_days, escalate_days (each
    council's policy)."""
    since = waiting_since(
        statuses, allocations, waiting.select("child_id", pl.lit(day, dtype=pl.Date).alias("as_at"))
    )
    days = waiting_days(pl.col("waiting_since"), pl.lit(day, dtype=pl.Date))
    stage = escalation_at(
        pl.col("days"), review=pl.col("review_days"), escalate=pl.col("escalate_days")
    )
    return (
        waiting.join(since, on="child_id", how="left")
        .join(ages, on="LEA", how="left")
        .with_columns(days.alias("days"))
        .group_by("LEA")
        .agg(
            pl.len().cast(pl.Int64).alias("children_waiting"),
            (stage == "escalate").sum().cast(pl.Int64).alias("escalate"),
            pl.col("days").max().alias("longest_wait"),
        )
    )

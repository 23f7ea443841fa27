"""The person-month panel the leaving-risk model learns from: one row per own social work
employee per calendar month of service, with the working conditions of that month.

Each row is an interval of continuous service (:func:`caseload.retention.episodes.service_episodes`)
from ``start`` to ``stop`` days of service (the time scale is length of service), ending either
at the next month's first day, or on leaving (``event`` true: the person's last day fell in the
interval), or the day after ``as_at`` (still in post). Its covariates are measured on the
*measure day*: the month's first day, or the first day of service when the person started later
in the month. Only these four, each in plain words:

- ``months_over_cap``: of the last 6 months (this one and the 5 before), the months in which
  the worker held more cases than their cap on the month's first day, by the caseload policy's
  own test (:func:`caseload.caseloads.definitions.over_case_cap`: more cases than the role's
  case cap x FTE, x the phased-return share);
- ``absence_spells``: sickness absence spells (reason ``SIC``) starting in the 12 months before
  the measure day. Maternity and paternity leave is never counted (pregnancy and maternity is a
  protected characteristic), nor training, public duties or other leave;
- ``manager_changes``: changes of the worker's team or of their team's manager between one
  month's first day and the next, over the last 12 months. A team's manager is the latest one
  appointed (team management records) on or before the day, so a gap between two managers is
  one change, not two;
- ``team_turnover``: own social work staff who left the worker's team in the 12 months before
  the measure day (their last team), divided by the team's own social work headcount on the
  measure day (people with a spell in the team covering it, less anyone whose last day it is).

The panel never carries birth date, age, sex or gender, ethnicity, disability, religion or any
other protected characteristic (:data:`PROTECTED_CHARACTERISTICS`); ``tests`` assert the model's
inputs are exactly :data:`COVARIATE_NAMES`.

Rows from the 12 months before ``observed_from`` are built so the look-backs are filled, then
dropped: the model sees the months from ``observed_from`` to ``as_at``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from caseload.caseloads.definitions import CENSUS_ROLES, over_case_cap
from caseload.caseloads.policy import CaseloadPolicy
from caseload.caseloads.position import ALLOCATED, CaseloadData, active_on, workers_on
from caseload.retention.flows import OWN

SICKNESS = "SIC"
OVER_CAP_MONTHS = 6
LOOK_BACK_MONTHS = 12


@dataclass(frozen=True)
class Covariate:
    """One input of the model: its panel column, its name on pages, and the step its hazard
    ratio is given for (``per`` units of the column, described by ``per_words``)."""

    name: str
    label: str
    meaning: str
    per: float
    per_words: str


COVARIATES: tuple[Covariate, ...] = (
    Covariate(
        "months_over_cap",
        "Months over their caseload cap",
        "Of the last 6 months, the months in which the worker held more cases than their cap "
        "on the month's first day.",
        1.0,
        "each month over cap (of the last 6)",
    ),
    Covariate(
        "absence_spells",
        "Sickness absence spells",
        "Sickness absence spells that started in the last 12 months.",
        1.0,
        "each sickness absence spell in the last year",
    ),
    Covariate(
        "manager_changes",
        "Changes of manager or team",
        "Changes of the worker's team, or of their team's manager, in the last 12 months.",
        1.0,
        "each change of manager or team in the last year",
    ),
    Covariate(
        "team_turnover",
        "Turnover in their team",
        "Staff who left the worker's team in the last 12 months, as a share of the team's "
        "headcount.",
        0.1,
        "each 10 percentage points of their team leaving in the last year",
    ),
)
COVARIATE_NAMES: tuple[str, ...] = tuple(c.name for c in COVARIATES)

PROTECTED_CHARACTERISTICS: frozenset[str] = frozenset(
    {
        "birth_date",
        "age",
        "gender",
        "sex",
        "ethnicity",
        "disability",
        "religion",
        "belief",
        "sexual_orientation",
        "gender_reassignment",
        "marriage",
        "civil_partnership",
        "pregnancy",
        "maternity",
    }
)
"""Columns the panel must never carry (the Equality Act 2010's protected characteristics and the
census items that record them)."""

PANEL_COLUMNS = (
    "worker_id",
    "episode",
    "month",
    "measured_on",
    "started",
    "start",
    "stop",
    "event",
    "team",
    *COVARIATE_NAMES,
)


def month_starts(first: date, last: date) -> list[date]:
    """The first day of every month from ``first``'s month to ``last``'s, in order."""
    months: list[date] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def over_cap_on(data: CaseloadData, policy: CaseloadPolicy, days: Sequence[date]) -> pl.DataFrame:
    """worker_id, month, over_cap: the workers over their case cap on each day, by the caseload
    pages' own definition: the day's position (:func:`~caseload.caseloads.position.workers_on`,
    which gives each worker's cap) and cases (allocated-worker allocations active on the day,
    as :func:`~caseload.caseloads.position.held_on` counts them), tested with
    :func:`~caseload.caseloads.definitions.over_case_cap`. One position per day: a loop over
    days, never over workers."""
    allocated = data.allocations.filter(pl.col("role") == ALLOCATED)
    found = []
    for day in days:
        cases = (
            active_on(allocated, day)
            .group_by("worker_id")
            .agg(pl.len().cast(pl.Int64).alias("cases"))
        )
        position = workers_on(data, day, policy).join(cases, on="worker_id", how="left")
        found.append(
            position.with_columns(pl.col("cases").fill_null(0))
            .filter(over_case_cap().fill_null(False))
            .select("worker_id", pl.lit(day, dtype=pl.Date).alias("month"))
        )
    schema = {"worker_id": pl.Int64, "month": pl.Date}
    frames = [f.cast(schema) for f in found]  # type: ignore[arg-type]
    joined = pl.concat(frames) if frames else pl.DataFrame(schema=schema)
    return joined.with_columns(pl.lit(True).alias("over_cap"))


def _months(episodes: pl.DataFrame, first_month: date, as_at: date) -> pl.DataFrame:
    """One row per episode and month it was in service in, from ``first_month`` on."""
    last_month = date(as_at.year, as_at.month, 1)
    begin = pl.max_horizontal(pl.col("started").dt.month_start(), pl.lit(first_month))
    end = pl.col("last_day").fill_null(as_at).dt.month_start()
    exit_day = pl.col("last_day").fill_null(as_at) + timedelta(days=1)
    return (
        episodes.filter(pl.col("last_day").is_null() | (pl.col("last_day") >= first_month))
        .select(
            "worker_id",
            "episode",
            "started",
            "left",
            exit_day.alias("_exit"),
            pl.date_ranges(begin, pl.min_horizontal(end, pl.lit(last_month)), "1mo").alias("month"),
        )
        .explode("month")
        .drop_nulls("month")
        .with_columns(pl.max_horizontal("month", "started").alias("measured_on"))
        .with_columns(
            pl.min_horizontal(pl.col("month").dt.offset_by("1mo"), pl.col("_exit")).alias("_to")
        )
        .with_columns(
            (pl.col("measured_on") - pl.col("started")).dt.total_days().alias("start"),
            (pl.col("_to") - pl.col("started")).dt.total_days().alias("stop"),
            (pl.col("left") & (pl.col("_to") == pl.col("_exit"))).alias("event"),
        )
        .sort("worker_id", "episode", "month")
    )


def _teams_on(rows: pl.DataFrame, spells: pl.DataFrame) -> pl.DataFrame:
    """worker_id, measured_on, team: the team of the worker's latest own spell covering the
    measure day."""
    own = spells.filter(pl.col("contract") == OWN).select(
        "worker_id", "team", "start_date", "end_date"
    )
    day = pl.col("measured_on")
    return (
        rows.select("worker_id", "measured_on")
        .unique()
        .join(own, on="worker_id")
        .filter(
            (pl.col("start_date") <= day)
            & (pl.col("end_date").is_null() | (pl.col("end_date") >= day))
        )
        .sort("start_date")
        .group_by("worker_id", "measured_on")
        .agg(pl.col("team").last())
    )


def _managers_on(rows: pl.DataFrame, teams: pl.DataFrame, managers: pl.DataFrame) -> pl.DataFrame:
    """team, measured_on, manager: the latest manager appointed to the team on or before the
    day."""
    keys = (
        rows.select("team", "measured_on")
        .unique()
        .drop_nulls("team")
        .join(teams.select("team", "team_id"), on="team", how="left")
        .sort("measured_on")
    )
    appointed = (
        managers.select("team_id", pl.col("worker_id").alias("manager"), "start_date")
        .drop_nulls("team_id")
        .sort("start_date")
    )
    return keys.join_asof(
        appointed,
        left_on="measured_on",
        right_on="start_date",
        by="team_id",
        strategy="backward",
        check_sortedness=False,  # sorted by day above; Polars cannot check within groups
    ).select("team", "measured_on", "manager")


def _absence_counts(rows: pl.DataFrame, absences: pl.DataFrame) -> pl.DataFrame:
    """worker_id, measured_on, absence_spells: sickness spells started in the 12 months before
    the measure day."""
    sickness = absences.filter(pl.col("reason") == SICKNESS).select("worker_id", "start_date")
    day = pl.col("measured_on")
    return (
        rows.select("worker_id", "measured_on")
        .unique()
        .join(sickness, on="worker_id")
        .filter((pl.col("start_date") < day) & (pl.col("start_date") >= day.dt.offset_by("-1y")))
        .group_by("worker_id", "measured_on")
        .agg(pl.len().cast(pl.Int64).alias("absence_spells"))
    )


def _team_turnover(
    rows: pl.DataFrame, spells: pl.DataFrame, episodes: pl.DataFrame
) -> pl.DataFrame:
    """team, measured_on, team_turnover: leavers of the last 12 months from the team (by their
    last team) over its own social work headcount on the day."""
    keys = rows.select("team", "measured_on").unique().drop_nulls("team")
    day = pl.col("measured_on")
    leavers = (
        keys.join(
            episodes.filter(pl.col("left")).select("team", "last_day"), on="team", how="inner"
        )
        .filter((pl.col("last_day") < day) & (pl.col("last_day") >= day.dt.offset_by("-1y")))
        .group_by("team", "measured_on")
        .agg(pl.len().cast(pl.Int64).alias("_leavers"))
    )
    leaving = episodes.filter(pl.col("left")).select(
        "worker_id", pl.col("last_day").alias("measured_on"), pl.lit(True).alias("_leaving")
    )
    social_work = spells.filter(
        (pl.col("contract") == OWN) & pl.col("role").is_in(CENSUS_ROLES)
    ).select("worker_id", "team", "start_date", "end_date")
    headcount = (
        keys.join(social_work, on="team")
        .filter(
            (pl.col("start_date") <= day)
            & (pl.col("end_date").is_null() | (pl.col("end_date") >= day))
        )
        .join(leaving, on=["worker_id", "measured_on"], how="anti")
        .group_by("team", "measured_on")
        .agg(pl.col("worker_id").n_unique().cast(pl.Int64).alias("_headcount"))
    )
    return (
        keys.join(leavers, on=["team", "measured_on"], how="left")
        .join(headcount, on=["team", "measured_on"], how="left")
        .with_columns(
            pl.when(pl.col("_headcount") > 0)
            .then(pl.col("_leavers").fill_null(0) / pl.col("_headcount"))
            .otherwise(0.0)
            .alias("team_turnover")
        )
        .select("team", "measured_on", "team_turnover")
    )


def person_months(
    episodes: pl.DataFrame,
    data: CaseloadData,
    policy: CaseloadPolicy,
    *,
    observed_from: date,
    as_at: date,
) -> pl.DataFrame:
    """The person-month panel (see the module's description) of ``episodes`` (from
    :func:`~caseload.retention.episodes.service_episodes` on ``as_at``) for the months from
    ``observed_from``'s to ``as_at``'s. Columns: :data:`PANEL_COLUMNS`."""
    if observed_from > as_at:
        raise ValueError(f"the panel must start by {as_at}, not on {observed_from}")
    first_month = date(observed_from.year, observed_from.month, 1)
    look_back = date(first_month.year - 1, first_month.month, 1)
    rows = _months(episodes, look_back, as_at)
    over_cap = over_cap_on(data, policy, month_starts(look_back, as_at))
    rows = (
        rows.join(_teams_on(rows, data.spells), on=["worker_id", "measured_on"], how="left")
        .join(over_cap, on=["worker_id", "month"], how="left")
        .join(_absence_counts(rows, data.absences), on=["worker_id", "measured_on"], how="left")
    )
    rows = rows.join(
        _managers_on(rows, data.teams, data.managers), on=["team", "measured_on"], how="left"
    ).join(_team_turnover(rows, data.spells, episodes), on=["team", "measured_on"], how="left")
    within = ["worker_id", "episode"]
    previous_team = pl.col("team").shift(1).over(within)
    previous_manager = pl.col("manager").shift(1).over(within)
    first_row = pl.col("month") == pl.col("month").min().over(within)
    changed = ~first_row & (
        previous_team.ne_missing(pl.col("team")) | previous_manager.ne_missing(pl.col("manager"))
    )
    panel = (
        rows.sort("worker_id", "episode", "month")
        .with_columns(
            changed.cast(pl.Int64).alias("_changed"),
            pl.col("over_cap").fill_null(False).cast(pl.Int64).alias("_over"),
        )
        .with_columns(
            pl.col("_over")
            .rolling_sum(OVER_CAP_MONTHS, min_samples=1)
            .over(within)
            .cast(pl.Int64)
            .alias("months_over_cap"),
            pl.col("_changed")
            .rolling_sum(LOOK_BACK_MONTHS, min_samples=1)
            .over(within)
            .cast(pl.Int64)
            .alias("manager_changes"),
            pl.col("absence_spells").fill_null(0).cast(pl.Int64),
            pl.col("team_turnover").fill_null(0.0),
        )
        .filter((pl.col("month") >= first_month) & (pl.col("stop") > pl.col("start")))
    )
    return panel.select(PANEL_COLUMNS)

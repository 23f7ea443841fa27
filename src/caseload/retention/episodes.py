"""Service episodes: each period of continuous own-staff service with the council, the unit every
retention figure counts (survival curves, leaving hazards, the risk model and the supply model).

An episode chains a worker's own-staff spells in any role while each starts no later than the day
after the service so far ends, exactly as :func:`caseload.retention.flows.service_starts` measures
length of service, and is kept when at least one of its spells is in a census (social work) role.
An episode is followed to ``as_at``: it *ended* when its last day is on or before ``as_at`` (the
person left own employment; someone whose last day is ``as_at`` has left, as the census has it),
and is *censored* at ``as_at`` otherwise. Spells starting after ``as_at`` are not seen.

Columns of :func:`service_episodes`:

- ``worker_id``, ``started`` (first day), ``last_day`` (null while in post on ``as_at``),
  ``left`` (ended by ``as_at``), ``days`` (service to the last day, or to ``as_at``, inclusive)
  and ``years`` (``days`` / 365.25);
- ``entry_role`` and ``entry_team``: the role and team of the first social work spell;
  ``role`` and ``team``: those of the latest spell seen (at ``as_at`` or on leaving);
- ``entry_service`` and ``service``: the services of those teams (``services`` frame);
- ``route``: how the person came in, a :class:`Route` value (``route_label`` its words);
- ``cohort``: the census year (October to September) the episode started in."""

from __future__ import annotations

from datetime import date, timedelta
from enum import IntEnum

import polars as pl

from caseload.caseloads.definitions import CENSUS_ROLES
from caseload.retention.flows import (
    FAR_FUTURE,
    OWN,
    Origin,
    _agency_conversions,
    census_year_expr,
    origin_of,
)

DAYS_A_YEAR = 365.25


class Route(IntEnum):
    """How a person came into the council's own social work workforce."""

    NEWLY_QUALIFIED = 1
    STEP_UP = 2
    FRONTLINE = 3
    EXPERIENCED = 4
    FROM_AGENCY = 5
    NOT_KNOWN = 6

    @property
    def label(self) -> str:
        return ROUTE_LABELS[self]


ROUTE_LABELS = {
    Route.NEWLY_QUALIFIED: "Newly qualified (university)",
    Route.STEP_UP: "Newly qualified (Step Up)",
    Route.FRONTLINE: "Newly qualified (Frontline)",
    Route.EXPERIENCED: "Experienced",
    Route.FROM_AGENCY: "From agency to permanent",
    Route.NOT_KNOWN: "Not known",
}


def route_of(origin: pl.Expr, step_up: pl.Expr, frontline: pl.Expr) -> pl.Expr:
    """A :class:`Route` value from the starter's :class:`~caseload.retention.flows.Origin` (the
    census start origin, or the council's records where it is not recorded) and the fast-track
    flags: a newly qualified start by a Frontline or Step Up graduate is that route."""
    newly = origin == Origin.NEWLY_QUALIFIED.value
    return (
        pl.when(newly & frontline.fill_null(False))
        .then(Route.FRONTLINE.value)
        .when(newly & step_up.fill_null(False))
        .then(Route.STEP_UP.value)
        .when(newly)
        .then(Route.NEWLY_QUALIFIED.value)
        .when(origin.is_in([Origin.ANOTHER_COUNCIL.value, Origin.EXPERIENCED_OTHER.value]))
        .then(Route.EXPERIENCED.value)
        .when(origin == Origin.FROM_AGENCY.value)
        .then(Route.FROM_AGENCY.value)
        .otherwise(Route.NOT_KNOWN.value)
        .cast(pl.Int64)
    )


def _worker_flags(workers: pl.DataFrame) -> pl.DataFrame:
    wanted = {
        "qualification_date": pl.Date,
        "step_up": pl.Boolean,
        "frontline": pl.Boolean,
    }
    return workers.select(
        "worker_id",
        *[
            (pl.col(name) if name in workers.columns else pl.lit(None)).cast(kind).alias(name)
            for name, kind in wanted.items()
        ],
    )


def service_episodes(
    spells: pl.DataFrame, workers: pl.DataFrame, services: pl.DataFrame, as_at: date
) -> pl.DataFrame:
    """Every episode of own-staff social work service started on or before ``as_at`` (see the
    module's description for the columns), sorted by worker and start."""
    seen = spells.filter((pl.col("contract") == OWN) & (pl.col("start_date") <= as_at))
    reach_so_far = pl.col("end_date").fill_null(FAR_FUTURE).cum_max().shift(1).over("worker_id")
    breaks = reach_so_far.is_null() | (pl.col("start_date") > reach_so_far + timedelta(days=1))
    runs = (
        seen.sort("worker_id", "start_date", "end_date", nulls_last=True)
        .with_columns(breaks.alias("_break"))
        .with_columns(pl.col("_break").cum_sum().over("worker_id").alias("episode"))
        .with_columns(pl.col("role").is_in(CENSUS_ROLES).alias("_social_work"))
    )
    social_work = runs.filter(pl.col("_social_work"))
    episodes = runs.group_by("worker_id", "episode").agg(
        pl.col("start_date").min().alias("started"),
        pl.col("end_date").fill_null(FAR_FUTURE).max().alias("_reach"),
        pl.col("_social_work").any().alias("_any_social_work"),
        pl.col("start_origin").first().alias("_recorded_origin"),
        pl.col("role").last().alias("role"),
        pl.col("team").last().alias("team"),
    )
    first_social_work = social_work.group_by("worker_id", "episode").agg(
        pl.col("role").first().alias("entry_role"),
        pl.col("team").first().alias("entry_team"),
    )
    team_service = services.select("team", "service").unique(subset="team", keep="first")
    ended = pl.col("_reach") <= as_at
    last_day = pl.when(ended).then(pl.col("_reach")).otherwise(None)
    days = (
        pl.when(ended).then(pl.col("_reach")).otherwise(pl.lit(as_at)) - pl.col("started")
    ).dt.total_days() + 1
    starts = (
        episodes.filter(pl.col("_any_social_work"))
        .join(first_social_work, on=["worker_id", "episode"], how="left")
        .with_columns(
            last_day.alias("last_day"),
            ended.alias("left"),
            days.cast(pl.Int64).alias("days"),
            pl.col("started").alias("RoleStartDate"),
        )
        .with_columns((pl.col("days") / DAYS_A_YEAR).alias("years"))
    )
    conversions = _agency_conversions(starts.select("worker_id", "RoleStartDate"), spells)
    flags = _worker_flags(workers)
    with_route = (
        starts.join(conversions, on=["worker_id", "RoleStartDate"], how="left")
        .join(flags, on="worker_id", how="left")
        .with_columns(
            route_of(
                origin_of(
                    pl.col("_recorded_origin"),
                    pl.col("_from_agency").fill_null(False),
                    pl.col("qualification_date"),
                    pl.col("started"),
                ),
                pl.col("step_up"),
                pl.col("frontline"),
            ).alias("route"),
            census_year_expr(pl.col("started")).alias("cohort"),
        )
        .join(
            team_service.rename({"team": "entry_team", "service": "entry_service"}),
            on="entry_team",
            how="left",
        )
        .join(team_service, on="team", how="left")
    )
    return with_route.select(
        "worker_id",
        "episode",
        "started",
        "last_day",
        "left",
        "days",
        "years",
        "entry_role",
        "entry_team",
        "entry_service",
        "role",
        "team",
        "service",
        "route",
        pl.col("route")
        .replace_strict({route.value: route.label for route in Route}, return_dtype=pl.Utf8)
        .alias("route_label"),
        "cohort",
    ).sort("worker_id", "started")

"""The supply model's inputs from a council's history (frames in, :class:`SupplyInputs` out).

Everything is measured over a window of ``history_years`` years ending on ``as_at`` (3 by
default), from the frames the services hold (``spells``, ``workers``, ``posts`` and the
``services`` of teams, see :mod:`caseload.retention.flows`):

- *staff on the first day*: own staff in post on ``as_at`` in the modelled roles
  (:data:`SUPPLY_ROLES`), with their FTE, completed months of continuous service
  (:func:`caseload.retention.flows.service_starts`) and months in their role;
- *leaving*: the annual leaving rate by band of service
  (:func:`caseload.retention.hazard.leaving_hazard` over the window), as a monthly chance; a band
  with no exposure takes the rate of all bands together;
- *progression*: moves up from each role to the next in the window (hand-overs,
  :func:`caseload.retention.flows.handovers`) per year, over the role's headcount on ``as_at``,
  as a monthly chance; an ASYE becomes a social worker after 12 months;
- *newly qualified intakes*: the ASYE starts in the window by calendar month, per year, repeated
  in the same months of each forecast year (the assumption), unless the council's pipeline
  (``placements``, :mod:`caseload.practice.pipeline`) can say better: then, for each year from
  the first forecast year to the last year a learner on the pipeline qualifies in, the intake is
  the learners qualifying that year, each converting with the council's conversion rate
  (:func:`caseload.practice.pipeline.pipeline_intake`), arriving in the usual month of a
  conversion (:func:`usual_start_month`), plus the newly qualified starters who did not come
  through the pipeline (the window's ASYE starts less those converted from placements), in
  their months; later years take the assumption (:func:`newly_qualified_intakes`);
- *recruitment rounds*: every ``rounds_every`` months for each post group, with a lead time of
  ``lead_months``; the success rate is the share of the people sought who started, estimated as
  experienced starters per year over (rounds per year x the average gap in people over the
  window), kept between 5% and 95% (50% without history);
- *establishment*: the funded FTE of posts open on ``as_at`` by role; ASYE posts count with the
  social worker posts.

The modelled roles are the practitioner ladder up to the team manager; service managers, senior
managers and qualified staff without cases are outside the supply model."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from caseload.caseloads.definitions import StaffGroup, in_post_spells
from caseload.domain import Role
from caseload.forecasting.supply import (
    Intake,
    RecruitmentRound,
    SupplyInputs,
    leave_by_month_from_bands,
)
from caseload.practice.pipeline import pipeline_intake
from caseload.retention.episodes import service_episodes
from caseload.retention.flows import OWN, SERVICE_BANDS, handovers, service_starts
from caseload.retention.hazard import leaving_hazard

SUPPLY_ROLES: tuple[str, ...] = (
    Role.ASYE.value,
    Role.SOCIAL_WORKER.value,
    Role.SENIOR_SOCIAL_WORKER.value,
    Role.ADVANCED_PRACTITIONER.value,
    Role.TEAM_MANAGER.value,
)
POST_GROUP: dict[str, str] = {Role.ASYE.value: Role.SOCIAL_WORKER.value}
"""Roles whose posts are counted with another role's: an ASYE fills a social worker post."""
SUCCESS_BOUNDS = (0.05, 0.95)
DEFAULT_SUCCESS = 0.5
USUAL_START_MONTH = 9
"""September: the month newly qualified cohorts usually start in, without a history to go by."""
FROM_PIPELINE = "pipeline"
FROM_HISTORY = "history"


@dataclass(frozen=True)
class IntakeSource:
    """Where the forecast's newly qualified intakes come from: the pipeline, or the assumption
    that the window's ASYE starts carry on (``history``), and why."""

    source: str
    """``pipeline`` or ``history``."""
    reason: str
    """Why the intakes come from history (empty when they come from the pipeline)."""
    pipeline: pl.DataFrame
    """year, learners, conversion_rate, expected_intake, month: the learners qualifying each year
    of the pipeline and the forecast month they arrive in (null past the horizon); empty when the
    intakes come from history."""
    start_month: int
    """The calendar month the pipeline's learners start their ASYE posts in."""
    through_year: int | None
    """The last year the pipeline covers (None from history); later years come from history."""


@dataclass(frozen=True)
class SupplyEvidence:
    """What the inputs were measured from, for the page's method section and the docs."""

    window: tuple[date, date]
    hazard: pl.DataFrame
    """band, exposure_years, leavers, annual_rate (as used: gaps filled)."""
    progression: pl.DataFrame
    """from_role, to_role, moves_per_year, headcount, yearly_chance."""
    intakes: pl.DataFrame
    """calendar_month, asye_per_year, other_per_year (those not converted from the council's
    placements)."""
    recruitment: pl.DataFrame
    """role, starters_per_year, average_gap_people, success_rate."""
    intake_source: IntakeSource


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months on (the month's last day when it is shorter, or
    when ``day`` is the last day of its month: month ends stay month ends)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return date(year, month + 1, last)
    return date(year, month + 1, min(day.day, last))


def whole_months(start: pl.Expr, day: date) -> pl.Expr:
    """Completed calendar months from ``start`` to ``day``."""
    months = (day.year - start.dt.year()) * 12 + (day.month - start.dt.month())
    return (months - (start.dt.day() > day.day).cast(pl.Int64)).clip(lower_bound=0)


def as_known_on(frame: pl.DataFrame, day: date, *, reasons: Sequence[str] = ()) -> pl.DataFrame:
    """Rows as they stood on ``day``: started by then, with later endings (and the ``reasons``
    columns recorded with them) not yet known."""
    later = pl.col("end_date") > day
    return frame.filter(pl.col("start_date") <= day).with_columns(
        pl.when(later).then(None).otherwise(pl.col("end_date")).alias("end_date"),
        *[
            pl.when(later).then(None).otherwise(pl.col(column)).alias(column)
            for column in reasons
            if column in frame.columns
        ],
    )


def own_fte_by_role(spells: pl.DataFrame, day: date) -> dict[str, float]:
    """Own staff FTE in post on ``day`` by modelled role."""
    found = (
        in_post_spells(spells, day, StaffGroup.SOCIAL_WORKERS)
        .filter(pl.col("role").is_in(SUPPLY_ROLES))
        .group_by("role")
        .agg(pl.col("fte").fill_null(0.0).sum())
    )
    return dict(zip(found["role"].to_list(), found["fte"].to_list(), strict=True))


def establishment_by_role(posts: pl.DataFrame, day: date) -> dict[str, float]:
    """Funded FTE of posts open on ``day`` by modelled role."""
    found = (
        posts.filter(
            (pl.col("start_date") <= day)
            & (pl.col("end_date").is_null() | (pl.col("end_date") >= day))
            & pl.col("role").is_in(SUPPLY_ROLES)
        )
        .group_by("role")
        .agg(pl.col("funded_fte").fill_null(0.0).sum())
    )
    return dict(zip(found["role"].to_list(), found["funded_fte"].to_list(), strict=True))


def _staff(spells: pl.DataFrame, as_at: date) -> pl.DataFrame:
    in_post = in_post_spells(spells, as_at, StaffGroup.SOCIAL_WORKERS).filter(
        pl.col("role").is_in(SUPPLY_ROLES)
    )
    main = (
        in_post.sort("fte", descending=True)
        .group_by("worker_id")
        .agg(pl.col("role").first(), pl.col("fte").fill_null(0.0).sum().clip(upper_bound=1.0))
    )
    role_start = (
        spells.filter(pl.col("contract") == OWN)
        .join(main.select("worker_id", "role"), on=["worker_id", "role"])
        .filter(pl.col("start_date") <= as_at)
        .group_by("worker_id")
        .agg(pl.col("start_date").min().alias("role_started"))
    )
    starts = service_starts(spells, as_at).select("worker_id", "started")
    rank = {role: index for index, role in enumerate(SUPPLY_ROLES)}
    return (
        main.join(starts, on="worker_id", how="left")
        .join(role_start, on="worker_id", how="left")
        .with_columns(
            pl.col("role").replace_strict(rank, return_dtype=pl.Int64).alias("role_index"),
            whole_months(pl.col("started").fill_null(as_at), as_at).alias("service_months"),
            whole_months(pl.col("role_started").fill_null(as_at), as_at).alias("role_months"),
        )
        .sort("worker_id")
    )


def _hazard(episodes: pl.DataFrame, start: date, end: date) -> pl.DataFrame:
    hazard = leaving_hazard(episodes, start, end)
    exposure = float(hazard["exposure_years"].sum())
    overall = float(hazard["leavers"].sum()) / exposure if exposure > 0 else 0.0
    return hazard.with_columns(pl.col("annual_rate").fill_null(overall)).select(
        "band", "exposure_years", "leavers", "annual_rate"
    )


def _progression(
    spells: pl.DataFrame, staff: pl.DataFrame, start: date, end: date, years: float
) -> pl.DataFrame:
    ladder = list(SUPPLY_ROLES)
    steps = pl.DataFrame({"from_role": ladder[:-1], "to_role": ladder[1:]})
    moves = (
        handovers(spells)
        .filter(pl.col("moved_on").is_between(start, end))
        .join(steps, on=["from_role", "to_role"])
        .group_by("from_role")
        .agg(pl.col("worker_id").n_unique().alias("moves"))
    )
    heads = staff.group_by("role").agg(pl.len().alias("headcount"))
    return (
        steps.join(moves, on="from_role", how="left")
        .join(heads.rename({"role": "from_role"}), on="from_role", how="left")
        .with_columns(
            (pl.col("moves").fill_null(0) / years).alias("moves_per_year"),
            pl.col("headcount").fill_null(0).cast(pl.Int64),
        )
        .with_columns(
            pl.when(pl.col("headcount") > 0)
            .then((pl.col("moves_per_year") / pl.col("headcount")).clip(upper_bound=0.9))
            .otherwise(0.0)
            .alias("yearly_chance")
        )
        .select("from_role", "to_role", "moves_per_year", "headcount", "yearly_chance")
    )


def _intakes(
    episodes: pl.DataFrame, start: date, end: date, years: float, converted: pl.Series
) -> pl.DataFrame:
    """ASYE starts in the window by calendar month, per year: all of them, and those who were
    not ``converted`` (worker ids) from the council's placements."""
    other = ~pl.col("worker_id").is_in(converted.implode())
    return (
        episodes.filter(
            pl.col("started").is_between(start, end) & (pl.col("entry_role") == Role.ASYE.value)
        )
        .group_by(pl.col("started").dt.month().alias("calendar_month"))
        .agg(
            (pl.len() / years).alias("asye_per_year"),
            (other.sum() / years).alias("other_per_year"),
        )
        .sort("calendar_month")
    )


def usual_start_month(placements: pl.DataFrame, intakes: pl.DataFrame) -> int:
    """The calendar month newly qualified learners start their ASYE posts in: the month most
    conversions from the council's placements started in, else the month of most ASYE starts in
    the window (the earlier of equals), else :data:`USUAL_START_MONTH`."""
    months = placements.filter(pl.col("converted_date").is_not_null()).select(
        pl.col("converted_date").dt.month().cast(pl.Int64).alias("calendar_month")
    )
    counted = months.group_by("calendar_month").agg(pl.len().cast(pl.Float64).alias("n"))
    if counted.height == 0:
        counted = intakes.select(
            pl.col("calendar_month").cast(pl.Int64), pl.col("asye_per_year").alias("n")
        )
    if counted.height == 0:
        return USUAL_START_MONTH
    return int(counted.sort(["n", "calendar_month"], descending=[True, False])["calendar_month"][0])


def newly_qualified_intakes(
    intakes: pl.DataFrame,
    pipeline: pl.DataFrame | None,
    *,
    start_month: int,
    as_at: date,
    months: int,
) -> tuple[tuple[Intake, ...], IntakeSource]:
    """The forecast's newly qualified intakes and where they come from.

    ``intakes`` is the window's ASYE starts by calendar month per year (``calendar_month``,
    ``asye_per_year``, ``other_per_year``); ``pipeline`` the pipeline's learners by the year they
    qualify (:func:`caseload.practice.pipeline.pipeline_intake`), None when no placement is
    recorded. From history, each forecast month takes the window's ASYE starts of its calendar
    month (rounded). From the pipeline, a forecast month up to the pipeline's last year takes
    only the starters who did not come through it (rounded), and each year's learners arrive in
    ``start_month`` of that year (the first forecast month when it has passed), each starting
    with the conversion rate's chance; later months take the window's ASYE starts again."""

    def history(reason: str) -> tuple[tuple[Intake, ...], IntakeSource]:
        source = IntakeSource(FROM_HISTORY, reason, _no_pipeline(), start_month, None)
        return _monthly(intakes, as_at, months, through=None), source

    if pipeline is None:
        return history("no placement of a student or apprentice is recorded")
    if pipeline.height == 0:
        return history("no learner's placement runs on or after the day")
    rate = pipeline["conversion_rate"][0]
    if rate is None:
        return history(
            "no learner has passed a final placement yet, so there is no conversion rate"
        )
    through = int(pipeline["year"].max())  # type: ignore[arg-type]
    # The forecast month of start_month in the year (the first month when it has passed).
    month = ((pl.col("year") - as_at.year) * 12 + start_month - as_at.month).clip(lower_bound=1)
    arriving = pipeline.with_columns(
        pl.when(month <= months).then(month).cast(pl.Int64).alias("month")
    )
    planned = list(_monthly(intakes, as_at, months, through=through))
    planned += [
        Intake(row["month"], Role.ASYE.value, row["learners"], float(rate))
        for row in arriving.iter_rows(named=True)
        if row["month"] is not None and row["learners"] > 0
    ]
    planned.sort(key=lambda intake: intake.month)
    source = IntakeSource(FROM_PIPELINE, "", arriving, start_month, through)
    return tuple(planned), source


def _no_pipeline() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "year": pl.Int64,
            "learners": pl.Int64,
            "conversion_rate": pl.Float64,
            "expected_intake": pl.Float64,
            "month": pl.Int64,
        }
    )


def _monthly(
    intakes: pl.DataFrame, as_at: date, months: int, *, through: int | None
) -> tuple[Intake, ...]:
    """The window's starts in each forecast month: those not converted from placements up to
    the year ``through``, all of them after it (and throughout when ``through`` is None)."""
    everyone = {
        row["calendar_month"]: round(row["asye_per_year"]) for row in intakes.iter_rows(named=True)
    }
    others = {
        row["calendar_month"]: round(row["other_per_year"]) for row in intakes.iter_rows(named=True)
    }
    planned = []
    for month in range(1, months + 1):
        day = add_months(as_at, month)
        sizes = others if through is not None and day.year <= through else everyone
        people = sizes.get(day.month, 0)
        if people > 0:
            planned.append(Intake(month, Role.ASYE.value, people))
    return tuple(planned)


def _recruitment(
    spells: pl.DataFrame,
    posts: pl.DataFrame,
    episodes: pl.DataFrame,
    start: date,
    end: date,
    years: float,
    rounds_per_year: float,
) -> pl.DataFrame:
    group_of = {role: POST_GROUP.get(role, role) for role in SUPPLY_ROLES}
    groups = sorted(set(group_of.values()), key=SUPPLY_ROLES.index)
    starters = (
        episodes.filter(
            pl.col("started").is_between(start, end) & pl.col("entry_role").is_in(groups)
        )
        .group_by(pl.col("entry_role").alias("role"))
        .agg((pl.len() / years).alias("starters_per_year"))
    )
    days = [start + timedelta(days=offset) for offset in range(0, (end - start).days + 1, 91)]
    gaps: dict[str, list[float]] = {group: [] for group in groups}
    for day in days:
        own = own_fte_by_role(spells, day)
        funded = establishment_by_role(posts, day)
        for group in groups:
            members = [role for role, chosen in group_of.items() if chosen == group]
            gap = sum(funded.get(role, 0.0) - own.get(role, 0.0) for role in members)
            gaps[group].append(max(gap, 0.0))
    frame = pl.DataFrame(
        {
            "role": groups,
            "average_gap_people": [
                float(np.mean(gaps[group])) if days else 0.0 for group in groups
            ],
        }
    )
    low, high = SUCCESS_BOUNDS
    sought = pl.col("average_gap_people").clip(lower_bound=1.0) * rounds_per_year
    return (
        frame.join(starters, on="role", how="left")
        .with_columns(pl.col("starters_per_year").fill_null(0.0))
        .with_columns(
            pl.when(pl.col("starters_per_year") > 0)
            .then((pl.col("starters_per_year") / sought).clip(low, high))
            .otherwise(DEFAULT_SUCCESS)
            .alias("success_rate")
        )
        .select("role", "starters_per_year", "average_gap_people", "success_rate")
    )


def build_supply_inputs(
    *,
    spells: pl.DataFrame,
    workers: pl.DataFrame,
    posts: pl.DataFrame,
    services: pl.DataFrame,
    as_at: date,
    months: int = 60,
    history_years: int = 3,
    rounds_every: int = 3,
    lead_months: int = 3,
    placements: pl.DataFrame | None = None,
) -> tuple[SupplyInputs, SupplyEvidence]:
    """The supply model's inputs on ``as_at`` from the council's history and, when it has any,
    its pipeline of students and apprentices (``placements``,
    :data:`caseload.domain.training_records.PLACEMENT_SCHEMA`; see the module)."""
    start = add_months(as_at, -12 * history_years) + timedelta(days=1)
    years = float(history_years)
    staff = _staff(spells, as_at)
    episodes = service_episodes(spells, workers, services, as_at)
    hazard = _hazard(episodes, start, as_at)
    progression = _progression(spells, staff, start, as_at, years)
    known = placements if placements is not None and placements.height > 0 else None
    converted = (
        known.filter(pl.col("converted_date") <= as_at)["converted_worker_id"].drop_nulls()
        if known is not None
        else pl.Series("converted_worker_id", [], dtype=pl.Int64)
    )
    intakes = _intakes(episodes, start, as_at, years, converted)
    recruitment = _recruitment(spells, posts, episodes, start, as_at, years, 12.0 / rounds_every)
    roles = SUPPLY_ROLES
    progress = np.zeros(len(roles))
    for row in progression.iter_rows(named=True):
        progress[roles.index(row["from_role"])] = 1 - (1 - row["yearly_chance"]) ** (1 / 12)
    funded = establishment_by_role(posts, as_at)
    establishment = np.repeat(
        np.array([funded.get(role, 0.0) for role in roles])[:, None], months + 1, axis=1
    )
    mean_fte = staff.group_by("role").agg(pl.col("fte").mean())
    fte_of = dict(zip(mean_fte["role"].to_list(), mean_fte["fte"].to_list(), strict=True))
    planned, intake_source = newly_qualified_intakes(
        intakes,
        pipeline_intake(known, as_at) if known is not None else None,
        start_month=usual_start_month(known if known is not None else _no_placements(), intakes),
        as_at=as_at,
        months=months,
    )
    rounds = tuple(
        RecruitmentRound(month, row["role"], float(row["success_rate"]), lead_months)
        for month in range(1, months + 1, rounds_every)
        for row in recruitment.iter_rows(named=True)
    )
    inputs = SupplyInputs(
        first_day=as_at,
        months=months,
        roles=roles,
        post_group=tuple(roles.index(POST_GROUP.get(role, role)) for role in roles),
        staff_role=staff["role_index"].to_numpy().astype(np.int64),
        staff_fte=staff["fte"].to_numpy().astype(np.float64),
        staff_service_months=staff["service_months"].to_numpy().astype(np.int64),
        staff_role_months=staff["role_months"].to_numpy().astype(np.int64),
        leave_by_month=leave_by_month_from_bands(hazard["annual_rate"].to_list(), SERVICE_BANDS),
        progress=progress,
        recruit_fte=np.array([round(fte_of.get(role) or 1.0, 2) for role in roles]),
        establishment=establishment,
        agency_share=np.ones(len(roles)),
        rounds=rounds,
        intakes=planned,
        asye_role=roles.index(Role.ASYE.value),
    )
    evidence = SupplyEvidence(
        (start, as_at), hazard, progression, intakes, recruitment, intake_source
    )
    return inputs, evidence


def _no_placements() -> pl.DataFrame:
    return pl.DataFrame(schema={"converted_date": pl.Date})


def cases_by_role(allocations: pl.DataFrame, spells: pl.DataFrame, day: date) -> dict[str, int]:
    """Children allocated on ``day`` by the role of the worker holding them (own or agency):
    ``allocations`` has worker_id, child_id, start_date, end_date (allocated-worker rows)."""
    held = allocations.filter(
        (pl.col("start_date") <= day) & (pl.col("end_date").is_null() | (pl.col("end_date") >= day))
    )
    roles = (
        spells.filter(
            (pl.col("start_date") <= day)
            & (pl.col("end_date").is_null() | (pl.col("end_date") >= day))
        )
        .sort("fte", descending=True)
        .group_by("worker_id")
        .agg(pl.col("role").first())
    )
    counted = held.join(roles, on="worker_id").group_by("role").agg(pl.len().alias("cases"))
    return dict(zip(counted["role"].to_list(), counted["cases"].to_list(), strict=True))

"""Workforce history for the Workforce Steering Group pack and the scrutiny report: the
establishment (funded posts), where starters came from, progression up the career ladder, moves
between services, leavers by reason and destination, length of service and the stability index.

Polars frames in, Polars frames out, every day given explicitly. The inputs are the frames the
services hold (see :class:`caseload.census.derive.DayToDay`):

- ``spells``: LEA, worker_id, contract, role, fte, team, post_id, start_date, end_date,
  end_reason, start_origin, reason_leave, leaver_destination, agency_contract_weeks;
- ``workers``: the workers frame (worker_id, swe_number, birth_date, gender, ethnicity,
  qualification_institution, qualification_level, step_up, frontline, qualification_date);
- ``posts``: LEA, post_id, team, role, funded_fte, start_date, end_date;
- ``services``: team, service (:func:`team_services`).

One definition per figure, shared with the rest of the product:

- *starters* and *leavers* are the census's: the employment records of
  :func:`caseload.census.derive.employment_records` marked by
  :func:`caseload.census.indicators.classify`, a person being the census person (council, SWE
  number, birth date, gender and ethnicity). So the starters here, summed over origins, are the
  census ``starters_headcount``, and a promotion or a team move is neither a starter nor a leaver;
- *in post on a day* is :func:`caseload.caseloads.definitions.in_post_spells` for own social
  work staff (census roles): someone whose last day is ``day`` is a leaver, not in post;
- a *hand-over* is a spell ended by a role, FTE or team change with the same worker's next own
  spell starting that day or the next: the moves in :func:`progression` and
  :func:`service_moves`.

Dated spells are inclusive: ``end_date`` is the last day, null while open. Figures are rounded
once, at the end: FTE and rates to 1 decimal place, counts whole."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import IntEnum

import polars as pl

from caseload.caseloads.definitions import CENSUS_ROLES, StaffGroup, in_post_spells
from caseload.caseloads.position import team_lookup
from caseload.census.derive import DayToDay, Window, employment_records
from caseload.census.indicators import PERSON_KEY, classify
from caseload.domain import (
    ContractType,
    LeaverDestination,
    ReasonLeave,
    Role,
    SpellEndReason,
    StartOrigin,
)

OWN = ContractType.OWN.value
AGENCY = ContractType.AGENCY.value
HANDOVER_REASONS = [
    SpellEndReason.ROLE_CHANGE.value,
    SpellEndReason.FTE_CHANGE.value,
    SpellEndReason.TEAM_CHANGE.value,
]
FAR_FUTURE = date(9999, 12, 30)


def round_1dp(figure: pl.Expr) -> pl.Expr:
    """To 1 decimal place as DfE publishes (halves away from zero, the float first cleaned to 9
    places so 2.45 stored as 2.4499999... still rounds up), like
    :func:`caseload.census.definitions.round_published`."""
    return figure.round(9).round(1, mode="half_away_from_zero")


# --- the establishment ----------------------------------------------------------------------


def team_services(teams: pl.DataFrame) -> pl.DataFrame:
    """team, service: the service a team belongs to, its parent service area (a service area,
    or a team without a parent, is its own service), as
    :func:`caseload.caseloads.position.team_lookup` decides. ``teams``: the teams frame
    (team_id, team, kind, external_id, parent_id, parent)."""
    return team_lookup(teams).select("team", "service").unique().sort("team", "service")


def _days(days: Sequence[date]) -> pl.DataFrame:
    return pl.DataFrame({"day": list(days)}, schema={"day": pl.Date}).unique().sort("day")


def _posts_on(posts: pl.DataFrame, days: Sequence[date]) -> pl.DataFrame:
    """One row per post and day it is open on (start_date on or before the day, end_date empty
    or on or after it)."""
    return posts.join(_days(days), how="cross").filter(
        (pl.col("start_date") <= pl.col("day"))
        & (pl.col("end_date").is_null() | (pl.col("end_date") >= pl.col("day")))
    )


ESTABLISHMENT_KEYS = ("service", "team", "role")


def establishment(
    posts: pl.DataFrame,
    services: pl.DataFrame,
    days: Sequence[date],
    by: Sequence[str] = ("service", "role"),
) -> pl.DataFrame:
    """The establishment: funded FTE of the posts open on each day (a post is open from its
    start date to its end date, both included), by day and ``by`` (any of service, team, role).
    Columns: day, the ``by`` columns, funded_fte (1 dp), posts. Days without posts have no rows
    (see :func:`establishment_totals`); a team missing from ``services`` has a null service."""
    unknown = [column for column in by if column not in ESTABLISHMENT_KEYS]
    if unknown:
        raise ValueError(f"establishment can be broken down by {ESTABLISHMENT_KEYS}, not {unknown}")
    keys = ["day", *by]
    open_posts = _posts_on(posts, days)
    if "service" in by:
        open_posts = open_posts.join(services.select("team", "service"), on="team", how="left")
    return (
        open_posts.group_by(keys)
        .agg(
            pl.col("funded_fte").fill_null(0.0).sum().alias("funded_fte"),
            pl.len().cast(pl.Int64).alias("posts"),
        )
        .with_columns(round_1dp(pl.col("funded_fte")))
        .select(*keys, "funded_fte", "posts")
        .sort(keys, nulls_last=True)
    )


def establishment_totals(posts: pl.DataFrame, days: Sequence[date]) -> pl.DataFrame:
    """The council's establishment on each day: funded FTE of the posts open that day (1 dp) and
    their number. Columns: day, funded_fte, posts; every day has a row (0 with no posts)."""
    counted = (
        _posts_on(posts, days)
        .group_by("day")
        .agg(
            pl.col("funded_fte").fill_null(0.0).sum().alias("funded_fte"),
            pl.len().cast(pl.Int64).alias("posts"),
        )
    )
    return (
        _days(days)
        .join(counted, on="day", how="left")
        .with_columns(
            round_1dp(pl.col("funded_fte").fill_null(0.0)),
            pl.col("posts").fill_null(0).cast(pl.Int64),
        )
        .sort("day")
    )


def establishment_changes(totals: pl.DataFrame) -> pl.DataFrame:
    """What adding (or cutting) posts went with: for each step between consecutive days whose
    funded FTE changed (to 1 dp), the funded FTE, average caseload and vacancy rate on the day
    before and the day after the step. ``totals``: day, funded_fte, caseload_fte,
    vacancy_rate_fte (one row per day; the caller supplies the indicators). Columns: from_day,
    to_day, funded_before, funded_after, change, caseload_before, caseload_after,
    vacancy_before, vacancy_after (1 dp)."""
    before = pl.col("funded_fte").shift(1)
    steps = (
        totals.sort("day")
        .select(
            pl.col("day").shift(1).alias("from_day"),
            pl.col("day").alias("to_day"),
            before.alias("funded_before"),
            pl.col("funded_fte").alias("funded_after"),
            (pl.col("funded_fte") - before).alias("change"),
            pl.col("caseload_fte").shift(1).alias("caseload_before"),
            pl.col("caseload_fte").alias("caseload_after"),
            pl.col("vacancy_rate_fte").shift(1).alias("vacancy_before"),
            pl.col("vacancy_rate_fte").alias("vacancy_after"),
        )
        .filter(pl.col("from_day").is_not_null())
    )
    figures = [name for name in steps.columns if name not in ("from_day", "to_day")]
    return (
        steps.with_columns(round_1dp(pl.col(name).cast(pl.Float64)) for name in figures)
        .filter(pl.col("change") != 0)
        .sort("from_day")
    )


# --- the census's starters and leavers -------------------------------------------------------

_NO_ALLOCATIONS = pl.DataFrame(
    schema={"worker_id": pl.Int64, "start_date": pl.Date, "end_date": pl.Date}
)
_NO_ABSENCES = pl.DataFrame(
    schema={
        "worker_id": pl.Int64,
        "start_date": pl.Date,
        "end_date": pl.Date,
        "reason": pl.Utf8,
        "working_days_lost": pl.Float64,
    }
)
_NO_POSTS = pl.DataFrame(
    schema={
        "LEA": pl.Utf8,
        "post_id": pl.Int64,
        "team": pl.Utf8,
        "role": pl.Utf8,
        "funded_fte": pl.Float64,
        "start_date": pl.Date,
        "end_date": pl.Date,
    }
)


def census_flows(
    spells: pl.DataFrame, workers: pl.DataFrame, census_years: Sequence[int]
) -> pl.DataFrame:
    """The census's own-staff records for each census year, marked ``starter`` and ``leaver``
    exactly as the indicator engine marks them, with the worker behind each record
    (``worker_id``). The census year is ``Year``."""
    windows = [Window.census_year(year) for year in sorted(set(census_years))]
    data = DayToDay(spells, workers, _NO_ALLOCATIONS, _NO_ABSENCES, _NO_POSTS)
    return classify(employment_records(data, windows)).filter(pl.col("own"))


def _years(census_years: Sequence[int]) -> pl.DataFrame:
    return pl.DataFrame(
        {"census_year": sorted(set(census_years))}, schema={"census_year": pl.Int64}
    )


def _per_person(records: pl.DataFrame, group: str, first_by: str, *, latest: bool) -> pl.DataFrame:
    """One row per census year and census person: the ``group`` of the person's earliest (or,
    with ``latest``, latest) record by ``first_by``, and the FTE of all their records. So a
    person counts once a year, as the census's headcounts count them."""
    keys = ["Year", *PERSON_KEY]
    return (
        records.sort(first_by, group, descending=[latest, False], nulls_last=True)
        .group_by(keys, maintain_order=True)
        .agg(pl.col(group).first(), pl.col("FTE").fill_null(0.0).sum().alias("_fte"))
    )


def _count_grid(
    people: pl.DataFrame,
    census_years: Sequence[int],
    group: str,
    categories: pl.DataFrame,
    count: str,
) -> pl.DataFrame:
    """Every census year and category, with the people and their FTE (0 where none)."""
    counted = people.group_by("Year", group).agg(
        pl.len().cast(pl.Int64).alias(count), pl.col("_fte").sum().alias(f"{count}_fte")
    )
    grid = _years(census_years).join(categories.with_row_index("_order"), how="cross")
    return (
        grid.join(counted.rename({"Year": "census_year"}), on=["census_year", group], how="left")
        .with_columns(
            pl.col(count).fill_null(0).cast(pl.Int64),
            round_1dp(pl.col(f"{count}_fte").fill_null(0.0)),
        )
        .sort("census_year", "_order")
        .drop("_order")
    )


class Origin(IntEnum):
    """Where a starter came from, grouped as councils report recruitment (in table order)."""

    NEWLY_QUALIFIED = 1
    ANOTHER_COUNCIL = 2
    EXPERIENCED_OTHER = 3
    FROM_AGENCY = 4
    NOT_KNOWN = 5

    @property
    def label(self) -> str:
        return ORIGIN_LABELS[self]


ORIGIN_LABELS = {
    Origin.NEWLY_QUALIFIED: "Newly qualified",
    Origin.ANOTHER_COUNCIL: "Experienced, from another council",
    Origin.EXPERIENCED_OTHER: "Experienced, other",
    Origin.FROM_AGENCY: "From agency to permanent",
    Origin.NOT_KNOWN: "Not known",
}
AGENCY_LOOKBACK = "3mo"
"""An own-staff start this soon after an agency spell with the council is an agency conversion."""
NEWLY_QUALIFIED_WITHIN = "12mo"
"""A start this soon after qualifying is a newly qualified start (as the ASYE rule has it)."""
ORIGIN_NOT_RECORDED = [StartOrigin.NOT_KNOWN.value, StartOrigin.NOT_YET_COLLECTED.value]


def _agency_conversions(starters: pl.DataFrame, spells: pl.DataFrame) -> pl.DataFrame:
    """worker_id, RoleStartDate of own-staff starts by a worker whose agency spell with the
    council (in a census role) began before the start and ended no more than 3 months before
    it (or had not ended)."""
    agency = spells.filter(
        (pl.col("contract") == AGENCY) & pl.col("role").is_in(CENSUS_ROLES)
    ).select("worker_id", pl.col("start_date").alias("_from"), pl.col("end_date").alias("_to"))
    start = pl.col("RoleStartDate")
    return (
        starters.select("worker_id", "RoleStartDate")
        .unique()
        .join(agency, on="worker_id")
        .filter(
            (pl.col("_from") < start)
            & (
                pl.col("_to").is_null()
                | (pl.col("_to") >= start.dt.offset_by(f"-{AGENCY_LOOKBACK}"))
            )
        )
        .select("worker_id", "RoleStartDate", pl.lit(True).alias("_from_agency"))
        .unique()
    )


def origin_of(
    recorded: pl.Expr, from_agency: pl.Expr, qualified: pl.Expr, start: pl.Expr
) -> pl.Expr:
    """A starter's :class:`Origin` (its value). The recorded census ``StartOrigin`` decides when
    it says where the person came from: 1 newly qualified, 2 another English council, 4 agency or
    consultancy, any other known code experienced (other). Only when it is not recorded (empty,
    9 not known or 10 not yet collected) do the council's own records decide: an agency spell
    with the council ending within 3 months before the start makes an agency conversion, else a
    start within 12 months of the qualification date a newly qualified start, else not known."""
    not_recorded = recorded.is_null() | recorded.is_in(ORIGIN_NOT_RECORDED)
    newly_qualified = qualified.is_not_null() & (
        start < qualified.dt.offset_by(NEWLY_QUALIFIED_WITHIN)
    )
    return (
        pl.when(recorded == StartOrigin.NEWLY_QUALIFIED.value)
        .then(Origin.NEWLY_QUALIFIED.value)
        .when(recorded == StartOrigin.OTHER_ENGLISH_COUNCIL.value)
        .then(Origin.ANOTHER_COUNCIL.value)
        .when(recorded == StartOrigin.AGENCY_OR_CONSULTANCY.value)
        .then(Origin.FROM_AGENCY.value)
        .when(~not_recorded)
        .then(Origin.EXPERIENCED_OTHER.value)
        .when(from_agency)
        .then(Origin.FROM_AGENCY.value)
        .when(newly_qualified)
        .then(Origin.NEWLY_QUALIFIED.value)
        .otherwise(Origin.NOT_KNOWN.value)
    )


def starters_with_origin(
    spells: pl.DataFrame, workers: pl.DataFrame, census_years: Sequence[int]
) -> pl.DataFrame:
    """The census's starters (own-staff records starting in the census year) with their
    :class:`Origin` (``origin``, a value) and the worker behind each record."""
    starters = census_flows(spells, workers, census_years).filter(pl.col("starter"))
    qualified = (
        workers.select("worker_id", "qualification_date")
        if "qualification_date" in workers.columns
        else workers.select("worker_id", pl.lit(None, dtype=pl.Date).alias("qualification_date"))
    )
    return (
        starters.join(
            _agency_conversions(starters, spells), on=["worker_id", "RoleStartDate"], how="left"
        )
        .join(qualified, on="worker_id", how="left")
        .with_columns(
            origin_of(
                pl.col("StartOrigin"),
                pl.col("_from_agency").fill_null(False),
                pl.col("qualification_date"),
                pl.col("RoleStartDate"),
            ).alias("origin")
        )
        .drop("_from_agency", "qualification_date")
    )


def recruitment_by_origin(
    spells: pl.DataFrame, workers: pl.DataFrame, census_years: Sequence[int]
) -> pl.DataFrame:
    """Own-staff starters in each census year (1 October to 30 September, the census's starters)
    by where they came from (:func:`origin_of`). A person who started twice in a year counts
    once, under their first start. Columns: census_year, origin (label), starters (people),
    starters_fte (1 dp); every year has every origin."""
    people = _per_person(
        starters_with_origin(spells, workers, census_years), "origin", "RoleStartDate", latest=False
    )
    origins = pl.DataFrame({"origin": [o.value for o in Origin]}, schema={"origin": pl.Int64})
    grid = _count_grid(
        people.with_columns(pl.col("origin").cast(pl.Int64)),
        census_years,
        "origin",
        origins,
        "starters",
    )
    labels = {o.value: o.label for o in Origin}
    return grid.with_columns(pl.col("origin").replace_strict(labels, return_dtype=pl.Utf8))


def _leavers_by(
    spells: pl.DataFrame,
    workers: pl.DataFrame,
    census_years: Sequence[int],
    item: str,
    codes: type[ReasonLeave] | type[LeaverDestination],
    name: str,
) -> pl.DataFrame:
    """The census's leavers by the code in the record item ``item`` (``name``: code, label),
    not known where the record has none; each person once a year, under their last leaving."""
    not_known = codes.NOT_KNOWN.value
    leavers = census_flows(spells, workers, census_years).filter(pl.col("leaver"))
    people = _per_person(
        leavers.with_columns(pl.col(item).fill_null(not_known).cast(pl.Int64).alias(name)),
        name,
        "RoleEndDate",
        latest=True,
    )
    categories = pl.DataFrame(
        {name: [c.value for c in codes], "label": [c.label for c in codes]},
        schema={name: pl.Int64, "label": pl.Utf8},
    )
    return _count_grid(people, census_years, name, categories, "leavers")


def leavers_by_reason(
    spells: pl.DataFrame, workers: pl.DataFrame, census_years: Sequence[int]
) -> pl.DataFrame:
    """Own-staff leavers in each census year (the census's leavers) by the census
    ``ReasonLeave`` of their record: the recorded reason for someone who left, 7 (moved within
    the council) for an employment that ended otherwise, 9 (not known) when none is recorded. A
    person who left twice in a year counts once, under their last leaving. Columns: census_year,
    reason (code), label, leavers (people), leavers_fte (1 dp); every year has every reason."""
    return _leavers_by(spells, workers, census_years, "ReasonLeave", ReasonLeave, "reason")


def leavers_by_destination(
    spells: pl.DataFrame, workers: pl.DataFrame, census_years: Sequence[int]
) -> pl.DataFrame:
    """Own-staff leavers in each census year (the census's leavers) by the census
    ``LeaverDestination`` of their record (8, not known, when none is recorded), each person
    once a year, under their last leaving. Columns: census_year, destination (code), label,
    leavers (people), leavers_fte (1 dp); every year has every destination."""
    return _leavers_by(
        spells, workers, census_years, "LeaverDestination", LeaverDestination, "destination"
    )


# --- moves inside the council ----------------------------------------------------------------


def census_year_expr(day: pl.Expr) -> pl.Expr:
    """The census year a day falls in (:func:`caseload.domain.dates.census_year_of`)."""
    return (day.dt.year() + (day.dt.month() >= 10).cast(pl.Int32)).cast(pl.Int64)


def handovers(spells: pl.DataFrame) -> pl.DataFrame:
    """Own-staff spells handed over to the same worker's next own spell: ended by a role, FTE or
    team change, the next spell starting that day or the next. Columns: worker_id, from_role,
    to_role, from_team, to_team, moved_on (the next spell's first day), census_year (of
    moved_on)."""
    following = [
        pl.col(column).shift(-1).over("worker_id").alias(alias)
        for column, alias in (("role", "to_role"), ("team", "to_team"), ("start_date", "moved_on"))
    ]
    moved_on, ended = pl.col("moved_on"), pl.col("end_date")
    return (
        spells.filter(pl.col("contract") == OWN)
        .sort("worker_id", "start_date", "end_date", nulls_last=True)
        .with_columns(following)
        .filter(
            pl.col("end_reason").is_in(HANDOVER_REASONS)
            & (moved_on >= ended)
            & (moved_on <= ended + timedelta(days=1))
        )
        .select(
            "worker_id",
            pl.col("role").alias("from_role"),
            "to_role",
            pl.col("team").alias("from_team"),
            "to_team",
            "moved_on",
            census_year_expr(moved_on).alias("census_year"),
        )
    )


LADDER = [
    Role.ASYE.value,
    Role.SOCIAL_WORKER.value,
    Role.SENIOR_SOCIAL_WORKER.value,
    Role.ADVANCED_PRACTITIONER.value,
    Role.TEAM_MANAGER.value,
    Role.SERVICE_MANAGER.value,
    Role.SENIOR_MANAGER.value,
]
"""The career ladder, lowest first. Qualified roles without cases and family support workers
are not on it."""
COMPLETED_ASYE = "Completed the supported first year"
PROMOTION = "Promotion"


def _rank(column: str) -> pl.Expr:
    rank = {role: index for index, role in enumerate(LADDER)}
    return pl.col(column).replace_strict(rank, default=None, return_dtype=pl.Int64)


def progression_moves(spells: pl.DataFrame) -> pl.DataFrame:
    """Each move up the career ladder (:data:`LADDER`), one row per worker and move: a
    hand-over (:func:`handovers`) into a higher role. Columns: worker_id, from_role, to_role,
    moved_on (the new role's first day), census_year (of moved_on). :func:`progression` counts
    these."""
    return (
        handovers(spells)
        .filter(_rank("to_role") > _rank("from_role"))
        .select("worker_id", "from_role", "to_role", "moved_on", "census_year")
        .sort("moved_on", "worker_id")
    )


def progression(spells: pl.DataFrame, census_years: Sequence[int]) -> pl.DataFrame:
    """Own staff moving up the career ladder (:data:`LADDER`) in each census year: a hand-over
    (:func:`handovers`) into a higher role, counted in the year of the new role's first day. ASYE
    to social worker is labelled as completing the supported first year. Columns: census_year,
    from_role, to_role, move (label), people."""
    ranked = _rank
    moves = progression_moves(spells).filter(pl.col("census_year").is_in(list(census_years)))
    first_year = (pl.col("from_role") == Role.ASYE.value) & (
        pl.col("to_role") == Role.SOCIAL_WORKER.value
    )
    return (
        moves.group_by("census_year", "from_role", "to_role")
        .agg(pl.col("worker_id").n_unique().cast(pl.Int64).alias("people"))
        .with_columns(
            pl.when(first_year)
            .then(pl.lit(COMPLETED_ASYE))
            .otherwise(pl.lit(PROMOTION))
            .alias("move"),
            ranked("from_role").alias("_from"),
            ranked("to_role").alias("_to"),
        )
        .sort("census_year", "_from", "_to")
        .select("census_year", "from_role", "to_role", "move", "people")
    )


def service_moves(
    spells: pl.DataFrame, services: pl.DataFrame, census_years: Sequence[int]
) -> pl.DataFrame:
    """Own staff whose team changed to a team in another service in each census year: a
    hand-over (:func:`handovers`, whatever the recorded reason, so a promotion into another
    service counts here too) between teams of different services, counted in the year of the new
    team's first day. Columns: census_year, from_service, to_service, people."""
    service = services.select("team", "service")
    moves = (
        handovers(spells)
        .filter(pl.col("census_year").is_in(list(census_years)))
        .join(service.rename({"team": "from_team", "service": "from_service"}), on="from_team")
        .join(service.rename({"team": "to_team", "service": "to_service"}), on="to_team")
        .filter(pl.col("from_service") != pl.col("to_service"))
    )
    return (
        moves.group_by("census_year", "from_service", "to_service")
        .agg(pl.col("worker_id").n_unique().cast(pl.Int64).alias("people"))
        .sort("census_year", "from_service", "to_service")
    )


# --- length of service and experience ---------------------------------------------------------

Band = tuple[int, int | None]
SERVICE_BANDS: tuple[Band, ...] = ((0, 1), (1, 2), (2, 3), (3, 5), (5, None))


def band_label(band: Band) -> str:
    """ "Under 1 year", "1 to 2 years", "5 years or more"."""
    low, high = band
    if high is None:
        return f"{low} {'year' if low == 1 else 'years'} or more"
    if low == 0:
        return f"Under {high} {'year' if high == 1 else 'years'}"
    return f"{low} to {high} years"


def _years_on(start: pl.Expr, years: int) -> pl.Expr:
    """The day ``years`` whole years after ``start`` (29 February gives 28 February)."""
    return start.dt.offset_by(f"{years}y")


def service_starts(spells: pl.DataFrame, day: date) -> pl.DataFrame:
    """Own social work staff in post on ``day`` (census roles,
    :func:`caseload.caseloads.definitions.in_post_spells`) with the first day of their current
    unbroken service with the council: own spells in any role chained while each starts no later
    than the day after the service so far ends. Columns: worker_id, started, fte, years (service
    to ``day`` in years, unrounded)."""
    in_post = (
        in_post_spells(spells, day, StaffGroup.SOCIAL_WORKERS)
        .group_by("worker_id")
        .agg(pl.col("fte").fill_null(0.0).sum())
    )
    reach_so_far = pl.col("end_date").fill_null(FAR_FUTURE).cum_max().shift(1).over("worker_id")
    breaks = reach_so_far.is_null() | (pl.col("start_date") > reach_so_far + timedelta(days=1))
    runs = (
        spells.filter((pl.col("contract") == OWN) & (pl.col("start_date") <= day))
        .sort("worker_id", "start_date")
        .with_columns(breaks.alias("_break"))
        .with_columns(pl.col("_break").cum_sum().over("worker_id").alias("_run"))
    )
    started = (
        runs.filter(pl.col("_run") == pl.col("_run").max().over("worker_id"))
        .group_by("worker_id")
        .agg(pl.col("start_date").min().alias("started"))
    )
    return (
        in_post.join(started, on="worker_id")
        .with_columns(((pl.lit(day) - pl.col("started")).dt.total_days() / 365.25).alias("years"))
        .select("worker_id", "started", "fte", "years")
        .sort("worker_id")
    )


def service_length(
    spells: pl.DataFrame, day: date, bands: Sequence[Band] = SERVICE_BANDS
) -> pl.DataFrame:
    """Own social work staff in post on ``day`` by their continuous length of service with the
    council (:func:`service_starts`): someone is in the band (low, high) from the low-th
    anniversary of their start until the day before the high-th. Columns: band (label),
    headcount, fte (1 dp); every band has a row."""
    for low, high in bands:
        if high is not None and high <= low:
            raise ValueError(f"a band must end after it starts, not {low} to {high} years")
    reached = [_years_on(pl.col("started"), low) <= day for low, _ in bands]
    not_reached = [
        pl.lit(True) if high is None else _years_on(pl.col("started"), high) > day
        for _, high in bands
    ]
    which: pl.Expr = pl.lit(None, dtype=pl.Int64)
    for index in reversed(range(len(bands))):
        which = pl.when(reached[index] & not_reached[index]).then(index).otherwise(which)
    counted = (
        service_starts(spells, day)
        .with_columns(which.cast(pl.Int64).alias("_band"))
        .group_by("_band")
        .agg(
            pl.len().cast(pl.Int64).alias("headcount"),
            pl.col("fte").sum().alias("fte"),
        )
    )
    grid = pl.DataFrame(
        {"_band": list(range(len(bands))), "band": [band_label(b) for b in bands]},
        schema={"_band": pl.Int64, "band": pl.Utf8},
    )
    return (
        grid.join(counted, on="_band", how="left")
        .with_columns(
            pl.col("headcount").fill_null(0).cast(pl.Int64), round_1dp(pl.col("fte").fill_null(0.0))
        )
        .sort("_band")
        .select("band", "headcount", "fte")
    )


@dataclass(frozen=True)
class TwoYearPoint:
    """Own social work staff at the point where retention risk peaks (2 to 3 years' service).
    Both frames: worker_id, started, years (service in years, 1 dp), two_years_on (the second
    anniversary of their start), oldest start first."""

    approaching: pl.DataFrame
    """Under 2 years' service on the day, reaching 2 years within the window."""
    two_to_three: pl.DataFrame
    """At least 2 and under 3 years' service on the day: passing the 2-3 year point."""

    @property
    def approaching_count(self) -> int:
        return self.approaching.height

    @property
    def two_to_three_count(self) -> int:
        return self.two_to_three.height


def approaching_two_years(spells: pl.DataFrame, day: date, within_days: int = 183) -> TwoYearPoint:
    """Own social work staff in post on ``day`` (:func:`service_starts`) who reach 2 years'
    continuous service after ``day`` and no later than ``within_days`` days after it, and those
    with at least 2 and under 3 years' service on ``day``."""
    starts = service_starts(spells, day).with_columns(
        _years_on(pl.col("started"), 2).alias("two_years_on"),
        _years_on(pl.col("started"), 3).alias("_three"),
        round_1dp(pl.col("years")),
    )
    columns = ["worker_id", "started", "years", "two_years_on"]
    two = pl.col("two_years_on")
    horizon = day + timedelta(days=within_days)
    return TwoYearPoint(
        approaching=starts.filter((two > day) & (two <= horizon))
        .select(columns)
        .sort("started", "worker_id"),
        two_to_three=starts.filter((two <= day) & (pl.col("_three") > day))
        .select(columns)
        .sort("started", "worker_id"),
    )


def stability_index(spells: pl.DataFrame, workers: pl.DataFrame, day: date) -> pl.DataFrame:
    """The stability index: the share of own social workers in post on ``day`` (census roles,
    so no family support workers) with more than two years' post-qualifying experience
    (qualified more than 2 years before ``day``), out of those whose qualification date is
    known. Columns: day, numerator, denominator, not_known (in post with no qualification date),
    share (per cent, 1 dp; null with no denominator). One row."""
    people = (
        in_post_spells(spells, day, StaffGroup.SOCIAL_WORKERS)
        .select("worker_id")
        .unique()
        .join(workers.select("worker_id", "qualification_date"), on="worker_id", how="left")
    )
    qualified = pl.col("qualification_date")
    known = qualified.is_not_null()
    experienced = known & (_years_on(qualified, 2) < day)
    return people.select(
        pl.lit(day, dtype=pl.Date).alias("day"),
        experienced.sum().cast(pl.Int64).alias("numerator"),
        known.sum().cast(pl.Int64).alias("denominator"),
        (~known).sum().cast(pl.Int64).alias("not_known"),
    ).with_columns(
        pl.when(pl.col("denominator") > 0)
        .then(round_1dp(100 * pl.col("numerator") / pl.col("denominator")))
        .otherwise(None)
        .alias("share")
    )

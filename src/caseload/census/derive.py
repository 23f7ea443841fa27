"""Deriving census records from the day-to-day data.

One record per *employment*: consecutive spells of one worker under one contract type (own or
agency) in census roles, chained while each spell hands over to the next (a role, FTE or team
change) and broken when a spell ends with the person leaving or an agency contract ending. So a
promotion is not a leaver and a starter, and a worker who leaves and rejoins has two records.

For each census year (or any reference date, for monthly series) the record takes:

- ``RoleStartDate``: the first day of the employment; ``RoleEndDate``: its last day when that falls
  on or before the reference date;
- ``FTE``, ``OrgRole``, ``CFKSSstatus``, team and role from the spell active on the reference date,
  or the last spell for leavers, with ASYE status (``CFKSSstatus`` 1) from the qualification date
  and first post when the workers frame has qualification dates, not the HR grade; ``FTE30`` only
  for those in post;
- ``Cases30``: children allocated to the worker (as allocated worker) on the reference date;
- ``WorkingDaysLost``: sickness working days inside the year, pro rata by weekdays for episodes
  that cross its edges; ``Absat30Sept``/``ReasonAbsence`` from any absence on the reference date;
- personal items (birth date, gender, ethnicity, qualification, Step Up, Frontline, start origin,
  leaving reason and destination) for own staff only; agency records carry SWE number, FTE, role,
  dates, cases and contract weeks.

Council level: a post active on the reference date is vacant for its funded FTE less the FTE of own
staff in post in it; agency workers in post in a vacant post cover it, up to the vacant FTE."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from caseload.caseloads.definitions import asye_status, role_with_asye
from caseload.domain import AbsenceReason, ContractType, ReasonLeave, Role, SpellEndReason
from caseload.domain.census_records import conform_records, conform_vacancies

CENSUS_ROLES = [role.value for role in Role if role.org_role is not None]
ORG_ROLE = {role.value: role.org_role for role in Role if role.org_role is not None}
CFKSS = {role.value: role.cfkss_status for role in Role if role.org_role is not None}
CHAIN_BREAKS = [SpellEndReason.LEFT.value, SpellEndReason.CONTRACT_ENDED.value]


@dataclass(frozen=True)
class DayToDay:
    """The day-to-day frames census derivation reads (one or many authorities).

    - spells: LEA, worker_id, contract, role, fte, team, post_id, start_date, end_date, end_reason,
      start_origin, reason_leave, leaver_destination, agency_contract_weeks
    - workers: worker_id, swe_number, birth_date, gender, ethnicity, qualification_institution,
      qualification_level, step_up, frontline
    - allocations: worker_id, start_date, end_date (allocated-worker rows only)
    - absences: worker_id, start_date, end_date, reason, working_days_lost
    - posts: LEA, post_id, team, role, funded_fte, start_date, end_date
    - cases_held (optional): worker_id, AsAt, Cases30, the allocations already counted per
      worker on each reference day (by the database, for many councils at once); when given,
      ``allocations`` is not read
    """

    spells: pl.DataFrame
    workers: pl.DataFrame
    allocations: pl.DataFrame
    absences: pl.DataFrame
    posts: pl.DataFrame
    cases_held: pl.DataFrame | None = None


@dataclass(frozen=True)
class Window:
    """A period to derive: ``Year`` labels it; stocks are taken on ``reference``."""

    year: int
    start: date
    reference: date

    @classmethod
    def census_year(cls, year: int) -> Window:
        return cls(year, date(year - 1, 10, 1), date(year, 9, 30))


def windows_frame(windows: Sequence[Window]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "Year": [w.year for w in windows],
            "PeriodStart": [w.start for w in windows],
            "AsAt": [w.reference for w in windows],
        },
        schema={"Year": pl.Int64, "PeriodStart": pl.Date, "AsAt": pl.Date},
    )


def employments(spells: pl.DataFrame) -> pl.DataFrame:
    """Spells in census roles with an ``employment`` id chaining handed-over spells."""
    ordered = spells.filter(pl.col("role").is_in(CENSUS_ROLES)).sort(
        "worker_id", "contract", "start_date"
    )
    same_person = (pl.col("worker_id") == pl.col("worker_id").shift(1)) & (
        pl.col("contract") == pl.col("contract").shift(1)
    )
    previous_end = pl.col("end_date").shift(1)
    hands_over = (
        same_person.fill_null(False)
        & ~pl.col("end_reason").shift(1).is_in(CHAIN_BREAKS).fill_null(True)
        & (pl.col("start_date") == previous_end + timedelta(days=1)).fill_null(False)
    )
    return ordered.with_columns((~hands_over).cum_sum().alias("employment"))


def derive_records(data: DayToDay, windows: Sequence[Window]) -> pl.DataFrame:
    """Census records for every window, in record shape plus an ``AsAt`` column."""
    records = employment_records(data, windows)
    return (
        conform_records(records)
        .with_columns(records["AsAt"])
        .sort("LEA", "Year", "AgencyWorker", "SWENo", "RoleStartDate", nulls_last=True)
    )


def employment_records(data: DayToDay, windows: Sequence[Window]) -> pl.DataFrame:
    """The census records of :func:`derive_records` before they take the return's shape: one row
    per employment and window, the record items beside ``worker_id``, ``employment``,
    ``PeriodStart`` and ``AsAt``. Figures that follow a census starter or leaver back to the
    worker (recruitment by origin, leavers by reason) start here, so they count the same people."""
    spells = employments(data.spells)
    by_employment = spells.group_by("employment").agg(
        pl.col("LEA").first(),
        pl.col("worker_id").first(),
        pl.col("contract").first(),
        pl.col("start_date").min().alias("RoleStartDate"),
        pl.when(pl.col("end_date").is_null().any())
        .then(None)
        .otherwise(pl.col("end_date").max())
        .alias("employment_end"),
        pl.col("end_reason").sort_by("start_date").last().alias("last_reason"),
        pl.col("start_origin").sort_by("start_date").first().alias("StartOrigin"),
    )
    periods = windows_frame(windows)
    active = by_employment.join(periods, how="cross").filter(
        (pl.col("RoleStartDate") <= pl.col("AsAt"))
        & (pl.col("employment_end").is_null() | (pl.col("employment_end") >= pl.col("PeriodStart")))
    )
    # The spell in force on the reference day, or on the last day for an employment that ended:
    # the latest spell of the employment starting on or before that day.
    cut = pl.min_horizontal(pl.col("AsAt"), pl.col("employment_end").fill_null(pl.col("AsAt")))
    spell_items = spells.select(
        "employment",
        pl.col("start_date").alias("spell_start"),
        "role",
        "fte",
        "team",
        "reason_leave",
        "leaver_destination",
        "agency_contract_weeks",
    ).sort("spell_start")
    current = (
        active.with_columns(cut.alias("_cut"))
        .sort("_cut")
        .join_asof(
            spell_items,
            left_on="_cut",
            right_on="spell_start",
            by="employment",
            strategy="backward",
            check_sortedness=False,
        )
    )
    current = _with_asye(current, data).drop("_cut")
    own = pl.col("contract") == ContractType.OWN.value
    ended = pl.col("employment_end").is_not_null() & (pl.col("employment_end") <= pl.col("AsAt"))
    in_post = ~ended
    left = pl.col("last_reason") == SpellEndReason.LEFT.value
    records = current.with_columns(
        pl.when(own).then(0).otherwise(1).alias("AgencyWorker"),
        pl.col("fte").alias("FTE"),
        pl.col("role").replace_strict(ORG_ROLE, return_dtype=pl.Int64).alias("OrgRole"),
        pl.col("role").replace_strict(CFKSS, return_dtype=pl.Int64).alias("CFKSSstatus"),
        pl.when(ended).then(pl.col("employment_end")).alias("RoleEndDate"),
        pl.when(in_post).then(pl.col("fte")).alias("FTE30"),
        pl.when(own).then(pl.col("StartOrigin")).alias("StartOrigin"),
        pl.when(own & ended & left)
        .then(pl.col("reason_leave"))
        .when(own & ended)
        .then(ReasonLeave.MOVED_WITHIN_COUNCIL.value)
        .alias("ReasonLeave"),
        pl.when(own & ended & left)
        .then(pl.col("leaver_destination"))
        .when(own & ended)
        .then(7)
        .alias("LeaverDestination"),
        pl.when(~own).then(pl.col("agency_contract_weeks")).alias("ContractWeeks"),
        in_post.alias("_in_post"),
    )
    records = _add_people(records, data.workers)
    records = _add_cases(records, data.allocations, data.cases_held)
    return _add_absence(records, data.absences)


def _with_asye(current: pl.DataFrame, data: DayToDay) -> pl.DataFrame:
    """The role on the record's day (``_cut``) with ASYE status from qualifying and the first post
    (:func:`caseload.caseloads.definitions.asye_status`), not the HR grade, when the workers frame
    carries qualification dates; ``CFKSSstatus`` follows it."""
    if "qualification_date" not in data.workers.columns or current.height == 0:
        return current
    years = asye_status(data.workers, data.spells, date.min).select(
        "worker_id", "asye_from", "asye_until", "asye"
    )
    known = pl.col("asye").is_not_null()  # null: no qualification date
    within = (
        pl.col("asye_from").is_not_null()
        & (pl.col("asye_from") <= pl.col("_cut"))
        & (pl.col("asye_until") >= pl.col("_cut"))
    )
    return (
        current.join(years, on="worker_id", how="left")
        .with_columns(pl.when(known).then(within).alias("_asye"))
        .with_columns(role_with_asye(pl.col("role"), pl.col("_asye")).alias("role"))
        .drop("asye_from", "asye_until", "asye", "_asye")
    )


def _add_people(records: pl.DataFrame, workers: pl.DataFrame) -> pl.DataFrame:
    people = workers.select(
        "worker_id",
        pl.col("swe_number").alias("SWENo"),
        pl.col("birth_date").alias("PersonBirthDate"),
        pl.col("gender").alias("GenderCurrent"),
        pl.col("ethnicity").alias("Ethnicity"),
        pl.col("qualification_institution").alias("QualInst"),
        pl.col("qualification_level").alias("QualLevel"),
        pl.col("step_up").cast(pl.Int64).alias("StepUpGrad"),
        pl.col("frontline").cast(pl.Int64).alias("FrontlineGrad"),
    )
    joined = records.join(people, on="worker_id", how="left")
    agency = pl.col("AgencyWorker") == 1
    personal = [c for c in people.columns if c not in ("worker_id", "SWENo")]
    return joined.with_columns(pl.when(~agency).then(pl.col(c)).alias(c) for c in personal)


def _add_cases(
    records: pl.DataFrame, allocations: pl.DataFrame, counted: pl.DataFrame | None = None
) -> pl.DataFrame:
    """``Cases30``: allocations open on each reference day, counted per worker (one query per
    day, run together), or the counts already made (``counted``)."""
    if counted is not None:
        return records.join(
            counted.select("worker_id", "AsAt", "Cases30"), on=["worker_id", "AsAt"], how="left"
        ).with_columns(
            pl.when(pl.col("_in_post")).then(pl.col("Cases30").fill_null(0)).alias("Cases30")
        )
    ends = pl.col("end_date").fill_null(date.max)
    per_day = [
        allocations.lazy()
        .filter((pl.col("start_date") <= day) & (ends >= day))
        .group_by("worker_id")
        .agg(pl.len().cast(pl.Int64).alias("Cases30"))
        .with_columns(pl.lit(day, dtype=pl.Date).alias("AsAt"))
        for day in records["AsAt"].unique().sort()
    ]
    held = (
        pl.concat(pl.collect_all(per_day))
        if per_day
        else pl.DataFrame(schema={"worker_id": pl.Int64, "Cases30": pl.Int64, "AsAt": pl.Date})
    )
    return records.join(held, on=["worker_id", "AsAt"], how="left").with_columns(
        pl.when(pl.col("_in_post")).then(pl.col("Cases30").fill_null(0)).alias("Cases30")
    )


def _weekdays(start: pl.Series, end: pl.Series) -> np.ndarray:
    """Weekdays from ``start`` to ``end`` inclusive, element-wise."""
    first = start.to_numpy().astype("datetime64[D]")
    last = end.to_numpy().astype("datetime64[D]") + np.timedelta64(1, "D")
    return np.busday_count(first, last)


def _absence_in_window(absences: pl.DataFrame, first: date, day: date) -> pl.DataFrame:
    """Per worker: sickness working days lost from ``first`` to ``day`` and the reason of any
    absence on ``day``."""
    episodes = absences.filter(pl.col("start_date") <= day).with_columns(
        pl.col("end_date").fill_null(day).alias("episode_end")
    )
    sick = episodes.filter(
        (pl.col("reason") == AbsenceReason.SIC.value) & (pl.col("episode_end") >= first)
    )
    whole = _weekdays(sick["start_date"], sick["episode_end"])
    inside = _weekdays(
        sick["start_date"].clip(lower_bound=first), sick["episode_end"].clip(upper_bound=day)
    )
    share = np.divide(inside, whole, out=np.zeros(len(whole)), where=whole > 0)
    lost = (
        sick.with_columns((pl.col("working_days_lost") * share).alias("lost"))
        .group_by("worker_id")
        .agg(pl.col("lost").sum().round(2))
    )
    on_day = (
        episodes.filter(pl.col("episode_end") >= day)
        .sort("start_date")
        .group_by("worker_id")
        .agg(pl.col("reason").last().alias("absent_reason"))
    )
    return lost.join(on_day, on="worker_id", how="full", coalesce=True).with_columns(
        pl.lit(day, dtype=pl.Date).alias("AsAt")
    )


def _add_absence(records: pl.DataFrame, absences: pl.DataFrame) -> pl.DataFrame:
    periods = records.select("PeriodStart", "AsAt").unique().sort("AsAt").iter_rows()
    per_window = pl.concat(
        [_absence_in_window(absences, first, day) for first, day in periods]
        or [
            pl.DataFrame(
                schema={
                    "worker_id": pl.Int64,
                    "lost": pl.Float64,
                    "absent_reason": pl.Utf8,
                    "AsAt": pl.Date,
                }
            )
        ]
    )
    # Working days lost go on one own-staff record per worker and period: the latest employment.
    own = pl.col("AgencyWorker") == 0
    latest_own = (
        records.filter(own)
        .group_by("worker_id", "AsAt")
        .agg(pl.col("RoleStartDate").max().alias("_latest_start"))
    )
    own_in_post = own & pl.col("_in_post")
    return (
        records.join(per_window, on=["worker_id", "AsAt"], how="left")
        .join(latest_own, on=["worker_id", "AsAt"], how="left")
        .with_columns(
            pl.when(own & (pl.col("RoleStartDate") == pl.col("_latest_start")))
            .then(pl.col("lost").fill_null(0.0))
            .alias("WorkingDaysLost"),
            pl.when(own_in_post)
            .then(pl.col("absent_reason").is_not_null().cast(pl.Int64))
            .alias("Absat30Sept"),
            pl.when(own_in_post).then(pl.col("absent_reason")).alias("ReasonAbsence"),
        )
    )


def derive_vacancies(data: DayToDay, windows: Sequence[Window]) -> pl.DataFrame:
    """Vacant FTE and agency cover per LEA, Year, team and role (sum them for the council)."""
    periods = windows_frame(windows)
    active = pl.col("start_date") <= pl.col("AsAt")
    open_on_day = pl.col("end_date").is_null() | (pl.col("end_date") >= pl.col("AsAt"))
    in_post_on_day = pl.col("end_date").is_null() | (pl.col("end_date") > pl.col("AsAt"))
    posts = (
        data.posts.filter(pl.col("role").is_in(CENSUS_ROLES))
        .join(periods, how="cross")
        .filter(active & open_on_day)
    )
    filled = (
        data.spells.filter(pl.col("post_id").is_not_null())
        .join(periods, how="cross")
        .filter(active & in_post_on_day)
        .group_by("post_id", "Year")
        .agg(
            pl.col("fte").filter(pl.col("contract") == ContractType.OWN.value).sum().alias("own"),
            pl.col("fte")
            .filter(pl.col("contract") == ContractType.AGENCY.value)
            .sum()
            .alias("agency"),
            (pl.col("contract") == ContractType.AGENCY.value).sum().alias("agency_people"),
        )
    )
    vacant = (
        posts.join(filled, on=["post_id", "Year"], how="left")
        .with_columns(pl.col("own", "agency", "agency_people").fill_null(0))
        .with_columns((pl.col("funded_fte") - pl.col("own")).clip(lower_bound=0).alias("vacant"))
        .with_columns(
            pl.min_horizontal("agency", "vacant").alias("cover"),
            pl.when(pl.col("vacant") > 0).then(pl.col("agency_people")).otherwise(0).alias("heads"),
        )
    )
    detail = vacant.group_by("LEA", "Year", "team", "role").agg(
        pl.col("vacant").sum().alias("NumberOfVacancies"),
        pl.col("cover").sum().alias("NoAgencyFTE"),
        pl.col("heads").sum().cast(pl.Int64).alias("NoAgencyHeadcount"),
    )
    return detail.sort("LEA", "Year", "team", "role")


def council_vacancies(detail: pl.DataFrame) -> pl.DataFrame:
    """``LALevelVacancies`` per LEA and Year, rounded as the return carries them."""
    totals = detail.group_by("LEA", "Year").agg(
        pl.col("NumberOfVacancies").sum().round(2),
        pl.col("NoAgencyFTE").sum().round(2),
        pl.col("NoAgencyHeadcount").sum(),
    )
    return conform_vacancies(totals).sort("LEA", "Year")

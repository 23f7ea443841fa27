"""The operational figures, defined once: cases, points, case holders, case-holding FTE, in-post
FTE by staff group, waiting days, escalation ages, caseload bands, continuity and ASYE status.

Each figure is data (:class:`Figure`: name, label, unit, direction, formula) plus the one function
that computes it; every service, page, command and check uses these functions, and every figure
has a page in ``docs/metrics/`` (``tests/test_docs.py`` checks both). The census indicators are
defined the same way in :mod:`caseload.census.definitions`; where a figure here has a DfE
counterpart (cases, case holders, in-post FTE) it follows DfE's rule, so the two agree on any day.

Conventions, decided once:

- *In post on a day* follows the census: a worker is in post on ``day`` when a spell covers it and
  they are still employed (in a spell of the same group and contract) the next day; someone whose
  last day is ``day`` is a leaver, not in post.
- *Waiting days* are whole days elapsed: ``as_at - waiting_since``. A child who became unallocated
  on ``as_at`` has waited 0 days; one waiting since yesterday, 1.
- *Bands* are by role: red above the role's case cap or points cap (the same test as the over-cap
  alerts), amber above ``bands.green / bands.amber`` of a cap, green otherwise."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

import polars as pl

from caseload.caseloads.policy import CaseloadPolicy
from caseload.census.definitions import Direction
from caseload.domain import CaseType, ContractType, Role

CENSUS_ROLES: list[str] = [role.value for role in Role if role.org_role is not None]
ALL_ROLES: list[str] = [role.value for role in Role]
# Roles in which a newly qualified worker does their ASYE year (the first social worker post).
PRACTITIONER_ROLES: list[str] = [
    Role.ASYE.value,
    Role.SOCIAL_WORKER.value,
    Role.SENIOR_SOCIAL_WORKER.value,
    Role.ADVANCED_PRACTITIONER.value,
]
ASYE_MONTHS = 12
EPSILON = 1e-9
RED, AMBER, GREEN = "red", "amber", "green"


@dataclass(frozen=True)
class Figure:
    """One operational figure: ``compute`` names the function that computes it; its page is
    ``docs/metrics/{name}.md`` (shared with the census indicator of the same name, which it
    follows on any day)."""

    name: str
    label: str
    unit: str
    direction: Direction
    formula: str
    compute: str


class StaffGroup(str, Enum):
    """Who an in-post FTE counts. The census counts registered social workers in census roles
    (``OrgRole`` 1-6); the council's own staff also include family support workers."""

    SOCIAL_WORKERS = "social_workers"  # own staff in census roles: DfE's inpost_fte
    ALL_OWN_STAFF = "all_own_staff"  # own staff in every role, family support workers included
    AGENCY_SOCIAL_WORKERS = "agency_social_workers"  # agency staff in census roles: agency_fte
    ALL_AGENCY_STAFF = "all_agency_staff"  # agency staff in every role

    @property
    def label(self) -> str:
        return STAFF_GROUP_LABELS[self]


STAFF_GROUP_LABELS = {
    StaffGroup.SOCIAL_WORKERS: "Own social work staff in post (FTE; the census in-post FTE)",
    StaffGroup.ALL_OWN_STAFF: "All own staff in post (FTE; family support workers included)",
    StaffGroup.AGENCY_SOCIAL_WORKERS: "Agency social workers in post (FTE; the census agency FTE)",
    StaffGroup.ALL_AGENCY_STAFF: "All agency staff in post (FTE)",
}


# --- in post, case holders, cases, points ------------------------------------------------------


def _group_filter(group: StaffGroup) -> pl.Expr:
    own = pl.col("contract") == ContractType.OWN.value
    census = pl.col("role").is_in(CENSUS_ROLES)
    if group is StaffGroup.SOCIAL_WORKERS:
        return own & census
    if group is StaffGroup.ALL_OWN_STAFF:
        return own
    if group is StaffGroup.ALL_AGENCY_STAFF:
        return ~own
    return ~own & census


def _covers(day: date) -> pl.Expr:
    return (pl.col("start_date") <= day) & (
        pl.col("end_date").is_null() | (pl.col("end_date") >= day)
    )


def in_post_spells(spells: pl.DataFrame, day: date, group: StaffGroup) -> pl.DataFrame:
    """The spells of ``group`` in post on ``day``: covering it, for a worker still in the group
    (same contract type) the next day. ``spells``: worker_id, contract, role, fte, start_date,
    end_date (plus anything else, kept)."""
    chosen = spells.filter(_group_filter(group))
    tomorrow = (
        chosen.filter(_covers(day + timedelta(days=1))).select("worker_id", "contract").unique()
    )
    return chosen.filter(_covers(day)).join(tomorrow, on=["worker_id", "contract"], how="semi")


def in_post_fte(spells: pl.DataFrame, day: date, group: StaffGroup) -> float:
    """In-post FTE of a staff group on ``day`` (see :func:`in_post_spells`), unrounded. For
    ``SOCIAL_WORKERS`` on 30 September this is the census ``inpost_fte``."""
    return float(in_post_spells(spells, day, group)["fte"].fill_null(0.0).sum())


def leaving_on(spells: pl.DataFrame, day: date) -> pl.DataFrame:
    """worker_id of workers in a census role on ``day`` whose census employment ends that day
    (no census-role spell of the same contract type the next day): leavers, not in post."""
    today = spells.filter(pl.col("role").is_in(CENSUS_ROLES) & _covers(day))
    staying = in_post_spells(spells, day, StaffGroup.SOCIAL_WORKERS).vstack(
        in_post_spells(spells, day, StaffGroup.AGENCY_SOCIAL_WORKERS)
    )
    return today.join(staying, on="worker_id", how="anti").select("worker_id").unique()


def case_holder() -> pl.Expr:
    """On a worker frame (``workers_on`` + workload): in post on the day by the census rule,
    in a census role, holding at least one case as allocated worker (own and agency alike). The
    DfE definition of a case holder (``Cases30`` above 0)."""
    return (
        pl.col("in_post")
        & ~pl.col("leaving_today")
        & pl.col("role").is_in(CENSUS_ROLES).fill_null(False)
        & (pl.col("cases") > 0)
    )


def case_holding_fte(workers: pl.DataFrame) -> float:
    """FTE of the case holders (:func:`case_holder`): the denominator of DfE's caseload."""
    return float(workers.filter(case_holder())["fte"].fill_null(0.0).sum())


def cases_held(workers: pl.DataFrame) -> int:
    """Cases (children, each counted once per allocated worker) held by case holders: DfE's
    ``cases``. Siblings count separately; co-working is not counted."""
    return int(workers.filter(case_holder())["cases"].sum())


def points_held(workers: pl.DataFrame) -> float:
    """Weighted workload points of every allocated-worker case (the policy's points per case
    type, plus the proceedings points)."""
    return float(workers["points"].sum())


CHILDREN_IN_NEED_STATUSES: list[str] = [
    CaseType.CHILD_IN_NEED.value,
    CaseType.CHILD_PROTECTION.value,
    CaseType.LOOKED_AFTER.value,
]


def children_in_need(statuses: pl.DataFrame) -> int:
    """Children in need as DfE counts them: every child open on the day on a child in need plan,
    a child protection plan or looked after (CIN includes CP and CLA). Children being assessed
    and care leavers are not counted. ``statuses``: child_id, status (open on the day)."""
    found = statuses.filter(pl.col("status").is_in(CHILDREN_IN_NEED_STATUSES))
    return int(found["child_id"].n_unique())


# --- waiting ------------------------------------------------------------------------------------


def waiting_days(since: pl.Expr, as_at: pl.Expr) -> pl.Expr:
    """Whole days a child has waited: ``as_at - since`` (0 on the day they start waiting)."""
    return (as_at - since).dt.total_days().cast(pl.Int64)


def escalation(days: pl.Expr, policy: CaseloadPolicy) -> pl.Expr:
    """``escalate`` from the policy's escalation age, ``review`` from its review age, else
    ``new`` (ages in waiting days)."""
    return escalation_at(
        days, review=pl.lit(policy.review_days), escalate=pl.lit(policy.escalate_days)
    )


def escalation_at(days: pl.Expr, *, review: pl.Expr, escalate: pl.Expr) -> pl.Expr:
    """:func:`escalation` with the review and escalation ages given as expressions (each
    council's own policy, for many councils at once)."""
    return (
        pl.when(days >= escalate)
        .then(pl.lit("escalate"))
        .when(days >= review)
        .then(pl.lit("review"))
        .otherwise(pl.lit("new"))
    )


def escalation_of(days: int, policy: CaseloadPolicy) -> str:
    """:func:`escalation` for one child (a recommendation, a plan row)."""
    if days >= policy.escalate_days:
        return "escalate"
    return "review" if days >= policy.review_days else "new"


def waiting_at_least(queue: pl.DataFrame, days: int) -> int:
    """Children in ``queue`` waiting ``days`` or more: cumulative, so 'waiting 7 days or more'
    includes every child waiting 28 or more."""
    return int((queue["days_waiting"] >= days).sum())


# --- bands --------------------------------------------------------------------------------------


def over_case_cap() -> pl.Expr:
    """More cases than the role's case cap x FTE (x the phased-return share): a red alert."""
    return (
        pl.col("in_post")
        & pl.col("case_holding")
        & (pl.col("cases") > pl.col("cap_cases") + EPSILON)
    )


def over_points_cap() -> pl.Expr:
    """More points than the role's points cap x FTE (x the phased-return share): a red alert."""
    return (
        pl.col("in_post")
        & pl.col("case_holding")
        & (pl.col("points") > pl.col("cap_points") + EPSILON)
    )


def utilisation(
    cases: pl.Expr, points: pl.Expr, cap_cases: pl.Expr, cap_points: pl.Expr
) -> pl.Expr:
    """The higher of cases / case cap and points / points cap; null without a cap."""
    by_cases = pl.when(cap_cases > 0).then(cases / cap_cases)
    by_points = pl.when(cap_points > 0).then(points / cap_points)
    return pl.max_horizontal(by_cases, by_points)


def amber_share(policy: CaseloadPolicy) -> float:
    """The share of a cap above which a worker is amber: ``bands.green / bands.amber`` (18 / 20 =
    0.9 by default, so a social worker with a cap of 20 is amber from 19 cases)."""
    return policy.band_green / policy.band_amber if policy.band_amber else 1.0


def band(policy: CaseloadPolicy) -> pl.Expr:
    """A worker's band against their own role's caps (an ASYE against the ASYE cap): red when
    over the case or points cap (exactly the over-cap alerts), amber when utilisation is above
    :func:`amber_share`, else green; null for someone not in post in a case-holding role."""
    measured = pl.col("in_post") & pl.col("case_holding")
    used = utilisation(pl.col("cases"), pl.col("points"), pl.col("cap_cases"), pl.col("cap_points"))
    return (
        pl.when(~measured.fill_null(False))
        .then(None)
        .when(over_case_cap() | over_points_cap())
        .then(pl.lit(RED))
        .when(used > amber_share(policy) + EPSILON)
        .then(pl.lit(AMBER))
        .otherwise(pl.lit(GREEN))
    )


# --- ASYE ---------------------------------------------------------------------------------------


def asye_status(workers: pl.DataFrame, spells: pl.DataFrame, day: date) -> pl.DataFrame:
    """worker_id, asye (null when the qualification date is unknown), asye_from, asye_until.

    The ASYE is the 12 months from the start of the worker's first social worker post after
    qualifying (``asye_until`` is its last day), cut short by an ASYE outcome when one is recorded
    (``asye_outcome_date`` in ``workers``, when the frame has it). The HR grade plays no part.

    The first post is the worker's first practitioner spell here running on or after the
    qualification date (starting on the later of the two) when they joined newly qualified
    (``start_origin`` 1), or with no origin recorded, when it started within 12 months of
    qualifying. Anyone else came from social work elsewhere, so their first post began no earlier
    than qualifying: the year runs from the qualification date.

    A recorded ASYE programme takes precedence (``asye_recorded_from`` and
    ``asye_recorded_until`` in ``workers``, when the frame has them:
    :func:`caseload.practice.asye.asye_years`): the year is the programme's, from its start to
    its last day (an extension runs it on; a pass or fail ends it), whether or not the
    qualification date is known."""
    columns = ["worker_id", "start_date", "end_date", "start_origin"]
    practice = spells.filter(pl.col("role").is_in(PRACTITIONER_ROLES)).select(
        [c if c in spells.columns else pl.lit(None, dtype=pl.Int64).alias(c) for c in columns]
    )
    outcome = (
        pl.col("asye_outcome_date")
        if "asye_outcome_date" in workers.columns
        else pl.lit(None, dtype=pl.Date)
    )
    people = workers.select("worker_id", "qualification_date", outcome.alias("_outcome"))
    qualified = pl.col("qualification_date")
    first = (
        practice.join(people, on="worker_id")
        .filter(
            qualified.is_not_null()
            & (pl.col("end_date").is_null() | (pl.col("end_date") >= qualified))
        )
        .with_columns(pl.max_horizontal("start_date", qualified).alias("_from"))
        .sort("_from")
        .group_by("worker_id")
        .first()
        .select("worker_id", "_from", pl.col("start_origin").alias("_origin"))
    )
    year_after = qualified.dt.offset_by(f"{ASYE_MONTHS}mo")
    first_post = (pl.col("_origin") == 1) | (
        pl.col("_origin").is_null() & (pl.col("_from") < year_after)
    )
    frame = (
        people.join(first, on="worker_id", how="left")
        .with_columns(
            pl.when(pl.col("_from").is_null())
            .then(None)
            .when(first_post)
            .then(pl.col("_from"))
            .otherwise(qualified)
            .alias("asye_from")
        )
        .with_columns(
            pl.min_horizontal(
                pl.col("asye_from").dt.offset_by(f"{ASYE_MONTHS}mo") - pl.duration(days=1),
                pl.col("_outcome") - pl.duration(days=1),
            ).alias("asye_until")
        )
    )
    if "asye_recorded_from" in workers.columns:
        recorded = workers.select("worker_id", "asye_recorded_from", "asye_recorded_until")
        kept = pl.col("asye_recorded_from").is_not_null()
        frame = frame.join(recorded, on="worker_id", how="left").with_columns(
            pl.when(kept)
            .then(pl.col("asye_recorded_from"))
            .otherwise(pl.col("asye_from"))
            .alias("asye_from"),
            pl.when(kept)
            .then(pl.col("asye_recorded_until"))
            .otherwise(pl.col("asye_until"))
            .alias("asye_until"),
        )
        known = qualified.is_not_null() | kept
    else:
        known = qualified.is_not_null()
    within = (
        pl.col("asye_from").is_not_null()
        & (pl.col("asye_from") <= day)
        & (pl.col("asye_until") >= day)
    )
    return frame.select(
        "worker_id",
        pl.when(known).then(within).otherwise(None).alias("asye"),
        "asye_from",
        "asye_until",
    )


def role_with_asye(hr_role: pl.Expr, asye: pl.Expr) -> pl.Expr:
    """The role caps and protections apply to: ASYE for a practitioner in their ASYE year,
    whatever their grade; a practitioner graded ASYE past the year is a social worker. With no
    qualification date (``asye`` null) the HR grade stands."""
    practitioner = hr_role.is_in(PRACTITIONER_ROLES)
    return (
        pl.when(asye.is_null() | ~practitioner.fill_null(False))
        .then(hr_role)
        .when(asye & (hr_role != Role.ADVANCED_PRACTITIONER.value))
        .then(pl.lit(Role.ASYE.value))
        .when(~asye & (hr_role == Role.ASYE.value))
        .then(pl.lit(Role.SOCIAL_WORKER.value))
        .otherwise(hr_role)
    )


# --- the figures as data ------------------------------------------------------------------------

L, H, N = Direction.LOWER_BETTER, Direction.HIGHER_BETTER, Direction.NEUTRAL
M = "caseload.caseloads.definitions"

FIGURES: tuple[Figure, ...] = (
    Figure("cases", "Cases held", "children", N,
           "children allocated (as allocated worker) to case holders on the day; siblings count "
           "separately, co-working does not", f"{M}.cases_held"),
    Figure("points", "Weighted workload (points)", "points", N,
           "sum over allocated cases of points[case type] + proceedings points while in "
           "pre-proceedings or care proceedings", f"{M}.points_held"),
    Figure("case_holders", "Case holders", "workers", N,
           "workers in post on the day (census rule) in a census role holding at least one case",
           f"{M}.case_holder"),
    Figure("case_holders_fte", "Case-holding FTE", "FTE", N,
           "sum of FTE over case holders (own and agency)", f"{M}.case_holding_fte"),
    Figure("inpost_fte", STAFF_GROUP_LABELS[StaffGroup.SOCIAL_WORKERS], "FTE", H,
           "sum of FTE over own staff in census roles in post on the day",
           f"{M}.in_post_fte"),
    Figure("children_in_need", "Children in need (DfE: CIN plan, CP plan or looked after)",
           "children", N, "children open on the day with a CIN plan, a CP plan or looked after; "
           "not children being assessed or care leavers", f"{M}.children_in_need"),
    Figure("inpost_fte_all_own_staff", STAFF_GROUP_LABELS[StaffGroup.ALL_OWN_STAFF], "FTE", H,
           "sum of FTE over own staff in every role in post on the day", f"{M}.in_post_fte"),
    Figure("waiting_days", "Days waiting for a worker", "days", L,
           "as-at date - waiting since; waiting since = the later of the day the case opened "
           "(start of the unbroken run of statuses covering the day) and the day after the last "
           "allocated worker's allocation ended", f"{M}.waiting_days"),
    Figure("escalation", "Escalation age", "days", L,
           "escalate when waiting days >= unallocated.escalate_days, review when >= "
           "unallocated.review_days; counts of 'N days or more' are cumulative",
           f"{M}.escalation"),
    Figure("caseload_band", "Caseload band", "red / amber / green", L,
           "red: cases > case cap x FTE or points > points cap x FTE (the role's caps); amber: "
           "utilisation > bands.green / bands.amber; else green", f"{M}.band"),
    Figure("continuity", "Social workers in the last 12 months", "workers per child", L,
           "distinct allocated workers a child open on the day had in the 365 days to it",
           "caseload.caseloads.continuity.workers_per_child"),
    Figure("asye", "ASYE status", "yes / no", N,
           "qualified, and the day is within 12 months of starting the first social worker post "
           "after qualifying, with no ASYE outcome recorded before it", f"{M}.asye_status"),
)  # fmt: skip
FIGURE_BY_NAME = {figure.name: figure for figure in FIGURES}

# The functions by name, so a test can check each figure names a real one.
FUNCTIONS: dict[str, Callable[..., object]] = {
    "cases_held": cases_held,
    "points_held": points_held,
    "case_holder": case_holder,
    "case_holding_fte": case_holding_fte,
    "in_post_fte": in_post_fte,
    "children_in_need": children_in_need,
    "waiting_days": waiting_days,
    "escalation": escalation,
    "escalation_of": escalation_of,
    "band": band,
    "asye_status": asye_status,
}

"""The position on one day: who can hold cases and how much, and which children are open, with
their case type, points and workers. Everything else in caseloads and allocation starts here.

All dated spells are inclusive (``end_date`` is the last day, null while open)."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from caseload.caseloads import definitions
from caseload.caseloads.policy import CASE_HOLDING_ROLES, CaseloadPolicy
from caseload.domain import AllocationRole, CaseType, ProceedingsKind
from caseload.domain.caseload_data import CaseloadData as CaseloadData

# When a child has more than one status on a day, the first of these is the case type.
CASE_PRECEDENCE = [
    CaseType.CHILD_PROTECTION.value,
    CaseType.LOOKED_AFTER.value,
    CaseType.CHILD_IN_NEED.value,
    CaseType.ASSESSMENT.value,
    CaseType.CARE_LEAVER.value,
]
CASE_LABELS = {
    CaseType.ASSESSMENT.value: "assessment",
    CaseType.CHILD_IN_NEED.value: "child in need",
    CaseType.CHILD_PROTECTION.value: "child protection",
    CaseType.LOOKED_AFTER.value: "looked after",
    CaseType.CARE_LEAVER.value: "care leaver",
}
ALLOCATED = AllocationRole.ALLOCATED_WORKER.value
CO_WORKER = AllocationRole.CO_WORKER.value


def active_on(frame: pl.DataFrame, day: date) -> pl.DataFrame:
    """Rows whose inclusive ``start_date``..``end_date`` spell covers ``day``."""
    return frame.filter(
        (pl.col("start_date") <= day) & (pl.col("end_date").is_null() | (pl.col("end_date") >= day))
    )


def team_lookup(teams: pl.DataFrame) -> pl.DataFrame:
    """team_id, team, service_id, service: a team's service area is its parent; a service area
    (or a team without a parent) is its own."""
    return teams.select(
        "team_id",
        "team",
        pl.coalesce("parent_id", "team_id").alias("service_id"),
        pl.coalesce("parent", "team").alias("service"),
    )


def _spells_with_team(data: CaseloadData) -> pl.DataFrame:
    names = data.teams.select("team_id", "team")
    return data.spells.join(names, on="team", how="left")


def _case_holding_until(spells: pl.DataFrame, day: date) -> pl.DataFrame:
    """worker_id, holding_until: the last day of the unbroken run of case-holding spells that
    covers ``day`` (null while it has no end)."""
    holding = spells.filter(pl.col("role").is_in(CASE_HOLDING_ROLES)).sort(
        "worker_id", "start_date"
    )
    # Sorted by worker and start: shifting the whole frame and starting a run at each worker's
    # first spell gives each run its own number (far faster than a window per worker).
    first = (pl.col("worker_id") != pl.col("worker_id").shift(1)).fill_null(True)
    previous_end = pl.when(first).then(None).otherwise(pl.col("end_date").shift(1))
    new_run = previous_end.is_null() | (pl.col("start_date") != previous_end + timedelta(days=1))
    runs = holding.with_columns(new_run.cum_sum().alias("run"))
    bounds = runs.group_by("worker_id", "run").agg(
        pl.col("start_date").min(),
        pl.when(pl.col("end_date").is_null().any())
        .then(None)
        .otherwise(pl.col("end_date").max())
        .alias("end_date"),
    )
    return active_on(bounds, day).select("worker_id", pl.col("end_date").alias("holding_until"))


def _absence_position(absences: pl.DataFrame, day: date, policy: CaseloadPolicy) -> pl.DataFrame:
    """worker_id, absent, long_absence, absent_since, long_absence_from, phased_return."""
    long_days = policy.long_absence_days
    lasted = (
        pl.when(pl.col("end_date").is_null())
        .then(None)
        .otherwise((pl.col("end_date") - pl.col("start_date")).dt.total_days() + 1)
    )
    frame = absences.with_columns(lasted.alias("length"))
    today = active_on(frame, day).with_columns(
        (
            (pl.col("length") >= long_days)
            | (
                pl.col("length").is_null()
                & ((pl.lit(day) - pl.col("start_date")).dt.total_days() + 1 >= long_days)
            )
        ).alias("long")
    )
    current = today.group_by("worker_id").agg(
        pl.lit(True).alias("absent"),
        pl.col("long").any().alias("long_absence"),
        pl.col("start_date").min().alias("absent_since"),
    )
    horizon = day + timedelta(days=policy.exclude_leaving_within_days)
    upcoming = (
        frame.filter(
            (pl.col("start_date") > day)
            & (pl.col("start_date") <= horizon)
            & (pl.col("length").is_null() | (pl.col("length") >= long_days))
        )
        .group_by("worker_id")
        .agg(pl.col("start_date").min().alias("long_absence_from"))
    )
    returned = (
        frame.filter(
            (pl.col("length") >= long_days)
            & (pl.col("end_date") < day)
            & (pl.col("end_date") >= day - timedelta(days=policy.phased_return_days))
        )
        .group_by("worker_id")
        .agg(pl.lit(True).alias("phased_return"))
    )
    workers = pl.concat([f.select("worker_id") for f in (current, upcoming, returned)]).unique()
    return (
        workers.join(current, on="worker_id", how="left")
        .join(upcoming, on="worker_id", how="left")
        .join(returned, on="worker_id", how="left")
        .with_columns(
            pl.col("absent", "long_absence", "phased_return").fill_null(False),
        )
    )


def workers_on(data: CaseloadData, day: date, policy: CaseloadPolicy) -> pl.DataFrame:
    """One row per worker in a case-holding role on ``day`` or holding any allocation on it.

    Columns: worker_id, staff_number, name, role, hr_role, asye, contract, fte, team_id, team,
    service_id, service, in_post, leaving_today, case_holding, pqe_years, holding_until, absent,
    long_absence, absent_since, long_absence_from, phased_return, cap_cases, cap_points,
    capacity_cases, capacity_points.

    ``role`` is the role caps and protections apply to: the HR grade, except that ASYE status
    comes from the qualification date and first social worker post
    (:func:`caseload.caseloads.definitions.asye_status`), not the grade. ``leaving_today``: in a
    census role on the day but not the next (a leaver on the day, not in post, by the census rule).

    ``cap_*`` is the role's cap x FTE (x the phased-return share); ``capacity_*`` is the same but
    zero while absent, which is what new work may use."""
    spells = _spells_with_team(data)
    today = active_on(spells, day).sort("start_date").group_by("worker_id").last()
    holders = active_on(data.allocations, day).select("worker_id").unique()
    people = pl.concat(
        [
            today.filter(pl.col("role").is_in(CASE_HOLDING_ROLES)).select("worker_id"),
            holders,
        ]
    ).unique()
    teams = team_lookup(data.teams).drop("team")
    asye = definitions.asye_status(data.workers, data.spells, day).select("worker_id", "asye")
    leaving = definitions.leaving_on(data.spells, day).with_columns(
        pl.lit(True).alias("leaving_today")
    )
    frame = (
        people.join(data.workers, on="worker_id", how="left")
        .join(
            today.select(
                "worker_id", pl.col("role").alias("hr_role"), "contract", "fte", "team_id", "team"
            ),
            on="worker_id",
            how="left",
        )
        .join(asye, on="worker_id", how="left")
        .join(leaving, on="worker_id", how="left")
        .with_columns(
            definitions.role_with_asye(pl.col("hr_role"), pl.col("asye")).alias("role"),
            pl.col("leaving_today").fill_null(False),
        )
        .join(teams, on="team_id", how="left")
        .join(_case_holding_until(spells, day), on="worker_id", how="left")
        .join(_absence_position(data.absences, day, policy), on="worker_id", how="left")
        .with_columns(
            pl.col("role").is_not_null().alias("in_post"),
            pl.col("role").is_in(CASE_HOLDING_ROLES).fill_null(False).alias("case_holding"),
            pl.col("absent", "long_absence", "phased_return").fill_null(False),
            ((pl.lit(day) - pl.col("qualification_date")).dt.total_days() / 365.25).alias(
                "pqe_years"
            ),
        )
    )
    cap_cases = {role: float(cap.cases) for role, cap in policy.caps.items()}
    cap_points = {role: cap.points for role, cap in policy.caps.items()}
    share = pl.when(pl.col("phased_return")).then(policy.phased_return).otherwise(1.0)
    frame = frame.with_columns(
        (
            pl.col("role").replace_strict(cap_cases, default=0.0, return_dtype=pl.Float64)
            * pl.col("fte").fill_null(0.0)
            * share
        ).alias("cap_cases"),
        (
            pl.col("role").replace_strict(cap_points, default=0.0, return_dtype=pl.Float64)
            * pl.col("fte").fill_null(0.0)
            * share
        ).alias("cap_points"),
    )
    absent = pl.col("absent")
    return frame.with_columns(
        pl.when(absent).then(0.0).otherwise(pl.col("cap_cases")).alias("capacity_cases"),
        pl.when(absent).then(0.0).otherwise(pl.col("cap_points")).alias("capacity_points"),
    ).sort("team", "name", "worker_id", nulls_last=True)


def cases_on(data: CaseloadData, day: date, policy: CaseloadPolicy) -> pl.DataFrame:
    """One row per child with an open status on ``day``: child_id, child_ref, birth_date,
    sibling_group, case_type, proceedings (pre_proceedings / care_proceedings / null), points,
    protected, priority, worker_id (allocated worker, null when unallocated), co_workers."""
    rank = {case: index for index, case in enumerate(CASE_PRECEDENCE)}
    statuses = (
        active_on(data.statuses, day)
        .with_columns(pl.col("status").replace_strict(rank, default=99).alias("_rank"))
        .sort("_rank")
        .group_by("child_id")
        .first()
        .select("child_id", pl.col("status").alias("case_type"))
    )
    care = ProceedingsKind.CARE_PROCEEDINGS.value
    proceedings = (
        active_on(data.proceedings, day)
        .group_by("child_id")
        .agg(
            pl.when((pl.col("kind") == care).any())
            .then(pl.lit(care))
            .otherwise(pl.col("kind").first())
            .alias("proceedings")
        )
    )
    allocations = active_on(data.allocations, day)
    allocated = (
        allocations.filter(pl.col("role") == ALLOCATED)
        .sort("start_date")
        .group_by("child_id")
        .last()
        .select("child_id", "worker_id")
    )
    co_workers = (
        allocations.filter(pl.col("role") == CO_WORKER)
        .group_by("child_id")
        .agg(pl.col("worker_id").unique().sort().alias("co_workers"))
    )
    frame = (
        statuses.join(data.children, on="child_id", how="left")
        .join(proceedings, on="child_id", how="left")
        .join(allocated, on="child_id", how="left")
        .join(co_workers, on="child_id", how="left")
        .with_columns(pl.col("co_workers").fill_null(pl.lit([], dtype=pl.List(pl.Int64))))
    )
    return with_case_scores(frame, policy).sort("child_ref")


def with_case_scores(frame: pl.DataFrame, policy: CaseloadPolicy) -> pl.DataFrame:
    """Add points, protected and priority from case_type and proceedings (see the policy)."""
    in_proceedings = pl.col("proceedings").is_not_null()
    points = pl.col("case_type").replace_strict(
        policy.points, default=0.0, return_dtype=pl.Float64
    ).fill_null(0.0) + pl.when(in_proceedings).then(policy.proceedings_points).otherwise(0.0)
    protected = pl.col("case_type").is_in(sorted(policy.asye_sole_case_types)).fill_null(False)
    if policy.asye_sole_proceedings:
        protected = protected | in_proceedings
    ranks = {case: index for index, case in enumerate(policy.priority)}
    priority = (
        pl.when(in_proceedings)
        .then(0)
        .otherwise(
            pl.col("case_type").replace_strict(
                ranks, default=len(policy.priority), return_dtype=pl.Int64
            )
        )
    )
    return frame.with_columns(
        points.alias("points"),
        protected.alias("protected"),
        priority.cast(pl.Int64).alias("priority"),
    )


def held_on(data: CaseloadData, day: date, policy: CaseloadPolicy) -> pl.DataFrame:
    """One row per allocated-worker allocation active on ``day`` (the DfE count): allocation_id,
    worker_id, child_id, start_date, child_ref, sibling_group, case_type (null when the child has
    no open status), proceedings, points, protected, priority, co_workers."""
    cases = cases_on(data, day, policy).drop("worker_id", "points", "protected", "priority")
    held = (
        active_on(data.allocations, day)
        .filter(pl.col("role") == ALLOCATED)
        .select("allocation_id", "worker_id", "child_id", "start_date")
        .join(cases, on="child_id", how="left")
    )
    missing = data.children.select("child_id", "child_ref", "sibling_group")
    held = held.join(missing, on="child_id", how="left", suffix="_child").with_columns(
        pl.coalesce("child_ref", "child_ref_child").alias("child_ref"),
        pl.coalesce("sibling_group", "sibling_group_child").alias("sibling_group"),
        pl.col("co_workers").fill_null(pl.lit([], dtype=pl.List(pl.Int64))),
    )
    return with_case_scores(held.drop("child_ref_child", "sibling_group_child"), policy)


def known_workers(data: CaseloadData, day: date, months: int = 12) -> pl.DataFrame:
    """child_id, worker_id, last_day: workers who held (or co-worked) a child in the 12 months
    to ``day``, with the last day they did."""
    first = day - timedelta(days=365 * months // 12 - 1)
    window = data.allocations.filter(
        (pl.col("start_date") <= day)
        & (pl.col("end_date").is_null() | (pl.col("end_date") >= first))
    )
    return window.group_by("child_id", "worker_id").agg(
        pl.col("end_date").fill_null(day).clip(upper_bound=day).max().alias("last_day"),
        (pl.col("role") == ALLOCATED).any().alias("was_allocated"),
    )


def managers_on(data: CaseloadData, day: date) -> pl.DataFrame:
    """team_id, worker_id: team managers on ``day`` (from team management, or from a team
    manager's spell in the team when the management record is missing)."""
    from_records = active_on(data.managers, day).select("team_id", "worker_id")
    from_roles = (
        active_on(_spells_with_team(data), day)
        .filter((pl.col("role") == "team_manager") & pl.col("team_id").is_not_null())
        .select("team_id", "worker_id")
        .join(from_records.select("team_id"), on="team_id", how="anti")
    )
    return pl.concat([from_records, from_roles]).unique().sort("team_id", "worker_id")


def case_label(case_type: str | None, proceedings: str | None) -> str:
    """A case described for a manager: 'child protection, care proceedings'."""
    text = CASE_LABELS.get(case_type or "", "no open case")
    if proceedings:
        text += ", " + proceedings.replace("_", " ")
    return text

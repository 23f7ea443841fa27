"""Supervision: when each worker was last supervised, when the next session is due, and how much
of a period each worker, supervisor and team spent within the schedule the standards set.

**The schedule.** A worker's schedule is their role's (:meth:`PracticeStandards.supervision_for`:
the role's own, else the default). Its steps are measured from the start of the worker's
unbroken run of spells in that role: an ASYE who started on 1 September is in the first step
(e.g. weekly) while fewer than ``until_days`` days have passed since then, so day 0 to day 41 for
"weekly for the first 6 weeks" (``until_days`` 42), then in the next step.

**Which sessions count.** Formal, group and reflective supervision (:data:`COUNTED_KINDS`). Ad hoc
sessions (a quick word in the corridor) are recorded but do not count towards the schedule: the
standards ask for planned, recorded supervision, and the standards file has no setting that says
otherwise. A caller may pass other ``counted_kinds``.

**Compliance, per worker-day.** For each day a worker is in post in a supervised role, the *gap*
is the days since their last counted session on or before the day, or since they started with
the council (the start of their unbroken run of spells) when that is later or they have had no
session. The day is *compliant* when the gap is at most the interval of the step in force that
day. Compliance over a period is compliant worker-days / worker-days, as a percentage.

Worked example: a social worker supervised every 28 days at most, in post all of March 2025 (31
days), last supervised on 20 February and next on 25 March. From 1 to 20 March the gap is 9 to 28
days (compliant, 20 days); from 21 to 24 March it is 29 to 32 (not compliant, 4 days); from 25 to
31 March it is 0 to 6 (compliant, 7 days). Compliance: 27 / 31 = 87.1%.

**Who is responsible.** A worker-day's supervisor is the supervisor of their last counted
session (the person who supervises them); before their first session, or when the session does
not name one, the manager of their team that day (from the team management records; the most
recently started when a team has two). Percentages are rounded to 1 dp, halves away from zero,
from the unrounded counts."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from typing import Final, Literal

import polars as pl

from caseload.caseloads.definitions import Figure
from caseload.caseloads.policy import CASE_HOLDING_ROLES
from caseload.census.definitions import Direction
from caseload.practice.schedule import share
from caseload.practice.standards import PracticeStandards

COUNTED_KINDS: Final = ("formal", "group", "reflective")

DAY_COLUMNS: Final = (
    "worker_id",
    "day",
    "month",
    "role",
    "team",
    "team_id",
    "role_since",
    "every_days",
    "last_supervision",
    "supervisor_id",
    "gap_days",
    "compliant",
)

FIGURES: Final = (
    Figure(
        "supervision_compliance",
        "Supervision compliance",
        "% of worker-days",
        Direction.HIGHER_BETTER,
        "compliant worker-days / worker-days in post in a supervised role; a day is compliant "
        "when the days since the last formal, group or reflective session (or since starting) "
        "are at most the role's interval in force that day (ASYE steps from the start of the "
        "ASYE role)",
        "caseload.practice.supervision.supervision_compliance",
    ),
)

Grouping = Literal["worker_id", "supervisor_id", "team", "role", "month"]


def supervised_roles(standards: PracticeStandards) -> list[str]:
    """The roles whose supervision is measured: every case-holding role, and any other role
    the standards give a schedule of its own."""
    own = [rule.role for rule in standards.supervision if rule.role != "default"]
    return sorted(set(CASE_HOLDING_ROLES) | set(own))


def schedule_steps(standards: PracticeStandards, roles: Collection[str]) -> pl.DataFrame:
    """role, from_days, until_days (null: no end), every_days: each role's steps as day ranges
    since the start of the role (a role with no schedule has no rows)."""
    rows: list[dict[str, object]] = []
    for role in sorted(set(roles)):
        rule = standards.supervision_for(role)
        if rule is None:
            continue
        begin = 0
        for step in rule.steps:
            rows.append(
                {
                    "role": role,
                    "from_days": begin,
                    "until_days": step.until_days,
                    "every_days": step.every_days,
                }
            )
            if step.until_days is None:
                break
            begin = step.until_days
    schema = {
        "role": pl.Utf8,
        "from_days": pl.Int64,
        "until_days": pl.Int64,
        "every_days": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema)


def _run_starts(*, by_role: bool) -> pl.Expr:
    """The start of the unbroken run of spells each spell belongs to (sorted by worker and
    start): a new run begins after a gap of a day or more, or (``by_role``) a change of role."""
    first = (pl.col("worker_id") != pl.col("worker_id").shift(1)).fill_null(True)
    previous_end = pl.col("end_date").shift(1)
    gap = previous_end.is_not_null() & (pl.col("start_date") > previous_end + timedelta(days=1))
    new_run = first | gap
    if by_role:
        new_run = new_run | (pl.col("role") != pl.col("role").shift(1)).fill_null(True)
    # Sorted by worker and start, a run's first spell starts it (and every worker's first
    # spell starts a run, so the fill never crosses workers).
    return pl.when(new_run).then(pl.col("start_date")).forward_fill()


def _sessions(supervisions: pl.DataFrame, counted_kinds: Collection[str]) -> pl.DataFrame:
    """worker_id, last_supervision, session_supervisor: one row per worker and day with a
    counted session (the named supervisor when one of the day's sessions names one)."""
    return (
        supervisions.filter(pl.col("kind").is_in(list(counted_kinds)))
        .group_by("worker_id", "supervision_date")
        .agg(pl.col("supervisor_id").drop_nulls().first().alias("session_supervisor"))
        .select(
            "worker_id",
            pl.col("supervision_date").alias("last_supervision"),
            "session_supervisor",
        )
        .sort("last_supervision")
    )


def _team_ids(spells: pl.DataFrame, teams: pl.DataFrame | None) -> pl.DataFrame:
    if "team_id" in spells.columns:
        return spells
    if teams is not None and "team" in spells.columns:
        return spells.join(teams.select("team_id", "team"), on="team", how="left")
    return spells.with_columns(pl.lit(None, dtype=pl.Int64).alias("team_id"))


def _with_manager(days: pl.DataFrame, managers: pl.DataFrame | None) -> pl.DataFrame:
    """Add team_manager, for the days whose last session names no supervisor: the manager of
    the worker's team on the day (the most recently started when there are two). The rows
    keep their order."""
    none = pl.lit(None, dtype=pl.Int64).alias("team_manager")
    if managers is None or managers.is_empty():
        return days.with_columns(none)
    spells = managers.select(
        "team_id",
        pl.col("worker_id").cast(pl.Int64).alias("team_manager"),
        pl.col("start_date").alias("_manager_from"),
        pl.col("end_date").alias("_manager_until"),
    ).sort("_manager_from")
    needed = (
        days.select("team_id", "day", "session_supervisor")
        .with_row_index("_row")
        .filter(pl.col("session_supervisor").is_null() & pl.col("team_id").is_not_null())
        .sort("day")
        .join_asof(
            spells,
            left_on="day",
            right_on="_manager_from",
            by="team_id",
            strategy="backward",
            check_sortedness=False,  # sorted by day, so sorted within each team
        )
    )
    ended = pl.col("_manager_until").is_not_null() & (pl.col("_manager_until") < pl.col("day"))
    manager = pl.when(ended).then(None).otherwise(pl.col("team_manager")).alias("team_manager")
    found = needed.select("_row", manager)
    column = pl.repeat(None, days.height, dtype=pl.Int64, eager=True).alias("team_manager")
    return days.with_columns(column.scatter(found["_row"], found["team_manager"]))


def supervision_days(
    spells: pl.DataFrame,
    supervisions: pl.DataFrame,
    standards: PracticeStandards,
    start: date,
    end: date,
    *,
    managers: pl.DataFrame | None = None,
    teams: pl.DataFrame | None = None,
    roles: Collection[str] | None = None,
    counted_kinds: Collection[str] = COUNTED_KINDS,
) -> pl.DataFrame:
    """One row per worker and day from ``start`` to ``end`` (inclusive) that the worker is in
    post in a supervised role with a schedule (columns :data:`DAY_COLUMNS`).

    ``spells``: worker_id, role, start_date, end_date, and team (a name) or team_id;
    ``supervisions``: the supervisions frame; ``managers``: team_id, worker_id, start_date,
    end_date; ``teams``: team_id, team (to find the team of a spell that names its team);
    ``roles``: the roles measured (default :func:`supervised_roles`). See the module docstring
    for the gap, the steps and the supervisor."""
    chosen = list(roles) if roles is not None else supervised_roles(standards)
    team = pl.col("team") if "team" in spells.columns else pl.lit(None, dtype=pl.Utf8)
    ordered = (
        _team_ids(spells, teams)
        .with_columns(team.alias("team"))
        .sort("worker_id", "start_date")
        .with_columns(
            _run_starts(by_role=True).alias("role_since"),
            _run_starts(by_role=False).alias("employed_since"),
        )
    )
    # Where a worker's spells overlap, the later-started one holds from its start.
    same_worker = pl.col("worker_id") == pl.col("worker_id").shift(-1)
    next_start = pl.when(same_worker).then(pl.col("start_date").shift(-1)) - timedelta(days=1)
    until = pl.min_horizontal(pl.col("end_date").fill_null(end), next_start, pl.lit(end))
    # Each spell split by the schedule's steps (days since the role started), clipped to the
    # period; sorted by worker and start, so the exploded days are sorted by worker and day.
    steps = schedule_steps(standards, chosen)
    step_from = pl.col("role_since") + pl.duration(days=pl.col("from_days"))
    step_until = pl.col("role_since") + pl.duration(days=pl.col("until_days") - 1)
    first = pl.max_horizontal(pl.col("start_date"), step_from, pl.lit(start))
    last = pl.min_horizontal(pl.col("_until"), step_until.fill_null(pl.col("_until")))
    days = (
        ordered.with_columns(until.alias("_until"))
        .filter(pl.col("role").is_in(chosen))
        .join(steps, on="role")
        .with_columns(first.alias("_from"), last.alias("_last"))
        .filter(pl.col("_from") <= pl.col("_last"))
        .sort("worker_id", "_from")
        .select(
            "worker_id",
            "role",
            "team",
            "team_id",
            "role_since",
            "employed_since",
            "every_days",
            pl.date_ranges("_from", "_last").alias("day"),
        )
        .explode("day")
    )
    sessions = _sessions(supervisions, counted_kinds)
    days = days.join_asof(
        sessions,
        left_on="day",
        right_on="last_supervision",
        by="worker_id",
        strategy="backward",
        check_sortedness=False,  # sorted by worker and day
    )
    days = _with_manager(days, managers)
    clock = pl.max_horizontal(pl.col("last_supervision"), pl.col("employed_since"))
    gap = (pl.col("day") - clock).dt.total_days()
    return (
        days.with_columns(
            gap.alias("gap_days"),
            pl.coalesce("session_supervisor", "team_manager").alias("supervisor_id"),
            pl.col("day").dt.truncate("1mo").alias("month"),
        )
        .with_columns((pl.col("gap_days") <= pl.col("every_days")).alias("compliant"))
        .select(DAY_COLUMNS)
    )


def supervision_compliance(
    days: pl.DataFrame, by: Grouping | list[Grouping] | None = None
) -> pl.DataFrame:
    """Compliance from :func:`supervision_days`, overall (``by`` None) or by worker_id,
    supervisor_id, team, role and/or month: workers, worker_days, compliant_days, compliance
    (% of worker-days, 1 dp; null with no worker-days)."""
    keys: list[str] = [] if by is None else [by] if isinstance(by, str) else list(by)
    measures = (
        pl.col("worker_id").n_unique().cast(pl.Int64).alias("workers"),
        pl.len().cast(pl.Int64).alias("worker_days"),
        pl.col("compliant").sum().cast(pl.Int64).alias("compliant_days"),
    )
    grouped = days.group_by(keys).agg(*measures) if keys else days.select(*measures)
    frame = grouped.with_columns(
        share(pl.col("compliant_days"), pl.col("worker_days")).alias("compliance")
    )
    return frame.sort(keys, nulls_last=True) if keys else frame


def supervision_position(
    spells: pl.DataFrame,
    supervisions: pl.DataFrame,
    standards: PracticeStandards,
    as_at: date,
    *,
    managers: pl.DataFrame | None = None,
    teams: pl.DataFrame | None = None,
    roles: Collection[str] | None = None,
    counted_kinds: Collection[str] = COUNTED_KINDS,
) -> pl.DataFrame:
    """One row per worker in post in a supervised role on ``as_at``: worker_id, role, team,
    team_id, role_since, every_days (the interval in force), last_supervision (the last counted
    session on or before ``as_at``; null when none), supervisor_id, gap_days, next_due, overdue,
    days_overdue.

    ``overdue`` is the opposite of the day being compliant (the gap is above the interval in
    force). When not overdue, ``next_due`` is the last day a session keeps the worker within
    the schedule, following the steps ahead: an ASYE last supervised on day 40 of the role, when
    weekly supervision gives way to fortnightly on day 42, is next due on day 54 (40 + 14), not
    day 47. When overdue, it is the day the interval in force ran out (before ``as_at``), and
    ``days_overdue`` counts the days since (0 when not overdue)."""
    today = supervision_days(
        spells,
        supervisions,
        standards,
        as_at,
        as_at,
        managers=managers,
        teams=teams,
        roles=roles,
        counted_kinds=counted_kinds,
    )
    clock = (pl.col("day") - pl.duration(days=pl.col("gap_days"))).alias("_clock")
    frame = today.with_columns(clock, (~pl.col("compliant")).alias("overdue"))
    steps = schedule_steps(standards, frame["role"].unique().to_list())
    # For each step still ahead, the first day in it that would break the schedule.
    step_start = pl.col("role_since") + pl.duration(days=pl.col("from_days"))
    step_end = pl.col("role_since") + pl.duration(days=pl.col("until_days"))
    broken = pl.max_horizontal(
        step_start,
        pl.col("_clock") + pl.duration(days=pl.col("every_days_step") + 1),
        pl.lit(as_at),
    )
    ahead = (
        frame.select("worker_id", "role", "role_since", "_clock")
        .join(steps.rename({"every_days": "every_days_step"}), on="role")
        .with_columns(broken.alias("_broken"))
        .filter(pl.col("until_days").is_null() | (pl.col("_broken") < step_end))
        .group_by("worker_id")
        .agg(pl.col("_broken").min())
    )
    lapsed = pl.col("_clock") + pl.duration(days=pl.col("every_days"))
    return (
        frame.join(ahead, on="worker_id", how="left")
        .with_columns(
            pl.when(pl.col("overdue"))
            .then(lapsed)
            .otherwise(pl.col("_broken") - timedelta(days=1))
            .alias("next_due"),
            pl.when(pl.col("overdue"))
            .then(pl.col("gap_days") - pl.col("every_days"))
            .otherwise(0)
            .alias("days_overdue"),
        )
        .select(
            "worker_id",
            "role",
            "team",
            "team_id",
            "role_since",
            "every_days",
            "last_supervision",
            "supervisor_id",
            "gap_days",
            "next_due",
            "overdue",
            "days_overdue",
        )
        .sort("worker_id")
    )

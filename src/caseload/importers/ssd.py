"""Standard Safeguarding Dataset: check the tables and shape them into teams, professionals,
children, referrals, child statuses and allocations.

- Allocations are the ``ssd_involvements`` rows whose role is ``CW`` (allocated case worker), plus
  co-workers for the role codes given. All SSD end dates are read as the last day. When one
  allocated worker's involvement ends on the day the next one starts, the first is taken to end the
  day before (a child has one allocated worker a day). Two involvements of the same worker for the
  same child that overlap are loaded as one allocation (a warning); two different workers at once
  is an error.
- Child statuses: ``ssd_cin_plans`` (CIN), ``ssd_cp_plans`` (CP), ``ssd_cla_episodes`` (looked
  after; episodes that follow on are one period of care) and ``ssd_care_leavers`` (a care leaver
  from the day after their last period of care, else their pathway plan date, else the as-at
  date). An assessment runs from a referral in ``ssd_cin_episodes`` (not marked no further action)
  to the day before the first plan that follows it, or to the episode's close.
- ``ssd_person`` (birth dates) and ``ssd_family`` (sibling groups) are read when present.
- Statutory visits and reviews: :mod:`caseload.importers.ssd_practice`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from caseload.domain import AllocationRole, CaseType, WorkerChangeReason
from caseload.importers.fields import FieldKind
from caseload.importers.mapping import FALSE_WORDS, TRUE_WORDS
from caseload.importers.problems import Severity, combine, one_problem, problems_where
from caseload.importers.ssd_practice import (
    PRACTICE_COLUMNS,
    PracticeExtract,
    check_practice,
    no_practice,
    repeated_ids,
)
from caseload.importers.ssd_sources import SsdSource
from caseload.importers.ssd_status import derive_statuses
from caseload.importers.tables import RawTable, find_header
from caseload.importers.values import parse_date, parse_number

T, D, N, B = FieldKind.TEXT, FieldKind.DATE, FieldKind.NUMBER, FieldKind.BOOL
# table -> column -> (kind, required)
COLUMNS: dict[str, dict[str, tuple[FieldKind, bool]]] = {
    "ssd_professionals": {
        "prof_professional_id": (T, True),
        "prof_staff_id": (T, False),
        "prof_professional_name": (T, False),
        "prof_social_worker_registration_no": (T, False),
        "prof_agency_worker_flag": (B, False),
        "prof_professional_job_title": (T, False),
        "prof_professional_department": (T, False),
        "prof_full_time_equivalency": (N, False),
    },
    "ssd_involvements": {
        "invo_involvements_id": (T, True),
        "invo_professional_id": (T, True),
        "invo_professional_role_id": (T, True),
        "invo_person_id": (T, True),
        "invo_involvement_start_date": (D, True),
        "invo_involvement_end_date": (D, False),
        "invo_worker_change_reason": (T, False),
        "invo_professional_team": (T, False),
    },
    "ssd_department": {
        "dept_team_id": (T, True),
        "dept_team_name": (T, True),
        "dept_team_parent_id": (T, False),
        "dept_team_parent_name": (T, False),
    },
    "ssd_person": {"pers_person_id": (T, True), "pers_dob": (D, False)},
    "ssd_family": {"fami_family_id": (T, True), "fami_person_id": (T, True)},
    "ssd_cin_episodes": {
        "cine_referral_id": (T, True),
        "cine_person_id": (T, True),
        "cine_referral_date": (D, True),
        "cine_close_date": (D, False),
        "cine_referral_source_code": (T, False),
        "cine_referral_nfa": (B, False),
    },
    "ssd_cin_plans": {
        "cinp_cin_plan_id": (T, True),
        "cinp_person_id": (T, True),
        "cinp_cin_plan_start": (D, True),
        "cinp_cin_plan_end": (D, False),
    },
    "ssd_cp_plans": {
        "cppl_cp_plan_id": (T, True),
        "cppl_person_id": (T, True),
        "cppl_cp_plan_start_date": (D, True),
        "cppl_cp_plan_end_date": (D, False),
    },
    "ssd_cla_episodes": {
        "clae_cla_episode_id": (T, True),
        "clae_person_id": (T, True),
        "clae_cla_episode_start_date": (D, True),
        "clae_cla_episode_ceased": (D, False),
        "clae_cla_id": (T, False),
    },
    "ssd_care_leavers": {
        "clea_table_id": (T, True),
        "clea_person_id": (T, True),
        "clea_care_leaver_latest_contact": (D, False),
        "clea_pathway_plan_review_date": (D, False),
    },
    **PRACTICE_COLUMNS,
}
ALLOCATED_ROLE = "CW"
CHANGE_REASONS = {reason.value for reason in WorkerChangeReason}
ID_LIMIT = 40


@dataclass(frozen=True)
class SsdOptions:
    """``co_worker_roles``: involvement role codes loaded as co-workers (besides ``CW``)."""

    co_worker_roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class SsdExtract:
    teams: pl.DataFrame  # team_key, name, kind, parent_key, external_id, _row, _file
    professionals: pl.DataFrame  # prof_id, staff_id, swe_number, name, agency, _row
    children: pl.DataFrame  # child_ref, birth_date, sibling_group
    referrals: pl.DataFrame  # external_id, child_ref, referral_date, source, led_to_assessment
    statuses: pl.DataFrame  # external_id, child_ref, status, start_date, end_date
    status_kinds: tuple[str, ...]  # the statuses the source covers (others are left alone)
    allocations: pl.DataFrame  # external_id, prof_id, child_ref, role, dates, reason, _row
    problems: pl.DataFrame
    files: dict[str, str] = field(default_factory=dict)  # table -> name in problems
    practice: PracticeExtract = field(default_factory=no_practice)  # visits and reviews


def typed_table(table: RawTable, name: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The table's known columns typed (absent optional ones null), with problems."""
    problems = []
    columns = []
    for column, (_kind, required) in COLUMNS[name].items():
        header = find_header(table, [column])
        if header is None:
            if required:
                problems.append(
                    one_problem(
                        severity=Severity.ERROR,
                        file=table.name,
                        column=column,
                        problem=f"{name} has no {column} column",
                        action="export the table with the SSD's standard column names",
                    )
                )
            columns.append(pl.lit(None, dtype=pl.Utf8).alias(f"raw_{column}"))
        else:
            columns.append(pl.col(header).alias(f"raw_{column}"))
    frame = table.frame.select("_row", *columns)
    parsed = []
    for column, (kind, _) in COLUMNS[name].items():
        text = pl.col(f"raw_{column}")
        if kind is D:
            value = parse_date(text)
        elif kind is N:
            value = parse_number(text)
        elif kind is B:
            lowered = text.str.to_lowercase()
            value = (
                pl.when(lowered.is_in(TRUE_WORDS))
                .then(True)
                .when(lowered.is_in(FALSE_WORDS))
                .then(False)
            )
        else:
            value = text
        parsed.append(value.alias(column))
    frame = frame.with_columns(parsed)
    for column, (kind, required) in COLUMNS[name].items():
        raw = pl.col(f"raw_{column}")
        if required:
            problems.append(
                problems_where(
                    frame,
                    raw.is_null(),
                    severity=Severity.ERROR,
                    file=table.name,
                    column=column,
                    value=None,
                    problem=f"no {column}",
                    action="fill it in (the SSD requires it)",
                )
            )
        if kind in (D, N, B):
            what = {D: "a date", N: "a number", B: "Y or N"}[kind]
            problems.append(
                problems_where(
                    frame,
                    raw.is_not_null() & pl.col(column).is_null(),
                    severity=Severity.ERROR if kind is D else Severity.WARNING,
                    file=table.name,
                    column=column,
                    value=raw,
                    problem=f"is not {what}",
                    action="correct the value in the case management system",
                )
            )
        if kind is T and column.endswith(("_id", "_no")):
            problems.append(
                problems_where(
                    frame,
                    pl.col(column).str.len_chars() > ID_LIMIT,
                    severity=Severity.ERROR,
                    file=table.name,
                    column=column,
                    value=raw,
                    problem=f"is longer than {ID_LIMIT} characters",
                    action="check the column holds an id",
                )
            )
    return frame, combine(*problems)


def _end_before_start(frame: pl.DataFrame, file: str, start: str, end: str) -> pl.DataFrame:
    return problems_where(
        frame,
        pl.col(end) < pl.col(start),
        severity=Severity.ERROR,
        file=file,
        column=end,
        value=pl.col(f"raw_{end}"),
        problem=f"{end} is before {start}",
        action="correct the dates in the case management system",
    )


def check_ssd(source: SsdSource, *, as_at: date, options: SsdOptions) -> SsdExtract:
    typed: dict[str, pl.DataFrame] = {}
    problems: list[pl.DataFrame] = []
    files = {name: table.name for name, table in source.tables.items()}
    for name, table in source.tables.items():
        frame, found = typed_table(table, name)
        typed[name] = frame
        problems.append(found)
    for name, start, end in (
        ("ssd_involvements", "invo_involvement_start_date", "invo_involvement_end_date"),
        ("ssd_cin_episodes", "cine_referral_date", "cine_close_date"),
        ("ssd_cin_plans", "cinp_cin_plan_start", "cinp_cin_plan_end"),
        ("ssd_cp_plans", "cppl_cp_plan_start_date", "cppl_cp_plan_end_date"),
        ("ssd_cla_episodes", "clae_cla_episode_start_date", "clae_cla_episode_ceased"),
    ):
        if name in typed:
            problems.append(_end_before_start(typed[name], files[name], start, end))
    professionals = _professionals(typed["ssd_professionals"])
    problems.append(
        repeated_ids(typed["ssd_professionals"], files["ssd_professionals"], "prof_professional_id")
    )
    problems.append(
        repeated_ids(typed["ssd_involvements"], files["ssd_involvements"], "invo_involvements_id")
    )
    allocations, allocation_problems = _allocations(
        typed["ssd_involvements"], professionals, files["ssd_involvements"], options
    )
    problems.append(allocation_problems)
    statuses, kinds, status_problems = derive_statuses(typed, files, as_at)
    problems.append(status_problems)
    teams, team_problems = _teams(typed.get("ssd_department"), files.get("ssd_department", ""))
    problems.append(team_problems)
    practice = check_practice(typed, files, as_at)
    problems.append(practice.problems)
    return SsdExtract(
        teams=teams,
        professionals=professionals,
        children=_children(typed, allocations, statuses),
        referrals=_referrals(typed.get("ssd_cin_episodes")),
        statuses=statuses,
        status_kinds=kinds,
        allocations=allocations,
        problems=combine(*problems),
        files=files,
        practice=practice,
    )


def _professionals(frame: pl.DataFrame) -> pl.DataFrame:
    return (
        frame.filter(pl.col("prof_professional_id").is_not_null())
        .unique(subset=["prof_professional_id"], keep="first", maintain_order=True)
        .select(
            pl.col("prof_professional_id").alias("prof_id"),
            pl.col("prof_staff_id").alias("staff_id"),
            pl.col("prof_social_worker_registration_no")
            .str.replace_all(r"\s+", "")
            .str.to_uppercase()
            .alias("swe_number"),
            pl.col("prof_professional_name").alias("name"),
            pl.col("prof_agency_worker_flag").alias("agency"),
            "_row",
        )
    )


def _allocations(
    frame: pl.DataFrame, professionals: pl.DataFrame, file: str, options: SsdOptions
) -> tuple[pl.DataFrame, pl.DataFrame]:
    co_roles = [role.strip().upper() for role in options.co_worker_roles]
    role = pl.col("invo_professional_role_id").str.strip_chars().str.to_uppercase()
    rows = frame.with_columns(
        pl.when(role == ALLOCATED_ROLE)
        .then(pl.lit(AllocationRole.ALLOCATED_WORKER.value))
        .when(role.is_in(co_roles))
        .then(pl.lit(AllocationRole.CO_WORKER.value))
        .alias("role"),
        pl.col("invo_worker_change_reason").str.strip_chars().str.to_uppercase().alias("reason"),
    ).filter(
        pl.col("role").is_not_null()
        & pl.col("invo_involvements_id").is_not_null()
        & pl.col("invo_person_id").is_not_null()
        & pl.col("invo_involvement_start_date").is_not_null()
        & ~(pl.col("invo_involvement_end_date") < pl.col("invo_involvement_start_date")).fill_null(
            False
        )
    )
    known = professionals.select(
        pl.col("prof_id").alias("invo_professional_id"), pl.lit(True).alias("_known")
    )
    rows = rows.join(known, on="invo_professional_id", how="left")
    problems = [
        problems_where(
            rows,
            pl.col("_known").is_null(),
            severity=Severity.ERROR,
            file=file,
            column="invo_professional_id",
            value=pl.col("invo_professional_id"),
            problem=pl.format(
                "involvement {} allocates a child to a worker who is not in ssd_professionals",
                pl.col("invo_involvements_id"),
            ),
            action="include the worker in ssd_professionals, or correct the professional id",
        ),
        problems_where(
            rows,
            pl.col("reason").is_not_null() & ~pl.col("reason").is_in(list(CHANGE_REASONS)),
            severity=Severity.WARNING,
            file=file,
            column="invo_worker_change_reason",
            value=pl.col("raw_invo_worker_change_reason"),
            problem="is not an SSD worker-change reason; it is left blank",
            action=f"use one of {', '.join(sorted(CHANGE_REASONS))}",
        ),
    ]
    shaped = rows.filter(pl.col("_known").is_not_null()).select(
        pl.col("invo_involvements_id").alias("external_id"),
        pl.col("invo_professional_id").alias("prof_id"),
        pl.col("invo_person_id").alias("child_ref"),
        "role",
        pl.col("invo_involvement_start_date").alias("start_date"),
        pl.col("invo_involvement_end_date").alias("end_date"),
        pl.when(pl.col("reason").is_in(list(CHANGE_REASONS)))
        .then(pl.col("reason"))
        .alias("change_reason"),
        "_row",
    )
    allocated, more = _one_worker_a_day(
        shaped.filter(pl.col("role") == AllocationRole.ALLOCATED_WORKER.value), file
    )
    problems.append(more)
    co = shaped.filter(pl.col("role") == AllocationRole.CO_WORKER.value)
    return pl.concat([allocated, co]).sort("child_ref", "start_date", "role"), combine(*problems)


def _one_worker_a_day(rows: pl.DataFrame, file: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Trim same-day handovers, merge a worker's overlapping involvements for one child, and
    report two different workers at once."""
    ordered = rows.sort("child_ref", "start_date", "_row")
    next_start = pl.col("start_date").shift(-1).over("child_ref")
    trimmed = ordered.with_columns(
        pl.when(
            (pl.col("end_date") == next_start)
            & (pl.col("start_date") < next_start)
            & (pl.col("prof_id") != pl.col("prof_id").shift(-1).over("child_ref"))
        )
        .then(next_start - pl.duration(days=1))
        .otherwise(pl.col("end_date"))
        .alias("end_date")
    )
    reach = pl.col("end_date").fill_null(date.max).cum_max().shift(1).over("child_ref")
    previous = pl.col("prof_id").shift(1).over("child_ref")
    marked = trimmed.with_columns(
        reach.alias("_reach"),
        previous.alias("_previous"),
        pl.col("external_id").shift(1).over("child_ref").alias("_previous_id"),
    ).with_columns(
        (pl.col("_reach").is_not_null() & (pl.col("start_date") <= pl.col("_reach"))).alias(
            "_overlap"
        )
    )
    clash = marked.filter(pl.col("_overlap") & (pl.col("prof_id") != pl.col("_previous")))
    repeat = marked.filter(pl.col("_overlap") & (pl.col("prof_id") == pl.col("_previous")))
    problems = combine(
        problems_where(
            clash,
            pl.lit(True),
            severity=Severity.ERROR,
            file=file,
            column="invo_involvement_start_date",
            value=pl.col("start_date").cast(pl.Utf8),
            problem=pl.format(
                "child {} is allocated to two workers at once: involvement {} overlaps "
                "involvement {}",
                pl.col("child_ref"),
                pl.col("external_id"),
                pl.col("_previous_id"),
            ),
            action="end the earlier involvement before this one starts in the case system",
        ),
        problems_where(
            repeat,
            pl.lit(True),
            severity=Severity.WARNING,
            file=file,
            column="invo_involvement_start_date",
            value=pl.col("start_date").cast(pl.Utf8),
            problem=pl.format(
                "involvement {} repeats involvement {} (same child and worker, overlapping "
                "dates); they are loaded as one allocation",
                pl.col("external_id"),
                pl.col("_previous_id"),
            ),
            action="close one of the two involvements in the case system",
        ),
    )
    island = (~pl.col("_overlap")).cum_sum().over("child_ref")
    merged = (
        marked.with_columns(island.alias("_island"))
        .group_by("child_ref", "_island", maintain_order=True)
        .agg(
            pl.col("external_id").first(),
            pl.col("prof_id").first(),
            pl.col("role").first(),
            pl.col("start_date").min(),
            pl.when(pl.col("end_date").is_null().any())
            .then(pl.lit(None, dtype=pl.Date))
            .otherwise(pl.col("end_date").max())
            .alias("end_date"),
            pl.col("change_reason").last(),
            pl.col("_row").first(),
        )
        .drop("_island")
    )
    return merged.select(rows.columns), problems


def _teams(frame: pl.DataFrame | None, file: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    schema = {
        "team_key": pl.Utf8,
        "name": pl.Utf8,
        "kind": pl.Utf8,
        "parent_key": pl.Utf8,
        "external_id": pl.Utf8,
        "_row": pl.Int64,
    }
    if frame is None:
        return pl.DataFrame(schema=schema), combine()
    key = pl.col("dept_team_name").str.replace_all(r"\s+", " ").str.strip_chars().str.to_lowercase()
    parent_key = (
        pl.col("dept_team_parent_name")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
        .str.to_lowercase()
    )
    rows = frame.filter(
        pl.col("dept_team_id").is_not_null() & pl.col("dept_team_name").is_not_null()
    )
    named = rows.with_columns(key.alias("team_key"))
    clash = named.with_columns(pl.col("_row").min().over("team_key").alias("_first")).filter(
        pl.col("_row") != pl.col("_first")
    )
    problems = problems_where(
        clash,
        pl.lit(True),
        severity=Severity.ERROR,
        file=file,
        column="dept_team_name",
        value=pl.col("dept_team_name"),
        problem=pl.format("another team (row {}) has the same name", pl.col("_first")),
        action="give each team its own name in the case system; Caseload tells teams apart by name",
    )
    # A parent named only by id takes its name from that id's row.
    names = rows.select(pl.col("dept_team_id").alias("dept_team_parent_id"), key.alias("_by_id"))
    teams = named.join(names, on="dept_team_parent_id", how="left").select(
        "team_key",
        pl.col("dept_team_name").alias("name"),
        pl.lit("team").alias("kind"),
        pl.coalesce(parent_key, pl.col("_by_id")).alias("parent_key"),
        pl.col("dept_team_id").alias("external_id"),
        "_row",
    )
    parents = (
        rows.filter(pl.col("dept_team_parent_name").is_not_null())
        .select(
            parent_key.alias("team_key"),
            pl.col("dept_team_parent_name").alias("name"),
            pl.lit("service_area").alias("kind"),
            pl.lit(None, dtype=pl.Utf8).alias("parent_key"),
            pl.lit(None, dtype=pl.Utf8).alias("external_id"),
            "_row",
        )
        .unique(subset=["team_key"], keep="first", maintain_order=True)
        .join(teams.select("team_key"), on="team_key", how="anti")
    )
    return pl.concat(
        [teams.unique(subset=["team_key"], keep="first", maintain_order=True), parents]
    ), problems


def _children(
    typed: dict[str, pl.DataFrame], allocations: pl.DataFrame, statuses: pl.DataFrame
) -> pl.DataFrame:
    refs = [allocations.select("child_ref"), statuses.select("child_ref")]
    if "ssd_cin_episodes" in typed:
        refs.append(typed["ssd_cin_episodes"].select(pl.col("cine_person_id").alias("child_ref")))
    children = pl.concat(refs).drop_nulls().unique().sort("child_ref")
    if "ssd_person" in typed:
        people = (
            typed["ssd_person"]
            .select(
                pl.col("pers_person_id").alias("child_ref"), pl.col("pers_dob").alias("birth_date")
            )
            .unique(subset=["child_ref"], keep="first")
        )
        children = children.join(people, on="child_ref", how="left")
    else:
        children = children.with_columns(pl.lit(None, dtype=pl.Date).alias("birth_date"))
    if "ssd_family" in typed:
        families = (
            typed["ssd_family"]
            .select(
                pl.col("fami_person_id").alias("child_ref"),
                pl.col("fami_family_id").alias("sibling_group"),
            )
            .unique(subset=["child_ref"], keep="last")
        )
        children = children.join(families, on="child_ref", how="left")
    else:
        children = children.with_columns(pl.lit(None, dtype=pl.Utf8).alias("sibling_group"))
    return children


def _referrals(frame: pl.DataFrame | None) -> pl.DataFrame:
    schema = {
        "external_id": pl.Utf8,
        "child_ref": pl.Utf8,
        "referral_date": pl.Date,
        "source": pl.Utf8,
        "led_to_assessment": pl.Boolean,
    }
    if frame is None:
        return pl.DataFrame(schema=schema)
    return (
        frame.filter(
            pl.col("cine_referral_id").is_not_null()
            & pl.col("cine_person_id").is_not_null()
            & pl.col("cine_referral_date").is_not_null()
        )
        .unique(subset=["cine_referral_id"], keep="first", maintain_order=True)
        .select(
            pl.col("cine_referral_id").alias("external_id"),
            pl.col("cine_person_id").alias("child_ref"),
            pl.col("cine_referral_date").alias("referral_date"),
            pl.col("cine_referral_source_code").str.slice(0, 40).alias("source"),
            (~pl.col("cine_referral_nfa").fill_null(False)).alias("led_to_assessment"),
        )
    )


STATUS_TABLES = {
    "ssd_cin_plans": CaseType.CHILD_IN_NEED.value,
    "ssd_cp_plans": CaseType.CHILD_PROTECTION.value,
    "ssd_cla_episodes": CaseType.LOOKED_AFTER.value,
    "ssd_care_leavers": CaseType.CARE_LEAVER.value,
    "ssd_cin_episodes": CaseType.ASSESSMENT.value,
}

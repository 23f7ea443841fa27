"""Writing a synthetic council out as the files a council would hand over: an HR extract (CSV, in
the shape of the ``generic`` mapping), an absence extract (``generic-absences``) and a folder of
Standard Safeguarding Dataset CSV dumps. Used by the import round-trip test and benchmark.

The HR extract has one row per employment spell and one row (without a staff number) for each
post nobody has held. Dates are written day first (DD/MM/YYYY) as HR systems do; the SSD dumps
use ISO dates as SQL exports do. A referral's CIN episode closes when the chain of statuses that
its assessment starts ends; a referral with no assessment is marked no further action. Visits and
reviews name the plan they fall in (``cppv_cp_plan_id``, ``clav_cla_id``, ``clar_cla_id``: the
looked-after record is the CLA status, also given as ``clae_cla_id``); a CP visit's write-up date
is its case note date (``cppv_casenote_date``), and the SSD has none for other visits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from caseload.domain import Role
from caseload.synthetic.council import SyntheticCouncil

ROLE_TITLES = {
    Role.ASYE.value: "ASYE Social Worker",
    Role.SOCIAL_WORKER.value: "Social Worker",
    Role.SENIOR_SOCIAL_WORKER.value: "Senior Social Worker",
    Role.ADVANCED_PRACTITIONER.value: "Advanced Practitioner",
    Role.TEAM_MANAGER.value: "Team Manager",
    Role.SERVICE_MANAGER.value: "Service Manager",
    Role.SENIOR_MANAGER.value: "Director",
    Role.QUALIFIED_WITHOUT_CASES.value: "Social Worker (no caseload)",
    Role.FAMILY_SUPPORT_WORKER.value: "Family Support Worker",
}
CHANGE_LABELS = {
    "left": "Left",
    "role_change": "Role change",
    "fte_change": "Hours change",
    "team_change": "Team move",
    "contract_ended": "Contract ended",
}
LEAVING_LABELS = {
    1: "Resignation",
    2: "Voluntary Redundancy",
    3: "Compulsory Redundancy",
    4: "Dismissal",
    5: "Retirement",
    6: "Death in Service",
    7: "Moved to another council role",
    8: "Other",
    9: "Not known",
}
GENDER_LABELS = {0: "Not Known", 1: "Male", 2: "Female", 9: "Not Specified"}
LEVEL_LABELS = {1: "Undergraduate", 2: "Postgraduate", 3: "Other"}
ABSENCE_LABELS = {
    "SIC": "Sickness",
    "MAT": "Maternity",
    "TRN": "Training",
    "PUB": "Public Duties",
    "UNP": "Unpaid Leave",
    "UNA": "Unauthorised",
    "OTH": "Other Paid",
}
CO_WORKER_ROLE = "COW"
UK_DATE = "%d/%m/%Y"


@dataclass(frozen=True)
class ExtractFiles:
    hr: Path
    absences: Path
    ssd: Path


def _uk(column: str) -> pl.Expr:
    return pl.col(column).dt.strftime(UK_DATE)


def _label(column: str, labels: Mapping[Any, str]) -> pl.Expr:
    return pl.col(column).replace_strict(labels, default=None, return_dtype=pl.Utf8)


def hr_extract(council: SyntheticCouncil) -> pl.DataFrame:
    """The HR extract: spells with their person, team and post; then vacant posts."""
    teams = council.teams.join(
        council.teams.select(pl.col("id").alias("parent_id"), pl.col("name").alias("parent")),
        on="parent_id",
        how="left",
    ).select(pl.col("id").alias("team_id"), pl.col("name").alias("team"), "parent")
    posts = council.posts.select(
        pl.col("id").alias("post_id"),
        pl.col("team_id").alias("post_team_id"),
        pl.col("reference"),
        pl.col("role").alias("post_role"),
        "funded_fte",
        pl.col("start_date").alias("post_start"),
        pl.col("end_date").alias("post_end"),
    )
    people = council.workers.rename({"id": "worker_id"})
    spells = (
        council.employment_spells.join(people, on="worker_id")
        .join(teams, on="team_id", how="left")
        .join(posts, on="post_id", how="left")
    )
    held = spells.select("post_id").drop_nulls().unique()
    vacant = (
        posts.join(held, on="post_id", how="anti")
        .join(teams.rename({"team_id": "post_team_id"}), on="post_team_id", how="left")
        .with_columns(pl.col("post_role").alias("role"))
    )
    rows = pl.concat([spells, vacant], how="diagonal_relaxed").sort(
        "staff_number", "start_date", "reference", nulls_last=True
    )
    return rows.select(
        pl.col("staff_number").alias("Staff Number"),
        pl.col("swe_number").alias("SWE Number"),
        pl.col("first_name").alias("Forename"),
        pl.col("last_name").alias("Surname"),
        _uk("birth_date").alias("Date of Birth"),
        _label("gender", GENDER_LABELS).alias("Gender"),
        pl.col("ethnicity").alias("Ethnicity"),
        _uk("qualification_date").alias("Qualification Date"),
        _label("qualification_level", LEVEL_LABELS).alias("Qualification Level"),
        pl.col("qualification_institution").alias("Qualifying Institution"),
        pl.when(pl.col("step_up"))
        .then(pl.lit("Y"))
        .when(pl.col("staff_number").is_not_null())
        .then(pl.lit("N"))
        .alias("Step Up"),
        pl.when(pl.col("frontline"))
        .then(pl.lit("Y"))
        .when(pl.col("staff_number").is_not_null())
        .then(pl.lit("N"))
        .alias("Frontline"),
        pl.col("reference").alias("Post Number"),
        _label("post_role", ROLE_TITLES).alias("Post Title"),
        pl.col("funded_fte").alias("Post FTE"),
        _uk("post_start").alias("Post Start"),
        _uk("post_end").alias("Post End"),
        pl.col("team").alias("Team"),
        pl.col("parent").alias("Service Area"),
        _label("role", ROLE_TITLES).alias("Job Title"),
        pl.col("fte").alias("FTE"),
        pl.col("contract")
        .replace_strict({"own": "Permanent", "agency": "Agency"}, default=None)
        .alias("Contract Type"),
        _uk("start_date").alias("Start Date"),
        _uk("end_date").alias("End Date"),
        _label("end_reason", CHANGE_LABELS).alias("Change Reason"),
        _label("reason_leave", LEAVING_LABELS).alias("Leaving Reason"),
        pl.col("leaver_destination").alias("Leaver Destination"),
        pl.col("start_origin").alias("Start Origin"),
        pl.col("agency_contract_weeks").alias("Agency Contract Weeks"),
    )


def absence_extract(council: SyntheticCouncil) -> pl.DataFrame:
    staff = council.workers.select(pl.col("id").alias("worker_id"), "staff_number")
    return (
        council.absences.join(staff, on="worker_id")
        .sort("staff_number", "start_date")
        .select(
            pl.col("staff_number").alias("Staff Number"),
            (pl.lit("A") + pl.col("id").cast(pl.Utf8)).alias("Absence ID"),
            _uk("start_date").alias("Absence Start"),
            _uk("end_date").alias("Absence End"),
            _label("reason", ABSENCE_LABELS).alias("Absence Reason"),
            pl.col("working_days_lost").alias("Working Days Lost"),
        )
    )


def _professional_id(column: str = "worker_id") -> pl.Expr:
    return pl.lit("P") + pl.col(column).cast(pl.Utf8).str.zfill(6)


def ssd_tables(council: SyntheticCouncil) -> dict[str, pl.DataFrame]:
    """The SSD tables the import reads, with SSD column names."""
    children = council.children.select(pl.col("id").alias("child_id"), "child_ref")
    last_contract = (
        council.employment_spells.sort("start_date")
        .group_by("worker_id")
        .agg(pl.col("contract").last(), pl.col("role").last(), pl.col("fte").last())
    )
    professionals = council.workers.join(
        last_contract, left_on="id", right_on="worker_id", how="left"
    ).select(
        _professional_id("id").alias("prof_professional_id"),
        pl.col("staff_number").alias("prof_staff_id"),
        (pl.col("first_name") + pl.lit(" ") + pl.col("last_name")).alias("prof_professional_name"),
        pl.col("swe_number").alias("prof_social_worker_registration_no"),
        pl.when(pl.col("contract") == "agency")
        .then(pl.lit("Y"))
        .otherwise(pl.lit("N"))
        .alias("prof_agency_worker_flag"),
        _label("role", ROLE_TITLES).alias("prof_professional_job_title"),
        pl.col("fte").alias("prof_full_time_equivalency"),
    )
    involvements = council.allocations.join(children, on="child_id").select(
        (pl.lit("I") + pl.col("id").cast(pl.Utf8)).alias("invo_involvements_id"),
        _professional_id().alias("invo_professional_id"),
        pl.when(pl.col("role") == "allocated")
        .then(pl.lit("CW"))
        .otherwise(pl.lit(CO_WORKER_ROLE))
        .alias("invo_professional_role_id"),
        pl.col("child_ref").alias("invo_person_id"),
        pl.col("start_date").alias("invo_involvement_start_date"),
        pl.col("end_date").alias("invo_involvement_end_date"),
        pl.col("change_reason").alias("invo_worker_change_reason"),
    )
    parents = council.teams.select(
        pl.col("id").alias("parent_id"), pl.col("name").alias("dept_team_parent_name")
    )
    department = council.teams.join(parents, on="parent_id", how="left").select(
        (pl.lit("T") + pl.col("id").cast(pl.Utf8)).alias("dept_team_id"),
        pl.col("name").alias("dept_team_name"),
        pl.when(pl.col("parent_id").is_not_null())
        .then(pl.lit("T") + pl.col("parent_id").cast(pl.Utf8))
        .alias("dept_team_parent_id"),
        "dept_team_parent_name",
    )
    statuses = council.child_statuses.join(children, on="child_id")
    tables = {
        "ssd_professionals": professionals,
        "ssd_involvements": involvements,
        "ssd_department": department,
        "ssd_person": council.children.select(
            pl.col("child_ref").alias("pers_person_id"), pl.col("birth_date").alias("pers_dob")
        ),
        "ssd_family": council.children.filter(pl.col("sibling_group").is_not_null()).select(
            pl.col("sibling_group").alias("fami_family_id"),
            pl.col("child_ref").alias("fami_person_id"),
        ),
        "ssd_cin_episodes": _cin_episodes(council, children, statuses),
    }
    for table, status, prefix, columns in (
        (
            "ssd_cin_plans",
            "cin",
            "cinp",
            ("cinp_cin_plan_id", "cinp_cin_plan_start", "cinp_cin_plan_end"),
        ),
        (
            "ssd_cp_plans",
            "cp",
            "cppl",
            ("cppl_cp_plan_id", "cppl_cp_plan_start_date", "cppl_cp_plan_end_date"),
        ),
        (
            "ssd_cla_episodes",
            "cla",
            "clae",
            ("clae_cla_episode_id", "clae_cla_episode_start_date", "clae_cla_episode_ceased"),
        ),
    ):
        ident, start, end = columns
        tables[table] = statuses.filter(pl.col("status") == status).select(
            (pl.lit("S") + pl.col("id").cast(pl.Utf8)).alias(ident),
            pl.col("child_ref").alias(f"{prefix}_person_id"),
            pl.col("start_date").alias(start),
            pl.col("end_date").alias(end),
        )
    tables["ssd_cla_episodes"] = tables["ssd_cla_episodes"].with_columns(
        (pl.lit("L") + pl.col("clae_cla_episode_id").str.slice(1)).alias("clae_cla_id")
    )
    tables.update(_practice_tables(council, children, statuses))
    tables["ssd_care_leavers"] = statuses.filter(
        (pl.col("status") == "care_leaver") & pl.col("end_date").is_null()
    ).select(
        (pl.lit("S") + pl.col("id").cast(pl.Utf8)).alias("clea_table_id"),
        pl.col("child_ref").alias("clea_person_id"),
        pl.col("start_date").alias("clea_pathway_plan_review_date"),
    )
    return tables


def _flag(column: str) -> pl.Expr:
    return pl.when(pl.col(column)).then(pl.lit("Y")).when(~pl.col(column)).then(pl.lit("N"))


def _in_plan(records: pl.DataFrame, statuses: pl.DataFrame, day: str) -> pl.DataFrame:
    """Each record with ``plan``, the id of the child's plan of its kind it falls in."""
    plans = statuses.select(
        "child_id",
        pl.col("status").alias("case_type"),
        pl.col("id").alias("plan"),
        pl.col("start_date").alias("_from"),
        pl.col("end_date").alias("_to"),
    )
    inside = (
        records.join(plans, on=["child_id", "case_type"])
        .filter(
            (pl.col(day) >= pl.col("_from"))
            & (pl.col("_to").is_null() | (pl.col(day) <= pl.col("_to")))
        )
        .unique(subset=["id"], keep="first")
        .select("id", "plan")
    )
    return records.join(inside, on="id", how="left").sort("id")


def _practice_tables(
    council: SyntheticCouncil, children: pl.DataFrame, statuses: pl.DataFrame
) -> dict[str, pl.DataFrame]:
    """The SSD's visit and review tables."""
    visits = _in_plan(council.visits.join(children, on="child_id"), statuses, "visit_date")
    reviews = _in_plan(council.reviews.join(children, on="child_id"), statuses, "due_date")

    def visits_of(kind: str, prefix: str) -> pl.DataFrame:
        return visits.filter(pl.col("case_type") == kind).select(
            (pl.lit("V") + pl.col("id").cast(pl.Utf8)).alias(f"{prefix}_{kind}_visit_id"),
            pl.col("child_ref").alias(f"{prefix}_person_id"),
            pl.col("visit_date").alias(f"{prefix}_{kind}_visit_date"),
            _flag("seen").alias(f"{prefix}_{kind}_visit_seen"),
            _flag("seen_alone").alias(f"{prefix}_{kind}_visit_seen_alone"),
            "plan",
            "recorded_date",
        )

    plan_id = pl.lit("S") + pl.col("plan").cast(pl.Utf8)
    record_id = pl.lit("L") + pl.col("plan").cast(pl.Utf8)
    cp_reviews = reviews.filter(pl.col("case_type") == "cp")
    cla_reviews = reviews.filter(pl.col("case_type") == "cla")
    return {
        "ssd_cin_visits": visits_of("cin", "cinv").drop("plan", "recorded_date"),
        "ssd_cp_visits": visits_of("cp", "cppv").select(
            pl.exclude("plan", "recorded_date"),
            plan_id.alias("cppv_cp_plan_id"),
            pl.col("recorded_date").alias("cppv_casenote_date"),
        ),
        "ssd_cla_visits": visits_of("cla", "clav").select(
            pl.exclude("plan", "recorded_date"), record_id.alias("clav_cla_id")
        ),
        "ssd_cp_reviews": cp_reviews.select(
            (pl.lit("CPR") + pl.col("id").cast(pl.Utf8)).alias("cppr_cp_review_id"),
            pl.col("child_ref").alias("cppr_person_id"),
            plan_id.alias("cppr_cp_plan_id"),
            pl.col("due_date").alias("cppr_cp_review_due"),
            pl.col("review_date").alias("cppr_cp_review_date"),
        ),
        "ssd_cla_reviews": cla_reviews.select(
            (pl.lit("LR") + pl.col("id").cast(pl.Utf8)).alias("clar_cla_review_id"),
            record_id.alias("clar_cla_id"),
            pl.col("due_date").alias("clar_cla_review_due_date"),
            pl.col("review_date").alias("clar_cla_review_date"),
        ),
    }


def _cin_episodes(
    council: SyntheticCouncil, children: pl.DataFrame, statuses: pl.DataFrame
) -> pl.DataFrame:
    """One episode per referral: closed when the chain of statuses its assessment starts ends."""
    ordered = statuses.sort("child_id", "start_date")
    follows = pl.col("start_date") == (
        pl.col("end_date").shift(1).over("child_id") + pl.duration(days=1)
    )
    chained = ordered.with_columns(
        (~follows.fill_null(False)).cum_sum().over("child_id").alias("chain")
    )
    chains = (
        chained.group_by("child_id", "chain")
        .agg(
            pl.col("start_date").min().alias("referral_date"),
            pl.col("status").sort_by("start_date").first().alias("first_status"),
            pl.when(pl.col("end_date").is_null().any())
            .then(pl.lit(None, dtype=pl.Date))
            .otherwise(pl.col("end_date").max())
            .alias("close"),
        )
        .filter(pl.col("first_status") == "assessment")
    )
    assessed = chains.select("child_id", "referral_date", "close", pl.lit(True).alias("_assessed"))
    return (
        council.referrals.join(children, on="child_id")
        .join(assessed, on=["child_id", "referral_date"], how="left")
        .sort("referral_date", "id")
        .select(
            (pl.lit("R") + pl.col("id").cast(pl.Utf8)).alias("cine_referral_id"),
            pl.col("child_ref").alias("cine_person_id"),
            pl.col("referral_date").alias("cine_referral_date"),
            pl.when(pl.col("_assessed"))
            .then(pl.col("close"))
            .otherwise(pl.col("referral_date"))
            .alias("cine_close_date"),
            pl.col("source").alias("cine_referral_source_code"),
            pl.when(pl.col("_assessed"))
            .then(pl.lit("N"))
            .otherwise(pl.lit("Y"))
            .alias("cine_referral_nfa"),
        )
    )


def write_extracts(council: SyntheticCouncil, folder: Path) -> ExtractFiles:
    """Write ``hr.csv``, ``absences.csv`` and ``ssd/<table>.csv`` under ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    hr = folder / "hr.csv"
    hr_extract(council).write_csv(hr)
    absences = folder / "absences.csv"
    absence_extract(council).write_csv(absences)
    ssd = folder / "ssd"
    ssd.mkdir(exist_ok=True)
    for name, frame in ssd_tables(council).items():
        frame.write_csv(ssd / f"{name}.csv")
    return ExtractFiles(hr, absences, ssd)

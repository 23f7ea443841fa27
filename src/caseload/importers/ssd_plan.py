"""Planning an SSD load: teams, the link from case-system professionals to workers, children
and referrals (statuses and allocations are in :mod:`caseload.importers.ssd_cases`).

Professionals are matched to workers by SWE number, then staff number, then the case-system id
an earlier load recorded. A professional who holds allocations but matches no worker is created as
a worker without an employment spell (a warning): their allocations load, and the data-quality
report lists them until the HR extract brings them in (the HR load then takes the record over by
SWE number). Visits and reviews: :mod:`caseload.importers.ssd_practice_plan`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
from sqlalchemy import Connection

from caseload.importers.hr_plan import hr_state
from caseload.importers.load import write_teams, write_workers
from caseload.importers.plan import LoadPlan, TablePlan, given_and_different
from caseload.importers.problems import Severity, combine, problems_where
from caseload.importers.ssd import SsdExtract
from caseload.importers.ssd_cases import plan_allocations, plan_statuses, write_cases
from caseload.importers.ssd_practice_plan import plan_practice, write_practice
from caseload.storage import import_writes as store


@dataclass(frozen=True)
class SsdState:
    teams: pl.DataFrame  # id, name, team_key, parent_key, external_id, kind
    workers: pl.DataFrame  # id, staff_number, swe_number, case_system_id, spells, ...
    children: pl.DataFrame  # id, child_ref
    referrals: pl.DataFrame
    statuses: pl.DataFrame
    allocations: pl.DataFrame  # every allocation, with staff_number and child_ref
    visits: pl.DataFrame  # visits from a source (external_id set), with child_ref
    reviews: pl.DataFrame  # reviews from a source, with child_ref


def ssd_state(connection: Connection, authority: int) -> SsdState:
    teams = store.teams_frame(connection, authority)
    workers = store.workers_frame(connection, authority)
    keyed = hr_state(
        teams,
        store.posts_frame(connection, authority),
        workers,
        store.hr_spells_frame(connection, authority).clear(),
    )
    children = store.children_frame(connection, authority)
    child_refs = children.select(pl.col("id").alias("child_id"), "child_ref")
    staff = workers.select(pl.col("id").alias("worker_id"), "staff_number")
    allocations = (
        store.allocations_frame(connection, authority)
        .join(child_refs, on="child_id")
        .join(staff, on="worker_id")
    )
    statuses = store.statuses_frame(connection, authority).join(child_refs, on="child_id")
    referrals = store.referrals_frame(connection, authority).join(child_refs, on="child_id")
    visits = store.source_visits_frame(connection, authority).join(child_refs, on="child_id")
    reviews = store.source_reviews_frame(connection, authority).join(child_refs, on="child_id")
    return SsdState(
        keyed.teams,
        workers,
        children,
        referrals,
        statuses,
        allocations,
        visits.drop("child_id"),
        reviews.drop("child_id"),
    )


def plan_ssd(extract: SsdExtract, state: SsdState, *, as_at: date) -> LoadPlan:
    plan = LoadPlan()
    plan.add(plan_teams(extract, state))
    links, workers, worker_problems = plan_workers(extract, state)
    plan.add(workers)
    plan.add(plan_children(extract, state))
    plan.add(plan_referrals(extract, state))
    statuses, status_problems = plan_statuses(extract, state, as_at)
    plan.add(statuses)
    allocations, allocation_problems = plan_allocations(extract, state, links, as_at)
    plan.add(allocations)
    visits, reviews, practice_problems = plan_practice(extract, state)
    plan.add(visits)
    plan.add(reviews)
    plan.problems = combine(
        extract.problems, worker_problems, status_problems, allocation_problems, practice_problems
    )
    return plan


def plan_teams(extract: SsdExtract, state: SsdState) -> TablePlan:
    incoming = extract.teams
    existing = state.teams.select(
        "id",
        "team_key",
        pl.col("parent_key").alias("parent_key_db"),
        pl.col("external_id").alias("external_id_db"),
    )
    by_id = (
        incoming.filter(pl.col("external_id").is_not_null())
        .join(
            existing.filter(pl.col("external_id_db").is_not_null()).drop("team_key"),
            left_on="external_id",
            right_on="external_id_db",
            how="inner",
        )
        .with_columns(pl.col("external_id").alias("external_id_db"))
    )
    rest = incoming.join(by_id.select("team_key"), on="team_key", how="anti")
    by_name = rest.join(existing, on="team_key", how="inner")
    matched = pl.concat([by_id.select(by_name.columns), by_name])
    new = rest.join(existing.select("team_key"), on="team_key", how="anti")
    updates = matched.filter(
        given_and_different("parent_key", "parent_key_db")
        | given_and_different("external_id", "external_id_db")
    ).select(
        "id",
        pl.coalesce("parent_key", "parent_key_db").alias("parent_key"),
        pl.coalesce("external_id", "external_id_db").alias("external_id"),
    )
    inserts = new.select("team_key", "name", "kind", "parent_key", "external_id")
    return TablePlan("team", inserts, updates, new.height, updates.height)


def _name_parts(name: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """First and last name from a full name (the last word is the last name)."""
    words = name.fill_null("").str.strip_chars()
    last = words.str.extract(r"(\S+)$").fill_null("")
    first = words.str.replace(r"\s*\S+$", "")
    return first.str.slice(0, 80), last.str.slice(0, 80)


def match_professionals(extract: SsdExtract, workers: pl.DataFrame) -> pl.DataFrame:
    """prof_id -> staff_number of the matched worker (null when none), with how it matched."""
    profs = extract.professionals
    candidates = workers.select("id", "staff_number", "swe_number", "case_system_id", "spells")
    by_swe = (
        profs.filter(pl.col("swe_number").is_not_null())
        .join(
            candidates.drop("case_system_id").rename({"staff_number": "matched"}), on="swe_number"
        )
        .join(
            candidates.select(pl.col("id"), pl.col("case_system_id").alias("_linked")),
            on="id",
        )
        .with_columns((pl.col("_linked") == pl.col("prof_id")).fill_null(False).alias("_same"))
        .sort("prof_id", "_same", "spells", "id", descending=[False, True, True, True])
        .group_by("prof_id", maintain_order=True)
        .agg(pl.col("matched").first(), pl.len().alias("_holders"))
        .with_columns(pl.lit("swe").alias("how"))
    )
    rest = profs.join(by_swe.select("prof_id"), on="prof_id", how="anti")
    by_staff = (
        rest.filter(pl.col("staff_id").is_not_null())
        .join(
            candidates.select(
                pl.col("staff_number").alias("staff_id"), pl.col("staff_number").alias("matched")
            ),
            on="staff_id",
        )
        .select(
            "prof_id",
            "matched",
            pl.lit(1, dtype=pl.UInt32).alias("_holders"),
            pl.lit("staff").alias("how"),
        )
    )
    rest = rest.join(by_staff.select("prof_id"), on="prof_id", how="anti")
    by_link = (
        rest.join(
            candidates.filter(pl.col("case_system_id").is_not_null()).select(
                pl.col("case_system_id").alias("prof_id"), pl.col("staff_number").alias("matched")
            ),
            on="prof_id",
        )
        .unique(subset=["prof_id"], keep="first")
        .select(
            "prof_id",
            "matched",
            pl.lit(1, dtype=pl.UInt32).alias("_holders"),
            pl.lit("link").alias("how"),
        )
    )
    matched = pl.concat([by_swe.select(by_staff.columns), by_staff, by_link])
    return profs.join(matched, on="prof_id", how="left")


def plan_workers(
    extract: SsdExtract, state: SsdState
) -> tuple[pl.DataFrame, TablePlan, pl.DataFrame]:
    """Returns the links (prof_id -> staff_number), the worker plan and its problems."""
    matched = match_professionals(extract, state.workers)
    holding = extract.allocations.select("prof_id").unique()
    unmatched = matched.filter(pl.col("matched").is_null()).join(holding, on="prof_id", how="semi")
    taken = state.workers.select("staff_number")
    first, last = _name_parts(pl.col("name"))
    new = (
        unmatched.with_columns(
            pl.when(pl.col("staff_id").is_not_null() & pl.col("staff_id").is_unique())
            .then(pl.col("staff_id"))
            .otherwise(pl.lit("SSD-") + pl.col("prof_id"))
            .alias("staff_number")
        )
        .join(taken, on="staff_number", how="anti")
        .select(
            "staff_number",
            pl.col("swe_number"),
            first.alias("first_name"),
            last.alias("last_name"),
            pl.col("prof_id").alias("case_system_id"),
            pl.lit(False).alias("step_up"),
            pl.lit(False).alias("frontline"),
            "_row",
        )
    )
    links = pl.concat(
        [
            matched.filter(pl.col("matched").is_not_null()).select(
                "prof_id", pl.col("matched").alias("staff_number")
            ),
            new.select(pl.col("case_system_id").alias("prof_id"), "staff_number"),
        ]
    )
    current = state.workers.select(
        "id",
        "staff_number",
        pl.col("case_system_id").alias("linked"),
        pl.col("swe_number").alias("swe_db"),
    )
    relinks = (
        matched.filter(pl.col("matched").is_not_null())
        .join(current, left_on="matched", right_on="staff_number")
        .filter(
            given_and_different("prof_id", "linked") | given_and_different("swe_number", "swe_db")
        )
        .unique(subset=["id"], keep="first")
        .select(
            "id",
            pl.col("prof_id").alias("case_system_id"),
            pl.coalesce("swe_db", "swe_number").alias("swe_number"),
        )
    )
    stale = (
        current.filter(pl.col("linked").is_not_null())
        .join(
            links.select(pl.col("prof_id").alias("linked"), pl.col("staff_number").alias("now")),
            on="linked",
        )
        .filter(pl.col("now") != pl.col("staff_number"))
        .join(relinks.select("id"), on="id", how="anti")
        .select(
            "id",
            pl.lit(None, dtype=pl.Utf8).alias("case_system_id"),
            pl.col("swe_db").alias("swe_number"),
        )
    )
    file = extract.files.get("ssd_professionals", "ssd_professionals")
    problems = combine(
        problems_where(
            unmatched,
            pl.lit(True),
            severity=Severity.WARNING,
            file=file,
            column="prof_professional_id",
            value=pl.col("prof_id"),
            problem="the worker holds allocations but matches no HR record by SWE number or staff "
            "number; they are added without an employment spell",
            action="add them to the HR extract (or agency register) with this SWE number, or give "
            "them their SWE number or staff number in the case system",
        ),
        problems_where(
            matched,
            (pl.col("_holders") > 1).fill_null(False),
            severity=Severity.WARNING,
            file=file,
            column="prof_social_worker_registration_no",
            value=pl.col("swe_number"),
            problem=pl.format(
                "{} workers have this SWE number; linked to staff number {}",
                pl.col("_holders"),
                pl.col("matched"),
            ),
            action="check the HR records for a duplicated person",
        ),
    )
    updates = pl.concat([relinks, stale])
    plan = TablePlan("worker", new.drop("_row"), updates, new.height, updates.height)
    return links, plan, problems


def plan_children(extract: SsdExtract, state: SsdState) -> TablePlan:
    incoming = extract.children
    new = incoming.join(state.children.select("child_ref"), on="child_ref", how="anti")
    current = state.children.rename({"birth_date": "birth_db", "sibling_group": "group_db"})
    updates = (
        incoming.join(current, on="child_ref")
        .filter(
            given_and_different("birth_date", "birth_db")
            | given_and_different("sibling_group", "group_db")
        )
        .select(
            "id",
            pl.coalesce("birth_date", "birth_db").alias("birth_date"),
            pl.coalesce("sibling_group", "group_db").alias("sibling_group"),
        )
    )
    return TablePlan("child", new, updates, new.height, updates.height)


def plan_referrals(extract: SsdExtract, state: SsdState) -> TablePlan:
    incoming = extract.referrals
    existing = state.referrals.select(
        "id",
        "external_id",
        pl.col("referral_date").alias("date_db"),
        pl.col("source").alias("source_db"),
        pl.col("led_to_assessment").alias("led_db"),
    )
    joined = incoming.join(existing, on="external_id", how="left")
    new = joined.filter(pl.col("id").is_null()).select(incoming.columns)
    updates = joined.filter(
        pl.col("id").is_not_null()
        & (
            given_and_different("referral_date", "date_db")
            | given_and_different("source", "source_db")
            | given_and_different("led_to_assessment", "led_db")
        )
    ).select(
        "id",
        "referral_date",
        pl.coalesce("source", "source_db").alias("source"),
        "led_to_assessment",
    )
    return TablePlan("referral", new, updates, new.height, updates.height)


def write_ssd(connection: Connection, authority: int, plan: LoadPlan) -> None:
    write_teams(connection, authority, plan.tables["team"])
    write_workers(connection, authority, plan.tables["worker"])
    children = plan.tables["child"]
    store.insert_frame(
        connection, "child", children.inserts.with_columns(pl.lit(authority).alias("authority_id"))
    )
    store.update_frame(connection, "child", children.updates)
    ids = store.children_frame(connection, authority).select(
        pl.col("id").alias("child_id"), "child_ref"
    )
    referrals = plan.tables["referral"]
    store.update_frame(connection, "referral", referrals.updates)
    store.insert_frame(
        connection,
        "referral",
        referrals.inserts.join(ids, on="child_ref")
        .drop("child_ref")
        .with_columns(pl.lit(authority).alias("authority_id")),
    )
    write_cases(connection, authority, plan, ids)
    write_practice(connection, authority, plan.tables["visit"], plan.tables["review"], ids)

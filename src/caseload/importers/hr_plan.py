"""Planning an HR load against what the database already holds.

- Teams, posts and workers are matched on team name (case and spaces ignored), post reference and
  staff number. New ones are added; a value the extract gives that differs is updated (a blank
  never erases). A worker created from the case system (SSD) without an HR record is taken over by
  the HR row with the same SWE number.
- Spells are matched on their identity (assignment and start date). An open spell that the
  extract ends is ended. An open spell whose role, FTE, team, post or contract differs is ended
  the day before the extract's as-at date with the reason and a new spell starts on that date, so
  history is never rewritten. A spell that has ended in the database is left as it is (a warning
  says so) except for its census items (leaving reason, destination, start origin). An open spell
  missing from the extract is ended: the day before the person's next spell, or else the day
  before the as-at date, as a leaver (own staff) or an ended contract (agency)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from caseload.domain import ContractType, SpellEndReason
from caseload.importers.hr import PERSON_FIELDS, HrExtract
from caseload.importers.plan import (
    LoadPlan,
    TablePlan,
    as_date,
    clamp_end,
    day_before,
    given_and_different,
    same,
    same_number,
)
from caseload.importers.problems import Severity, combine, one_problem, problems_where

CORE = ("contract", "role", "fte", "team_key", "post")
DETAILS = ("start_origin", "reason_leave", "leaver_destination", "agency_contract_weeks")
SPELL_UPDATE = (*CORE, "end_date", "end_reason", *DETAILS)
MASS_END_SHARE = 0.2
MASS_END_MIN = 3


@dataclass(frozen=True)
class HrState:
    """The authority's current HR records with natural keys alongside ids."""

    teams: pl.DataFrame  # id, name, team_key, parent_key, kind
    posts: pl.DataFrame  # id, reference, team_key, role, funded_fte, start_date, end_date
    workers: pl.DataFrame  # id, staff_number, person fields, spells
    spells: pl.DataFrame  # id, staff_number, external_id, CORE, dates, end_reason, DETAILS


def hr_state(
    teams: pl.DataFrame, posts: pl.DataFrame, workers: pl.DataFrame, spells: pl.DataFrame
) -> HrState:
    keyed = teams.with_columns(
        pl.col("name")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
        .str.to_lowercase()
        .alias("team_key")
    )
    parents = keyed.select(pl.col("id").alias("parent_id"), pl.col("team_key").alias("parent_key"))
    keyed = keyed.join(parents, on="parent_id", how="left")
    team_ids = keyed.select(pl.col("id").alias("team_id"), "team_key")
    posts = posts.join(team_ids, on="team_id", how="left").drop("team_id")
    post_ids = posts.select(pl.col("id").alias("post_id"), pl.col("reference").alias("post"))
    spells = (
        spells.join(workers.select(pl.col("id").alias("worker_id"), "staff_number"), on="worker_id")
        .join(team_ids, on="team_id", how="left")
        .join(post_ids, on="post_id", how="left")
        .drop("team_id", "post_id", "worker_id")
    )
    return HrState(keyed, posts, workers, spells)


def plan_hr(
    extract: HrExtract,
    state: HrState,
    *,
    as_at: date,
    unknown_teams: str,
    allow_mass_ending: bool = False,
) -> LoadPlan:
    plan = LoadPlan()
    teams, team_problems = plan_teams(extract, state, unknown_teams)
    plan.add(teams)
    plan.add(plan_posts(extract, state))
    workers, worker_problems = plan_workers(extract, state)
    plan.add(workers)
    spells, spell_problems = plan_spells(extract, state, as_at, allow_mass_ending)
    plan.add(spells)
    plan.problems = combine(extract.problems, team_problems, worker_problems, spell_problems)
    return plan


def plan_teams(extract: HrExtract, state: HrState, unknown: str) -> tuple[TablePlan, pl.DataFrame]:
    incoming = extract.teams
    new = incoming.join(state.teams.select("team_key"), on="team_key", how="anti")
    problems = pl.DataFrame()
    if state.teams.height and new.height:
        severity = Severity.ERROR if unknown == "error" else Severity.WARNING
        problems = problems_where(
            new.filter(pl.col("kind") == "team"),
            pl.lit(True),
            severity=severity,
            file=extract.file,
            column=extract.headers.get("team", "team"),
            value=pl.col("name"),
            problem="a team Caseload does not know yet"
            + ("" if severity is Severity.ERROR else "; it is created"),
            action="check the team name's spelling; if it is a new team, no action"
            if severity is Severity.WARNING
            else "correct the team name, or set teams.unknown: warn in the mapping to create it",
            row="_row",
        )
    matched = incoming.join(
        state.teams.select("id", "team_key", pl.col("parent_key").alias("parent_key_db")),
        on="team_key",
    )
    updates = matched.filter(given_and_different("parent_key", "parent_key_db")).select(
        "id", "parent_key"
    )
    inserts = new.select("team_key", "name", "kind", "parent_key")
    return TablePlan("team", inserts, updates, new.height, updates.height), combine(problems)


def plan_posts(extract: HrExtract, state: HrState) -> TablePlan:
    incoming = extract.posts
    existing = state.posts.rename(
        {c: f"{c}_db" for c in ("team_key", "role", "funded_fte", "start_date", "end_date")}
    )
    matched = incoming.join(existing, on="reference")
    new = incoming.join(existing.select("reference"), on="reference", how="anti")
    earlier_start = pl.col("start_date") < pl.col("start_date_db")
    differs = (
        given_and_different("team_key", "team_key_db")
        | given_and_different("role", "role_db")
        | (pl.col("funded_fte").is_not_null() & ~same_number("funded_fte", "funded_fte_db"))
        | earlier_start
        | given_and_different("end_date", "end_date_db")
    )
    updates = matched.filter(differs).select(
        "id",
        pl.coalesce("team_key", "team_key_db").alias("team_key"),
        pl.coalesce("role", "role_db").alias("role"),
        pl.coalesce("funded_fte", "funded_fte_db").alias("funded_fte"),
        pl.min_horizontal("start_date", "start_date_db").alias("start_date"),
        pl.coalesce("end_date", "end_date_db").alias("end_date"),
        (pl.col("end_date_db").is_null() & pl.col("end_date").is_not_null()).alias("_ended"),
    )
    ended = int(updates["_ended"].sum())
    return TablePlan(
        "post",
        new.drop("_row"),
        updates.drop("_ended"),
        added=new.height,
        changed=updates.height - ended,
        ended=ended,
    )


def plan_workers(extract: HrExtract, state: HrState) -> tuple[TablePlan, pl.DataFrame]:
    incoming = extract.workers
    existing = state.workers
    new = incoming.join(existing.select("staff_number"), on="staff_number", how="anti")
    # A worker the SSD import created (no spells, linked to the case system) is taken over by
    # the HR row with the same SWE number.
    ssd_only = existing.filter(
        (pl.col("spells") == 0)
        & pl.col("case_system_id").is_not_null()
        & pl.col("swe_number").is_not_null()
    ).filter(pl.col("swe_number").is_unique())
    adopted = new.join(
        ssd_only.select(pl.col("id").alias("adopt_id"), "swe_number"), on="swe_number"
    ).unique(subset=["swe_number"], keep="first")
    new = new.join(adopted.select("staff_number"), on="staff_number", how="anti")
    keyed = pl.concat(
        [
            incoming.join(existing.select("id", "staff_number"), on="staff_number"),
            adopted.rename({"adopt_id": "id"}).select([*incoming.columns, "id"]),
        ],
        how="vertical_relaxed",
    )
    current = existing.drop("staff_number", "spells").rename({f: f"{f}_db" for f in PERSON_FIELDS})
    compared = keyed.join(current, on="id")
    differs = pl.any_horizontal(
        [given_and_different(f, f"{f}_db") for f in PERSON_FIELDS]
    ) | pl.col("id").is_in(adopted["adopt_id"].to_list())
    updates = compared.filter(differs).select(
        "id",
        "staff_number",
        *[pl.coalesce(f, f"{f}_db").alias(f) for f in PERSON_FIELDS],
    )
    inserts = new.drop("_row").with_columns(
        pl.col("first_name").fill_null(""),
        pl.col("last_name").fill_null(""),
        pl.col("step_up").fill_null(False),
        pl.col("frontline").fill_null(False),
    )
    shared = new.filter(pl.col("swe_number").is_not_null()).join(
        existing.select(pl.col("staff_number").alias("other"), "swe_number"), on="swe_number"
    )
    problems = problems_where(
        shared,
        pl.lit(True),
        severity=Severity.WARNING,
        file=extract.file,
        column=None,
        value=pl.col("swe_number"),
        problem=pl.format(
            "new staff number {} has the SWE number of staff number {}",
            pl.col("staff_number"),
            pl.col("other"),
        ),
        action="if this is a leaver re-joining under a new staff number, no action; otherwise "
        "correct the SWE number",
    )
    return TablePlan("worker", inserts, updates, new.height, updates.height), problems


def _change_reason(prefix_old: str = "", prefix_new: str = "") -> pl.Expr:
    """Why a spell ends when the next one differs: contract, role, team or post, else FTE."""

    def col(name: str, prefix: str) -> str:
        return f"{name}{prefix}"

    return (
        pl.when(~same(col("contract", prefix_old), col("contract", prefix_new)))
        .then(pl.lit(SpellEndReason.CONTRACT_ENDED.value))
        .when(~same(col("role", prefix_old), col("role", prefix_new)))
        .then(pl.lit(SpellEndReason.ROLE_CHANGE.value))
        .when(
            ~same(col("team_key", prefix_old), col("team_key", prefix_new))
            | ~same(col("post", prefix_old), col("post", prefix_new))
        )
        .then(pl.lit(SpellEndReason.TEAM_CHANGE.value))
        .otherwise(pl.lit(SpellEndReason.FTE_CHANGE.value))
    )


def plan_spells(
    extract: HrExtract, state: HrState, as_at: date, allow_mass_ending: bool
) -> tuple[TablePlan, pl.DataFrame]:
    incoming = extract.spells
    file = extract.file
    latest = (
        state.spells.sort("start_date")
        .group_by("staff_number", "external_id")
        .last()
        .rename({c: f"{c}_db" for c in (*SPELL_UPDATE, "start_date")})
    )
    joined = incoming.join(latest, on=["staff_number", "external_id"], how="left")
    new = joined.filter(pl.col("id").is_null())
    matched = joined.filter(pl.col("id").is_not_null())
    same_core = pl.all_horizontal(
        [same(c, f"{c}_db") for c in CORE if c != "fte"] + [same_number("fte", "fte_db")]
    )
    open_db = pl.col("end_date_db").is_null()
    open_in = pl.col("end_date").is_null()
    details_differ = pl.any_horizontal([given_and_different(c, f"{c}_db") for c in DETAILS])
    closed_same = ~open_db & same("end_date", "end_date_db") & same_core
    reason_differs = given_and_different("end_reason", "end_reason_db")

    keep_db = {c: pl.col(f"{c}_db") for c in SPELL_UPDATE}

    def final(**overrides: pl.Expr) -> list[pl.Expr]:
        values = keep_db | {c: pl.coalesce(pl.col(c), pl.col(f"{c}_db")) for c in DETAILS}
        values |= overrides
        return [pl.col("id"), *(values[c].alias(c) for c in SPELL_UPDATE)]

    # The extract ends an open spell.
    ending = matched.filter(open_db & ~open_in)
    too_early = ending.filter(pl.col("end_date") < pl.col("start_date_db"))
    ending = ending.filter(pl.col("end_date") >= pl.col("start_date_db"))
    ended = ending.select(final(end_date=pl.col("end_date"), end_reason=pl.col("end_reason")))
    # An open spell whose role, FTE, team, post or contract changed: split on the as-at date,
    # unless the spell only started on or after it (then it is corrected in place).
    moved = matched.filter(open_db & open_in & ~same_core)
    in_place = moved.filter(pl.col("start_date_db") >= as_at)
    split = moved.filter(pl.col("start_date_db") < as_at)
    corrected = in_place.select(final(**{c: pl.col(c) for c in CORE}))
    split_ends = split.select(
        final(end_date=as_date(as_at) - pl.duration(days=1), end_reason=_change_reason("_db", ""))
    )
    split_starts = split.with_columns(
        as_date(as_at).alias("start_date"), pl.lit(None, dtype=pl.Date).alias("end_date")
    )
    # Census items filled in later (leaving reason, destination, origin) on any spell.
    detail_only = matched.filter((open_db & open_in & same_core) | closed_same).filter(
        details_differ | (closed_same & reason_differs)
    )
    detail_updates = detail_only.select(
        final(end_reason=pl.coalesce("end_reason", "end_reason_db"))
    )
    history = matched.filter(~open_db & ~closed_same)
    problems = [
        problems_where(
            history,
            pl.lit(True),
            severity=Severity.WARNING,
            file=file,
            column=None,
            value=None,
            problem=pl.format(
                "the row changes staff number {}'s spell from {} that has already ended in "
                "Caseload (on {}); history is not rewritten",
                pl.col("staff_number"),
                pl.col("start_date_db"),
                pl.col("end_date_db"),
            ),
            action="if the extract is right, correct the record in Caseload; otherwise no action",
        ),
        problems_where(
            too_early,
            pl.lit(True),
            severity=Severity.WARNING,
            file=file,
            column=None,
            value=pl.col("end_date").cast(pl.Utf8),
            problem=pl.format(
                "the row ends the spell before Caseload's latest change to it (from {}); the "
                "spell is left open",
                pl.col("start_date_db"),
            ),
            action="check the end date",
        ),
    ]
    vanished_updates, vanished_problems, leavers, open_count = _vanished(
        incoming, new, latest, as_at, file
    )
    moved_on = vanished_updates.height - leavers
    problems.append(vanished_problems)
    if not allow_mass_ending and leavers > max(MASS_END_MIN, MASS_END_SHARE * open_count):
        problems.append(
            one_problem(
                severity=Severity.ERROR,
                file=file,
                problem=f"the extract would end {leavers} of the {open_count} open spells as "
                "leavers because they are missing from it",
                action="check the extract is complete (not filtered to part of the council); if "
                "so many people really left, run again with --allow-mass-ending",
            )
        )
    inserts = pl.concat(
        [
            new.select(incoming.columns),
            split_starts.select(incoming.columns),
        ]
    ).drop("group_key", "_row")
    updates = pl.concat([ended, corrected, split_ends, detail_updates, vanished_updates])
    problems.append(_overlaps_history(state.spells, updates, new, file))
    plan = TablePlan(
        "employment_spell",
        inserts,
        updates,
        added=new.height,
        changed=corrected.height + split.height + detail_updates.height + moved_on,
        ended=ended.height + leavers,
    )
    return plan, combine(*problems)


def _vanished(
    incoming: pl.DataFrame, new: pl.DataFrame, latest: pl.DataFrame, as_at: date, file: str
) -> tuple[pl.DataFrame, pl.DataFrame, int, int]:
    """Open spells missing from the extract, ended as described in the module docstring."""
    open_latest = latest.filter(pl.col("end_date_db").is_null())
    gone = open_latest.join(
        incoming.select("staff_number", "external_id"),
        on=["staff_number", "external_id"],
        how="anti",
    )
    nexts = (
        gone.select("id", "staff_number", "contract_db", "start_date_db")
        .join(
            new.select(
                "staff_number",
                pl.col("contract").alias("contract_db"),
                pl.col("start_date").alias("next_start"),
                *[pl.col(c).alias(f"{c}_next") for c in CORE],
            ),
            on=["staff_number", "contract_db"],
        )
        .filter(pl.col("next_start") > pl.col("start_date_db"))
        .sort("next_start")
        .group_by("id")
        .first()
        .select("id", "next_start", *[f"{c}_next" for c in CORE])
    )
    continuing = incoming.filter(pl.col("end_date").is_null()).select("staff_number").unique()
    gone = gone.join(nexts, on="id", how="left").join(
        continuing.with_columns(pl.lit(True).alias("_continues")), on="staff_number", how="left"
    )
    own = pl.col("contract_db") == ContractType.OWN.value
    fallback_end = clamp_end(as_date(as_at) - pl.duration(days=1), pl.col("start_date_db"))
    has_next = pl.col("next_start").is_not_null()
    continues = pl.col("_continues").fill_null(False)
    reason = (
        pl.when(has_next)
        .then(_change_reason("_db", "_next"))
        .when(~own)
        .then(pl.lit(SpellEndReason.CONTRACT_ENDED.value))
        .when(continues)
        .then(pl.lit(SpellEndReason.FTE_CHANGE.value))
        .otherwise(pl.lit(SpellEndReason.LEFT.value))
    )
    updates = gone.select(
        "id",
        *[pl.col(f"{c}_db").alias(c) for c in CORE],
        pl.when(has_next).then(day_before("next_start")).otherwise(fallback_end).alias("end_date"),
        reason.alias("end_reason"),
        *[pl.col(f"{c}_db").alias(c) for c in DETAILS],
    )
    leaving = gone.filter(~has_next & ~continues)
    problems = problems_where(
        leaving.with_columns(pl.lit(None, dtype=pl.Int64).alias("_row")),
        own,
        severity=Severity.WARNING,
        file=file,
        column=None,
        value=None,
        problem=pl.format(
            "staff number {} has an open spell in Caseload but is not in this extract; they are "
            "recorded as leaving on {}",
            pl.col("staff_number"),
            fallback_end.cast(pl.Utf8),
        ),
        action="include leavers in the extract with their leaving date and reason",
    )
    return updates, problems, leaving.height, open_latest.height


def _overlaps_history(
    existing: pl.DataFrame, updates: pl.DataFrame, new: pl.DataFrame, file: str
) -> pl.DataFrame:
    """New rows that overlap a spell Caseload holds (after this load's updates) for the same
    person and assignment."""
    if existing.height == 0 or new.height == 0:
        return pl.DataFrame()
    planned = updates.select(
        "id", pl.col("end_date").alias("planned_end"), pl.lit(True).alias("_u")
    )
    held = existing.join(planned, on="id", how="left").select(
        "staff_number",
        pl.col("external_id").str.replace(r"@[^@]*$", "").alias("group_key"),
        pl.col("start_date").alias("held_start"),
        pl.when(pl.col("_u"))
        .then(pl.col("planned_end"))
        .otherwise(pl.col("end_date"))
        .alias("held_end"),
    )
    clash = new.join(held, on=["staff_number", "group_key"]).filter(
        (pl.col("held_start") <= pl.col("end_date").fill_null(date.max))
        & (pl.col("start_date") <= pl.col("held_end").fill_null(date.max))
    )
    return problems_where(
        clash.unique(subset=["_row"], keep="first"),
        pl.lit(True),
        severity=Severity.ERROR,
        file=file,
        column=None,
        value=pl.col("start_date").cast(pl.Utf8),
        problem=pl.format(
            "the row overlaps staff number {}'s spell on the same assignment that Caseload "
            "already holds (from {})",
            pl.col("staff_number"),
            pl.col("held_start"),
        ),
        action="check the start date; an assignment's start date identifies it, so a changed "
        "start date reads as a new assignment",
    )

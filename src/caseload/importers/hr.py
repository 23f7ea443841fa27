"""HR extract: validate the mapped rows and shape them into teams, posts, workers and spells.

Each row is one assignment of one person (or, with no staff number, a vacant post). A person on
two posts has two rows; a leaver who re-joins has a row for each period. Rows that repeat another
row exactly are loaded once. The spell's identity is its assignment (the assignment id, else the
post, else the person's only assignment) and its start date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from caseload.domain import ContractType, SpellEndReason
from caseload.importers.mapping import Mapping
from caseload.importers.problems import Severity, combine, problems_where
from caseload.importers.values import HIDDEN, MappedRows, raw

DEFAULT_STANDARD_HOURS = 37.0
SWE_PATTERN = r"^[A-Z]{2}\d{1,10}$"
LIMITS = {
    "staff_number": 40,
    "swe_number": 20,
    "first_name": 80,
    "last_name": 80,
    "post": 40,
    "assignment": 60,
    "team": 120,
    "service_area": 120,
    "qualification_institution": 120,
    "case_system_id": 60,
}
PERSON_FIELDS = (
    "swe_number",
    "first_name",
    "last_name",
    "birth_date",
    "gender",
    "ethnicity",
    "qualification_date",
    "qualification_level",
    "qualification_institution",
    "step_up",
    "frontline",
    "case_system_id",
)
IDENTITY_FIELDS = ("swe_number", "birth_date")  # must agree across a person's rows
SPELL_FIELDS = (
    "contract",
    "role",
    "fte",
    "team_key",
    "post",
    "start_date",
    "end_date",
    "end_reason",
    "start_origin",
    "reason_leave",
    "leaver_destination",
    "agency_contract_weeks",
)


@dataclass(frozen=True)
class HrExtract:
    """The extract shaped for loading, keyed by natural keys (team key, post reference, staff
    number); ``problems`` holds every error and warning found in the file."""

    file: str
    teams: pl.DataFrame  # team_key, name, parent_key, kind
    posts: pl.DataFrame  # reference, team_key, role, funded_fte, start_date, end_date, _row
    workers: pl.DataFrame  # staff_number, person fields, _row
    spells: pl.DataFrame  # staff_number, external_id, group_key, SPELL_FIELDS, _row
    problems: pl.DataFrame
    rows: int
    headers: dict[str, str]  # field -> source column


def team_key(column: str) -> pl.Expr:
    return pl.col(column).str.replace_all(r"\s+", " ").str.strip_chars().str.to_lowercase()


def check_hr(mapped: MappedRows, mapping: Mapping, *, as_at: date) -> HrExtract:
    """Validate the rows and shape them; problems are collected, not raised."""
    file = mapped.file
    headers = mapped.headers

    def col(field: str, default: str) -> str:
        return headers.get(field, default)

    frame, duplicates = drop_duplicates(mapped.frame, file)
    standard = float(mapping.defaults.get("standard_hours", DEFAULT_STANDARD_HOURS))
    frame = frame.with_columns(
        pl.coalesce(
            pl.col("fte"),
            (pl.col("hours") / pl.col("standard_hours").fill_null(standard)).round(6),
        ).alias("fte"),
        pl.col("contract").fill_null(ContractType.OWN.value),
        team_key("team").alias("team_key"),
        team_key("service_area").alias("parent_key"),
    )
    person = pl.col("staff_number").is_not_null()
    vacant = ~person & pl.col("post").is_not_null()
    problems = [mapped.problems, duplicates]

    def error(condition: pl.Expr, field: str, problem: str, action: str) -> None:
        add(Severity.ERROR, condition, field, problem, action)

    def warn(condition: pl.Expr, field: str, problem: str, action: str) -> None:
        add(Severity.WARNING, condition, field, problem, action)

    def add(severity: Severity, condition: pl.Expr, field: str, problem: str, action: str) -> None:
        sensitive = field in ("birth_date", "first_name", "last_name")
        problems.append(
            problems_where(
                frame,
                condition,
                severity=severity,
                file=file,
                column=col(field, field),
                value=HIDDEN if sensitive else pl.col(raw(field)),
                problem=problem,
                action=action,
            )
        )

    error(
        ~person & ~vacant,
        "staff_number",
        "the row has no staff number (and no post, so it is not a vacant post)",
        "fill in the staff number, or remove the row",
    )
    for field, limit in LIMITS.items():
        error(
            pl.col(field).str.len_chars() > limit,
            field,
            f"is longer than {limit} characters",
            "shorten it in the source system",
        )
    has = headers.__contains__
    error(
        pl.col("raw_role").is_null() & pl.lit(has("role")),
        "role",
        "no role (grade or job title)",
        "fill in the grade or job title",
    )
    error(
        person & pl.col("raw_start_date").is_null() & pl.lit(has("start_date")),
        "start_date",
        "no start date",
        "fill in the first day of the assignment",
    )
    no_fte = pl.col("raw_fte").is_null() & pl.col("raw_hours").is_null()
    error(
        person & no_fte & pl.lit(has("fte") or has("hours")),
        "fte",
        "no FTE",
        "fill in the contracted FTE (0 to 1) or hours",
    )
    error(
        pl.col("fte") > 1,
        "fte" if "fte" in mapped.headers else "hours",
        "FTE above 1",
        "FTE is the share of full time, at most 1; a person on two posts has a row for each",
    )
    error(
        pl.col("fte") <= 0,
        "fte" if "fte" in mapped.headers else "hours",
        "FTE must be above 0",
        "give the contracted FTE; end the assignment instead of setting it to 0",
    )
    error(
        pl.col("post").is_not_null() & pl.col("team").is_null(),
        "post",
        "the post has no team",
        "fill in the team the post belongs to",
    )
    error(
        pl.col("end_date") < pl.col("start_date"),
        "end_date",
        "end date before start date",
        "correct the start or end date",
    )
    error(
        pl.col("post_fte") > 1,
        "post_fte",
        "post FTE above 1",
        "a post's funded FTE is at most 1; split larger establishment lines into posts",
    )
    error(pl.col("post_fte") <= 0, "post_fte", "post FTE must be above 0", "fix the post FTE")
    error(
        pl.col("post_end") < pl.col("post_start"),
        "post_end",
        "post end date before its start date",
        "correct the post dates",
    )
    error(
        pl.col("birth_date") > as_at,
        "birth_date",
        f"birth date after the extract's as-at date {as_at.isoformat()}",
        "correct the birth date (two-digit years are read as 19xx or 20xx)",
    )
    warn(
        pl.col("swe_number").is_not_null() & ~pl.col("swe_number").str.contains(SWE_PATTERN),
        "swe_number",
        "does not look like a Social Work England number (two letters then digits)",
        "check the registration number",
    )
    warn(
        person & pl.col("team").is_null() & pl.col("raw_role").is_not_null(),
        "team",
        "the assignment has no team",
        "fill in the team; until then the worker counts in no team's figures",
    )
    rows = frame.filter(person | vacant)
    problems += [
        identity_conflicts(rows.filter(person), file, headers),
        overlapping(rows.filter(person), file, headers),
        over_full_time(rows.filter(person), file, headers),
        post_conflicts(rows.filter(pl.col("post").is_not_null()), file, headers),
    ]
    spells = with_end_reasons(shape_spells(rows.filter(person)))
    problems.append(
        problems_where(
            spells,
            pl.col("_unexplained_leaver"),
            severity=Severity.WARNING,
            file=file,
            column=col("end_date", "end_date"),
            value=pl.col("end_date").cast(pl.Utf8),
            problem="the assignment ends with no leaving reason and no assignment after it, so "
            "it is recorded as the person leaving the council",
            action="add the leaving reason (and destination) to the extract; the census needs "
            "them for every leaver",
        )
    )
    return HrExtract(
        file=file,
        teams=shape_teams(rows),
        posts=shape_posts(rows.filter(pl.col("post").is_not_null()), as_at),
        workers=shape_workers(rows.filter(person)),
        spells=spells.drop("_unexplained_leaver"),
        problems=combine(*problems),
        rows=mapped.frame.height,
        headers=headers,
    )


def drop_duplicates(frame: pl.DataFrame, file: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows that repeat an earlier row exactly (after trimming spaces) are loaded once."""
    raws = [c for c in frame.columns if c.startswith("raw_")]
    marked = frame.with_columns(pl.col("_row").min().over(raws).alias("_first"))
    problems = problems_where(
        marked,
        pl.col("_row") != pl.col("_first"),
        severity=Severity.WARNING,
        file=file,
        column=None,
        value=None,
        problem=pl.format("the row repeats row {}", pl.col("_first")),
        action="loaded once; remove the repeated row from the extract",
    )
    return marked.filter(pl.col("_row") == pl.col("_first")).drop("_first"), problems


def identity_conflicts(rows: pl.DataFrame, file: str, headers: dict[str, str]) -> pl.DataFrame:
    """A person's rows must agree on SWE number and birth date."""
    header = headers.get
    found = []
    for field in IDENTITY_FIELDS:
        first = (
            rows.filter(pl.col(field).is_not_null())
            .sort("_row")
            .group_by("staff_number", maintain_order=True)
            .agg(pl.col(field).first().alias("_first_value"), pl.col("_row").first().alias("_r"))
        )
        clash = rows.join(first, on="staff_number").filter(
            pl.col(field).is_not_null() & (pl.col(field) != pl.col("_first_value"))
        )
        sensitive = field == "birth_date"
        found.append(
            problems_where(
                clash,
                pl.lit(True),
                severity=Severity.ERROR,
                file=file,
                column=header(field, field),
                value=HIDDEN if sensitive else pl.col(raw(field)),
                problem=pl.format(
                    "staff number {} has a different {} in row {}",
                    pl.col("staff_number"),
                    pl.lit(field.replace("_", " ")),
                    pl.col("_r"),
                ),
                action="make the person's rows agree, or give the other person their own "
                "staff number",
            )
        )
    return combine(*found)


def assignment_key() -> pl.Expr:
    return pl.coalesce(
        pl.lit("asg:") + pl.col("assignment"),
        pl.lit("post:") + pl.col("post"),
        pl.lit("main"),
    )


def overlapping(rows: pl.DataFrame, file: str, headers: dict[str, str]) -> pl.DataFrame:
    """Two rows of one person on the same assignment (or post) whose dates overlap."""
    header = headers.get
    keyed = rows.filter(pl.col("start_date").is_not_null()).with_columns(
        assignment_key().alias("group_key")
    )
    ordered = keyed.sort("staff_number", "group_key", "start_date", "_row")
    group = ["staff_number", "group_key"]
    reach = pl.col("end_date").fill_null(date.max).cum_max().shift(1).over(group)
    earlier = pl.col("_row").shift(1).over(group)
    clash = ordered.with_columns(reach.alias("_reach"), earlier.alias("_prev")).filter(
        pl.col("_reach").is_not_null() & (pl.col("start_date") <= pl.col("_reach"))
    )
    return problems_where(
        clash,
        pl.lit(True),
        severity=Severity.ERROR,
        file=file,
        column=header("start_date", "start_date"),
        value=pl.col("start_date").cast(pl.Utf8),
        problem=pl.format(
            "staff number {} has two overlapping spells on the same assignment (this row and "
            "the one before it, row {})",
            pl.col("staff_number"),
            pl.col("_prev"),
        ),
        action="end the earlier row the day before this one starts, or give each post its "
        "own post or assignment id",
    )


def over_full_time(rows: pl.DataFrame, file: str, headers: dict[str, str]) -> pl.DataFrame:
    """A person whose assignments add up to more than 1 FTE on the day one of them starts."""
    header = headers.get
    spells = rows.filter(pl.col("start_date").is_not_null() & pl.col("fte").is_not_null())
    pairs = spells.select("staff_number", "_row", "start_date").join(
        spells.select(
            "staff_number",
            pl.col("start_date").alias("_s"),
            pl.col("end_date").alias("_e"),
            pl.col("fte").alias("_fte"),
        ),
        on="staff_number",
    )
    totals = (
        pairs.filter(
            (pl.col("_s") <= pl.col("start_date"))
            & (pl.col("_e").is_null() | (pl.col("_e") >= pl.col("start_date")))
        )
        .group_by("_row")
        .agg(pl.col("_fte").sum().round(6).alias("_total"), pl.col("staff_number").first())
    )
    return problems_where(
        totals,
        pl.col("_total") > 1,
        severity=Severity.WARNING,
        file=file,
        column=header("fte", "fte"),
        value=pl.col("_total").cast(pl.Utf8),
        problem=pl.format(
            "staff number {}'s assignments add up to more than 1 FTE from this row's start",
            pl.col("staff_number"),
        ),
        action="check the FTE of each post the person holds",
    )


def post_conflicts(rows: pl.DataFrame, file: str, headers: dict[str, str]) -> pl.DataFrame:
    header = headers.get
    first = (
        rows.filter(pl.col("post_fte").is_not_null())
        .sort("_row")
        .group_by("post", maintain_order=True)
        .agg(pl.col("post_fte").first().alias("_first"), pl.col("_row").first().alias("_r"))
    )
    clash = rows.join(first, on="post").filter(
        pl.col("post_fte").is_not_null() & (pl.col("post_fte") != pl.col("_first"))
    )
    return problems_where(
        clash,
        pl.lit(True),
        severity=Severity.ERROR,
        file=file,
        column=header("post_fte", "post_fte"),
        value=pl.col("raw_post_fte"),
        problem=pl.format(
            "post {} has a different funded FTE in row {}", pl.col("post"), pl.col("_r")
        ),
        action="give the post one funded FTE in every row",
    )


def shape_spells(rows: pl.DataFrame) -> pl.DataFrame:
    keyed = rows.filter(
        pl.col("start_date").is_not_null()
        & pl.col("fte").is_not_null()
        & pl.col("role").is_not_null()
    ).with_columns(assignment_key().alias("group_key"))
    return keyed.select(
        "staff_number",
        (pl.col("group_key") + pl.lit("@") + pl.col("start_date").cast(pl.Utf8)).alias(
            "external_id"
        ),
        "group_key",
        *SPELL_FIELDS,
        "_row",
    )


def with_end_reasons(spells: pl.DataFrame) -> pl.DataFrame:
    """Fill ``end_reason`` where the extract gives none: a leaving reason means the person left
    (an agency contract ended); a spell followed the next day by another of the same contract
    ends with the change (role, then team or post, then FTE); otherwise own staff left and agency
    contracts ended."""
    following = spells.select(
        "staff_number",
        "contract",
        (pl.col("start_date") - timedelta(days=1)).alias("end_date"),
        pl.col("role").alias("_next_role"),
        pl.col("team_key").alias("_next_team"),
        pl.col("post").alias("_next_post"),
        pl.col("fte").alias("_next_fte"),
    ).unique(subset=["staff_number", "contract", "end_date"], keep="first", maintain_order=True)
    joined = spells.join(following, on=["staff_number", "contract", "end_date"], how="left")
    own = pl.col("contract") == ContractType.OWN.value
    has_next = pl.col("_next_role").is_not_null()
    changed = (
        pl.when(pl.col("role") != pl.col("_next_role"))
        .then(pl.lit(SpellEndReason.ROLE_CHANGE.value))
        .when(
            (pl.col("team_key").fill_null("") != pl.col("_next_team").fill_null(""))
            | (pl.col("post").fill_null("") != pl.col("_next_post").fill_null(""))
        )
        .then(pl.lit(SpellEndReason.TEAM_CHANGE.value))
        .otherwise(pl.lit(SpellEndReason.FTE_CHANGE.value))
    )
    inferred = (
        pl.when(pl.col("end_date").is_null())
        .then(pl.lit(None, dtype=pl.Utf8))
        .when(pl.col("end_reason").is_not_null())
        .then(pl.col("end_reason"))
        .when(pl.col("reason_leave").is_not_null() & own)
        .then(pl.lit(SpellEndReason.LEFT.value))
        .when(pl.col("reason_leave").is_not_null())
        .then(pl.lit(SpellEndReason.CONTRACT_ENDED.value))
        .when(has_next)
        .then(changed)
        .when(own)
        .then(pl.lit(SpellEndReason.LEFT.value))
        .otherwise(pl.lit(SpellEndReason.CONTRACT_ENDED.value))
    )
    unexplained = (
        pl.col("end_date").is_not_null()
        & pl.col("end_reason").is_null()
        & pl.col("reason_leave").is_null()
        & ~has_next
        & own
    )
    return joined.with_columns(
        inferred.alias("end_reason"), unexplained.alias("_unexplained_leaver")
    ).drop("_next_role", "_next_team", "_next_post", "_next_fte")


def shape_teams(rows: pl.DataFrame) -> pl.DataFrame:
    """Teams and their service areas; the latest row names a team's service area."""
    teams = (
        rows.filter(pl.col("team_key").is_not_null())
        .sort("start_date", "_row", nulls_last=False)
        .group_by("team_key")
        .agg(
            pl.col("team").first().alias("name"),
            pl.col("parent_key").drop_nulls().last().alias("parent_key"),
            pl.col("_row").min(),
        )
        .with_columns(pl.lit("team").alias("kind"))
    )
    areas = (
        rows.filter(pl.col("parent_key").is_not_null())
        .group_by("parent_key")
        .agg(pl.col("service_area").first().alias("name"), pl.col("_row").min())
        .rename({"parent_key": "team_key"})
        .join(teams.select("team_key"), on="team_key", how="anti")
        .with_columns(
            pl.lit(None, dtype=pl.Utf8).alias("parent_key"), pl.lit("service_area").alias("kind")
        )
    )
    columns = ["team_key", "name", "parent_key", "kind", "_row"]
    return pl.concat([teams.select(columns), areas.select(columns)]).sort("team_key")


def shape_posts(rows: pl.DataFrame, as_at: date) -> pl.DataFrame:
    """One row per post reference: its team, role and funded FTE from the latest row, its start
    from the post dates or else the earliest assignment (a vacant post with neither starts on the
    as-at date), and the largest FTE any row gives when the extract has no post FTE."""
    return (
        rows.sort("start_date", "_row", nulls_last=False)
        .group_by("post")
        .agg(
            pl.col("team_key").drop_nulls().last(),
            pl.coalesce("post_role", "role").drop_nulls().last().alias("role"),
            pl.coalesce(pl.col("post_fte").max(), pl.col("fte").max()).alias("funded_fte"),
            pl.coalesce(
                pl.col("post_start").min(), pl.col("start_date").min(), pl.lit(as_at)
            ).alias("start_date"),
            pl.col("post_end").max().alias("end_date"),
            pl.col("_row").first(),
        )
        .rename({"post": "reference"})
        .filter(pl.col("role").is_not_null() & pl.col("start_date").is_not_null())
        .sort("reference")
    )


def shape_workers(rows: pl.DataFrame) -> pl.DataFrame:
    """One row per staff number: each person item from the latest row that gives it."""
    ordered = rows.sort("start_date", "_row", nulls_last=False)
    return (
        ordered.group_by("staff_number", maintain_order=True)
        .agg(
            *[pl.col(f).drop_nulls().last().alias(f) for f in PERSON_FIELDS],
            pl.col("_row").first(),
        )
        .sort("staff_number")
    )

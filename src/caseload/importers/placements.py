"""The pipeline from a CSV or Excel file: placements of students and apprentices, practice
educators and conversions to ASYE posts; check, plan and write.

One row per record, its ``record`` column saying which (``docs/imports.md``):

- **placement**: the learner's reference (never a name), the route (university, Step Up,
  Frontline or apprentice), the university and programme, the year of study (1 to 4), the team,
  the practice educator's staff number, the first and last day, the outcome (passed, failed or
  withdrawn; blank while it runs) and the placement's id in the source system (optional). A
  university student and a fast-track trainee are kept as students, an apprentice as an
  apprentice; a Step Up or Frontline placement is in the programme's qualifying year, so its year
  of study is not kept (:mod:`caseload.practice.pipeline` takes it as final);
- **educator**: a practice educator's staff number, stage (1 or 2), capacity (students at once,
  0 to 10) and day of accreditation (optional);
- **conversion**: a learner's reference, the staff number of the newly qualified worker the
  learner became and the first day of the ASYE post. It is kept on the learner's latest
  placement (in the file or loaded before), which must have passed and ended by that day.

A re-import is safe (the same file again changes nothing):

- the file's placements replace the council's placements starting in the period they cover
  (:mod:`caseload.importers.practice_plan`); a placement's conversion is changed only by a
  conversion row, so a file of placements alone keeps the conversions recorded before;
- educator rows, when the file has any, are the register: an educator it changes is updated, one
  it leaves out is removed (with a warning); a file without educator rows leaves the register
  alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
from sqlalchemy import Connection

from caseload.domain.training_records import FAST_TRACK_ROUTES, ROUTE_LEARNER_KIND
from caseload.importers.hr import drop_duplicates
from caseload.importers.mapping import normal
from caseload.importers.plan import LoadPlan, TablePlan, same, write_changes
from caseload.importers.practice_plan import KEY, record_key, removed_warning, replace_period
from caseload.importers.problems import Severity, combine, no_problems, one_problem, problems_where
from caseload.importers.values import MappedRows, raw

PLACEMENT_COMPARED = (
    "learner_ref",
    "learner_kind",
    "programme",
    "study_year",
    "team_id",
    "educator_id",
    "start_date",
    "end_date",
    "outcome",
)
CONVERSION = ("converted_worker_id", "converted_date")
EDUCATOR_COMPARED = ("stage", "capacity", "accredited_date")
LONGEST = {"learner_ref": 60, "programme": 160, "placement_id": 80}
UNKNOWN_WORKER_ACTION = "load the HR extract with this worker first, or correct the staff number"
REF = "_ref"  # a placement as the plan knows it: "held:ID" or "new:KEY"


@dataclass(frozen=True)
class PlacementsExtract:
    file: str
    placements: pl.DataFrame  # external_id, learner_ref, learner_kind, programme, study_year,
    # team, educator, start_date, end_date, outcome, _row
    educators: pl.DataFrame  # staff_number, stage, capacity, accredited_date, _row
    conversions: pl.DataFrame  # learner_ref, staff_number, converted_date, _row
    problems: pl.DataFrame
    rows: int
    headers: dict[str, str]

    def column(self, field: str) -> str:
        return self.headers.get(field, field)


def _whole_between(column: str, low: int, high: int) -> pl.Expr:
    value = pl.col(column)
    return (value == value.round(0)) & value.is_between(low, high)


def check_placements(mapped: MappedRows, *, as_at: date) -> PlacementsExtract:
    """The file's placements, practice educators and conversions, and the problems in them, row
    by row (workers, teams and learners are matched when the load is planned)."""
    file = mapped.file
    frame, repeats = drop_duplicates(mapped.frame, file)
    problems = [mapped.problems, repeats]

    def error(condition: pl.Expr, field: str, problem: str, action: str) -> None:
        problems.append(
            problems_where(
                frame,
                condition.fill_null(False),
                severity=Severity.ERROR,
                file=file,
                column=mapped.headers.get(field, field),
                value=pl.col(raw(field)),
                problem=problem,
                action=action,
            )
        )

    record = pl.col("record")
    placement, educator, conversion = (
        record == "placement",
        record == "educator",
        record == "conversion",
    )
    error(
        pl.col(raw("record")).is_null(),
        "record",
        "no record type",
        "write placement, educator or conversion",
    )
    # A placement.
    error(
        placement & pl.col("learner_ref").is_null(),
        "learner_ref",
        "a placement without the learner's reference",
        "fill in the learner's reference (never their name)",
    )
    error(
        placement & pl.col(raw("route")).is_null(),
        "route",
        "a placement without its route",
        "write university, Step Up, Frontline or apprentice",
    )
    error(
        placement & pl.col("programme").is_null(),
        "programme",
        "a placement without its university and programme",
        "fill in the university and programme",
    )
    for field, what in (("start_date", "first"), ("end_date", "last")):
        error(
            placement & pl.col(raw(field)).is_null(),
            field,
            f"a placement without its {what} day",
            f"fill in the placement's {what} day",
        )
    error(
        placement & (pl.col("end_date") < pl.col("start_date")),
        "end_date",
        "the placement ends before it starts",
        "correct the start or the end date",
    )
    error(
        placement & pl.col("study_year").is_not_null() & ~_whole_between("study_year", 1, 4),
        "study_year",
        "the year of study is not a whole number from 1 to 4",
        "write 1, 2, 3 or 4, or leave it blank",
    )
    error(
        placement & pl.col("outcome").is_not_null() & (pl.col("start_date") > as_at),
        "outcome",
        f"an outcome for a placement starting after the extract date {as_at.isoformat()}",
        "clear the outcome, or correct the start date",
    )
    # A practice educator.
    error(
        educator & pl.col("staff_number").is_null(),
        "staff_number",
        "a practice educator without a staff number",
        "fill in the practice educator's staff number",
    )
    error(
        educator & pl.col(raw("stage")).is_null(),
        "stage",
        "a practice educator without a stage",
        "write 1 or 2 (the Practice Educator Professional Standards stage)",
    )
    error(
        educator & pl.col("stage").is_not_null() & ~pl.col("stage").is_in([1.0, 2.0]),
        "stage",
        "the stage is not 1 or 2",
        "write 1 or 2 (the Practice Educator Professional Standards stage)",
    )
    error(
        educator & pl.col(raw("capacity")).is_null(),
        "capacity",
        "a practice educator without a capacity",
        "write how many students the educator can take at once (0 to 10)",
    )
    error(
        educator & pl.col("capacity").is_not_null() & ~_whole_between("capacity", 0, 10),
        "capacity",
        "the capacity is not a whole number from 0 to 10",
        "write how many students the educator can take at once (0 to 10)",
    )
    error(
        educator & (pl.col("accredited_date") > as_at),
        "accredited_date",
        f"the accreditation is dated after the extract date {as_at.isoformat()}",
        "correct the date, or leave it blank",
    )
    # A conversion to an ASYE post.
    error(
        conversion & pl.col("learner_ref").is_null(),
        "learner_ref",
        "a conversion without the learner's reference",
        "fill in the reference the learner's placements have",
    )
    error(
        conversion & pl.col("staff_number").is_null(),
        "staff_number",
        "a conversion without the worker's staff number",
        "fill in the staff number of the newly qualified worker the learner became",
    )
    error(
        conversion & pl.col(raw("converted_date")).is_null(),
        "converted_date",
        "a conversion without the day the ASYE post started",
        "fill in the first day of the learner's ASYE post",
    )
    error(
        conversion & (pl.col("converted_date") > as_at),
        "converted_date",
        f"the ASYE post starts after the extract date {as_at.isoformat()}",
        "correct the date, or load the conversion once the post has started",
    )
    for field, most in LONGEST.items():
        error(
            pl.col(field).str.len_chars() > most,
            field,
            f"is longer than {most} characters",
            "shorten it",
        )
    fast = pl.col("route").is_in(list(FAST_TRACK_ROUTES))
    placements = frame.filter(
        placement
        & pl.col("learner_ref").is_not_null()
        & pl.col("route").is_not_null()
        & pl.col("programme").is_not_null()
        & pl.col("start_date").is_not_null()
        & pl.col("end_date").is_not_null()
    ).select(
        pl.col("placement_id").alias("external_id"),
        "learner_ref",
        pl.col("route")
        .replace_strict(ROUTE_LEARNER_KIND, return_dtype=pl.Utf8)
        .alias("learner_kind"),
        "programme",
        pl.when(fast)
        .then(None)
        .otherwise(pl.col("study_year"))
        .cast(pl.Int64, strict=False)
        .alias("study_year"),
        "team",
        "educator",
        "start_date",
        "end_date",
        "outcome",
        "_row",
    )
    educators = frame.filter(
        educator
        & pl.col("staff_number").is_not_null()
        & pl.col("stage").is_not_null()
        & pl.col("capacity").is_not_null()
    ).select(
        "staff_number",
        pl.col("stage").cast(pl.Int64, strict=False),
        pl.col("capacity").cast(pl.Int64, strict=False),
        "accredited_date",
        "_row",
    )
    conversions = frame.filter(
        conversion
        & pl.col("learner_ref").is_not_null()
        & pl.col("staff_number").is_not_null()
        & pl.col("converted_date").is_not_null()
    ).select("learner_ref", "staff_number", "converted_date", "_row")
    return PlacementsExtract(
        file,
        placements,
        educators,
        conversions,
        combine(*problems),
        mapped.frame.height,
        mapped.headers,
    )


def _placement_key() -> pl.Expr:
    return record_key("external_id", [pl.col("learner_ref"), pl.col("start_date")])


def _first_of(frame: pl.DataFrame, over: str | list[str]) -> pl.DataFrame:
    return frame.with_columns(pl.col("_row").min().over(over).alias("_first"))


def _team_ids(teams: pl.DataFrame) -> pl.DataFrame:
    """_team_key, team_id: each of the council's teams by its name (case and spaces ignored)."""
    return (
        teams.filter(pl.col("kind") == "team")
        .sort("id")
        .select(
            pl.col("name").map_elements(normal, return_dtype=pl.Utf8).alias("_team_key"),
            pl.col("id").alias("team_id"),
        )
        .unique("_team_key", keep="first")
    )


def _worker_ids(workers: pl.DataFrame, column: str, alias: str) -> pl.DataFrame:
    return workers.select(pl.col("id").alias(alias), pl.col("staff_number").alias(column))


@dataclass(frozen=True)
class _Matched:
    placements: pl.DataFrame
    educators: pl.DataFrame
    conversions: pl.DataFrame
    problems: pl.DataFrame


def _match(extract: PlacementsExtract, workers: pl.DataFrame, teams: pl.DataFrame) -> _Matched:
    """Resolve teams and staff numbers; name each row that names nobody, and repeated rows."""
    file = extract.file
    problems: list[pl.DataFrame] = []

    def flag(
        frame: pl.DataFrame,
        condition: pl.Expr,
        field: str,
        value: str | pl.Expr,
        problem: str | pl.Expr,
        action: str,
    ) -> None:
        problems.append(
            problems_where(
                frame,
                condition,
                severity=Severity.ERROR,
                file=file,
                column=extract.column(field),
                value=value,
                problem=problem,
                action=action,
            )
        )

    placements = (
        extract.placements.with_columns(
            pl.col("team").map_elements(normal, return_dtype=pl.Utf8).alias("_team_key")
        )
        .join(_team_ids(teams), on="_team_key", how="left")
        .join(_worker_ids(workers, "educator", "educator_id"), on="educator", how="left")
        .with_columns(_placement_key())
    )
    flag(
        placements,
        pl.col("team").is_not_null() & pl.col("team_id").is_null(),
        "team",
        pl.col("team"),
        "the council has no team with this name",
        "correct the team's name, or load the HR extract with the team first",
    )
    flag(
        placements,
        pl.col("educator").is_not_null() & pl.col("educator_id").is_null(),
        "educator",
        pl.col("educator"),
        "no worker has this staff number",
        UNKNOWN_WORKER_ACTION,
    )
    placements = _first_of(placements, KEY)
    flag(
        placements,
        pl.col("_row") != pl.col("_first"),
        "start_date",
        pl.col("start_date").cast(pl.Utf8),
        pl.format("the same placement as row {}", pl.col("_first")),
        "keep one row per placement, or give each its own placement id",
    )
    educators = _first_of(
        extract.educators.join(
            _worker_ids(workers, "staff_number", "worker_id"), on="staff_number", how="left"
        ),
        "staff_number",
    )
    flag(
        educators,
        pl.col("worker_id").is_null(),
        "staff_number",
        pl.col("staff_number"),
        "no worker has this staff number",
        UNKNOWN_WORKER_ACTION,
    )
    flag(
        educators,
        pl.col("_row") != pl.col("_first"),
        "staff_number",
        pl.col("staff_number"),
        pl.format("the same practice educator as row {}", pl.col("_first")),
        "keep one row per practice educator",
    )
    conversions = _first_of(
        extract.conversions.join(
            _worker_ids(workers, "staff_number", "converted_worker_id"),
            on="staff_number",
            how="left",
        ),
        "learner_ref",
    )
    flag(
        conversions,
        pl.col("converted_worker_id").is_null(),
        "staff_number",
        pl.col("staff_number"),
        "no worker has this staff number",
        UNKNOWN_WORKER_ACTION,
    )
    flag(
        conversions,
        pl.col("_row") != pl.col("_first"),
        "learner_ref",
        pl.col("learner_ref"),
        pl.format("the learner's conversion is already in row {}", pl.col("_first")),
        "keep one conversion row per learner",
    )
    return _Matched(
        placements.filter(pl.col("_row") == pl.col("_first")),
        educators.filter(pl.col("worker_id").is_not_null() & (pl.col("_row") == pl.col("_first"))),
        conversions.filter(
            pl.col("converted_worker_id").is_not_null() & (pl.col("_row") == pl.col("_first"))
        ),
        combine(*problems),
    )


def _educator_plan(
    extract: PlacementsExtract, educators: pl.DataFrame, held: pl.DataFrame
) -> tuple[TablePlan, pl.DataFrame]:
    """The register's changes (none when the file has no educator rows) and its warning."""
    empty = pl.DataFrame(schema={"id": pl.Int64})
    if extract.educators.height == 0:
        return TablePlan("practice_educator", educators.head(0), empty), no_problems()
    old = held.rename({c: f"{c}_db" for c in EDUCATOR_COMPARED})
    matched = educators.join(old, on="worker_id", how="left")
    differs = pl.any_horizontal([~same(c, f"{c}_db") for c in EDUCATOR_COMPARED])
    new = matched.filter(pl.col("id").is_null())
    changed = matched.filter(pl.col("id").is_not_null() & differs)
    gone = held.join(educators.select("worker_id"), on="worker_id", how="anti").select("id")
    warning = no_problems()
    if gone.height:
        noun = "practice educator" if gone.height == 1 else "practice educators"
        verb = "is" if gone.height == 1 else "are"
        warning = one_problem(
            severity=Severity.WARNING,
            file=extract.file,
            problem=f"{gone.height} {noun} held {verb} not in this file",
            action="removed: the file's practice educators are the register; if the file "
            "does not list every practice educator, load one that does",
        )
    plan = TablePlan(
        "practice_educator",
        new.select("worker_id", *EDUCATOR_COMPARED),
        changed.select("id", *EDUCATOR_COMPARED),
        added=new.height,
        changed=changed.height,
        ended=gone.height,
        deletes=gone,
    )
    return plan, warning


def _with_conversions(
    extract: PlacementsExtract,
    conversions: pl.DataFrame,
    held_after: pl.DataFrame,
    new: pl.DataFrame,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Put each conversion on its learner's latest placement: the held placements kept (with
    the file's changes) and the new ones, with their conversions, and the problems."""
    columns = ["learner_ref", "start_date", "end_date", "outcome", REF]
    placed = pl.concat(
        [
            held_after.with_columns(pl.format("held:{}", pl.col("id")).alias(REF)).select(columns),
            new.with_columns(pl.format("new:{}", pl.col(KEY)).alias(REF)).select(columns),
        ]
    )
    latest = (
        placed.sort("end_date", "start_date")
        .group_by("learner_ref", maintain_order=True)
        .last()
        .rename({"start_date": "_start", "end_date": "_end", "outcome": "_outcome"})
    )
    targets = conversions.join(latest, on="learner_ref", how="left")

    def flag(
        condition: pl.Expr, field: str, value: pl.Expr, problem: str | pl.Expr, action: str
    ) -> pl.DataFrame:
        return problems_where(
            targets,
            condition.fill_null(False),
            severity=Severity.ERROR,
            file=extract.file,
            column=extract.column(field),
            value=value,
            problem=problem,
            action=action,
        )

    found = pl.col(REF).is_not_null()
    problems = combine(
        flag(
            ~found,
            "learner_ref",
            pl.col("learner_ref"),
            "no placement of this learner is in the file or loaded before",
            "add the learner's final placement to the file, or correct the learner reference",
        ),
        flag(
            found & (pl.col("_end") >= pl.col("converted_date")),
            "converted_date",
            pl.col("converted_date").cast(pl.Utf8),
            pl.format(
                "the ASYE post starts before the learner's last placement ends ({})",
                pl.col("_end"),
            ),
            "correct the ASYE start date, or the placement's end date",
        ),
        flag(
            found
            & (pl.col("_end") < pl.col("converted_date"))
            & ~pl.col("_outcome").eq_missing(pl.lit("passed")),
            "learner_ref",
            pl.col("learner_ref"),
            pl.format(
                "the learner's last placement, ending {}, is not recorded as passed",
                pl.col("_end"),
            ),
            "record the placement's outcome as passed, or correct the learner reference",
        ),
    )
    chosen = targets.filter(found).select(
        REF,
        pl.col("converted_worker_id").alias("_worker"),
        pl.col("converted_date").alias("_day"),
    )

    def converted(frame: pl.DataFrame, ref: pl.Expr) -> pl.DataFrame:
        joined = frame.with_columns(ref.alias(REF)).join(chosen, on=REF, how="left")
        return joined.with_columns(
            pl.when(pl.col("_worker").is_not_null())
            .then(pl.col("_worker"))
            .otherwise(pl.col("converted_worker_id"))
            .alias("converted_worker_id"),
            pl.when(pl.col("_worker").is_not_null())
            .then(pl.col("_day"))
            .otherwise(pl.col("converted_date"))
            .alias("converted_date"),
        ).drop(REF, "_worker", "_day")

    with_new = new.with_columns(
        pl.lit(None, dtype=pl.Int64).alias("converted_worker_id"),
        pl.lit(None, dtype=pl.Date).alias("converted_date"),
    )
    return (
        converted(held_after, pl.format("held:{}", pl.col("id"))),
        converted(with_new, pl.format("new:{}", pl.col(KEY))),
        problems,
    )


def plan_placements(
    extract: PlacementsExtract,
    *,
    workers: pl.DataFrame,
    teams: pl.DataFrame,
    held: pl.DataFrame,
    held_educators: pl.DataFrame,
) -> LoadPlan:
    """Match teams, staff numbers and learners, and plan the placements' replacement of their
    period, the conversions and the register of practice educators."""
    matched = _match(extract, workers, teams)
    held_keyed = held.with_columns(_placement_key())
    replacement = replace_period(
        matched.placements,
        held_keyed,
        date_column="start_date",
        compared=PLACEMENT_COMPARED,
    )
    removed = replacement.removed["id"].implode()
    updated = replacement.updates
    kept = held_keyed.filter(~pl.col("id").is_in(removed))
    held_after = pl.concat(
        [
            kept.filter(pl.col("id").is_in(updated["id"].implode()))
            .drop(*PLACEMENT_COMPARED)
            .join(updated, on="id"),
            kept.filter(~pl.col("id").is_in(updated["id"].implode())),
        ],
        how="diagonal",
    )
    held_after, new, conversion_problems = _with_conversions(
        extract, matched.conversions, held_after, replacement.new
    )
    before = held_keyed.rename({c: f"{c}_db" for c in (*PLACEMENT_COMPARED, *CONVERSION)})
    differs = pl.any_horizontal([~same(c, f"{c}_db") for c in (*PLACEMENT_COMPARED, *CONVERSION)])
    changed = (
        held_after.join(before.select("id", pl.col("^.*_db$")), on="id")
        .filter(differs)
        .select("id", *PLACEMENT_COMPARED, *CONVERSION)
    )
    educators, register_warning = _educator_plan(extract, matched.educators, held_educators)
    register = (
        matched.educators["worker_id"] if extract.educators.height else held_educators["worker_id"]
    )
    unregistered = problems_where(
        matched.placements,
        pl.col("educator_id").is_not_null() & ~pl.col("educator_id").is_in(register.implode()),
        severity=Severity.WARNING,
        file=extract.file,
        column=extract.column("educator"),
        value=pl.col("educator"),
        problem="this worker is not on the register of practice educators",
        action="loaded; add an educator row for them so their places are counted",
    )
    plan = LoadPlan()
    plan.add(
        TablePlan(
            "placement",
            new.select(*PLACEMENT_COMPARED, *CONVERSION, "external_id"),
            changed,
            added=new.height,
            changed=changed.height,
            ended=replacement.removed.height,
            deletes=replacement.removed,
        )
    )
    plan.add(educators)
    plan.problems = combine(
        extract.problems,
        matched.problems,
        conversion_problems,
        unregistered,
        register_warning,
        removed_warning(replacement.removed.height, matched.placements, "start_date", extract.file),
    )
    return plan


def write_placements_plan(connection: Connection, authority: int, plan: LoadPlan) -> None:
    write_changes(connection, plan.tables["placement"], authority)
    write_changes(connection, plan.tables["practice_educator"], authority)

"""Case file audits from a CSV or Excel file: check, plan and write.

One row per audit: the child's reference, the audited worker's staff number (optional: else the
child's allocated worker on the audit day, found at load), the auditor, the day, the instrument
(optional: else the mapping's default, else the practice standards' first instrument), the
overall grade, the moderated grade and moderator (optional), the learning themes (one cell,
separated by ';') and one column per domain the mapping's ``domains:`` names. Grades are read in
the usual words only (:mod:`caseload.importers.practice_words`). A re-import replaces the
council's audits for the period the file covers (:mod:`caseload.importers.practice_plan`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl
from sqlalchemy import Connection

from caseload.errors import InvalidInputError
from caseload.importers.fields import domain_field
from caseload.importers.hr import drop_duplicates
from caseload.importers.mapping import Mapping, normal
from caseload.importers.plan import LoadPlan, TablePlan
from caseload.importers.practice_plan import KEY, record_key, removed_warning, replace_period
from caseload.importers.practice_words import GRADE_HELP
from caseload.importers.problems import Severity, combine, problems_where
from caseload.importers.values import HIDDEN, MappedRows, raw
from caseload.practice.standards import AuditInstrument, default_standards
from caseload.storage import import_writes as store

AUDIT_COLUMNS = (
    "child_id",
    "worker_id",
    "auditor",
    "audit_date",
    "instrument",
    "overall_grade",
    "moderated_grade",
    "moderator",
    "themes",
)
GRADES = "_grades"  # an audit's domain grades as one text, to see whether they changed
# The instrument used until the council's practice standards are read by the audit load: the
# domains most councils' case file audit tools grade.
# The built-in practice standards' instruments (reference/practice_standards.yaml); the services
# pass the council's own standards' instruments.
BUILT_IN_INSTRUMENTS = default_standards().audit_instruments


@dataclass(frozen=True)
class AuditExtract:
    file: str
    audits: pl.DataFrame  # child_ref, staff_number, auditor, audit_date, instrument, ..., _row
    grades: pl.DataFrame  # _row, domain, grade
    problems: pl.DataFrame
    rows: int
    headers: dict[str, str]

    def column(self, field: str) -> str:
        return self.headers.get(field, field)


def _themes(column: str) -> pl.Expr:
    """Themes split on ';', trimmed, blanks left out, joined with '; ' (null when none)."""
    joined = (
        pl.col(column)
        .str.split(";")
        .list.eval(pl.element().str.strip_chars())
        .list.eval(pl.element().filter(pl.element() != ""))
        .list.join("; ")
    )
    return pl.when(joined != "").then(joined).alias(column)


def _shown(field: str, mapping: Mapping) -> pl.Expr:
    """A cell's text for a problem, hidden for a person's name (blank stays blank)."""
    cell = pl.col(raw(field))
    if mapping.fields[field].sensitive:
        return pl.when(cell.is_not_null()).then(pl.lit(HIDDEN))
    return cell


def check_audits(
    mapped: MappedRows,
    mapping: Mapping,
    *,
    as_at: date,
    instruments: Sequence[AuditInstrument],
) -> AuditExtract:
    """The file's audits and their domain grades, and the problems in them, row by row."""
    if not instruments:
        raise InvalidInputError(
            "the practice standards name no audit instrument; add one to the standards"
        )
    file = mapped.file
    frame, repeats = drop_duplicates(mapped.frame, file)
    problems = [mapped.problems, repeats]
    names = {normal(i.name): i.name for i in instruments}
    given = frame["instrument"].drop_nulls().unique().to_list()
    lookup = {value: names[normal(value)] for value in given if normal(value) in names}
    frame = frame.with_columns(
        pl.col("instrument")
        .replace_strict(lookup, default=None, return_dtype=pl.Utf8)
        .fill_null(pl.when(pl.col("instrument").is_null()).then(pl.lit(instruments[0].name)))
        .alias("_instrument"),
        _themes("themes"),
    )

    def error(condition: pl.Expr, field: str, problem: str | pl.Expr, action: str) -> None:
        problems.append(
            problems_where(
                frame,
                condition,
                severity=Severity.ERROR,
                file=file,
                column=mapped.headers.get(field, field),
                value=_shown(field, mapping),
                problem=problem,
                action=action,
            )
        )

    error(pl.col("child_ref").is_null(), "child_ref", "no child reference", "fill it in")
    error(pl.col(raw("audit_date")).is_null(), "audit_date", "no audit date", "fill it in")
    error(pl.col("auditor").is_null(), "auditor", "no auditor", "fill it in")
    error(
        pl.col(raw("overall_grade")).is_null(),
        "overall_grade",
        "no overall grade",
        GRADE_HELP,
    )
    error(
        pl.col("audit_date") > as_at,
        "audit_date",
        f"the audit is dated after the extract date {as_at.isoformat()}",
        "correct the date, or load the file with the day it was taken as its extract date",
    )
    error(
        pl.col("instrument").is_not_null() & pl.col("_instrument").is_null(),
        "instrument",
        "is not an audit instrument of the practice standards",
        f"use one of: {', '.join(i.name for i in instruments)}",
    )
    for field, most in (("auditor", 120), ("moderator", 120), ("audit_id", 80)):
        error(
            pl.col(field).str.len_chars() > most,
            field,
            f"is longer than {most} characters",
            "shorten it",
        )
    for domain in mapping.domains:
        field = domain_field(domain)
        graded_by = [i.name for i in instruments if domain in i.domains]
        error(
            pl.col(field).is_not_null() & ~pl.col("_instrument").is_in(graded_by),
            field,
            pl.format(
                "is a grade for {}, which instrument {} does not grade",
                pl.lit(domain),
                pl.col("_instrument"),
            ),
            f"grade only the instrument's domains, or change domains: in mapping {mapping.name}",
        )
    valid = frame.filter(
        pl.col("child_ref").is_not_null()
        & pl.col("audit_date").is_not_null()
        & pl.col("auditor").is_not_null()
        & pl.col("overall_grade").is_not_null()
        & pl.col("_instrument").is_not_null()
    )
    audits = valid.select(
        "child_ref",
        "staff_number",
        "auditor",
        "audit_date",
        pl.col("_instrument").alias("instrument"),
        "overall_grade",
        "moderated_grade",
        "moderator",
        "themes",
        pl.col("audit_id").alias("external_id"),
        "_row",
    )
    fields = {domain_field(d): d for d in mapping.domains}
    if fields:
        grades = (
            valid.select("_row", *fields)
            .unpivot(index="_row", variable_name="domain", value_name="grade")
            .drop_nulls("grade")
            .with_columns(pl.col("domain").replace_strict(fields, return_dtype=pl.Utf8))
        )
    else:
        grades = pl.DataFrame(schema={"_row": pl.Int64, "domain": pl.Utf8, "grade": pl.Utf8})
    return AuditExtract(
        file, audits, grades, combine(*problems), mapped.frame.height, mapped.headers
    )


def audit_key() -> pl.Expr:
    return record_key(
        "external_id",
        [pl.col("child_id"), pl.col("audit_date"), pl.col("auditor"), pl.col("instrument")],
    )


def _grade_text(grades: pl.DataFrame, by: str) -> pl.DataFrame:
    """Each audit's grades as one text (``domain=grade`` in domain order), by ``by``."""
    return grades.group_by(by).agg(
        pl.concat_str([pl.col("domain"), pl.col("grade")], separator="=")
        .sort()
        .str.join("|")
        .alias(GRADES)
    )


def _with_grade_text(frame: pl.DataFrame, grades: pl.DataFrame, by: str) -> pl.DataFrame:
    return frame.join(_grade_text(grades, by), on=by, how="left").with_columns(
        pl.col(GRADES).fill_null("")
    )


def plan_audits(
    extract: AuditExtract,
    *,
    workers: pl.DataFrame,
    children: pl.DataFrame,
    allocations: pl.DataFrame,
    held: pl.DataFrame,
    held_grades: pl.DataFrame,
) -> LoadPlan:
    """Match children and workers (or find the allocated worker on the audit day) and plan the
    replacement of the period."""
    file = extract.file
    child_ids = children.select(pl.col("id").alias("child_id"), "child_ref")
    worker_ids = workers.select(pl.col("id").alias("_given_worker"), "staff_number")
    audits = extract.audits.join(child_ids, on="child_ref", how="left").join(
        worker_ids, on="staff_number", how="left"
    )
    allocated = (
        audits.select("_row", "child_id", "audit_date")
        .join(
            allocations.filter(pl.col("role") == "allocated").select(
                "child_id", pl.col("worker_id").alias("_allocated"), "start_date", "end_date"
            ),
            on="child_id",
        )
        .filter(
            (pl.col("start_date") <= pl.col("audit_date"))
            & (pl.col("end_date").is_null() | (pl.col("end_date") >= pl.col("audit_date")))
        )
        .group_by("_row")
        .agg(pl.col("_allocated").first())
    )
    audits = audits.join(allocated, on="_row", how="left").with_columns(
        pl.when(pl.col("staff_number").is_not_null())
        .then(pl.col("_given_worker"))
        .otherwise(pl.col("_allocated"))
        .alias("worker_id")
    )
    unknown_child = problems_where(
        audits,
        pl.col("child_id").is_null(),
        severity=Severity.ERROR,
        file=file,
        column=extract.column("child_ref"),
        value=pl.col("child_ref"),
        problem="no child has this reference",
        action="load the SSD with this child first, or correct the reference",
    )
    unknown_worker = problems_where(
        audits,
        pl.col("staff_number").is_not_null() & pl.col("_given_worker").is_null(),
        severity=Severity.ERROR,
        file=file,
        column=extract.column("staff_number"),
        value=pl.col("staff_number"),
        problem="no worker has this staff number",
        action="load the HR extract with this worker first, correct the staff number, or leave "
        "it blank for the child's allocated worker on the audit day",
    )
    unallocated = problems_where(
        audits,
        pl.col("child_id").is_not_null()
        & pl.col("staff_number").is_null()
        & pl.col("worker_id").is_null(),
        severity=Severity.WARNING,
        file=file,
        column=extract.column("staff_number"),
        value=None,
        problem="the child had no allocated worker on the audit day",
        action="loaded without a worker; give the audited worker's staff number if there was one",
    )
    known = audits.filter(
        pl.col("child_id").is_not_null()
        & (pl.col("staff_number").is_null() | pl.col("_given_worker").is_not_null())
    ).with_columns(audit_key())
    known = _with_grade_text(known, extract.grades, "_row")
    clash = problems_where(
        known.with_columns(pl.col("_row").min().over(KEY).alias("_first")),
        pl.col("_row") != pl.col("_first"),
        severity=Severity.ERROR,
        file=file,
        column=extract.column("audit_date"),
        value=pl.col("audit_date").cast(pl.Utf8),
        problem=pl.format("the same audit as row {} with different details", pl.col("_first")),
        action="keep one row per audit, or give each its own audit id",
    )
    held_rows = _with_grade_text(
        held.with_columns(audit_key()), held_grades.drop("id").rename({"audit_id": "id"}), "id"
    )
    replacement = replace_period(
        known, held_rows, date_column="audit_date", compared=(*AUDIT_COLUMNS, GRADES)
    )
    regraded = replacement.updates.join(
        held_rows.select("id", pl.col(GRADES).alias("_held")), on="id"
    ).filter(pl.col(GRADES) != pl.col("_held"))
    regraded_keys = replacement.matched.join(regraded.select("id"), on="id", how="semi")[KEY]
    rewritten = pl.concat(
        [
            replacement.new.select("_row", KEY),
            known.filter(pl.col(KEY).is_in(regraded_keys.implode())).select("_row", KEY),
        ]
    )
    new_grades = extract.grades.join(rewritten, on="_row").select(KEY, "domain", "grade")
    dropped_grades = held_grades.filter(
        pl.col("audit_id").is_in(pl.concat([replacement.removed["id"], regraded["id"]]).implode())
    )
    plan = LoadPlan()
    plan.add(
        TablePlan(
            "case_audit",
            replacement.new.select(*AUDIT_COLUMNS, "external_id", KEY),
            replacement.updates.drop(GRADES),
            added=replacement.new.height,
            changed=replacement.updates.height,
            ended=replacement.removed.height,
            deletes=replacement.removed,
        )
    )
    plan.add(
        TablePlan(
            "case_audit_grade",
            new_grades,
            pl.DataFrame(schema={"id": pl.Int64}),
            added=new_grades.height,
            ended=dropped_grades.height,
            deletes=dropped_grades.select("id"),
        )
    )
    plan.problems = combine(
        extract.problems,
        unknown_child,
        unknown_worker,
        unallocated,
        clash,
        removed_warning(replacement.removed.height, known, "audit_date", file),
    )
    return plan


def write_audit_plan(connection: Connection, authority: int, plan: LoadPlan) -> None:
    """Grades of removed and regraded audits out, audits removed, changed and added, then the
    new grades, found by the audit's key once the audits have their ids."""
    audits, grades = plan.tables["case_audit"], plan.tables["case_audit_grade"]
    store.delete_where_in(connection, "case_audit_grade", "id", grades.deletes["id"])
    store.delete_where_in(connection, "case_audit", "id", audits.deletes["id"])
    store.update_frame(connection, "case_audit", audits.updates)
    store.insert_frame(
        connection,
        "case_audit",
        audits.inserts.drop(KEY).with_columns(pl.lit(authority).alias("authority_id")),
    )
    if grades.inserts.height:
        ids = store.audits_held(connection, authority).select(
            pl.col("id").alias("audit_id"), audit_key()
        )
        store.insert_frame(
            connection,
            "case_audit_grade",
            grades.inserts.join(ids, on=KEY).select("audit_id", "domain", "grade"),
        )

"""Writing practice records out as the files a council would hand over: a supervision log (in the
layout of the ``generic-supervision`` mapping) and a case file audit log (``generic-audits``),
from the practice frames (:mod:`caseload.domain.practice_records`) and the workers' staff numbers
and children's references. Used by the import round-trip test and the demo's extracts.

Dates are written day first (DD/MM/YYYY) as the councils' spreadsheets hold them; types and
grades in words ("Ad hoc", "Requires improvement"); record ids as ``S`` or ``A`` and the record's
id. The files go through the one writer (:mod:`caseload.exporters.tables`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import polars as pl

from caseload.domain.practice_records import AUDIT_GRADE_LABELS
from caseload.exporters.tables import write_frame_csv

UK_DATE = "%d/%m/%Y"
KIND_LABELS: Final = {
    "formal": "Formal",
    "group": "Group",
    "reflective": "Reflective",
    "ad_hoc": "Ad hoc",
}
# The audit log's column for each domain's grade (the ``domains:`` of ``generic-audits``).
AUDIT_DOMAIN_COLUMNS: Final = {
    "Voice of the child": "Voice of the Child Grade",
    "Assessment": "Assessment Grade",
    "Planning": "Planning Grade",
    "Management oversight": "Management Oversight Grade",
    "Recording": "Recording Grade",
    "Impact": "Impact Grade",
}


@dataclass(frozen=True)
class PracticeExtractFiles:
    supervision: Path
    audits: Path


def _staff(workers: pl.DataFrame, id_column: str, alias: str) -> pl.DataFrame:
    return workers.select(pl.col("id").alias(id_column), pl.col("staff_number").alias(alias))


def _words(column: str, labels: Mapping[str, str]) -> pl.Expr:
    return pl.col(column).replace_strict(dict(labels), default=None, return_dtype=pl.Utf8)


def supervision_extract(supervisions: pl.DataFrame, workers: pl.DataFrame) -> pl.DataFrame:
    """The supervision log: one row per session, ordered by date and record."""
    return (
        supervisions.join(_staff(workers, "worker_id", "Staff Number"), on="worker_id", how="left")
        .join(
            _staff(workers, "supervisor_id", "Supervisor Staff Number"),
            on="supervisor_id",
            how="left",
        )
        .sort("supervision_date", "supervision_id")
        .select(
            pl.format("S{}", pl.col("supervision_id")).alias("Supervision ID"),
            "Staff Number",
            "Supervisor Staff Number",
            pl.col("supervision_date").dt.strftime(UK_DATE).alias("Supervision Date"),
            _words("kind", KIND_LABELS).alias("Supervision Type"),
            pl.col("duration_minutes").alias("Duration (minutes)"),
        )
    )


def audit_extract(
    audits: pl.DataFrame,
    grades: pl.DataFrame,
    workers: pl.DataFrame,
    children: pl.DataFrame,
    domain_columns: Mapping[str, str] = AUDIT_DOMAIN_COLUMNS,
) -> pl.DataFrame:
    """The audit log: one row per audit, a column per domain (blank where not graded)."""
    unknown = sorted(set(grades["domain"].unique().to_list()) - set(domain_columns))
    if unknown:
        raise ValueError(f"no column for the audit domain {unknown[0]!r}")
    wide = audits.select("audit_id")
    for domain, column in domain_columns.items():
        graded = grades.filter(pl.col("domain") == domain).select(
            "audit_id", _words("grade", AUDIT_GRADE_LABELS).alias(column)
        )
        wide = wide.join(graded, on="audit_id", how="left")
    return (
        audits.join(children.select(pl.col("id").alias("child_id"), "child_ref"), on="child_id")
        .join(_staff(workers, "worker_id", "Worker Staff Number"), on="worker_id", how="left")
        .join(wide, on="audit_id", how="left")
        .sort("audit_date", "audit_id")
        .select(
            pl.format("A{}", pl.col("audit_id")).alias("Audit ID"),
            pl.col("child_ref").alias("Child Reference"),
            "Worker Staff Number",
            pl.col("auditor").alias("Auditor"),
            pl.col("audit_date").dt.strftime(UK_DATE).alias("Audit Date"),
            pl.col("instrument").alias("Instrument"),
            _words("overall_grade", AUDIT_GRADE_LABELS).alias("Overall Grade"),
            _words("moderated_grade", AUDIT_GRADE_LABELS).alias("Moderated Grade"),
            pl.col("moderator").alias("Moderator"),
            pl.col("themes").list.join("; ").alias("Themes"),
            *domain_columns.values(),
        )
    )


def write_practice_extracts(
    folder: Path,
    *,
    supervisions: pl.DataFrame,
    audits: pl.DataFrame,
    audit_grades: pl.DataFrame,
    workers: pl.DataFrame,
    children: pl.DataFrame,
) -> PracticeExtractFiles:
    """Write ``supervision.csv`` and ``audits.csv`` into ``folder``. ``workers`` holds ``id``
    and ``staff_number``; ``children`` holds ``id`` and ``child_ref``."""
    folder.mkdir(parents=True, exist_ok=True)
    files = PracticeExtractFiles(folder / "supervision.csv", folder / "audits.csv")
    write_frame_csv(supervision_extract(supervisions, workers), files.supervision)
    write_frame_csv(audit_extract(audits, audit_grades, workers, children), files.audits)
    return files

"""Row-level problems found while reading, checking or planning a load.

Problems are kept as a Polars frame (one row per problem) so that checks over thousands of rows
stay frame operations. Each problem names the file, row and column, the value (left out for
personal items such as names and birth dates), what is wrong and what to do. Errors stop a load;
warnings are listed and the load goes ahead."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import polars as pl

from caseload.errors import InvalidInputError


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


PROBLEM_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "severity": pl.Utf8,
    "file": pl.Utf8,
    "row": pl.Int64,
    "column": pl.Utf8,
    "value": pl.Utf8,
    "problem": pl.Utf8,
    "action": pl.Utf8,
}
PROBLEM_COLUMNS = list(PROBLEM_SCHEMA)
MAX_VALUE_CHARS = 60


def no_problems() -> pl.DataFrame:
    return pl.DataFrame(schema=PROBLEM_SCHEMA)


def text_or_expr(value: str | pl.Expr | None) -> pl.Expr:
    if value is None:
        return pl.lit(None, dtype=pl.Utf8)
    if isinstance(value, str):
        return pl.lit(value, dtype=pl.Utf8)
    return value.cast(pl.Utf8)


def problems_where(
    frame: pl.DataFrame,
    condition: pl.Expr,
    *,
    severity: Severity,
    file: str,
    column: str | None,
    value: str | pl.Expr | None,
    problem: str | pl.Expr,
    action: str | pl.Expr,
    row: str = "_row",
) -> pl.DataFrame:
    """One problem for each row of ``frame`` where ``condition`` holds. ``value``, ``problem``
    and ``action`` may be constants or expressions over the frame's columns."""
    hits = frame.filter(condition)
    if hits.height == 0:
        return no_problems()
    shown = text_or_expr(value).str.slice(0, MAX_VALUE_CHARS)
    return hits.select(
        pl.lit(severity.value).alias("severity"),
        pl.lit(file).alias("file"),
        pl.col(row).cast(pl.Int64).alias("row"),
        pl.lit(column, dtype=pl.Utf8).alias("column"),
        shown.alias("value"),
        text_or_expr(problem).alias("problem"),
        text_or_expr(action).alias("action"),
    )


def one_problem(
    *,
    severity: Severity,
    file: str,
    problem: str,
    action: str,
    row: int | None = None,
    column: str | None = None,
    value: str | None = None,
) -> pl.DataFrame:
    """A single problem, for whole-file or whole-table findings."""
    return pl.DataFrame(
        [[severity.value, file, row, column, value, problem, action]],
        schema=PROBLEM_SCHEMA,
        orient="row",
    )


def combine(*parts: pl.DataFrame) -> pl.DataFrame:
    frames = [part for part in parts if part.height]
    if not frames:
        return no_problems()
    return pl.concat(frames, how="vertical").sort(
        "file", "row", "column", nulls_last=False, maintain_order=True
    )


def errors_in(problems: pl.DataFrame) -> pl.DataFrame:
    return problems.filter(pl.col("severity") == Severity.ERROR.value)


def warnings_in(problems: pl.DataFrame) -> pl.DataFrame:
    return problems.filter(pl.col("severity") == Severity.WARNING.value)


def describe(problem: dict[str, object]) -> str:
    """One problem as a sentence: file, row, column, value, what is wrong and what to do."""
    where = [str(problem["file"])]
    if problem.get("row") is not None:
        where.append(f"row {problem['row']}")
    if problem.get("column"):
        where.append(f"column {problem['column']!r}")
    value = problem.get("value")
    shown = f" (value {value!r})" if value is not None else ""
    return f"{', '.join(where)}{shown}: {problem['problem']}; {problem['action']}"


@dataclass
class ImportRejectedError(InvalidInputError):
    """The source has errors, so nothing was loaded. ``problems`` lists every error and warning."""

    source: str
    problems: pl.DataFrame

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        errors = errors_in(self.problems)
        count = errors.height
        first = describe(errors.row(0, named=True)) if count else "no details"
        noun = "error" if count == 1 else "errors"
        return f"{self.source} was not loaded: {count} {noun}; first: {first}"

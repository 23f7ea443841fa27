"""Turning source text into typed values, as frame expressions, with a problem for each value that
cannot be read.

Dates are read in any of the formats councils' systems write (day before month, never US order),
with or without a time, or as an Excel day number; a year outside 1900-2100 is refused."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from caseload.importers.fields import DOMAIN_FIELD, REQUIRED_COLUMNS, FieldKind, FieldSpec
from caseload.importers.mapping import FALSE_WORDS, TRUE_WORDS, Mapping, accepted_code, normal
from caseload.importers.practice_words import GRADE_HELP, parse_grades
from caseload.importers.problems import Severity, combine, one_problem, problems_where
from caseload.importers.tables import ROW, RawTable, find_header

DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d-%b-%Y",
    "%d %b %Y",
    "%d-%B-%Y",
    "%d %B %Y",
    "%Y/%m/%d",
    "%d/%m/%y",
    "%d-%m-%y",
    "%d-%b-%y",
    "%d %b %y",
)
FIRST_YEAR, LAST_YEAR = 1900, 2100
TIME_SUFFIX = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)$"
EXCEL_EPOCH = pl.date(1899, 12, 30)
HIDDEN = "(not shown: personal data)"


def raw(field: str) -> str:
    return f"raw_{field}"


def parse_date(text: pl.Expr) -> pl.Expr:
    """A date from text in any accepted format; null when it is none of them."""
    bare = text.str.replace(TIME_SUFFIX, "")
    tries = []
    for fmt in DATE_FORMATS:
        parsed = bare.str.strptime(pl.Date, fmt, strict=False)
        tries.append(pl.when(parsed.dt.year().is_between(FIRST_YEAR, LAST_YEAR)).then(parsed))
    serial = bare.str.extract(r"^(\d{5})(?:\.0+)?$").cast(pl.Int64, strict=False)
    tries.append(pl.when(serial.is_between(1, 73050)).then(EXCEL_EPOCH + pl.duration(days=serial)))
    return pl.coalesce(tries).cast(pl.Date)


def parse_number(text: pl.Expr) -> pl.Expr:
    return text.str.replace_all(",", "").cast(pl.Float64, strict=False)


def parse_fte(text: pl.Expr) -> pl.Expr:
    """An FTE from ``0.8`` or ``80%``."""
    percent = text.str.ends_with("%")
    number = parse_number(text.str.strip_suffix("%").str.strip_chars())
    return pl.when(percent).then(number / 100).otherwise(number).round(6)


def parse_bool(text: pl.Expr, value_map: dict[str, str]) -> pl.Expr:
    key = text.str.to_lowercase().str.replace_all(r"\s+", " ")
    truths = [*TRUE_WORDS, *(k for k, v in value_map.items() if v == "true")]
    falses = [*FALSE_WORDS, *(k for k, v in value_map.items() if v == "false")]
    return (
        pl.when(key.is_in(truths))
        .then(pl.lit(True))
        .when(key.is_in(falses))
        .then(pl.lit(False))
        .otherwise(pl.lit(None, dtype=pl.Boolean))
    )


def code_lookup(values: pl.Series, spec: FieldSpec, value_map: dict[str, str]) -> dict[str, str]:
    """Each distinct source value that has a Caseload code, through the map or as it stands."""
    found: dict[str, str] = {}
    for value in values.drop_nulls().unique().to_list():
        code = value_map.get(normal(value)) or accepted_code(spec, value)
        if code is not None:
            found[value] = code
    return found


def parse_code(
    frame: pl.DataFrame, column: str, spec: FieldSpec, value_map: dict[str, str]
) -> pl.Expr:
    lookup = code_lookup(frame[column], spec, value_map)
    mapped = pl.col(column).replace_strict(lookup, default=None, return_dtype=pl.Utf8)
    return mapped.cast(pl.Int64) if spec.integer_codes else mapped


@dataclass(frozen=True)
class MappedRows:
    """Source rows read through a mapping: one typed column per field (absent fields null), the
    source text of each as ``raw_<field>``, ``_row``, and the problems found."""

    frame: pl.DataFrame
    problems: pl.DataFrame
    headers: dict[str, str]  # field -> source column used
    file: str


DTYPES: dict[FieldKind, pl.DataType | type[pl.DataType]] = {
    FieldKind.TEXT: pl.Utf8,
    FieldKind.ID: pl.Utf8,
    FieldKind.DATE: pl.Date,
    FieldKind.NUMBER: pl.Float64,
    FieldKind.FTE: pl.Float64,
    FieldKind.BOOL: pl.Boolean,
    FieldKind.CODE: pl.Utf8,
    FieldKind.GRADE: pl.Utf8,
}
WHAT: dict[FieldKind, tuple[str, str]] = {
    FieldKind.DATE: ("is not a date", "write dates as DD/MM/YYYY or YYYY-MM-DD"),
    FieldKind.NUMBER: ("is not a number", "write a plain number such as 37 or 22.5"),
    FieldKind.FTE: ("is not an FTE", "write the FTE as a number from 0 to 1 (or a percentage)"),
    FieldKind.BOOL: ("is not yes or no", "write Y or N (or map the value under values:)"),
    FieldKind.GRADE: ("is not an audit grade", GRADE_HELP),
}


def dtype_of(spec: FieldSpec) -> pl.DataType | type[pl.DataType]:
    if spec.kind is FieldKind.CODE and spec.integer_codes:
        return pl.Int64
    return DTYPES[spec.kind]


def read_fields(table: RawTable, mapping: Mapping) -> MappedRows:
    """Read every mapped field of ``table``; missing required columns stop the load."""
    headers: dict[str, str] = {}
    problems = []
    for name, candidates in mapping.columns.items():
        found = find_header(table, candidates)
        if found is not None:
            headers[name] = found
    missing = [n for n in mapping.columns if n not in headers and n not in mapping.defaults]
    for name in missing:
        spec = mapping.fields[name]
        required = (
            name in REQUIRED_COLUMNS[mapping.kind]
            or name.startswith(DOMAIN_FIELD)
            or (name in ("fte", "hours") and "fte" not in headers and "hours" not in headers)
        )
        if not required:
            continue  # an optional column the file lacks: 'mapping check' lists it
        problems.append(
            one_problem(
                severity=Severity.ERROR,
                file=table.name,
                row=None,
                column=" or ".join(repr(c) for c in mapping.columns[name]),
                problem=f"no such column for {name} ({spec.help})",
                action=f"rename the column in the file or change columns.{name} in mapping "
                f"{mapping.name}; the file has: {', '.join(table.headers)[:300]}",
            )
        )
    for row, cells in table.width_problems:
        problems.append(
            one_problem(
                severity=Severity.ERROR,
                file=table.name,
                row=row,
                problem=f"the row has {cells} cells but the header names {len(table.headers)}",
                action="check for an unquoted comma or a shifted row",
            )
        )
    frame = table.frame.select(
        ROW, *(pl.col(header).alias(raw(name)) for name, header in headers.items())
    )
    for name in mapping.fields:
        column = raw(name)
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias(column))
        default = mapping.defaults.get(name)
        if default is not None:
            frame = frame.with_columns(pl.col(column).fill_null(pl.lit(default)))
    parsed = []
    for name, spec in mapping.fields.items():
        parsed.append(_parse(frame, raw(name), spec, mapping).cast(dtype_of(spec)).alias(name))
    frame = frame.with_columns(parsed)
    for name, spec in mapping.fields.items():
        if spec.kind in (FieldKind.TEXT,):
            continue
        column = raw(name)
        failed = pl.col(column).is_not_null() & pl.col(name).is_null()
        if spec.kind is FieldKind.CODE:
            problem = f"is not mapped to a Caseload {name} code"
            if name == "post_role":
                name_for_map = "role" if "post_role" not in mapping.values else name
            else:
                name_for_map = name
            action = (
                f"add it under values.{name_for_map} in mapping {mapping.name} "
                f"(codes: {', '.join(spec.codes)}), or correct the file"
            )
        elif spec.kind is FieldKind.ID:
            continue
        else:
            problem, action = WHAT[spec.kind]
        problems.append(
            problems_where(
                frame,
                failed,
                severity=Severity.ERROR,
                file=table.name,
                column=headers.get(name, name),
                value=HIDDEN if spec.sensitive else pl.col(column),
                problem=problem,
                action=action,
            )
        )
    return MappedRows(frame, combine(*problems), headers, table.name)


def _parse(frame: pl.DataFrame, column: str, spec: FieldSpec, mapping: Mapping) -> pl.Expr:
    text = pl.col(column)
    if spec.kind is FieldKind.TEXT:
        return text.str.replace_all(r"\s+", " ")
    if spec.kind is FieldKind.ID:
        return text.str.replace_all(r"\s+", "").str.to_uppercase()
    if spec.kind is FieldKind.DATE:
        return parse_date(text)
    if spec.kind is FieldKind.NUMBER:
        return parse_number(text)
    if spec.kind is FieldKind.FTE:
        return parse_fte(text)
    if spec.kind is FieldKind.BOOL:
        return parse_bool(text, mapping.value_map(spec.name))
    if spec.kind is FieldKind.GRADE:
        return parse_grades(frame, column)
    return parse_code(frame, column, spec, mapping.value_map(spec.name))

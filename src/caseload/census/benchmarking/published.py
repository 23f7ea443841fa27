"""DfE's published indicator file (``csww_indicators_2017_to_2024.csv`` and later releases):
reading, checking and turning its text into numbers.

Every cell is read as text so that DfE's symbols survive: ``x`` not available, ``c`` suppressed,
``z`` not applicable, ``u`` low reliability, ``low`` rounds to zero. The indicator columns and their
meaning are defined once in :mod:`caseload.census.definitions` (``INDICATOR_COLUMNS``)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import polars as pl

from caseload.census.definitions import INDICATOR_COLUMNS
from caseload.errors import InvalidInputError

SYMBOLS: tuple[str, ...] = ("x", "c", "z", "u", "low")
NATIONAL = "National"
REGIONAL = "Regional"
LOCAL_AUTHORITY = "Local authority"
LEVELS: tuple[str, ...] = (NATIONAL, REGIONAL, LOCAL_AUTHORITY)

# Columns the importer keeps (the ``published_indicator`` table), in DfE's order. DfE's other
# columns (time_identifier, country_code, country_name) are read and ignored.
AREA_COLUMNS: tuple[str, ...] = (
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
)
REQUIRED_COLUMNS: tuple[str, ...] = (
    "time_period",
    "geographic_level",
    *AREA_COLUMNS,
    *INDICATOR_COLUMNS,
)
MAX_RELEASE_LENGTH = 40
# Councils DfE reports jointly carry both codes, e.g. "314 / 318" (Kingston upon Thames / Richmond
# upon Thames) and "940 / 941" (North / West Northamptonshire).
LA_CODE_PATTERN = r"^[0-9]{3}( / [0-9]{3})*$"
JOINT_SEPARATOR = " / "
NUMBER_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"
MAX_ERRORS_SHOWN = 5


def read_published_csv(path: Path) -> pl.DataFrame:
    """Read the file with every column as text (symbols kept); no checks beyond CSV syntax."""
    try:
        return pl.read_csv(path, infer_schema=False, encoding="utf8")
    except FileNotFoundError:
        raise InvalidInputError(f"{path}: no such file; give the path of DfE's CSV") from None
    except (OSError, pl.exceptions.PolarsError, UnicodeDecodeError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InvalidInputError(
            f"{path}: cannot be read as a CSV file ({reason}); download the CSV again from DfE's "
            "release or save it as UTF-8 CSV"
        ) from None


def check_published(
    frame: pl.DataFrame, source: str, *, widths: Mapping[str, int] | None = None
) -> pl.DataFrame:
    """Check the columns and every row; return the rows in the ``published_indicator`` shape
    (``time_period`` as an integer, text trimmed, empty cells null). ``widths`` caps the length of
    text columns (the storage columns' widths).

    Raises ``InvalidInputError`` naming the file, row (data rows count from 1; the line is one more,
    after the header), column, value and what to do. Nothing is returned unless every row passes."""
    if frame.height == 0 and not frame.columns:
        raise InvalidInputError(f"{source}: the file is empty; expected DfE's indicator CSV")
    missing = [column for column in REQUIRED_COLUMNS if column not in frame.columns]
    if missing:
        names = ", ".join(missing[:MAX_ERRORS_SHOWN])
        if len(missing) > MAX_ERRORS_SHOWN:
            names += f" and {len(missing) - MAX_ERRORS_SHOWN} more"
        raise InvalidInputError(
            f"{source}: missing column{'s' if len(missing) > 1 else ''} {names}; "
            "expected DfE's indicator file (the columns of csww_indicators_2017_to_2024.csv)"
        )
    if frame.height == 0:
        raise InvalidInputError(f"{source}: the file has a header but no rows")
    trimmed = frame.select(
        pl.col(column).cast(pl.Utf8).str.strip_chars().replace("", None)
        for column in REQUIRED_COLUMNS
    )
    problems = _problems(trimmed, widths or {})
    if problems.height:
        raise InvalidInputError(_problem_message(problems, source))
    return trimmed.with_columns(pl.col("time_period").cast(pl.Int64)).select(REQUIRED_COLUMNS)


def _problems(frame: pl.DataFrame, widths: Mapping[str, int]) -> pl.DataFrame:
    """One row per bad cell: row, column, value, problem (vectorised, in file order)."""
    rows = frame.with_row_index("row", offset=1).with_columns(pl.col("row").cast(pl.Int64))
    level = pl.col("geographic_level")
    checks: list[tuple[pl.Expr, list[pl.Expr]]] = [
        _problem(
            "time_period",
            ~pl.col("time_period").fill_null("").str.contains(r"^(19|20)[0-9]{2}$"),
            "is not a census year; write the year as four digits, e.g. 2024",
        ),
        _problem(
            "geographic_level",
            ~level.fill_null("").is_in(LEVELS),
            f"is not a geographic_level DfE uses; use one of {', '.join(LEVELS)}",
        ),
        _problem(
            "region_code",
            level.is_in((REGIONAL, LOCAL_AUTHORITY)) & pl.col("region_code").is_null(),
            "is empty; regional and council rows need their region code (e.g. E12000001)",
        ),
        _problem(
            "old_la_code",
            (level == LOCAL_AUTHORITY)
            & ~pl.col("old_la_code").fill_null("").str.contains(LA_CODE_PATTERN),
            "is not a 3-digit local authority code; council rows need one (e.g. 301, or "
            "314 / 318 for councils DfE reports jointly)",
        ),
    ]
    for column, width in widths.items():
        checks.append(
            _problem(
                column,
                pl.col(column).str.len_chars() > width,
                f"is longer than the {width} characters Caseload stores in this column (if "
                "this is DfE's own file, the database needs upgrading to hold it)",
            )
        )
    symbols = ", ".join(SYMBOLS)
    for column in INDICATOR_COLUMNS:
        value = pl.col(column).fill_null("")
        checks.append(
            _problem(
                column,
                ~(value.str.contains(NUMBER_PATTERN) | value.is_in(SYMBOLS)),
                f"is neither a number nor one of DfE's symbols {symbols}; correct it (x where "
                "the figure is not available) and import again",
            )
        )
    found = pl.concat(
        [rows.filter(check).select(problem_fields) for check, problem_fields in checks],
        how="vertical",
    )
    return pl.concat([found, _duplicates(rows)], how="vertical").sort("row", maintain_order=True)


def _problem(column: str, condition: pl.Expr, problem: str) -> tuple[pl.Expr, list[pl.Expr]]:
    return condition.fill_null(False), [
        pl.col("row"),
        pl.lit(column).alias("column"),
        pl.col(column).alias("value"),
        pl.lit(problem).alias("problem"),
    ]


def _duplicates(rows: pl.DataFrame) -> pl.DataFrame:
    """Rows repeating an earlier row's year, level, region and council."""
    key = ["time_period", "geographic_level", "region_code", "old_la_code"]
    marked = rows.with_columns(pl.col("row").min().over(key).alias("first"))
    return marked.filter(pl.col("row") != pl.col("first")).select(
        pl.col("row"),
        pl.lit("time_period").alias("column"),
        pl.col("time_period").alias("value"),
        pl.format(
            "repeats row {} (same year, level, region and council); keep one of the two rows",
            pl.col("first"),
        ).alias("problem"),
    )


def _problem_message(problems: pl.DataFrame, source: str) -> str:
    shown = [
        f"row {row} (line {row + 1}), column {column}: "
        f"{'empty' if value is None else repr(value)} {problem}"
        for row, column, value, problem in problems.head(MAX_ERRORS_SHOWN).iter_rows()
    ]
    more = problems.height - len(shown)
    tail = f"; and {more} more" if more else ""
    count = f"{problems.height} problem{'s' if problems.height > 1 else ''}"
    return f"{source}: {count}, nothing imported: {'; '.join(shown)}{tail}"


def release_label(rows: pl.DataFrame, release: str | None) -> str:
    """The label given, or the file's latest time_period (e.g. ``"2024"``)."""
    if release is None:
        return str(rows["time_period"].max())
    label = release.strip()
    if not label or len(label) > MAX_RELEASE_LENGTH:
        raise InvalidInputError(
            f"--release must be a label of 1 to {MAX_RELEASE_LENGTH} characters, such as 2024, "
            f"not {release!r}"
        )
    return label


def la_code_matches(code: str) -> pl.Expr:
    """Rows whose ``old_la_code`` is ``code``, or a joint code containing it (``314 / 318``)."""
    return pl.col("old_la_code").str.split(JOINT_SEPARATOR).list.contains(code).fill_null(False)


def published_numbers(frame: pl.DataFrame) -> pl.DataFrame:
    """The indicator columns as numbers: ``low`` (rounds to zero) becomes 0; ``x``, ``c``, ``z`` and
    ``u`` become null, so that a value DfE prints as a symbol is never counted as a figure."""
    return frame.with_columns(
        pl.when(pl.col(column) == "low")
        .then(pl.lit(0.0))
        .otherwise(pl.col(column).cast(pl.Float64, strict=False))
        .alias(column)
        for column in INDICATOR_COLUMNS
    )

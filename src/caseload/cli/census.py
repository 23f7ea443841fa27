"""``caseload census``: the DfE Children's Social Work Workforce census."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import polars as pl
import typer

from caseload.census.definitions import INDICATOR_COLUMNS, RATE_BY_NAME, STOCK_BY_NAME
from caseload.cli import census_returns
from caseload.cli.context import engine
from caseload.cli.options import parse_date
from caseload.cli.output import console, print_json, print_table
from caseload.services.census import (
    SERIES_COLUMNS,
    Breakdown,
    Source,
    census_indicators,
    load_census,
    monthly_series,
)

app = typer.Typer(
    help="The workforce census: returns, indicators, validation.", no_args_is_help=True
)
census_returns.register(app)


class TableFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


YearOption = Annotated[int, typer.Option("--year", help="Census year (1 Oct Y-1 to 30 Sep Y).")]
AuthorityOption = Annotated[
    str | None, typer.Option("--authority", help="3-digit authority code; default: every one.")
]
FormatOption = Annotated[TableFormat, typer.Option("--format", help="table, json or csv.")]


def display(value: Any, column: str) -> str:
    """A value as DfE prints it: ``z`` for a rate that does not apply, ``x`` for a missing total."""
    if value is None:
        return "z" if column in RATE_BY_NAME else "x"
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def show_frame(frame: pl.DataFrame, keys: list[str], output: TableFormat, title: str) -> None:
    if output is TableFormat.json:
        print_json(frame.to_dicts())
    elif output is TableFormat.csv:
        sys.stdout.write(frame.write_csv())
    else:
        groups = [" ".join(str(row[k]) for k in keys) for row in frame.iter_rows(named=True)]
        columns = [c for c in frame.columns if c not in keys and c != "Year"]
        rows = [
            [_label(column), *(display(value, column) for value in frame[column].to_list())]
            for column in columns
        ]
        print_table(title, ["Indicator", *groups], rows)


def _label(column: str) -> str:
    definition = STOCK_BY_NAME.get(column) or RATE_BY_NAME.get(column)
    return f"{definition.label} [{column}]" if definition else column


@app.command("indicators")
def indicators(
    year: YearOption,
    authority: AuthorityOption = None,
    by: Annotated[
        Breakdown | None, typer.Option("--by", help="Break down by team or role.")
    ] = None,
    source: Annotated[
        Source | None,
        typer.Option(
            "--source",
            help="derived (day-to-day data) or return (imported return); default: derived where "
            "the data covers the year, otherwise the return.",
        ),
    ] = None,
    output: FormatOption = TableFormat.table,
) -> None:
    """DfE's workforce indicators for a census year (JSON keys are DfE's column names; values
    DfE prints as z or x are null)."""
    table = census_indicators(
        engine(), census_year=year, authority_code=authority, by=by, source=source
    )
    keys = ["LEA", "Year"] + ([table.breakdown] if table.breakdown else [])
    frame = table.frame.select(*keys, *INDICATOR_COLUMNS)
    show_frame(
        frame,
        ["LEA"] + ([table.breakdown] if table.breakdown else []),
        output,
        f"Census {year} indicators ({table.source})",
    )


@app.command("derive")
def derive(
    year: YearOption,
    authority: AuthorityOption = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="CSV file to write; default: standard output.")
    ] = None,
) -> None:
    """Census records derived from the day-to-day data, one row per worker record, in the
    return's items."""
    census = load_census(
        engine(), census_year=year, authority_code=authority, source=Source.DERIVED
    )
    if out is None:
        sys.stdout.write(census.records.write_csv())
        return
    census.records.write_csv(out)
    console.print(f"Wrote {census.records.height:,} census records for {year} to {out}.")


@app.command("series")
def series(
    authority: Annotated[str, typer.Option("--authority", help="3-digit authority code.")],
    start: Annotated[
        str | None, typer.Option("--from", help="First month YYYY-MM-DD; default: a year back.")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Last day YYYY-MM-DD; default: latest data.")
    ] = None,
    output: FormatOption = TableFormat.table,
) -> None:
    """Month-end series of the stock indicators: in post, agency, vacancy rate, caseload."""
    frame = monthly_series(
        engine(),
        authority_code=authority,
        first=parse_date(start, "--from"),
        last=parse_date(end, "--to"),
    )
    if output is TableFormat.table:
        rows = [
            [row["AsAt"].isoformat(), *(display(row[c], c) for c in SERIES_COLUMNS)]
            for row in frame.iter_rows(named=True)
        ]
        print_table(f"Month-end series for {authority}", ["As at", *SERIES_COLUMNS], rows)
    else:
        show_frame(frame, ["AsAt"], output, "")

"""``caseload census``: the DfE Children's Social Work Workforce census."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import polars as pl
import typer

from caseload.cli import census_returns
from caseload.cli.context import engine
from caseload.cli.options import WholeNumber, parse_date
from caseload.cli.output import console, print_json, print_table
from caseload.domain.numbers import CENSUS_YEARS
from caseload.services.census import (
    INDICATOR_COLUMNS,
    RATE_BY_NAME,
    SERIES_COLUMNS,
    STOCK_BY_NAME,
    SUPPLEMENTARY_COLUMNS,
    Breakdown,
    Change,
    IndicatorTrend,
    Source,
    census_indicators,
    indicator_trends,
    load_census,
    monthly_series,
    series_changes,
)
from caseload.services.census_totals import Level, census_totals
from caseload.services.table_files import frame_csv, write_frame_csv

app = typer.Typer(
    help="The workforce census: returns, indicators, validation.", no_args_is_help=True
)
census_returns.register(app)


class TableFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


YearOption = Annotated[
    int,
    typer.Option(
        "--year", click_type=WholeNumber(CENSUS_YEARS), help="Census year (1 Oct Y-1 to 30 Sep Y)."
    ),
]
AuthorityOption = Annotated[
    str | None,
    typer.Option(
        "--authority",
        help="3-digit authority code, several separated by commas, or all (the default).",
    ),
]
RegionOption = Annotated[
    str | None,
    typer.Option("--region", help="Only the authorities in this region, e.g. 'North West'."),
]
# Up to this many councils are shown side by side; more are shown one council to a row.
SIDE_BY_SIDE = 6
MANY_COLUMNS = (
    "inpost_fte",
    "turnover_rate_fte",
    "agency_rate_fte",
    "vacancy_rate_fte",
    "caseload_fte",
    "absence_rate_fte",
)
FormatOption = Annotated[TableFormat, typer.Option("--format", help="table, json or csv.")]
BaselineOption = Annotated[
    int | None,
    typer.Option(
        "--baseline-year",
        click_type=WholeNumber(CENSUS_YEARS),
        help="Also show each change against this census year (and always on the previous year).",
    ),
]


def display(value: Any, column: str) -> str:
    """A value as DfE prints it: ``z`` for a rate that does not apply, ``x`` for a missing total."""
    if value is None:
        return "z" if column in RATE_BY_NAME else "x"
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def change_text(change: Change | None) -> str:
    """'+2.2 pp (worse)', '-1.5% (better)', '+3.0%', 'no change', or '' without figures."""
    if change is None or change.value is None:
        return ""
    if change.value == 0:
        return "no change"
    unit = " pp" if change.unit == "pp" else "%"
    verdict = f" ({change.verdict})" if change.verdict in ("better", "worse") else ""
    return f"{change.value:+.1f}{unit}{verdict}"


def show_trends(rows: list[IndicatorTrend], lea: str, year: int, baseline: int | None) -> None:
    headers = ["Indicator", str(year), f"Change on {year - 1}"]
    if baseline is not None:
        headers.append(f"Change on {baseline}")
    table = []
    for trend in rows:
        line = [
            _label(trend.name),
            display(trend.value, trend.name),
            change_text(trend.on_previous),
        ]
        if baseline is not None:
            line.append(change_text(trend.on_baseline))
        table.append(line)
    print_table(f"Census {year} indicators for {lea}, with changes", headers, table)


def show_frame(frame: pl.DataFrame, keys: list[str], output: TableFormat, title: str) -> None:
    if output is TableFormat.json:
        print_json(frame.to_dicts())
    elif output is TableFormat.csv:
        sys.stdout.write(frame_csv(frame))
    elif frame.height > SIDE_BY_SIDE:
        print_table(
            f"{title}: {frame.height} rows (--format csv or json gives every indicator)",
            [*keys, *(_label(column) for column in MANY_COLUMNS)],
            [
                [*(str(row[k]) for k in keys), *(display(row[c], c) for c in MANY_COLUMNS)]
                for row in frame.iter_rows(named=True)
            ],
            numeric_from=len(keys),
        )
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
    baseline_year: BaselineOption = None,
    region: RegionOption = None,
    to_year: Annotated[
        int | None,
        typer.Option(
            "--to-year",
            click_type=WholeNumber(CENSUS_YEARS),
            help="Every census year from --year to this one, in one pass.",
        ),
    ] = None,
) -> None:
    """DfE's workforce indicators for a census year (JSON keys are DfE's column names; values
    DfE prints as z or x are null), with days lost per FTE beside the absence rate. With
    --baseline-year, each indicator's change on the previous year and on that year, in
    percentage points for rates and per cent otherwise, marked better or worse."""
    if baseline_year is not None:
        if by is not None:
            raise typer.BadParameter("--baseline-year cannot be used with --by")
        if to_year is not None:
            raise typer.BadParameter("--baseline-year cannot be used with --to-year")
        trends = indicator_trends(
            engine(),
            census_year=year,
            authority_code=authority,
            baseline_year=baseline_year,
            source=source,
            region=region,
        )
        if output is TableFormat.table:
            for lea, rows in trends.trends.items():
                show_trends(rows, lea, year, baseline_year)
        elif output is TableFormat.json:
            print_json(trends.to_dict())
        else:
            flat = [
                {"LEA": lea, **_flat(trend.to_dict())}
                for lea, rows in trends.trends.items()
                for trend in rows
            ]
            sys.stdout.write(frame_csv(pl.DataFrame(flat)))
        return
    table = census_indicators(
        engine(),
        census_year=year,
        authority_code=authority,
        by=by,
        source=source,
        region=region,
        last_year=to_year,
    )
    keys = ["LEA", "Year"] + ([table.breakdown] if table.breakdown else [])
    frame = table.frame.select(*keys, *INDICATOR_COLUMNS, *SUPPLEMENTARY_COLUMNS)
    years = f"{year}-{to_year}" if to_year is not None and to_year != year else str(year)
    show_frame(
        frame,
        ["LEA"]
        + (["Year"] if years != str(year) else [])
        + ([table.breakdown] if table.breakdown else []),
        output,
        f"Census {years} indicators ({table.source})",
    )


@app.command("derive")
def derive(
    year: YearOption,
    authority: AuthorityOption = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="CSV file to write; default: standard output.")
    ] = None,
    region: RegionOption = None,
) -> None:
    """Census records derived from the day-to-day data, one row per worker record, in the
    return's items."""
    census = load_census(
        engine(), census_year=year, authority_code=authority, source=Source.DERIVED, region=region
    )
    if out is None:
        sys.stdout.write(frame_csv(census.records))
        return
    write_frame_csv(census.records, out)
    console.print(f"Wrote {census.records.height:,} census records for {year} to {out}.")


@app.command("totals")
def totals(
    year: YearOption,
    level: Annotated[
        Level, typer.Option("--level", help="national (England) or regional (each region).")
    ] = Level.national,
    authority: AuthorityOption = None,
    region: RegionOption = None,
    source: Annotated[
        Source | None,
        typer.Option("--source", help="derived or return; default: as for indicators."),
    ] = None,
    release: Annotated[
        str | None,
        typer.Option("--release", help="Published release to compare with; default: the newest."),
    ] = None,
    output: FormatOption = TableFormat.table,
) -> None:
    """Regional or national totals rebuilt from the councils in the database the way DfE builds
    them (stocks summed, rates from summed numerators and denominators), beside the published
    figures when an imported release holds the year."""
    result = census_totals(
        engine(),
        census_year=year,
        level=level,
        authority_code=authority,
        region=region,
        source=source,
        release=release,
    )
    if output is TableFormat.json:
        print_json(result.to_dict())
        return
    frame = pl.DataFrame(result.rows())
    if output is TableFormat.csv:
        sys.stdout.write(frame_csv(frame))
        return
    areas = [f"{row['area']} ({row['councils']} councils)" for row in result.rows()]
    print_table(
        f"Census {year} {level.value} totals rebuilt from council figures ({result.source})",
        ["Indicator", *areas],
        [
            [_label(name), *(display(row[name], name) for row in result.rows())]
            for name in INDICATOR_COLUMNS
        ],
    )
    differences = result.differences()
    if result.release is None:
        console.print("No imported release holds this year, so there is nothing to compare with.")
    elif differences:
        print_table(
            f"Beside release {result.release}",
            ["Area", "Indicator", "Rebuilt", "Published", "Difference"],
            [
                [
                    row["area"],
                    _label(row["indicator"]),
                    display(row["rebuilt"], row["indicator"]),
                    display(row["published"], row["indicator"]),
                    "" if row["difference"] is None else f"{row['difference']:+.2f}",
                ]
                for row in differences
            ],
            numeric_from=2,
        )


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
    baseline_year: Annotated[
        int | None,
        typer.Option(
            "--baseline-year",
            click_type=WholeNumber(CENSUS_YEARS),
            help="Show each month's change against 30 September of this census year.",
        ),
    ] = None,
) -> None:
    """Month-end series of the stock indicators: in post, agency, vacancy rate (DfE: vacancy FTE /
    (vacancy FTE + in-post FTE) x 100), caseload."""
    frame = monthly_series(
        engine(),
        authority_code=authority,
        first=parse_date(start, "--from"),
        last=parse_date(end, "--to"),
    )
    if baseline_year is not None:
        changes = series_changes(
            engine(), authority_code=authority, series=frame, baseline_year=baseline_year
        )
        if output is TableFormat.json:
            print_json(
                [
                    {**row, "values": {c: value[c] for c in SERIES_COLUMNS}}
                    for row, value in zip(changes, frame.iter_rows(named=True), strict=True)
                ]
            )
            return
        rows = [
            [
                row["AsAt"].isoformat(),
                *(
                    f"{display(value[c], c)}: {change_text(Change(**row[c])) or 'n/a'}"
                    for c in SERIES_COLUMNS
                ),
            ]
            for row, value in zip(changes, frame.iter_rows(named=True), strict=True)
        ]
        print_table(
            f"Month-end series for {authority}, change on 30 September {baseline_year}",
            ["As at", *SERIES_COLUMNS],
            rows,
        )
        return
    if output is TableFormat.table:
        rows = [
            [row["AsAt"].isoformat(), *(display(row[c], c) for c in SERIES_COLUMNS)]
            for row in frame.iter_rows(named=True)
        ]
        print_table(f"Month-end series for {authority}", ["As at", *SERIES_COLUMNS], rows)
    else:
        show_frame(frame, ["AsAt"], output, "")


def _flat(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A nested dict as flat CSV columns: change_on_previous_value, ..."""
    flat: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}_"))
        else:
            flat[f"{prefix}{key}"] = value
    return flat

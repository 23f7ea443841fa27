"""``caseload benchmarks``: DfE's published indicators, a council against England, its region and
comparators, and national and regional figures rebuilt from the council rows."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from caseload.cli.context import engine
from caseload.cli.options import WholeNumber
from caseload.cli.output import OutputFormat, console, print_json, print_table
from caseload.domain.numbers import CENSUS_YEARS
from caseload.errors import InvalidInputError
from caseload.services.benchmarks import (
    COMPARATORS_SETTING,
    INDICATOR_COLUMNS,
    NEIGHBOURS_SOURCE,
    TOLERANCE,
    Aggregation,
    Comparisons,
    CouncilComparison,
    Level,
    aggregate,
    compare,
    compare_many,
    configured_comparators,
    import_published,
    parse_comparators,
)
from caseload.services.census import names_several

app = typer.Typer(
    help="Benchmark against DfE's published workforce indicators.", no_args_is_help=True
)


class AggregateFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


Year = Annotated[
    int,
    typer.Option(
        "--year",
        click_type=WholeNumber(CENSUS_YEARS),
        help="Census year, e.g. 2024 (Oct 2023 to Sep 2024).",
    ),
]
Release = Annotated[
    str | None,
    typer.Option(help="Release label; default: the newest imported release with that year."),
]


@app.command("import")
def import_file(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="DfE's indicator CSV, any release; default: the 2025 release shipped with "
            "Caseload."
        ),
    ] = None,
    release: Annotated[
        str | None, typer.Option(help="Label for this release; default: its latest year.")
    ] = None,
) -> None:
    """Import DfE's published indicator file, all or nothing; importing a release again replaces
    its rows. Without FILE, loads the release shipped with Caseload (DfE's 2025 release)."""
    result = import_published(engine(), file, release=release)
    levels = ", ".join(f"{level} {rows}" for level, rows in result.by_level.items())
    years = f"{result.years[0]}-{result.years[-1]}" if result.years else "none"
    console.print(
        f"Imported release {result.release}: {result.rows} rows ({levels}); years {years}.",
        highlight=False,
    )
    if result.replaced:
        console.print(f"Replaced the {result.replaced} rows imported before as this release.")


@app.command("compare")
def compare_command(
    year: Year,
    authority: Annotated[
        str | None,
        typer.Option(
            help="3-digit DfE code of the council, several separated by commas, or all (every "
            "council in the database, the default)."
        ),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(help="Only the councils in the database in this region, e.g. 'North West'."),
    ] = None,
    indicator: Annotated[
        str | None,
        typer.Option(help="With several councils, show this indicator only (DfE's column name)."),
    ] = None,
    comparators: Annotated[
        str | None,
        typer.Option(
            help=f"Comparator council codes, e.g. 301,302; default: {COMPARATORS_SETTING} when "
            "set, otherwise the council's DfE statistical neighbours."
        ),
    ] = None,
    release: Release = None,
    output: Annotated[OutputFormat, typer.Option("--format", help="table or json.")] = (
        OutputFormat.table
    ),
) -> None:
    """A council against England, its region and comparators (by default its DfE statistical
    neighbours): value, comparator median, rank among councils and quartile (1 = best), and
    differences from England and the region for rates and averages, for every DfE indicator.
    With several councils (--authority all, a list or --region), one row per council and
    indicator, from one read of all their census data."""
    codes: tuple[str, ...] | None = (
        parse_comparators(comparators)
        if comparators is not None
        else configured_comparators() or None
    )
    if indicator is not None and indicator not in INDICATOR_COLUMNS:
        raise InvalidInputError(
            f"--indicator {indicator!r} is not a DfE indicator; choose one of "
            + ", ".join(INDICATOR_COLUMNS)
        )
    if authority is not None and not names_several(authority, region):
        result = compare(
            engine(), year=year, authority_code=authority, comparators=codes, release=release
        )
        if output is OutputFormat.json:
            print_json(result.to_dict())
            return
        _show_comparison(result)
        return
    many = compare_many(
        engine(),
        year=year,
        authority=authority,
        region=region,
        comparators=codes,
        release=release,
    )
    if output is OutputFormat.json:
        print_json(many.to_dict())
    elif len(many.councils) == 1 and not many.not_compared and indicator is None:
        _show_comparison(many.councils[0])
    else:
        _show_comparisons(many, indicator)


def _compared(values: dict[str, Any]) -> tuple[str, ...]:
    """An indicator's council value, England, region, comparator median, rank and quartile."""
    rank = "" if values["rank"] is None else f"{values['rank']} of {values['ranked']}"
    return (
        _text(values["council"]),
        _text(values["england"]),
        _text(values["region"]),
        _text(values["comparator_median"]),
        rank,
        _text(values["quartile"]),
    )


def _show_comparisons(result: Comparisons, indicator: str | None) -> None:
    console.print(
        f"{len(result.councils)} councils, {result.year}: release {result.release}",
        highlight=False,
    )
    rows = [
        (
            f"{council.authority['name'] or council.authority['code']} "
            f"({council.authority['code']})",
            "census" if council.source == "census" else "published",
            name,
            *_compared(values),
        )
        for council in result.councils
        for name, values in council.indicators().items()
        if indicator is None or name == indicator
    ]
    print_table(
        "Benchmarks",
        [
            "Council",
            "Figures",
            "Indicator",
            "Council value",
            "England",
            "Region",
            "Comparator median",
            "Rank",
            "Quartile",
        ],
        rows,
        numeric_from=3,
    )
    console.print(
        "Figures: census = worked out from the council's own data in Caseload; published = "
        "DfE's published row. Rank 1 and quartile 1 = the best among councils.",
        highlight=False,
    )
    for code, reason in result.not_compared.items():
        console.print(f"Not compared: {code}: {reason}.", highlight=False)


def _show_comparison(result: CouncilComparison) -> None:
    who = result.authority
    region = who["region_name"] or "no region"
    console.print(
        f"[bold]{who['name'] or who['code']} ({who['code']})[/bold], {region}, {result.year}: "
        f"release {result.release}; council figures from its {result.source} data",
        highlight=False,
    )
    indicators = result.indicators()
    rows = [
        (
            name,
            values["better"] or "",
            *_compared(values),
            _signed(values["difference_from_england"]),
            _signed(values["difference_from_region"]),
        )
        for name, values in indicators.items()
    ]
    print_table(
        "Benchmarks",
        [
            "Indicator",
            "Better",
            "Council",
            "England",
            "Region",
            "Comparator median",
            "Rank",
            "Quartile",
            "vs England",
            "vs region",
        ],
        rows,
        numeric_from=2,
    )
    console.print(
        "Rank 1 and quartile 1 = the best among councils: the lowest where lower is better; "
        "indicators with no better direction (counts, FTE) rank from the highest. Differences "
        "from England and the region are for rates and averages only.",
        highlight=False,
    )
    for note in result.notes:
        console.print(f"Note: {note}.", highlight=False)
    if result.comparators:
        codes = [str(c["code"]) for c in result.comparators]
        title = (
            f"Comparators: {NEIGHBOURS_SOURCE}"
            if result.comparators_source == "statistical neighbours"
            else "Comparators"
        )
        print_table(
            title,
            ["Indicator", *(f"{c['name'] or c['code']} ({c['code']})" for c in result.comparators)],
            [
                (name, *(_text(values["comparators"][code]) for code in codes))
                for name, values in indicators.items()
            ],
        )


@app.command("aggregate")
def aggregate_command(
    year: Year,
    level: Annotated[Level, typer.Option(help="national or regional.")],
    release: Release = None,
    output: Annotated[AggregateFormat, typer.Option("--format", help="table, json or csv.")] = (
        AggregateFormat.table
    ),
) -> None:
    """Rebuild national or regional figures from the council rows the way DfE does, beside the
    published figures, and list the rates more than 0.2 points from them."""
    result = aggregate(engine(), year=year, level=level, release=release)
    if output is AggregateFormat.json:
        print_json(result.to_dict())
    elif output is AggregateFormat.csv:
        sys.stdout.write(result.csv_text())
    else:
        _show_aggregation(result)


def _show_aggregation(result: Aggregation) -> None:
    console.print(
        f"[bold]{result.level.value.capitalize()} figures rebuilt from council rows[/bold], "
        f"{result.year}, release {result.release}",
        highlight=False,
    )
    data = result.to_dict()
    for area in data["areas"]:
        title = f"{area['region_name']} ({area['councils']} councils)"
        rows = [
            (
                name,
                _text(area["rebuilt"].get(name)),
                _text(area["published"].get(name)),
                _signed(area["difference"].get(name)),
            )
            for name in INDICATOR_COLUMNS
        ]
        print_table(title, ["Indicator", "Rebuilt", "Published", "Difference"], rows)
    differing = data["rates_differing"]
    if not differing:
        console.print(f"Every rebuilt rate is within {TOLERANCE} points of the published figure.")
        return
    print_table(
        f"Rates more than {TOLERANCE} points from the published figure",
        ["Area", "Indicator", "Rebuilt", "Published", "Difference"],
        [
            (
                row["region_name"] or "England",
                row["indicator"],
                _text(row["rebuilt"]),
                _text(row["published"]),
                _signed(row["difference"]),
            )
            for row in differing
        ],
        numeric_from=2,
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _signed(value: Any) -> str:
    return "" if value is None else f"{value:+}"

"""``caseload scorecard``: the five-area scorecard on a date, as the board pack's headline rates
it, for the council or one service area."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import typer

from caseload.cli.context import engine
from caseload.cli.options import parse_date
from caseload.cli.output import (
    OutputFormat,
    console,
    errors,
    print_json,
    print_table,
    progress_bar,
)
from caseload.services.census import names_several
from caseload.services.council_scorecards import CouncilScorecards, council_scorecards
from caseload.services.scorecard import Value, council_principal, scorecard_view


def _shown(value: Value, places: int = 1, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    return f"{value:,.{places}f}{unit}"


def _measure_cells(measure: Mapping[str, Any]) -> list[str]:
    """A measure's cells in both scorecard tables: label and date, figure, target, and the
    ratings against the target and England."""
    places, unit = measure["places"], measure["unit"]
    return [
        f"{measure['label']} ({measure['as_of']})",
        _shown(measure["value"], places, unit),
        _shown(measure["target"], places, unit),
        measure["rag_target"] or "not rated",
        measure["rag_england"] or "not rated",
    ]


def scorecard(
    as_at: Annotated[
        str | None, typer.Option("--as-at", help="Date YYYY-MM-DD; default: the data date.")
    ] = None,
    authority: Annotated[
        str | None,
        typer.Option(
            "--authority",
            help="3-digit authority code (default: the only council), several separated by "
            "commas, or all: then each council's scorecard on one date.",
        ),
    ] = None,
    service: Annotated[
        str | None, typer.Option("--service", help="A service area's name, for its measures.")
    ] = None,
    output: Annotated[OutputFormat, typer.Option("--format", help="table or json.")] = (
        OutputFormat.table
    ),
    region: Annotated[
        str | None, typer.Option("--region", help="Each council of this region's scorecard.")
    ] = None,
) -> None:
    """Manageable caseloads, recording data, quality and learning, recruitment and retention and
    quality of frontline practice: each measure against its target, England, the region and the
    statistical neighbours, with its trend; with --service, that service area's own measures.
    For several councils (--authority all, a list, or --region): each council's scorecard on one
    date, by default the earliest of their data dates."""
    day = parse_date(as_at, "--as-at")  # checked before anything is read
    database = engine()
    if names_several(authority, region):
        if service is not None:
            raise typer.BadParameter("--service is for one council's scorecard")
        with progress_bar("Scorecards", to=errors) as shown:
            many = council_scorecards(
                database, as_at=day, authority_code=authority, region=region, on_council=shown
            )
        show_councils(many, output)
        return
    context = scorecard_view(
        database,
        council_principal(database, authority),
        as_at=day,
        service=service,
        people=False,
    )
    if output is OutputFormat.json:
        print_json(context)
        return
    console.print(
        f"Scorecard of {context['authority']['name']} on {context['as_at'] or 'no date yet'}"
    )
    for area in context["areas"]:
        if not area["measures"]:
            console.print(f"{area['area']}: no data yet ({area['no_data']}).")
            continue
        print_table(
            area["area"],
            ["Measure", "Figure", "Target", "Against target", "Against England", "Trend"],
            [[*_measure_cells(m), m["trend_text"] or "–"] for m in area["measures"]],
        )
    drill = context["service"]
    if drill is not None:
        print_table(
            drill["service"],
            ["Measure", "Figure"],
            [
                ["Statutory visits made on time", _shown(drill["visits_on_time"], 1, "%")],
                [
                    "Visits written up within the standard",
                    _shown(drill["recording_on_time"], 1, "%"),
                ],
                [
                    "Average caseload (cases per case-holding FTE)",
                    _shown(drill["average_caseload"]),
                ],
                ["Case holders over their caseload cap", _shown(drill["over_cap_share"], 1, "%")],
            ],
        )
        if drill["supervision_by_team"]:
            print_table(
                f"Supervision up to date by team, {drill['service']}",
                ["Team", "Workers", "Up to date (% of worker-days)"],
                [
                    [row["team"], _shown(row["workers"], 0), _shown(row["compliance"], 1, "%")]
                    for row in drill["supervision_by_team"]
                ],
            )
    elif context["services"]:
        console.print(
            "Service areas (--service NAME): "
            + ", ".join(item["service"] for item in context["services"])
        )


def show_councils(result: CouncilScorecards, output: OutputFormat) -> None:
    """Many councils' scorecards: the JSON has each council's whole scorecard; the table one row
    per council and measure."""
    if output is OutputFormat.json:
        print_json(result.to_dict())
        return
    print_table(
        f"Scorecards on {result.as_at}",
        ["Council", "Area", "Measure", "Figure", "Target", "Against target", "Against England"],
        [
            [f"{row['LEA']} {row['name']}", row["area"], *_measure_cells(row)]
            for row in result.rows()
        ],
        numeric_from=3,
    )

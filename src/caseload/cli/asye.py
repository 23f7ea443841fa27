"""``caseload asye``: the supported first year (ASYE) on a date: the cohorts, the overdue reviews
and each newly qualified worker's programme, as the /asye page shows them to the service
leader."""

from __future__ import annotations

from typing import Annotated

import typer

from caseload.cli.context import engine
from caseload.cli.options import parse_date
from caseload.cli.output import OutputFormat, console, print_json, print_table
from caseload.services.asye import asye_view
from caseload.services.scorecard import council_principal


def _text(value: object) -> str:
    return "–" if value is None else str(value)


def asye(
    as_at: Annotated[
        str | None, typer.Option("--as-at", help="Date YYYY-MM-DD; default: the data date.")
    ] = None,
    authority: Annotated[
        str | None,
        typer.Option("--authority", help="3-digit authority code; default: the only council."),
    ] = None,
    output: Annotated[OutputFormat, typer.Option("--format", help="table or json.")] = (
        OutputFormat.table
    ),
) -> None:
    """Newly qualified workers' supported first year: programmes in progress, passed, extended
    and failed by cohort; reviews at 3, 6 and 12 months that are overdue; and each programme with
    its next review, caseload against the ASYE cap and supervision."""
    day = parse_date(as_at, "--as-at")
    database = engine()
    context = asye_view(database, council_principal(database, authority), as_at=day)
    if output is OutputFormat.json:
        print_json(context)
        return
    console.print(
        f"The supported first year at {context['authority']['name']} on {context['as_at']}: "
        f"{context['in_programme']} in the programme, {context['over_cap']} over the ASYE cap, "
        f"{len(context['overdue'])} reviews overdue"
    )
    print_table(
        "Cohorts (by the census year the programme started)",
        ["Cohort", "Started", "In programme", "Extended", "Passed", "Failed"],
        [
            [
                f"{row['cohort'] - 1}-{str(row['cohort'])[2:]}",
                row["started"],
                row["in_programme"],
                row["extended"],
                row["passed"],
                row["failed"],
            ]
            for row in context["cohorts"]
        ],
    )
    print_table(
        "Overdue reviews",
        ["Worker", "Team", "Review", "Due", "Days overdue"],
        [
            [row["worker"], _text(row["team"]), row["label"], row["due_date"], row["days_overdue"]]
            for row in context["overdue"]
        ],
    )
    current = [
        row for row in context["programmes"] if row["status"] in ("in_programme", "extended")
    ]
    print_table(
        "In the programme",
        ["Worker", "Team", "Started", "Year ends", "Status", "Next review", "Cases / cap"],
        [
            [
                row["worker"],
                _text(row["team"]),
                row["start_date"],
                row["year_ends"],
                row["status_label"],
                f"{_text(row['next_review'])} {_text(row['next_due'])}",
                "–" if row["cases"] is None else f"{row['cases']} / {row['cap_cases']:g}",
            ]
            for row in current
        ],
    )

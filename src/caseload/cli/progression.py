"""``caseload progression``: the progression framework's ladder on a date: who is eligible for
their next step, the applications and their outcomes, who progressed in the last year, and the
counts per census year, as the /progression page shows them to the service leader."""

from __future__ import annotations

from typing import Annotated

import typer

from caseload.cli.context import engine
from caseload.cli.options import parse_date
from caseload.cli.output import OutputFormat, console, print_json, print_table
from caseload.services.progression import progression_view
from caseload.services.scorecard import council_principal


def _text(value: object) -> str:
    return "–" if value is None else str(value)


def progression(
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
    """The progression framework (social worker to senior social worker to advanced practitioner
    to team manager): who is eligible on the date by time in role and post-qualifying
    experience, who applied, who progressed, and progressions per census year."""
    day = parse_date(as_at, "--as-at")
    database = engine()
    context = progression_view(database, council_principal(database, authority), as_at=day)
    if output is OutputFormat.json:
        print_json(context)
        return
    framework = context["framework"]
    console.print(
        f"Progression at {context['authority']['name']} on {context['as_at']} "
        f"(framework {framework['version']})"
    )
    print_table(
        "The ladder",
        ["From", "To", "Months in role", "Months since qualifying"],
        [
            [s["from_label"], s["to_label"], s["min_months_in_role"], s["min_pqe_months"]]
            for s in framework["steps"]
        ],
    )
    print_table(
        "Per census year",
        ["Year", "Progressed", "Applications", "Approved", "Not approved"],
        [
            [
                f"{row['census_year'] - 1}-{str(row['census_year'])[2:]}",
                row["progressed"],
                row["applications"],
                row["approved"],
                row["refused"],
            ]
            for row in context["counts"]
        ],
    )
    print_table(
        "Eligible for the next step",
        ["Worker", "Team", "Role", "Next role", "Eligible from", "Application"],
        [
            [
                row["worker"],
                _text(row["team"]),
                row["role"],
                row["next_role"],
                row["eligible_from"],
                _text(row["application"]),
            ]
            for row in context["eligible"]
        ],
    )
    print_table(
        f"Progressed since {context['progressed_since']}",
        ["Worker", "From", "To", "From the day"],
        [
            [row["worker"], row["from_role"], row["to_role"], row["moved_on"]]
            for row in context["progressed"]
        ],
    )

"""``caseload agency``: the DfE agency rules for child and family social workers: the breaches
with their evidence on a date, and the quarterly agency data return as an Excel workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from caseload.cli.context import engine
from caseload.cli.options import parse_date
from caseload.cli.output import OutputFormat, console, print_json, print_table
from caseload.services.agency import (
    agency_return_file,
    agency_view,
    check_quarter,
)
from caseload.services.scorecard import council_principal

app = typer.Typer(help="The agency rules: breaches on a date and the quarterly DfE return.")
AuthorityOption = Annotated[
    str | None,
    typer.Option("--authority", help="3-digit authority code; default: the only council."),
]


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


@app.command("breaches")
def breaches(
    as_at: Annotated[
        str | None, typer.Option("--as-at", help="Date YYYY-MM-DD; default: the data date.")
    ] = None,
    authority: AuthorityOption = None,
    output: Annotated[OutputFormat, typer.Option("--format", help="table or json.")] = (
        OutputFormat.table
    ),
) -> None:
    """The share of agency engagements meeting each rule on the date, and every breach with its
    evidence (read as the service leader; the view is audited)."""
    day = parse_date(as_at, "--as-at")
    database = engine()
    context = agency_view(database, council_principal(database, authority), as_at=day)
    if output is OutputFormat.json:
        print_json(context)
        return
    console.print(
        f"Agency rules of {context['authority']['name']} on {context['as_at'] or 'no date yet'}: "
        f"{context['engagements']} agency engagements the rules apply to"
    )
    if context["caps_placeholder"]:
        console.print(
            "The price caps are placeholders: set your region's caps in the file "
            "CASELOAD_AGENCY_PRICE_CAPS names."
        )
    print_table(
        "Compliance",
        ["Rule", "Engagements", "Meeting", "Breaches", "Share meeting"],
        [
            [r["title"], r["engagements"], r["meeting"], r["breaches"], _share(r["share"])]
            for r in context["compliance"]
        ],
    )
    print_table(
        "Breaches",
        ["Worker", "Staff number", "Agency", "Rule", "Evidence"],
        [
            [b["name"], b["staff_number"], b["agency"], b["rule_title"], b["evidence"]]
            for b in context["breaches"]
        ],
        numeric_from=5,
    )


@app.command("return")
def return_(
    quarter: Annotated[
        str, typer.Option("--quarter", help="Calendar quarter, e.g. 2026Q3 (July to September).")
    ],
    out: Annotated[Path, typer.Option("--out", help="The Excel file to write (.xlsx).")],
    authority: AuthorityOption = None,
) -> None:
    """Write the quarterly agency data return (assignments, compliance with each rule, price cap
    exceptions and sign-offs, agencies with breaches, monthly cost) as a validated workbook; the
    export is audited."""
    label = check_quarter(quarter)
    database = engine()
    name, content = agency_return_file(
        database, council_principal(database, authority), quarter=label
    )
    target = out if out.suffix else out / name
    target.write_bytes(content)
    console.print(f"Wrote the agency return for {label} to {target}")

"""``caseload summary``: the council's position on a date."""

from __future__ import annotations

from typing import Annotated

import typer

from caseload.cli.context import engine
from caseload.cli.options import parse_date
from caseload.cli.output import OutputFormat, console, print_json, print_table
from caseload.domain import CaseType, Role
from caseload.services.summary import CouncilSummary, council_summary

CASE_LABELS = {
    CaseType.ASSESSMENT.value: "Assessment",
    CaseType.CHILD_IN_NEED.value: "Child in need plan (not CP or looked after)",
    CaseType.CHILD_PROTECTION.value: "Child protection",
    CaseType.LOOKED_AFTER.value: "Looked after",
    CaseType.CARE_LEAVER.value: "Care leaver",
}


def summary(
    as_at: Annotated[
        str | None, typer.Option(help="Date YYYY-MM-DD; default: the latest date in the data.")
    ] = None,
    authority: Annotated[
        str | None, typer.Option(help="3-digit authority code; default: every authority.")
    ] = None,
    output: Annotated[OutputFormat, typer.Option("--format", help="table or json.")] = (
        OutputFormat.table
    ),
) -> None:
    """FTE and headcount by role and contract type, open cases by type, allocated and
    unallocated children."""
    result = council_summary(engine(), as_at=parse_date(as_at, "--as-at"), authority_code=authority)
    show_summary(result, output)


def show_summary(result: CouncilSummary, output: OutputFormat) -> None:
    if output is OutputFormat.json:
        print_json(result.to_dict())
        return
    names = ", ".join(f"{a['name']} ({a['code']})" for a in result.authorities[:3])
    if len(result.authorities) > 3:
        names = f"{len(result.authorities)} authorities"
    console.print(f"[bold]{names}[/bold] as at {result.as_at.isoformat()}")
    rows = [
        (Role(r["role"]).label, r["contract"], f"{r['fte']:.1f}", r["headcount"])
        for r in result.workforce
    ]
    print_table("Workforce", ["Role", "Contract", "FTE", "Headcount"], rows, numeric_from=2)
    print_table(
        "In post by staff group",
        ["Staff group", "FTE"],
        [(group["label"], f"{group['fte']:.1f}") for group in result.in_post],
    )
    data = result.to_dict()
    case_rows = [(CASE_LABELS.get(k, k), v) for k, v in data["open_cases"].items() if k != "total"]
    case_rows.append(("All open cases", data["open_cases"]["total"]))
    print_table("Open cases by type", ["Case type", "Cases"], case_rows)
    children = data["children"]
    print_table(
        "Children",
        ["", "Children"],
        [
            ("Open", children["open"]),
            ("Allocated to a worker", children["allocated"]),
            ("Unallocated", children["unallocated"]),
            (children["children_in_need_label"], children["children_in_need"]),
        ],
    )

"""``caseload practice``: statutory visits, recording, reviews, supervision and case file audits
on a date, against the council's practice standards."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from caseload.cli.context import engine
from caseload.cli.options import parse_date
from caseload.cli.output import OutputFormat, console, print_json, print_table
from caseload.services.practice import council_practice, practice_summary


def practice(
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
    """Visits due and made on time (by service), children not seen, visits written up on time,
    reviews, supervision compliance (by team), audit grades and moderation, and visits and
    grades by the worker's caseload band, for the three (audits: twelve) months to the date."""
    day = council_practice(engine(), authority_code=authority, as_at=parse_date(as_at, "--as-at"))
    summary = practice_summary(day)
    if output is OutputFormat.json:
        print_json(summary)
        return
    period = summary["period"]
    console.print(
        f"Practice from {period['from']} to {period['to']} (audits from "
        f"{summary['audit_period']['from']})"
    )

    def value(row: dict[str, Any], key: str) -> Any:
        found = row.get(key)
        return "–" if found is None else found

    visit_keys = ("due", "on_time", "late", "missed", "on_time_rate")
    print_table(
        "Statutory visits due",
        ["Service", "Due", "On time", "Late", "Missed", "On time (%)"],
        [
            [row.get("service") or "No service", *(value(row, k) for k in visit_keys)]
            for row in summary["visits_by_service"]
        ]
        + [["All services", *(value(row, k) for k in visit_keys)] for row in summary["visits"]],
    )
    print_table(
        "Visits written up",
        ["", "Visits", "On time", "Late", "Not due yet", "On time (%)"],
        [
            [
                "All visits",
                *(
                    value(row, k)
                    for k in ("visits", "on_time", "late", "not_due_yet", "on_time_rate")
                ),
            ]
            for row in summary["recording"]
        ],
    )
    print_table(
        "Reviews due",
        ["Plan", "Due", "On time", "Late", "Missed", "On time (%)"],
        [
            [row["case_type"].upper(), *(value(row, k) for k in visit_keys)]
            for row in summary["reviews"]
        ],
    )
    print_table(
        "Supervision",
        ["Team", "Workers", "Up to date (% of worker-days)"],
        [
            [row.get("team") or "No team", row["workers"], value(row, "compliance")]
            for row in summary["supervision_by_team"]
        ]
        + [
            ["All teams", row["workers"], value(row, "compliance")]
            for row in summary["supervision"]
        ],
    )
    print_table(
        "Case file audits: final grades",
        ["Grade", "Audits", "Share (%)"],
        [[row["label"], row["audits"], value(row, "share")] for row in summary["audit_grades"]],
    )
    moderation = summary["moderation"]
    console.print(
        f"Moderation: {moderation['moderated']} audits moderated, grade kept "
        f"{value(moderation, 'agreed_share')}%, moved up {value(moderation, 'moved_up_share')}%, "
        f"moved down {value(moderation, 'moved_down_share')}%."
    )
    if summary["visits_by_band"]:
        print_table(
            "Visits on time by the worker's caseload that day (an association, not a cause)",
            ["Caseload", "Visits", "On time (%)"],
            [
                [row["band_label"], row["visits"], value(row, "share_on_time")]
                for row in summary["visits_by_band"]
            ],
        )

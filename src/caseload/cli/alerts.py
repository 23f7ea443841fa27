"""``caseload alerts``: what a manager should act on today, red first."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import polars as pl
import typer

from caseload.cli.caseloads import (
    AsAtOption,
    AuthorityOption,
    Format,
    FormatOption,
    TeamOption,
    band,
    jsonable,
    write_csv,
)
from caseload.cli.context import engine
from caseload.cli.options import parse_date
from caseload.cli.output import console, print_json, print_table
from caseload.services.caseloads import caseload_alerts


class Severity(str, Enum):
    red = "red"
    amber = "amber"


def alerts(
    as_at: AsAtOption = None,
    team: TeamOption = None,
    authority: AuthorityOption = None,
    output: FormatOption = Format.table,
    severity: Annotated[
        Severity | None, typer.Option("--severity", help="Only red, or red and amber (default).")
    ] = None,
) -> None:
    """Alerts on a date: workers over cap, ASYE rule breaches, children unallocated past the
    review or escalation age, teams over the span of control, cases held through a long absence
    or after leaving, workers about to leave with cases; each with the action to take."""
    scope, frame = caseload_alerts(
        engine(), as_at=parse_date(as_at, "--as-at"), authority_code=authority, teams=team or []
    )
    if severity is Severity.red:
        frame = frame.filter(pl.col("severity") == "red")
    if output is Format.json:
        print_json(scope.to_dict() | {"alerts": jsonable(frame)})
        return
    if output is Format.csv:
        write_csv(frame)
        return
    reds = frame.filter(pl.col("severity") == "red").height
    teams = ", ".join(scope.team_names) if scope.team_names else "all teams"
    console.print(
        f"[bold]Alerts in {scope.authority.name} ({scope.authority.code}) on {scope.day}[/bold]"
        f" - {teams}: {reds} red, {frame.height - reds} amber"
    )
    print_table(
        "Alerts",
        ["", "Alert", "Team", "Detail", "Action"],
        [
            [band(row["severity"]), row["kind"], row["team"] or "", row["message"], row["action"]]
            for row in frame.iter_rows(named=True)
        ],
        numeric_from=99,
    )

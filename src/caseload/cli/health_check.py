"""``caseload health-check``: the staff health check of a year, as the page shows it to the
service leader: favourable answers by theme and by team, role, experience band or service area,
with the change since the previous survey."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import typer

from caseload.cli.context import engine
from caseload.cli.output import OutputFormat, console, print_json, print_table
from caseload.services.health_check import health_check_view
from caseload.services.scorecard import council_principal


class By(str, Enum):
    team = "team"
    role = "role"
    experience = "experience"
    service = "service"


def _figure(value: float | int | None, unit: str = "%") -> str:
    return "–" if value is None else f"{value:,.1f}{unit}" if unit else f"{value:,}"


def _change(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:+.1f} points"


def health_check(
    year: Annotated[
        int | None,
        typer.Option("--year", min=2000, max=2100, help="The survey's year; default: the latest."),
    ] = None,
    by: Annotated[By, typer.Option("--by", help="team, role, experience or service.")] = By.team,
    authority: Annotated[
        str | None,
        typer.Option("--authority", help="3-digit authority code; default: the only council."),
    ] = None,
    output: Annotated[OutputFormat, typer.Option("--format", help="table or json.")] = (
        OutputFormat.table
    ),
) -> None:
    """Favourable answers (agree or strongly agree) by theme and by team, role, experience band
    or service area, with the change since the previous survey. Groups with fewer responses than
    CASELOAD_SURVEY_MINIMUM, and groups that would give them away, are not shown."""
    database = engine()
    context: dict[str, Any] = health_check_view(
        database, council_principal(database, authority), year=year, link=False
    )
    if output is OutputFormat.json:
        print_json(context)
        return
    survey = context["survey"]
    if survey is None:
        console.print(f"No staff health check is loaded for {context['authority']['name']}.")
        return
    council = context["council"]
    if council["hidden"]:
        console.print(
            f"{survey['title']} ({context['authority']['name']}), closed {survey['closed']}: "
            f"not shown, {council['note']}."
        )
        return
    console.print(
        f"{survey['title']} ({context['authority']['name']}), closed {survey['closed']}: "
        f"{council['responses']} responses, {_figure(council['share'])} favourable"
        + (
            f", {_change(council['change'])} since {context['previous_year']}"
            if context["previous_year"]
            else ""
        )
        + "."
    )
    print_table(
        "By theme",
        ["Theme", "Favourable", "Change"],
        [[t["theme"], _figure(t["share"]), _change(t["change"])] for t in context["themes"]],
    )
    block = context["groups"][by.value]
    print_table(
        f"By {block['label'].lower()}",
        [block["label"], "Responses", "Favourable", "Change"],
        [
            [row["group"], f"not shown: {row['note']}", "", ""]
            if row["hidden"]
            else [
                row["group"],
                _figure(row["responses"], ""),
                _figure(row["share"]),
                _change(row["change"]),
            ]
            for row in block["rows"]
        ],
    )

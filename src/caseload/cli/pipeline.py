"""``caseload pipeline``: students and apprentices on placement, practice educators' capacity,
conversions to ASYE posts by year and the expected intake of newly qualified workers."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from caseload.cli.context import engine
from caseload.cli.options import parse_date
from caseload.cli.output import OutputFormat, console, print_json, print_table
from caseload.services.pipeline import council_pipeline


def _shown(value: Any) -> Any:
    return "–" if value is None else value


def pipeline(
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
    """Students and apprentices on placement on the date, practice educators' places, learners
    who qualified and converted to ASYE posts by year, and the expected intake by year."""
    figures = council_pipeline(
        engine(), authority_code=authority, as_at=parse_date(as_at, "--as-at")
    )
    if output is OutputFormat.json:
        print_json(figures)
        return
    console.print(f"Pipeline on {figures['as_at']}")
    print_table(
        "On placement",
        ["Learners", "On placement"],
        [[row["learner_kind"].capitalize() + "s", row["learners"]] for row in figures["learners"]],
    )
    places = figures["educators"]
    print_table(
        "Practice educators",
        ["Educators", "Places", "In use", "Free"],
        [[places["educators"], places["capacity"], places["in_use"], places["free"]]],
        numeric_from=0,
    )
    print_table(
        "Conversions to ASYE posts",
        ["Year", "Qualified", "Converted", "Converted (%)"],
        [
            [row["year"], row["qualified"], row["converted"], _shown(row["conversion_rate"])]
            for row in figures["conversions"]
        ],
    )
    print_table(
        "Expected intake of newly qualified workers",
        ["Year", "Learners", "Expected intake"],
        [
            [row["year"], row["learners"], _shown(row["expected_intake"])]
            for row in figures["intake"]
        ],
    )

"""``caseload diversity``: own social work staff by ethnic group, sex and age at each grade, beside
the community the council serves, and starters, leavers and progressions per 100 staff of each
group in the latest census year."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated

import typer

from caseload.cli.context import engine
from caseload.cli.options import parse_date
from caseload.cli.output import console, print_json, print_table
from caseload.services.diversity import (
    CSV_COLUMNS,
    Shown,
    diversity_rows,
    diversity_view,
)
from caseload.services.scorecard import council_principal
from caseload.services.table_files import write_csv


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


AsAtOption = Annotated[
    str | None, typer.Option("--as-at", help="Date YYYY-MM-DD; default: the data date.")
]
AuthorityOption = Annotated[
    str | None,
    typer.Option("--authority", help="3-digit authority code; default: the only council."),
]
FormatOption = Annotated[Format, typer.Option("--format", help="table, csv or json.")]
RATE_COLUMNS = (
    "in_post",
    "starters",
    "leavers",
    "progressions",
    "starter_rate",
    "leaver_rate",
    "progression_rate",
)


def _text(value: Shown, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}{unit}"
    if isinstance(value, int):
        return f"{value:,}"
    return value


def diversity(
    as_at: AsAtOption = None,
    authority: AuthorityOption = None,
    output: FormatOption = Format.table,
) -> None:
    """Own social work staff in post by ethnic group, sex and age at each grade (headcount and
    share of those whose group is known), the workforce beside the residents of the council's
    area (ONS Census 2021), and starters, leavers and progressions per 100 staff of each group
    in the latest census year."""
    day = parse_date(as_at, "--as-at")  # checked before anything is read
    database = engine()
    context = diversity_view(database, council_principal(database, authority), as_at=day)
    if output is Format.json:
        print_json(context)
        return
    if output is Format.csv:
        write_csv(diversity_rows(context), CSV_COLUMNS, sys.stdout)
        return
    console.print(
        f"Workforce diversity of {context['authority']['name']} on "
        f"{context['as_at'] or 'no date yet'}: own social work staff in post"
    )
    grades = context["grades"]
    for table in context["profile"]:
        print_table(
            f"{table['title']} by grade (headcount, share of known)",
            [table["title"], *grades],
            [
                [
                    row["label"],
                    *(
                        _text(row["grades"][g]["headcount"])
                        + (
                            f" ({_text(row['grades'][g]['share'], '%')})"
                            if row["grades"][g]["share"] is not None
                            else ""
                        )
                        for g in grades
                    ),
                ]
                for row in table["rows"]
            ],
        )
    comparison = context["community"]
    if comparison is None:
        console.print("No Census 2021 figures for this council's area: no community comparison.")
    else:
        print_table(
            f"Staff and residents by ethnic group ({comparison['area']}, Census 2021)",
            ["Ethnic group", "Staff", "Staff (%)", "Residents (%)", "Difference", "England (%)"],
            [
                [
                    row["label"],
                    _text(row["headcount"]),
                    _text(row["workforce_share"]),
                    _text(row["community_share"]),
                    _text(row["difference"]),
                    _text(row["england_share"]),
                ]
                for row in comparison["rows"]
            ],
        )
    if context["rates_year"] is None:
        console.print("No census year is covered by the data yet: no rates by group.")
    for rates in context["rates"]:
        print_table(
            f"{rates['title']}: starters, leavers and progressions, census year "
            f"{context['rates_year']} (per 100 in post on 30 September)",
            [
                rates["title"],
                "In post",
                "Starters",
                "Leavers",
                "Progressions",
                "Starter rate",
                "Leaver rate",
                "Progression rate",
            ],
            [
                [
                    rate_row["label"],
                    *(_text(rate_row[k]) for k in RATE_COLUMNS),  # type: ignore[literal-required]
                ]
                for rate_row in rates["rows"]
            ],
        )
    for line in (*context["summary"], *context["notes"]):
        console.print(line)

"""``caseload retention``: how long own social work staff stay and when they leave, on a date: the
same figures as the Retention page and ``GET /api/v1/retention``."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated, Any

import polars as pl
import typer

from caseload.cli import retention_risk
from caseload.cli.context import engine
from caseload.cli.options import parse_date
from caseload.cli.output import console, print_json, print_table
from caseload.services.retention import (
    CountTable,
    Grouping,
    RetentionContext,
    retention_view,
    survival_only,
)
from caseload.services.scorecard import council_principal
from caseload.services.table_files import frame_csv

app = typer.Typer(
    help="Retention: survival, the leaving hazard, leavers, stability, the leaving-risk model "
    "and the people to offer a stay conversation.",
    no_args_is_help=True,
)
app.command("model", help="The leaving-risk model: association, not cause.")(retention_risk.model)
app.command("stay", help="The people to offer a stay conversation (named: recorded).")(
    retention_risk.stay
)


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class By(str, Enum):
    council = "council"
    cohort = "cohort"
    route = "route"
    role = "role"
    service = "service"
    team = "team"


AsAt = Annotated[
    str | None, typer.Option("--as-at", help="Date YYYY-MM-DD; default: the data date.")
]
Authority = Annotated[
    str | None,
    typer.Option("--authority", help="3-digit authority code; default: the only council."),
]
FormatOption = Annotated[Format, typer.Option("--format", help="table, json or csv.")]


def _context(as_at: str | None, authority: str | None, by: By = By.route) -> RetentionContext:
    day = parse_date(as_at, "--as-at")  # checked before anything is read
    database = engine()
    return retention_view(
        database, council_principal(database, authority), as_at=day, by=Grouping(by.value)
    )


def _shown(value: Any, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    return f"{value:,.1f}{unit}" if isinstance(value, float) else f"{value:,}{unit}"


def _csv(rows: list[dict[str, Any]]) -> None:
    sys.stdout.write(frame_csv(pl.DataFrame(rows, infer_schema_length=None)))


def _survival_rows(context: RetentionContext) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for group in context["survival"]:
        row: dict[str, Any] = {
            "group": group["group"],
            "episodes": str(group["episodes"]),
            "leavers": str(group["leavers"]),
            "still_here": str(group["still_here"]),
            "too_small": group["too_small"],
            "before_records": group["before_records"],
        }
        for milestone in group["milestones"]:
            years = milestone["years"]
            row[f"at_risk_{years}y"] = str(milestone["at_risk"])
            for key in ("still_here", "lower", "upper"):
                value = milestone[key]
                row[f"{key}_{years}y_pct"] = None if value is None else str(value)
        row["median_years"] = group["median_years"]
        rows.append(row)
    return rows


@app.command("survival")
def survival(
    by: Annotated[
        By, typer.Option("--by", help="council, cohort, route, role, service or team.")
    ] = By.route,
    as_at: AsAt = None,
    authority: Authority = None,
    output: FormatOption = Format.table,
) -> None:
    """Kaplan-Meier survival: the estimated share still with the council 1, 2, 3 and 5 years
    after starting (with a 95% band) and the numbers still followed then, by the grouping."""
    context = _context(as_at, authority, by)
    if output is Format.json:
        print_json(survival_only(context))
        return
    if output is Format.csv:
        _csv(_survival_rows(context))
        return
    first, last = context["cohorts"]
    console.print(
        f"Still with {context['authority']['name']} after starting, for starts in census years "
        f"{first} to {last}, on {context['as_at']} (per cent, 95% band in brackets)"
    )
    headers = [context["by_label"], "Started", "Left"]
    headers += [f"After {y} {'year' if y == 1 else 'years'}" for y in context["milestone_years"]]
    headers.append("Half gone by (years)")
    lines = []
    for group in context["survival"]:
        line = [group["group"], _shown(group["episodes"]), _shown(group["leavers"])]
        for milestone in group["milestones"]:
            if group["too_small"]:
                line.append("before the records" if group["before_records"] else "too few to say")
            elif milestone["still_here"] is None:
                line.append("–")
            else:
                line.append(
                    f"{_shown(milestone['still_here'])}% ({_shown(milestone['lower'])}-"
                    f"{_shown(milestone['upper'])}), {_shown(milestone['at_risk'])} followed"
                )
        line.append("not yet" if group["median_years"] is None else _shown(group["median_years"]))
        lines.append(line)
    print_table(f"Survival by {context['by_label'].lower()}", headers, lines)


@app.command("hazard")
def hazard(
    as_at: AsAt = None, authority: Authority = None, output: FormatOption = Format.table
) -> None:
    """The leaving hazard by length of service, for the 12 months and the 3 years to the date:
    person-years in each band, leavers, the annual rate and the chance of leaving within a
    year."""
    context = _context(as_at, authority)
    if output is Format.json:
        print_json({"as_at": context["as_at"], "hazard": context["hazard"]})
        return
    if output is Format.csv:
        _csv(
            [
                {"window": window["label"], "start": window["start"], "end": window["end"], **row}
                for window in context["hazard"]
                for row in window["rows"]
            ]
        )
        return
    for window in context["hazard"]:
        print_table(
            f"{window['label']} ({window['start']} to {window['end']})",
            ["Service", "Person-years", "Leavers", "Per 100 a year", "Chance within a year"],
            [
                [
                    row["band"],
                    _shown(row["exposure_years"]),
                    _shown(row["leavers"]),
                    _shown(row["annual_rate"]),
                    _shown(row["chance_within_year"], "%"),
                ]
                for row in window["rows"]
            ],
        )
        if window["peak"]:
            console.print(window["peak"])


def _count_lines(table: CountTable) -> list[list[str]]:
    return [
        [
            f"{row['name']} ({row['code']})" if row["code"] is not None else row["name"],
            *(_shown(count) for count in row["counts"]),
        ]
        for row in table["rows"]
    ]


def _count_csv(tables: list[CountTable]) -> list[dict[str, Any]]:
    return [
        {
            "table": table["title"],
            "name": row["name"],
            "code": row["code"],
            "census_year": year,
            "count": str(count),
        }
        for table in tables
        for row in table["rows"]
        for year, count in zip(table["years"], row["counts"], strict=True)
    ]


@app.command("leavers")
def leavers(
    as_at: AsAt = None, authority: Authority = None, output: FormatOption = Format.table
) -> None:
    """Own-staff leavers by reason and by where they went (census codes), for the last three
    census years ended by the date."""
    context = _context(as_at, authority)
    tables = [context["leavers_by_reason"], context["leavers_by_destination"]]
    if output is Format.json:
        print_json({"as_at": context["as_at"], "by_reason": tables[0], "by_destination": tables[1]})
        return
    if output is Format.csv:
        _csv(_count_csv(tables))
        return
    for table in tables:
        print_table(
            table["title"], [table["label"], *map(str, table["years"])], _count_lines(table)
        )


@app.command("summary")
def summary(
    as_at: AsAt = None, authority: Authority = None, output: FormatOption = Format.table
) -> None:
    """Everything on the Retention page for the council: survival for all own social work
    staff, the hazard, leavers, the stability index, progression and moves between services."""
    context = _context(as_at, authority, By.council)
    if output is Format.json:
        print_json(context)
        return
    if output is Format.csv:
        stability = context["stability"]
        rows: list[dict[str, Any]] = [
            {
                "table": "Stability index",
                "name": "share_pct",
                "code": None,
                "census_year": None,
                "count": str(stability["share"]),
            },
            *_count_csv(
                [
                    context["leavers_by_reason"],
                    context["leavers_by_destination"],
                    context["progression"],
                    context["service_moves"],
                ]
            ),
        ]
        _csv(rows)
        return
    console.print(f"Retention of {context['authority']['name']} on {context['as_at']}")
    for line in context["summary"]:
        console.print(line)
    stability = context["stability"]
    console.print(
        f"Stability index: {_shown(stability['share'], '%')} "
        f"({_shown(stability['numerator'])} of {_shown(stability['denominator'])} own-staff "
        "social workers qualified more than two years)"
    )
    for table in (context["progression"], context["service_moves"]):
        print_table(
            table["title"], [table["label"], *map(str, table["years"])], _count_lines(table)
        )

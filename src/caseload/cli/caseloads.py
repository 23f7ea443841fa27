"""``caseload caseloads``: caseloads on a date, per worker, team and service, with the unallocated
queue, continuity, the distribution next to the DfE average, and every rule broken."""

from __future__ import annotations

import sys
from datetime import date
from enum import Enum
from typing import Annotated, Any

import polars as pl
import typer

from caseload.cli.context import engine
from caseload.cli.options import parse_date
from caseload.cli.output import console, print_json, print_table
from caseload.services.caseloads import CaseloadReport, Scope, caseload_report
from caseload.services.census import names_several
from caseload.services.council_caseloads import CouncilCaseloads, council_caseloads
from caseload.services.table_files import frame_csv


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class Part(str, Enum):
    workers = "workers"
    teams = "teams"
    services = "services"
    queue = "queue"
    continuity = "continuity"
    breaches = "breaches"


AsAtOption = Annotated[
    str | None, typer.Option("--as-at", help="Day YYYY-MM-DD; default: the latest data.")
]
TeamOption = Annotated[
    list[str] | None,
    typer.Option("--team", help="A team or service area (repeat for more); default: all."),
]
AuthorityOption = Annotated[
    str | None,
    typer.Option("--authority", help="3-digit authority code; needed when there are several."),
]
CouncilsOption = Annotated[
    str | None,
    typer.Option(
        "--authority",
        help="3-digit authority code (needed when there are several), several separated by "
        "commas, or all: then each council's DfE average caseload and children waiting on one "
        "date.",
    ),
]
RegionOption = Annotated[
    str | None,
    typer.Option(
        "--region", help="Each council of this region's DfE average caseload and children waiting."
    ),
]
FormatOption = Annotated[Format, typer.Option("--format", help="table, json or csv.")]

BAND_STYLE = {
    "red": "[red]red[/red]",
    "amber": "[yellow]amber[/yellow]",
    "green": "[green]green[/green]",
}


def percent(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.0f}%"


def number(value: float | None, places: int = 1) -> str:
    return "" if value is None else f"{value:.{places}f}"


def band(value: str | None) -> str:
    return BAND_STYLE.get(value or "", value or "")


def jsonable(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain data: dates as ISO text, floats rounded for reading."""
    rows = []
    for row in frame.iter_rows(named=True):
        rows.append(
            {
                key: (
                    value.isoformat()
                    if isinstance(value, date)
                    else round(value, 4)
                    if isinstance(value, float)
                    else value
                )
                for key, value in row.items()
            }
        )
    return rows


def write_csv(frame: pl.DataFrame) -> None:
    """The frame as CSV on standard output, through the shared writer (lists joined with ``;``,
    cells a spreadsheet could run as formulas neutralised)."""
    sys.stdout.write(frame_csv(frame))


def part_frame(report: CaseloadReport, part: Part) -> pl.DataFrame:
    return {
        Part.workers: report.workers,
        Part.teams: report.teams,
        Part.services: report.services,
        Part.queue: report.queue,
        Part.continuity: report.continuity_by_child,
        Part.breaches: report.breaches,
    }[part]


def report_dict(scope: Scope, report: CaseloadReport) -> dict[str, Any]:
    return scope.to_dict() | {
        "workers": jsonable(report.workers),
        "teams": jsonable(report.teams),
        "services": jsonable(report.services),
        "distribution": report.distribution,
        "dfe_average": report.dfe_average,
        "unallocated": jsonable(report.queue),
        "continuity": report.continuity
        | {
            "children_with_three_or_more": jsonable(
                report.continuity_by_child.filter(pl.col("workers_12m") >= 3)
            )
        },
        "breaches": jsonable(report.breaches),
    }


def _flags(row: dict[str, Any]) -> str:
    flags = []
    if row["absent"]:
        flags.append("long absence" if row["long_absence"] else "absent")
    if row["phased_return"]:
        flags.append("phased return")
    if row["holding_until"] is not None:
        flags.append(f"until {row['holding_until']}")
    return ", ".join(flags)


def show_tables(scope: Scope, report: CaseloadReport) -> None:
    teams = ", ".join(scope.team_names) if scope.team_names else "all teams"
    console.print(
        f"[bold]Caseloads in {scope.authority.name} ({scope.authority.code}) on {scope.day}[/bold]"
        f" - {teams}; policy: {scope.policy.source}"
    )
    print_table(
        "Workers",
        [
            "Worker",
            "Team",
            "Role",
            "FTE",
            "Cases",
            "Points",
            "Cap",
            "Per FTE",
            "Used",
            "Band",
            "Notes",
            "Rules broken",
        ],
        [
            [
                f"{row['name']} ({row['staff_number']})",
                row["team"] or "",
                (row["role"] or "no post").replace("_", " "),
                number(row["fte"], 2),
                row["cases"],
                number(row["points"]),
                f"{row['cap_cases']:g} / {row['cap_points']:g}",
                number(row["caseload"]),
                percent(row["utilisation"]),
                band(row["band"]),
                _flags(row),
                row["rules"],
            ]
            for row in report.workers.iter_rows(named=True)
        ],
        numeric_from=3,
    )
    print_table(
        "Teams",
        [
            "Team",
            "Service",
            "Holders",
            "FTE",
            "Cases",
            "Points",
            "Used",
            "DfE caseload",
            "Managers",
            "ASYE / AP",
            "Red / amber / green",
        ],
        [
            [
                row["team"] or "(no team)",
                row["service"] or "",
                row["case_holders"],
                number(row["fte"]),
                row["cases"],
                number(row["points"]),
                percent(row["utilisation"]),
                number(row.get("dfe_caseload")),
                f"{row['managers']} (span {row['span']})",
                f"{row['asye']} / {row['advanced']}",
                f"{row['red']} / {row['amber']} / {row['green']}",
            ]
            for row in report.teams.iter_rows(named=True)
        ],
        numeric_from=2,
    )
    print_table(
        "Service areas",
        ["Service", "Holders", "FTE", "Cases", "Points", "Used", "Red / amber / green"],
        [
            [
                row["service"] or "(no service)",
                row["case_holders"],
                number(row["fte"]),
                row["cases"],
                number(row["points"]),
                percent(row["utilisation"]),
                f"{row['red']} / {row['amber']} / {row['green']}",
            ]
            for row in report.services.iter_rows(named=True)
        ],
    )
    average = report.dfe_average.get("caseload_fte")
    print_table(
        f"Workers in case-holding roles by cases held (DfE average caseload for the council: "
        f"{number(average) or 'not applicable'})",
        ["Cases held", "Workers", "Share"],
        [[row["band"], row["workers"], f"{row['share']}%"] for row in report.distribution],
    )
    print_table(
        f"Unallocated children ({report.queue.height})",
        ["Child", "Case", "Proceedings", "Waiting since", "Days", "Status", "Home team"],
        [
            [
                row["child_ref"],
                row["case_type"] or "",
                (row["proceedings"] or "").replace("_", " "),
                row["waiting_since"],
                row["days_waiting"],
                {"escalate": "[red]escalate[/red]", "review": "[yellow]review[/yellow]"}.get(
                    row["escalation"], row["escalation"]
                ),
                row["home_team"] or "any team",
            ]
            for row in report.queue.iter_rows(named=True)
        ],
        numeric_from=4,
    )
    continuity = report.continuity
    counts = continuity["by_workers"]
    console.print(
        f"Continuity over 12 months: {continuity['children']} open children; social workers "
        f"each had: none {counts['0']}, one {counts['1']}, two {counts['2']}, three or more "
        f"{counts['3+']} ({continuity['share_three_or_more']}%)."
    )
    print_table(
        f"Rules broken ({report.breaches.height})",
        ["Severity", "Rule", "Detail"],
        [
            [band(row["severity"]), row["rule"], row["message"]]
            for row in report.breaches.iter_rows(named=True)
        ],
        numeric_from=99,
    )


def caseloads(
    as_at: AsAtOption = None,
    team: TeamOption = None,
    authority: CouncilsOption = None,
    output: FormatOption = Format.table,
    part: Annotated[
        Part | None,
        typer.Option("--part", help="With --format csv: which table (default: workers)."),
    ] = None,
    region: RegionOption = None,
) -> None:
    """Caseloads on a date: per worker cases (DfE count), weighted points, capacity, utilisation,
    band and the rules broken; per team and service; the unallocated queue with days waiting
    and escalation; continuity; the distribution of caseloads next to the DfE average. For
    several councils (--authority all, a list, or --region): each council's DfE average and its
    children waiting for a worker."""
    if names_several(authority, region):
        if team or part is not None:
            raise typer.BadParameter("--team and --part are for one council's caseloads")
        show_councils(
            council_caseloads(
                engine(),
                as_at=parse_date(as_at, "--as-at"),
                authority_code=authority,
                region=region,
            ),
            output,
        )
        return
    scope, report = caseload_report(
        engine(), as_at=parse_date(as_at, "--as-at"), authority_code=authority, teams=team or []
    )
    if output is Format.json:
        data = report_dict(scope, report)
        if part is not None:
            data = scope.to_dict() | {part.value: jsonable(part_frame(report, part))}
        print_json(data)
    elif output is Format.csv:
        write_csv(part_frame(report, part or Part.workers))
    else:
        show_tables(scope, report)


def show_councils(result: CouncilCaseloads, output: Format) -> None:
    if output is Format.json:
        print_json(result.to_dict())
    elif output is Format.csv:
        write_csv(result.frame)
    else:
        print_table(
            f"DfE average caseload and children waiting by council on {result.as_at}",
            [
                "Council",
                "Name",
                "Cases",
                "Case holders (FTE)",
                "Average caseload",
                "Children waiting",
                "Past escalation age",
                "Longest wait (days)",
            ],
            [
                [
                    row["LEA"],
                    row["name"],
                    row["cases"],
                    "" if row["case_holders_fte"] is None else f"{row['case_holders_fte']:.1f}",
                    "" if row["caseload_fte"] is None else f"{row['caseload_fte']:.1f}",
                    row["children_waiting"],
                    row["escalate"],
                    "" if row["longest_wait"] is None else row["longest_wait"],
                ]
                for row in result.rows()
            ],
            numeric_from=2,
        )

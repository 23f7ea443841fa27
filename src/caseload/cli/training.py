"""``caseload training``: mandatory training compliance on a date, by service, team and role, and
one team's gaps by named worker; ``caseload academy load``: the academy's catalogue file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from caseload.cli.context import acting_user, engine
from caseload.cli.options import parse_date
from caseload.cli.output import OutputFormat, console, print_json, print_table
from caseload.services.audit import cli_actor
from caseload.services.learning import council_training, load_academy

AsAt = Annotated[
    str | None, typer.Option("--as-at", help="Date YYYY-MM-DD; default: the data date.")
]
Authority = Annotated[
    str | None,
    typer.Option("--authority", help="3-digit authority code; default: the only council."),
]
Output = Annotated[OutputFormat, typer.Option("--format", help="table or json.")]


def _shown(value: Any) -> Any:
    return "–" if value is None else value


def _compliance_table(title: str, label: str, rows: list[dict[str, Any]], key: str) -> None:
    print_table(
        title,
        [label, "Required", "Compliant", "Never done", "Expired", "Expiring", "Compliance (%)"],
        [
            [
                row.get(key) or "All",
                *(
                    _shown(row[k])
                    for k in ("pairs", "compliant", "missing", "expired", "expiring", "compliance")
                ),
            ]
            for row in rows
        ],
    )


def training(
    as_at: AsAt = None,
    team: Annotated[
        str | None, typer.Option("--team", help="A team's name: list its gaps by worker.")
    ] = None,
    authority: Authority = None,
    user: Annotated[str | None, typer.Option("--user", help="Who is asking (audit trail).")] = None,
    output: Output = OutputFormat.table,
) -> None:
    """Mandatory training compliance: the share of (worker, mandatory course for their role)
    pairs with a record that counts on the date, for the council and by service, team and role;
    with --team, that team's gaps (never done, expired, expiring within 60 days) by worker."""
    result = council_training(
        engine(),
        authority_code=authority,
        as_at=parse_date(as_at, "--as-at"),
        team=team,
        actor=cli_actor(acting_user(user)),
    )
    if output is OutputFormat.json:
        print_json(result)
        return
    console.print(f"Mandatory training on {result['as_at']}")
    _compliance_table("Council", "", [result["council"]], "none")
    _compliance_table("By service", "Service", result["by_service"], "service")
    _compliance_table("By team", "Team", result["by_team"], "team")
    _compliance_table("By role", "Role", result["by_role"], "role")
    if "gaps" in result:
        print_table(
            f"Gaps in {result['team']}",
            ["Worker", "Course", "Status", "Completed", "Expires"],
            [
                [
                    row["name"],
                    row["title"],
                    row["status_label"],
                    _shown(row["completed_date"]),
                    _shown(row["expiry_date"]),
                ]
                for row in result["gaps"]
            ],
            numeric_from=5,
        )


academy = typer.Typer(
    name="academy", help="The learning academy's catalogue: courses and the learning offer."
)


@academy.command("load")
def load(
    file: Annotated[Path, typer.Argument(help="The academy's catalogue file (.yaml).")],
    authority: Authority = None,
    user: Annotated[
        str | None, typer.Option("--user", help="Who is loading (audit trail).")
    ] = None,
) -> None:
    """Load the academy's courses (mandatory or not, for which roles, renewal period) and its
    learning offer and resource hub; courses are added or updated by code, the offer replaced."""
    counts = load_academy(
        engine(), path=file, authority_code=authority, actor=cli_actor(acting_user(user))
    )
    console.print(
        f"Loaded {counts['courses']} courses and {counts['items']} offer entries "
        f"({counts['removed']} entries no longer listed removed)."
    )

"""``caseload audit``: checking and reading the audit trail."""

from __future__ import annotations

from typing import Annotated

import typer

from caseload.cli.context import engine
from caseload.cli.output import OutputFormat, console, print_json
from caseload.errors import DataIntegrityError
from caseload.services import audit

app = typer.Typer(help="Check the audit trail's hash chain.")


@app.command("verify")
def verify(
    expect: Annotated[
        str | None,
        typer.Option(
            "--expect",
            help="An earlier newest event as ID:HASH; checks it is still there unchanged.",
        ),
    ] = None,
    format: Annotated[OutputFormat, typer.Option(help="table or json.")] = OutputFormat.table,
) -> None:
    """Recompute every event's hash; exit 1 and name the events when the chain is broken."""
    result = audit.verify(engine(), expect=audit.parse_head(expect) if expect else None)
    head = f"{result.head[0]}:{result.head[1]}" if result.head else None
    if format is OutputFormat.json:
        print_json(
            {
                "checked": result.checked,
                "intact": result.intact,
                "newest": head,
                "breaks": [{"event": b.event_id, "problem": b.problem} for b in result.breaks],
            }
        )
    elif result.intact:
        console.print(f"The audit trail is intact: {result.checked:,} events checked.")
        if head:
            console.print(
                f"Newest event: {head}\nKeep this line; 'caseload audit verify --expect "
                f"{head}' later also shows whether newer events were removed.",
                highlight=False,
                soft_wrap=True,
            )
    else:
        for found in result.breaks[:50]:
            console.print(f"Event {found.event_id}: {found.problem}", highlight=False)
        if len(result.breaks) > 50:
            console.print(f"... and {len(result.breaks) - 50} more", highlight=False)
    if not result.intact:
        raise AuditBrokenError(
            f"the audit trail has been tampered with: {len(result.breaks)} problem(s) in "
            f"{result.checked:,} events; keep a copy of the database for investigation"
        )


class AuditBrokenError(DataIntegrityError):
    exit_code = 1

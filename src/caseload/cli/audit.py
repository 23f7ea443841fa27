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
    format: Annotated[OutputFormat, typer.Option(help="table or json.")] = OutputFormat.table,
) -> None:
    """Recompute every event's hash; exit 1 and name the events when the chain is broken."""
    result = audit.verify(engine())
    if format is OutputFormat.json:
        print_json(
            {
                "checked": result.checked,
                "intact": result.intact,
                "breaks": [{"event": b.event_id, "problem": b.problem} for b in result.breaks],
            }
        )
    elif result.intact:
        console.print(f"The audit trail is intact: {result.checked:,} events checked.")
    else:
        for found in result.breaks[:50]:
            console.print(f"Event {found.event_id}: {found.problem}")
    if not result.intact:
        raise AuditBrokenError(
            f"the audit trail has been tampered with: {len(result.breaks)} problem(s) in "
            f"{result.checked:,} events; keep a copy of the database for investigation"
        )


class AuditBrokenError(DataIntegrityError):
    exit_code = 1

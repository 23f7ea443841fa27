"""``caseload audit``: checking and reading the audit trail."""

from __future__ import annotations

from typing import Annotated

import typer

from caseload.cli.context import engine
from caseload.cli.output import OutputFormat, console, print_json, print_table
from caseload.errors import DataIntegrityError
from caseload.services import audit

app = typer.Typer(help="Check the audit trail's hash chain and read its events.")


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


@app.command("events")
def events(
    authority: Annotated[
        str | None, typer.Option("--authority", help="Only this council's events (its code).")
    ] = None,
    installation: Annotated[
        bool,
        typer.Option(
            "--installation",
            help="Only the installation's events (no council: failed sign-ins with unknown "
            "names, addresses stopped, changes for every council).",
        ),
    ] = False,
    action: Annotated[str | None, typer.Option(help="Only this action, e.g. sign_in.")] = None,
    outcome: Annotated[
        str | None, typer.Option(help="Only this outcome: allowed, refused or failed.")
    ] = None,
    limit: Annotated[
        int, typer.Option(help="How many of the newest events.", min=1, max=10_000)
    ] = 50,
    format: Annotated[OutputFormat, typer.Option(help="table or json.")] = OutputFormat.table,
) -> None:
    """The newest events, of every council and the installation unless narrowed. A council's
    administrator sees that council's events on the web; the installation's are seen here."""
    found, total = audit.operator_search(
        engine(),
        authority_code=authority,
        installation=installation,
        wanted=audit.EventFilter(action=action, outcome=outcome),
        limit=limit,
    )
    if format is OutputFormat.json:
        print_json({"total": total, "events": found})
        return
    print_table(
        f"Audit events ({len(found):,} newest of {total:,})",
        ["Id", "At (UTC)", "Council id", "Actor", "Role", "Action", "Outcome", "Target", "Source"],
        [
            [
                e["id"],
                e["at"],
                "installation" if e["authority_id"] is None else e["authority_id"],
                e["actor"],
                e["role"],
                e["action"],
                e["outcome"],
                f"{e['target_type']} {e['target_id'] or ''}".strip(),
                e["source"],
            ]
            for e in found
        ],
        numeric_from=99,
    )


class AuditBrokenError(DataIntegrityError):
    exit_code = 1

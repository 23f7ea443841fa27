"""``caseload db``: the database schema."""

from __future__ import annotations

import typer

from caseload.cli.context import engine
from caseload.cli.output import console
from caseload.services.database import upgrade_database

app = typer.Typer(help="Set up and upgrade the database.", no_args_is_help=True)


@app.command("upgrade")
def upgrade() -> None:
    """Create or upgrade the tables in CASELOAD_DATABASE_URL to the current schema."""
    before, after = upgrade_database(engine())
    if before == after:
        console.print(f"Database already at revision {after}.")
    else:
        console.print(f"Database upgraded from {before or 'empty'} to revision {after}.")

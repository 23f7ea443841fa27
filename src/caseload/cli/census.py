"""``caseload census``: the DfE Children's Social Work Workforce census."""

from __future__ import annotations

import typer

from caseload.cli import census_returns

app = typer.Typer(help="The workforce census: returns, indicators, validation.", no_args_is_help=True)
census_returns.register(app)

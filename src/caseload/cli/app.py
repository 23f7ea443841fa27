"""Entry point: builds the Typer app and turns user errors into one-line messages."""

from __future__ import annotations

import sys

import click
import typer

from caseload.cli import (
    alerts,
    allocate,
    audit,
    benchmarks,
    caseloads,
    census,
    data_quality,
    db,
    demo,
    export,
    imports,
    policy,
    serve,
    summary,
    users,
)
from caseload.cli.output import errors
from caseload.errors import CaseloadError

app = typer.Typer(
    name="caseload",
    help="Children's social care workforce and caseload management.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(db.app, name="db")
app.add_typer(census.app, name="census")
app.add_typer(benchmarks.app, name="benchmarks")
app.command("demo")(demo.demo)
app.command("generate")(demo.generate)
app.command("summary")(summary.summary)
app.add_typer(imports.app, name="import")
app.command("data-quality")(data_quality.data_quality)
app.add_typer(export.app, name="export")
app.add_typer(policy.app, name="policy")
app.command("caseloads")(caseloads.caseloads)
app.command("allocate")(allocate.allocate)
app.command("reallocate")(allocate.reallocate)
app.command("alerts")(alerts.alerts)
app.command("serve")(serve.serve)
app.add_typer(users.app, name="users")
app.add_typer(audit.app, name="audit")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; user errors print one line on stderr and exit non-zero, never a traceback."""
    command = typer.main.get_command(app)
    try:
        result = command.main(args=argv, prog_name="caseload", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
        return 0
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx else "caseload"
        errors.print(
            f"error: {exc.format_message()} (see '{where} --help')", highlight=False, soft_wrap=True
        )
        return 2
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.Abort:
        errors.print("aborted", highlight=False)
        return 1
    except CaseloadError as exc:
        errors.print(f"error: {exc}", highlight=False, markup=False, soft_wrap=True)
        return exc.exit_code
    # Without standalone mode, click returns an exit code requested with typer.Exit.
    return result if isinstance(result, int) else 0


def run() -> None:
    sys.exit(main())

"""Entry point: the ``caseload`` command and its commands, loaded only when used, and user errors
turned into one-line messages.

Each command lives in its own module (``caseload.cli.<module>``), which imports the services and
the libraries it needs (Polars, SQLAlchemy, OR-Tools, ...). Only the module of the command being
run is imported, so ``caseload --help`` answers at once."""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from typing import Any

import click

from caseload.errors import CaseloadError

HELP = "Children's social care workforce and caseload management."


@dataclass(frozen=True)
class CommandEntry:
    """Where a command lives: ``attribute`` in ``caseload.cli.<module>`` is a Typer app (a group
    of commands) or a function (one command); ``summary`` is its line in ``caseload --help``."""

    module: str
    attribute: str
    summary: str


COMMANDS: dict[str, CommandEntry] = {
    "demo": CommandEntry("demo", "demo", "Build the synthetic demo council and serve it."),
    "generate": CommandEntry("demo", "generate", "Generate synthetic councils into the database."),
    "summary": CommandEntry("summary", "summary", "Workforce, open cases and children waiting."),
    "data-quality": CommandEntry(
        "data_quality", "data_quality", "Check the data for gaps and contradictions."
    ),
    "caseloads": CommandEntry(
        "caseloads", "caseloads", "Caseloads by worker, team and service on a date."
    ),
    "allocate": CommandEntry(
        "allocate", "allocate", "Recommend workers for waiting children, or record a decision."
    ),
    "reallocate": CommandEntry(
        "allocate", "reallocate", "Plan the move of a leaver's or absent worker's caseload."
    ),
    "practice": CommandEntry(
        "practice", "practice", "Visits, recording, reviews, supervision and audits on a date."
    ),
    "scorecard": CommandEntry(
        "scorecard", "scorecard", "The five-area scorecard on a date, by service area."
    ),
    "diversity": CommandEntry(
        "diversity", "diversity", "Staff by ethnic group, sex and age, beside the community."
    ),
    "health-check": CommandEntry(
        "health_check", "health_check", "The staff health check: favourable answers by group."
    ),
    "agency": CommandEntry(
        "agency", "app", "The agency rules: breaches on a date and the quarterly DfE return."
    ),
    "retention": CommandEntry(
        "retention", "app", "Retention: how long staff stay, when and why they leave."
    ),
    "training": CommandEntry(
        "training", "training", "Mandatory training compliance by team and role on a date."
    ),
    "academy": CommandEntry(
        "training", "academy", "The learning academy's courses and learning offer."
    ),
    "pipeline": CommandEntry(
        "pipeline", "pipeline", "Placements, practice educators and conversions to ASYE posts."
    ),
    "alerts": CommandEntry("alerts", "alerts", "Alerts on a date, each with the action to take."),
    "asye": CommandEntry(
        "asye", "asye", "The supported first year: cohorts, overdue reviews, programmes."
    ),
    "progression": CommandEntry(
        "progression", "progression", "The progression ladder: eligible, applied, progressed."
    ),
    "forecast": CommandEntry(
        "forecast", "app", "Demand forecast, the posts it needs, and its backtest."
    ),
    "serve": CommandEntry("serve", "serve", "Serve the web application and the JSON API."),
    "db": CommandEntry("db", "app", "Set up and upgrade the database."),
    "census": CommandEntry(
        "census", "app", "The workforce census: returns, indicators, validation."
    ),
    "benchmarks": CommandEntry(
        "benchmarks", "app", "Benchmark against DfE's published workforce indicators."
    ),
    "import": CommandEntry(
        "imports", "app", "Load HR extracts, absences and the Standard Safeguarding Dataset."
    ),
    "export": CommandEntry("export", "app", "Export data for analysts."),
    "report": CommandEntry(
        "reports", "app", "The Workforce Steering Group pack and the scrutiny report."
    ),
    "policy": CommandEntry("policy", "app", "The caseload policy: points, caps, bands, ages."),
    "scenario": CommandEntry(
        "scenarios", "app", "Workforce plan scenarios: staff, agency, caseloads, cost."
    ),
    "users": CommandEntry("users", "app", "Accounts and API tokens."),
    "audit": CommandEntry("audit", "app", "Check the audit trail's hash chain."),
}


def load_command(name: str) -> click.Command:
    """The click command for ``name``, importing its module now."""
    import typer

    entry = COMMANDS[name]
    found: Any = getattr(importlib.import_module(f"caseload.cli.{entry.module}"), entry.attribute)
    if isinstance(found, typer.Typer):
        found._add_completion = False  # the shell-completion options are not offered
        found.pretty_exceptions_enable = False
        return typer.main.get_group(found)
    single = typer.Typer(pretty_exceptions_enable=False, add_completion=False)
    single.command(name)(found)
    return typer.main.get_command(single)


class Commands(click.Group):
    """The top-level group: commands listed from ``COMMANDS``, each loaded when it is run."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        command = load_command(cmd_name)
        command.name = cmd_name
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, entry.summary) for name, entry in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


cli = Commands(
    name="caseload",
    help=HELP
    + " Each command has its own help: caseload COMMAND --help. Commands read the database "
    "named by CASELOAD_DATABASE_URL (default sqlite:///caseload.db).",
    no_args_is_help=True,
    context_settings={"help_option_names": ["--help"]},
)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; user errors print one line on stderr and exit non-zero, never a traceback."""
    try:
        result = cli.main(args=argv, prog_name="caseload", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
        return 0
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx else "caseload"
        _error(f"error: {exc.format_message()} (see '{where} --help')")
        return 2
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.Abort:
        _error("aborted")
        return 1
    except CaseloadError as exc:
        _error(f"error: {exc.for_command_line()}")
        return exc.exit_code
    # Without standalone mode, click returns an exit code requested with typer.Exit.
    return result if isinstance(result, int) else 0


def _error(message: str) -> None:
    from caseload.cli.output import errors

    errors.print(message, highlight=False, markup=False, soft_wrap=True)


def run() -> None:
    sys.exit(main())

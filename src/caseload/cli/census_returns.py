"""``caseload census import | validate | export``: the CSWW return as XML."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from caseload.cli.context import acting_user, engine
from caseload.cli.options import WholeNumber
from caseload.cli.output import OutputFormat, console, print_json, print_table
from caseload.domain.numbers import CENSUS_YEARS
from caseload.errors import InvalidInputError
from caseload.services import census_returns
from caseload.services.audit import cli_actor
from caseload.services.census_returns import Problem, errors_in, warnings_in


class ReturnHasErrorsError(InvalidInputError):
    """The return breaks rules the export enforces: reported after the problems, exit code 1."""

    exit_code = 1


YearOption = Annotated[
    int,
    typer.Option(
        "--year",
        click_type=WholeNumber(CENSUS_YEARS),
        help="Census year, e.g. 2025 (1 Oct 2024 to 30 Sep 2025).",
    ),
]
AuthorityOption = Annotated[
    str, typer.Option("--authority", help="The council's 3-digit DfE authority code.")
]
UserOption = Annotated[
    str | None,
    typer.Option("--user", help="Who is acting, for the audit trail (default: CASELOAD_USER)."),
]


def _say(text: str) -> None:
    """One line of plain output: no markup, no highlighting, never wrapped."""
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def import_returns(
    files: Annotated[
        list[Path], typer.Argument(help="CSWW return XML files; all load or none does.")
    ],
    user: UserOption = None,
) -> None:
    """Import CSWW returns (XML). A file already imported is left unchanged; a changed return
    replaces the authority's return for that year."""
    outcomes = census_returns.import_returns(engine(), files, actor=cli_actor(acting_user(user)))
    for outcome in outcomes:
        line = (
            f"{outcome.path}: {outcome.status} - authority {outcome.authority_code}, census year "
            f"{outcome.census_year}, {_plural(outcome.workers, 'worker')}"
        )
        if outcome.errors or outcome.warnings:
            line += (
                f"; {_plural(outcome.errors, 'error')} and {_plural(outcome.warnings, 'warning')}"
                f", see 'caseload census validate --year {outcome.census_year} --authority "
                f"{outcome.authority_code}'"
            )
        _say(line)


def _problem_row(problem: Problem) -> tuple[str, str, str, str, str, str]:
    return (
        str(problem.worker) if problem.worker is not None else problem.part,
        problem.swe_no or "",
        problem.item,
        problem.value or "",
        problem.message,
        problem.severity.value,
    )


def validate(
    year: YearOption,
    authority: AuthorityOption,
    output: Annotated[OutputFormat, typer.Option("--format", help="table or json.")] = (
        OutputFormat.table
    ),
) -> None:
    """Check the year's census records against the return's rules. Exits 1 when there are
    errors (the export would be refused), 0 otherwise."""
    problems = census_returns.validate(engine(), census_year=year, authority_code=authority)
    errors, warnings = len(errors_in(problems)), len(warnings_in(problems))
    if output is OutputFormat.json:
        print_json(
            {
                "authority": authority,
                "census_year": year,
                "errors": errors,
                "warnings": warnings,
                "problems": [problem.to_dict() for problem in problems],
            }
        )
    elif problems:
        print_table(
            f"The {year} return for authority {authority}",
            ["Worker", "SWENo", "Item", "Value", "Problem", "Severity"],
            [_problem_row(problem) for problem in problems],
            numeric_from=6,
        )
        _say(f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}.")
    else:
        _say(f"No problems: the {year} return for authority {authority} passes every rule.")
    if errors:
        raise ReturnHasErrorsError(
            f"the {year} return for authority {authority} has {_plural(errors, 'error')}; fix "
            "them before 'caseload census export'"
        )


def export(
    year: YearOption,
    authority: AuthorityOption,
    out: Annotated[Path, typer.Option("--out", help="The XML file to write.")],
    user: UserOption = None,
) -> None:
    """Write the authority's CSWW return for the year as XML. Refuses when the records have
    errors (run 'caseload census validate' to see them). The export is written to the audit
    trail."""
    outcome = census_returns.export(
        engine(),
        census_year=year,
        authority_code=authority,
        out=out,
        actor=cli_actor(acting_user(user)),
    )
    _say(
        f"Wrote {outcome.path}: the {year} return for authority {authority}, "
        f"{_plural(outcome.workers, 'worker')} (from the {outcome.source} records)."
    )
    if outcome.warnings:
        _say(f"{_plural(len(outcome.warnings), 'warning')}:")
        for warning in outcome.warnings:
            _say(f"  {warning.describe()}")


def register(app: typer.Typer) -> None:
    """Add the return commands to the ``census`` group."""
    app.command("import")(import_returns)
    app.command("validate")(validate)
    app.command("export")(export)

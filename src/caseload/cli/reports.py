"""``caseload report board-pack | scrutiny | snapshot``: the Workforce Steering Group pack and the
scrutiny report as PDF, Excel or HTML, and the stored scorecards their trends use."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from caseload.cli.context import acting_user, engine
from caseload.cli.options import WholeNumber, parse_date
from caseload.cli.output import console
from caseload.domain.numbers import CENSUS_YEARS
from caseload.errors import InvalidInputError
from caseload.services.audit import cli_actor
from caseload.services.report_scorecard import take_snapshot
from caseload.services.reports import (
    Audience,
    FileFormat,
    ReportKind,
    ReportRequest,
    operator_report_file,
)

app = typer.Typer(
    help="The Workforce Steering Group pack and the scrutiny report.", no_args_is_help=True
)

AsAtOption = Annotated[
    str | None,
    typer.Option("--as-at", help="Reporting date YYYY-MM-DD; default: the data date."),
]
BaselineOption = Annotated[
    int | None,
    typer.Option(
        "--baseline-year",
        click_type=WholeNumber(CENSUS_YEARS),
        help="Census year to measure change from; default: four years before the latest.",
    ),
]
FormatOption = Annotated[FileFormat, typer.Option("--format", help="pdf, xlsx (Excel) or html.")]
AudienceOption = Annotated[
    Audience,
    typer.Option(
        "--audience",
        help="internal (teams in full) or public (no names, small numbers hidden).",
    ),
]
OutOption = Annotated[
    Path | None,
    typer.Option("--out", help="File to write; default: a name with the council and date here."),
]
AuthorityOption = Annotated[
    str | None,
    typer.Option(
        "--authority",
        help="3-digit DfE code; default: the only council in the database. A council with no "
        "data in Caseload gets a report from DfE's published figures.",
    ),
]
UserOption = Annotated[
    str | None, typer.Option("--user", help="Who is producing it, for the audit trail.")
]


def _produce(
    kind: ReportKind,
    *,
    as_at: str | None,
    baseline_year: int | None,
    file_format: FileFormat,
    audience: Audience,
    out: Path | None,
    authority: str | None,
    user: str | None,
) -> None:
    who = acting_user(user)
    request = ReportRequest(
        kind=kind,
        audience=audience,
        file_format=file_format,
        as_at=parse_date(as_at, "--as-at"),
        baseline_year=baseline_year,
    )
    if out is not None and out.is_dir():
        raise InvalidInputError(f"--out {out} is a folder; give a file name")
    made = operator_report_file(engine(), cli_actor(who), request, authority_code=authority)
    target = out or Path(made.name)
    try:
        target.write_bytes(made.content)
    except OSError as exc:
        raise InvalidInputError(f"cannot write {target}: {exc.strerror}") from None
    report = made.report
    console.print(
        f"Wrote {target} ({len(made.content):,} bytes): {report.title}, {report.subtitle} "
        f"{len(report.sections)} sections."
    )
    for line in report.no_data:
        console.print(f"  No data yet: {line}")


@app.command("board-pack")
def board_pack(
    as_at: AsAtOption = None,
    baseline_year: BaselineOption = None,
    file_format: FormatOption = FileFormat.PDF,
    audience: AudienceOption = Audience.INTERNAL,
    out: OutOption = None,
    authority: AuthorityOption = None,
    user: UserOption = None,
) -> None:
    """The Workforce Steering Group pack: the five areas, the census since the baseline,
    caseloads, establishment, recruitment, progression, leavers, absence and neighbours."""
    _produce(
        ReportKind.BOARD_PACK,
        as_at=as_at,
        baseline_year=baseline_year,
        file_format=file_format,
        audience=audience,
        out=out,
        authority=authority,
        user=user,
    )


@app.command("scrutiny")
def scrutiny(
    as_at: AsAtOption = None,
    baseline_year: BaselineOption = None,
    file_format: FormatOption = FileFormat.PDF,
    audience: AudienceOption = Audience.PUBLIC,
    out: OutOption = None,
    authority: AuthorityOption = None,
    user: UserOption = None,
) -> None:
    """The scrutiny report for elected members: the council against England, its region and its
    statistical neighbours over several years."""
    _produce(
        ReportKind.SCRUTINY,
        as_at=as_at,
        baseline_year=baseline_year,
        file_format=file_format,
        audience=audience,
        out=out,
        authority=authority,
        user=user,
    )


@app.command("snapshot")
def snapshot(
    as_at: AsAtOption = None,
    authority: Annotated[
        str | None,
        typer.Option("--authority", help="3-digit DfE code; default: the only council."),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Store the date again although it is stored already."),
    ] = False,
    user: UserOption = None,
) -> None:
    """Store the scorecard of a date as it stands, so the reports' trends keep what was
    reported even when the data is corrected later. Run it after each Steering Group."""
    who = acting_user(user)
    stored = take_snapshot(
        engine(),
        authority_code=authority,
        as_at=parse_date(as_at, "--as-at"),
        actor=cli_actor(who),
        taken_at=datetime.now(UTC),
        replace=replace,
    )
    again = " again" if stored.replaced else ""
    console.print(
        f"Stored{again} the scorecard of {stored.as_at.isoformat()} for council {stored.code}: "
        f"{len(stored.measures)} measures."
    )

"""``caseload import``: load HR extracts, absences, the Standard Safeguarding Dataset, supervision
records and case file audits.

Exit codes: 0 loaded with no warnings; 3 loaded, with warnings (listed); 2 nothing was loaded (a
bad file, a row-level error, a bad option or setting, or the database refused it). A dry run
exits the same way for what it would have done."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from caseload.cli.context import acting_user, engine
from caseload.cli.options import WholeNumber, parse_date
from caseload.cli.output import console, errors, print_json, print_table
from caseload.config import mappings_dir
from caseload.domain.numbers import CENSUS_YEARS, LIST_LIMITS
from caseload.errors import InvalidInputError
from caseload.services.audit import cli_actor
from caseload.services.health_check_imports import import_health_check
from caseload.services.imports import (
    AuthorityChoice,
    ImportRejectedError,
    ImportResult,
    SsdOptions,
    describe,
    import_absences,
    import_agency,
    import_asye,
    import_audits,
    import_hr,
    import_placements,
    import_progression,
    import_runs,
    import_ssd,
    import_supervision,
    import_training,
    mapping_names,
    mapping_report,
    read_ssd,
)
from caseload.services.table_files import write_frame_csv, write_frame_xlsx

app = typer.Typer(
    help="Load HR extracts, absences, the Standard Safeguarding Dataset, supervision records and "
    "case file audits.",
    no_args_is_help=True,
)
mapping_app = typer.Typer(
    help="Saved column mappings for HR, absence, supervision and audit files.",
    no_args_is_help=True,
)
app.add_typer(mapping_app, name="mapping")

EXIT_WARNINGS = 3
SHOWN_PROBLEMS = 25


class Format(str, Enum):
    table = "table"
    json = "json"


MappingOption = Annotated[
    str,
    typer.Option(
        "--mapping", help="Saved mapping: a name (see 'import mapping list') or a .yaml path."
    ),
]
AuthorityOption = Annotated[
    str | None,
    typer.Option(
        "--authority", help="3-digit DfE code; default: the only authority in the database."
    ),
]
AuthorityNameOption = Annotated[
    str | None,
    typer.Option("--authority-name", help="Create the authority with this name if it is new."),
]
RegionOption = Annotated[str | None, typer.Option("--region", help="Region of a new authority.")]
AsAtOption = Annotated[
    str | None,
    typer.Option("--as-at", help="The last day the extract covers, YYYY-MM-DD; default: today."),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Check and plan the load, report it, and write nothing.")
]
StrictOption = Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")]
UserOption = Annotated[
    str | None, typer.Option("--user", help="Who is loading (default: CASELOAD_USER).")
]
ReportOption = Annotated[
    Path | None,
    typer.Option("--report", help="Write every problem to this file (.csv, .xlsx or .json)."),
]
FormatOption = Annotated[Format, typer.Option("--format", help="table or json.")]
EncodingOption = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        help="The CSV's character encoding, e.g. utf-8 or cp1252; default: detected (UTF-8, or "
        "a Windows-1252 file; UTF-8 with stray bytes is refused).",
    ),
]


def _as_at(value: str | None) -> date:
    return parse_date(value, "--as-at") or date.today()


def _authority(code: str | None, name: str | None, region: str | None) -> AuthorityChoice:
    return AuthorityChoice(code=code, name=name, region=region)


def write_report(problems: pl.DataFrame, path: Path) -> None:
    """Every problem to ``path``: JSON, an Excel workbook (``.xlsx``) or else CSV; the last two
    through the shared writer, which neutralises cells a spreadsheet could run as formulas."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        path.write_text(json.dumps(problems.to_dicts(), indent=2, default=str) + "\n")
    elif suffix == ".xlsx":
        with path.open("wb") as stream:
            write_frame_xlsx(problems, stream, "Problems")
    else:
        write_frame_csv(problems, path)


def show_problems(problems: pl.DataFrame, *, to_stderr: bool) -> None:
    """One line per problem (file, row, column, value, what is wrong, what to do)."""
    target = errors if to_stderr else console
    for row in problems.head(SHOWN_PROBLEMS).iter_rows(named=True):
        target.print(
            f"{row['severity']}: {describe(row)}", markup=False, highlight=False, soft_wrap=True
        )
    if problems.height > SHOWN_PROBLEMS:
        more = problems.height - SHOWN_PROBLEMS
        target.print(f"... and {more} more; use --report FILE to write them all", markup=False)


def run_load(load: Callable[[], ImportResult], output: Format, report: Path | None) -> None:
    """Run a load and print it; rejected loads list their problems, then fail (exit 2)."""
    try:
        with console.status("Loading...") if console.is_terminal else _Quiet():
            result = load()
    except ImportRejectedError as exc:
        if report is not None:
            write_report(exc.problems, report)
        show_problems(exc.problems.sort("severity", maintain_order=True), to_stderr=True)
        raise
    except (pl.exceptions.PolarsError, UnicodeError, OSError) as exc:
        # A source the checks did not foresee: still one line, no traceback, nothing loaded
        # (the message names only the kind of failure, never the data).
        raise InvalidInputError(
            f"the source could not be read ({type(exc).__name__}), so nothing was loaded; check "
            "it opens in a spreadsheet, run 'caseload import mapping check', and report it if so"
        ) from None
    if report is not None:
        write_report(result.problems, report)
    if output is Format.json:
        print_json(result.to_dict())
    else:
        show_result(result)
    if result.warnings:
        raise typer.Exit(EXIT_WARNINGS)


class _Quiet:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None


def show_result(result: ImportResult) -> None:
    verb = "Would load" if result.dry_run else "Loaded"
    run = "" if result.run_id is None else f" (run {result.run_id})"
    console.print(
        f"{verb} {result.source} for authority {result.authority} as at "
        f"{result.as_at.isoformat()}{run}: {result.added:,} added, {result.changed:,} changed, "
        f"{result.ended:,} ended, {result.warnings:,} warnings.",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    if result.same_content_as_run is not None:
        console.print(f"The source is the same as run {result.same_content_as_run}.", markup=False)
    rows = [
        [table, counts["added"], counts["changed"], counts["ended"]]
        for table, counts in result.counts.items()
    ]
    print_table("By table", ["Table", "Added", "Changed", "Ended"], rows)
    show_problems(result.problems, to_stderr=False)
    if result.dry_run:
        console.print("Dry run: nothing was written.")


@app.command("hr")
def hr(
    file: Annotated[Path, typer.Argument(help="The HR extract (.csv or .xlsx).")],
    mapping: MappingOption,
    authority: AuthorityOption = None,
    authority_name: AuthorityNameOption = None,
    region: RegionOption = None,
    as_at: AsAtOption = None,
    dry_run: DryRunOption = False,
    strict: StrictOption = False,
    allow_mass_ending: Annotated[
        bool,
        typer.Option(
            "--allow-mass-ending",
            help="Load even when the extract would end more than 20% of open spells.",
        ),
    ] = False,
    user: UserOption = None,
    report: ReportOption = None,
    output: FormatOption = Format.table,
    encoding: EncodingOption = None,
) -> None:
    """Load an HR extract through a saved column mapping (teams, posts, workers, spells)."""
    loaded_by = acting_user(user)
    day = _as_at(as_at)
    folder = mappings_dir()
    run_load(
        lambda: import_hr(
            engine(),
            path=file,
            mapping=mapping,
            as_at=day,
            loaded_by=loaded_by,
            authority=_authority(authority, authority_name, region),
            dry_run=dry_run,
            strict=strict,
            allow_mass_ending=allow_mass_ending,
            mappings_dir=folder,
            actor=cli_actor(loaded_by),
            encoding=encoding,
        ),
        output,
        report,
    )


@app.command("absences")
def absences(
    file: Annotated[Path, typer.Argument(help="The absence extract (.csv or .xlsx).")],
    mapping: MappingOption,
    authority: AuthorityOption = None,
    as_at: AsAtOption = None,
    dry_run: DryRunOption = False,
    strict: StrictOption = False,
    user: UserOption = None,
    report: ReportOption = None,
    output: FormatOption = Format.table,
    encoding: EncodingOption = None,
) -> None:
    """Load absence episodes for workers already loaded from the HR extract."""
    loaded_by = acting_user(user)
    day = _as_at(as_at)
    folder = mappings_dir()
    run_load(
        lambda: import_absences(
            engine(),
            path=file,
            mapping=mapping,
            as_at=day,
            loaded_by=loaded_by,
            authority=_authority(authority, None, None),
            dry_run=dry_run,
            strict=strict,
            mappings_dir=folder,
            actor=cli_actor(loaded_by),
            encoding=encoding,
        ),
        output,
        report,
    )


@app.command("supervision")
def supervision(
    file: Annotated[Path, typer.Argument(help="The supervision file (.csv or .xlsx).")],
    mapping: MappingOption,
    authority: AuthorityOption = None,
    as_at: AsAtOption = None,
    dry_run: DryRunOption = False,
    strict: StrictOption = False,
    user: UserOption = None,
    report: ReportOption = None,
    output: FormatOption = Format.table,
    encoding: EncodingOption = None,
) -> None:
    """Load supervision records of workers already loaded from the HR extract; the file replaces
    the records of the period it covers."""
    loaded_by = acting_user(user)
    day = _as_at(as_at)
    folder = mappings_dir()
    run_load(
        lambda: import_supervision(
            engine(),
            path=file,
            mapping=mapping,
            as_at=day,
            loaded_by=loaded_by,
            authority=_authority(authority, None, None),
            dry_run=dry_run,
            strict=strict,
            mappings_dir=folder,
            actor=cli_actor(loaded_by),
            encoding=encoding,
        ),
        output,
        report,
    )


@app.command("agency")
def agency(
    file: Annotated[Path, typer.Argument(help="The agency engagements file (.csv or .xlsx).")],
    mapping: MappingOption,
    authority: AuthorityOption = None,
    as_at: AsAtOption = None,
    dry_run: DryRunOption = False,
    strict: StrictOption = False,
    user: UserOption = None,
    report: ReportOption = None,
    output: FormatOption = Format.table,
    encoding: EncodingOption = None,
) -> None:
    """Load agency engagements (agency, charges, experience, previous role, notice, references,
    sign-offs) of agency workers already loaded from the HR extract; the file replaces the
    engagements starting in the period it covers."""
    loaded_by = acting_user(user)
    day = _as_at(as_at)
    folder = mappings_dir()
    run_load(
        lambda: import_agency(
            engine(),
            path=file,
            mapping=mapping,
            as_at=day,
            loaded_by=loaded_by,
            authority=_authority(authority, None, None),
            dry_run=dry_run,
            strict=strict,
            mappings_dir=folder,
            actor=cli_actor(loaded_by),
            encoding=encoding,
        ),
        output,
        report,
    )


@app.command("asye")
def asye(
    file: Annotated[Path, typer.Argument(help="The ASYE programmes file (.csv or .xlsx).")],
    mapping: MappingOption,
    authority: AuthorityOption = None,
    as_at: AsAtOption = None,
    dry_run: DryRunOption = False,
    strict: StrictOption = False,
    user: UserOption = None,
    report: ReportOption = None,
    output: FormatOption = Format.table,
    encoding: EncodingOption = None,
) -> None:
    """Load ASYE programmes (one row each, with their 3, 6 and 12-month reviews) of workers
    already loaded from the HR extract; a programme the file changes is replaced."""
    loaded_by = acting_user(user)
    day = _as_at(as_at)
    folder = mappings_dir()
    run_load(
        lambda: import_asye(
            engine(),
            path=file,
            mapping=mapping,
            as_at=day,
            loaded_by=loaded_by,
            authority=_authority(authority, None, None),
            dry_run=dry_run,
            strict=strict,
            mappings_dir=folder,
            actor=cli_actor(loaded_by),
            encoding=encoding,
        ),
        output,
        report,
    )


@app.command("progression")
def progression(
    file: Annotated[
        Path, typer.Argument(help="The progression applications file (.csv or .xlsx).")
    ],
    mapping: MappingOption,
    authority: AuthorityOption = None,
    as_at: AsAtOption = None,
    dry_run: DryRunOption = False,
    strict: StrictOption = False,
    user: UserOption = None,
    report: ReportOption = None,
    output: FormatOption = Format.table,
    encoding: EncodingOption = None,
) -> None:
    """Load applications to progress up the ladder of workers already loaded from the HR
    extract; an application the file changes is updated."""
    loaded_by = acting_user(user)
    day = _as_at(as_at)
    folder = mappings_dir()
    run_load(
        lambda: import_progression(
            engine(),
            path=file,
            mapping=mapping,
            as_at=day,
            loaded_by=loaded_by,
            authority=_authority(authority, None, None),
            dry_run=dry_run,
            strict=strict,
            mappings_dir=folder,
            actor=cli_actor(loaded_by),
            encoding=encoding,
        ),
        output,
        report,
    )


@app.command("training")
def training(
    file: Annotated[Path, typer.Argument(help="The training records file (.csv or .xlsx).")],
    mapping: MappingOption,
    authority: AuthorityOption = None,
    as_at: AsAtOption = None,
    dry_run: DryRunOption = False,
    strict: StrictOption = False,
    user: UserOption = None,
    report: ReportOption = None,
    output: FormatOption = Format.table,
    encoding: EncodingOption = None,
) -> None:
    """Load training records of workers already loaded from the HR extract, for courses in the
    academy's catalogue; the file replaces the records of the period it covers."""
    loaded_by = acting_user(user)
    day = _as_at(as_at)
    folder = mappings_dir()
    run_load(
        lambda: import_training(
            engine(),
            path=file,
            mapping=mapping,
            as_at=day,
            loaded_by=loaded_by,
            authority=_authority(authority, None, None),
            dry_run=dry_run,
            strict=strict,
            mappings_dir=folder,
            actor=cli_actor(loaded_by),
            encoding=encoding,
        ),
        output,
        report,
    )


@app.command("placements")
def placements(
    file: Annotated[
        Path,
        typer.Argument(
            help="The pipeline file (.csv or .xlsx): placements, practice educators and "
            "conversions to ASYE posts."
        ),
    ],
    mapping: MappingOption,
    authority: AuthorityOption = None,
    as_at: AsAtOption = None,
    dry_run: DryRunOption = False,
    strict: StrictOption = False,
    user: UserOption = None,
    report: ReportOption = None,
    output: FormatOption = Format.table,
    encoding: EncodingOption = None,
) -> None:
    """Load placements of students and apprentices, practice educators and conversions to ASYE
    posts, for workers and teams already loaded from the HR extract; the placements replace
    those starting in the period the file covers, and its practice educators are the register."""
    loaded_by = acting_user(user)
    day = _as_at(as_at)
    folder = mappings_dir()
    run_load(
        lambda: import_placements(
            engine(),
            path=file,
            mapping=mapping,
            as_at=day,
            loaded_by=loaded_by,
            authority=_authority(authority, None, None),
            dry_run=dry_run,
            strict=strict,
            mappings_dir=folder,
            actor=cli_actor(loaded_by),
            encoding=encoding,
        ),
        output,
        report,
    )


@app.command("audits")
def audits(
    file: Annotated[Path, typer.Argument(help="The case file audits file (.csv or .xlsx).")],
    mapping: MappingOption,
    authority: AuthorityOption = None,
    as_at: AsAtOption = None,
    dry_run: DryRunOption = False,
    strict: StrictOption = False,
    user: UserOption = None,
    report: ReportOption = None,
    output: FormatOption = Format.table,
    encoding: EncodingOption = None,
) -> None:
    """Load case file audits of children already loaded from the SSD; the file replaces the
    audits of the period it covers."""
    loaded_by = acting_user(user)
    day = _as_at(as_at)
    folder = mappings_dir()
    run_load(
        lambda: import_audits(
            engine(),
            path=file,
            mapping=mapping,
            as_at=day,
            loaded_by=loaded_by,
            authority=_authority(authority, None, None),
            dry_run=dry_run,
            strict=strict,
            mappings_dir=folder,
            actor=cli_actor(loaded_by),
            encoding=encoding,
        ),
        output,
        report,
    )


@app.command("health-check")
def health_check(
    file: Annotated[Path, typer.Argument(help="The survey's responses (.csv or .xlsx).")],
    mapping: MappingOption,
    survey_title: Annotated[
        str, typer.Option("--survey-title", help="The survey's title, e.g. 'Health check 2026'.")
    ],
    year: Annotated[
        int,
        typer.Option(
            "--year", click_type=WholeNumber(CENSUS_YEARS), help="The survey's year, e.g. 2026."
        ),
    ],
    authority: AuthorityOption = None,
    as_at: Annotated[
        str | None,
        typer.Option("--as-at", help="The day the survey closed, YYYY-MM-DD; default: today."),
    ] = None,
    dry_run: DryRunOption = False,
    strict: StrictOption = False,
    user: UserOption = None,
    report: ReportOption = None,
    output: FormatOption = Format.table,
    encoding: EncodingOption = None,
) -> None:
    """Load a staff health check survey, one row per response (team, role, experience band and
    answers; any other column, such as comments, is dropped unread); the file replaces the
    survey of the same year."""
    loaded_by = acting_user(user)
    day = _as_at(as_at)
    folder = mappings_dir()
    run_load(
        lambda: import_health_check(
            engine(),
            path=file,
            mapping=mapping,
            title=survey_title,
            year=year,
            fielded=day,
            loaded_by=loaded_by,
            authority=_authority(authority, None, None),
            dry_run=dry_run,
            strict=strict,
            mappings_dir=folder,
            actor=cli_actor(loaded_by),
            encoding=encoding,
        ),
        output,
        report,
    )


@app.command("ssd")
def ssd(
    from_dir: Annotated[
        Path | None,
        typer.Option("--from-dir", help="Folder of SSD CSV dumps named after the tables."),
    ] = None,
    from_url: Annotated[
        str | None,
        typer.Option("--from-url", help="SQLAlchemy URL of the database holding the SSD tables."),
    ] = None,
    schema: Annotated[
        str | None, typer.Option("--schema", help="Database schema of the SSD tables.")
    ] = None,
    co_worker_role: Annotated[
        list[str] | None,
        typer.Option(
            "--co-worker-role",
            help="An involvement role code to load as a co-worker (repeatable); CW is the "
            "allocated worker.",
        ),
    ] = None,
    authority: AuthorityOption = None,
    authority_name: AuthorityNameOption = None,
    region: RegionOption = None,
    as_at: AsAtOption = None,
    dry_run: DryRunOption = False,
    strict: StrictOption = False,
    user: UserOption = None,
    report: ReportOption = None,
    output: FormatOption = Format.table,
    encoding: EncodingOption = None,
) -> None:
    """Load the Standard Safeguarding Dataset: teams, children, statuses and allocations."""
    loaded_by = acting_user(user)
    day = _as_at(as_at)
    options = SsdOptions(co_worker_roles=tuple(co_worker_role or ()))

    def load() -> ImportResult:
        source = read_ssd(folder=from_dir, url=from_url, schema=schema, encoding=encoding)
        return import_ssd(
            engine(),
            source=source,
            as_at=day,
            loaded_by=loaded_by,
            authority=_authority(authority, authority_name, region),
            options=options,
            dry_run=dry_run,
            strict=strict,
            actor=cli_actor(loaded_by),
        )

    run_load(load, output, report)


@app.command("runs")
def runs(
    authority: AuthorityOption = None,
    limit: Annotated[
        int,
        typer.Option("--limit", click_type=WholeNumber(LIST_LIMITS), help="How many runs to show."),
    ] = 20,
    output: FormatOption = Format.table,
) -> None:
    """The latest loads: what each added, changed and ended, who loaded it and when."""
    frame = import_runs(engine(), authority_code=authority, limit=limit)
    if output is Format.json:
        print_json(frame.to_dicts())
        return
    rows = [
        [r["run"], r["authority"], r["kind"], r["source"], r["loaded_at"], r["loaded_by"],
         r["added"], r["changed"], r["ended"], r["warnings"]]
        for r in frame.iter_rows(named=True)
    ]  # fmt: skip
    print_table(
        "Import runs",
        [
            "Run",
            "Authority",
            "Kind",
            "Source",
            "Loaded at",
            "By",
            "Added",
            "Changed",
            "Ended",
            "Warnings",
        ],
        rows,
        numeric_from=6,
    )


@mapping_app.command("check")
def check(
    file: Annotated[Path, typer.Argument(help="The extract to try the mapping on.")],
    mapping: MappingOption,
    as_at: AsAtOption = None,
    output: FormatOption = Format.table,
    encoding: EncodingOption = None,
) -> None:
    """Show how each column and value of FILE would map, and what is unmapped; loads nothing.
    Exits 0 when everything maps cleanly, 3 when something is unmapped or would be a problem."""
    result = mapping_report(
        path=file,
        mapping=mapping,
        as_at=_as_at(as_at),
        mappings_dir=mappings_dir(),
        encoding=encoding,
    )
    if output is Format.json:
        print_json(result.to_dict())
    else:
        console.print(
            f"{result.file}: {result.rows:,} rows through mapping {result.mapping} ({result.kind})",
            markup=False,
            highlight=False,
        )
        columns = [
            [
                r["field"],
                r["column"] or f"MISSING (looked for {r['looked_for']})",
                "yes" if r["required"] else "",
            ]
            for r in result.columns.iter_rows(named=True)
        ]
        print_table("Columns", ["Field", "Source column", "Required"], columns, numeric_from=99)
        if result.unused:
            console.print(
                f"Columns not used: {', '.join(result.unused)}", markup=False, highlight=False
            )
        values = [
            [r["field"], r["value"], r["rows"], r["maps_to"] or "UNMAPPED"]
            for r in result.values.iter_rows(named=True)
        ]
        print_table("Values", ["Field", "Source value", "Rows", "Maps to"], values, numeric_from=2)
        show_problems(result.problems, to_stderr=False)
        verdict = (
            "maps cleanly"
            if result.clean
            else (f"has {result.unmapped} unmapped values and {result.problems.height} problems")
        )
        console.print(f"The file {verdict}.", markup=False)
    if not result.clean:
        raise typer.Exit(EXIT_WARNINGS)


@mapping_app.command("list")
def list_mappings() -> None:
    """The mappings available: CASELOAD_MAPPINGS_DIR first, then the built-in examples."""
    rows = [[m.name, m.kind, m.source, m.description] for m in mapping_names(mappings_dir())]
    print_table("Column mappings", ["Name", "Kind", "File", "Description"], rows, numeric_from=99)

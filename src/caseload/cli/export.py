"""``caseload export``: data for analysts, pseudonymised."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from caseload.cli.context import acting_user, engine
from caseload.cli.options import WholeNumber, parse_date
from caseload.cli.output import console, print_table
from caseload.domain.disclosure import DEFAULT_THRESHOLD as DEFAULT_MIN_GROUP
from caseload.domain.numbers import GROUP_SIZES
from caseload.services.audit import cli_actor
from caseload.services.parquet_export import export_parquet
from caseload.services.pseudonymised_export import export_pseudonymised

app = typer.Typer(help="Export data for analysts.", no_args_is_help=True)


class FileFormat(str, Enum):
    csv = "csv"
    xlsx = "xlsx"


@app.command("pseudonymised")
def pseudonymised(
    out: Annotated[Path, typer.Option("--out", help="A new or empty folder for the files.")],
    authority: Annotated[
        str | None, typer.Option("--authority", help="3-digit code; default: every authority.")
    ] = None,
    as_at: Annotated[
        str | None,
        typer.Option("--as-at", help="Day for age bands, YYYY-MM-DD; default: the data date."),
    ] = None,
    min_group: Annotated[
        int,
        typer.Option(
            "--min-group",
            click_type=WholeNumber(GROUP_SIZES),
            help=f"Smallest group shown (at least {DEFAULT_MIN_GROUP}).",
        ),
    ] = DEFAULT_MIN_GROUP,
    user: Annotated[str | None, typer.Option("--user", help="Who is exporting.")] = None,
    output: Annotated[
        FileFormat,
        typer.Option(
            "--format", help="csv (one file per table) or xlsx (one workbook, a sheet per table)."
        ),
    ] = FileFormat.csv,
) -> None:
    """Workers, spells, absences, teams, children, referrals, statuses and allocations with keyed
    pseudonyms, age bands instead of birth dates, no names, and small groups suppressed."""
    who = acting_user(user)
    result = export_pseudonymised(
        engine(),
        out=out,
        exported_by=who,
        actor=cli_actor(who),
        authority_code=authority,
        as_at=parse_date(as_at, "--as-at"),
        min_group=min_group,
        workbook=output is FileFormat.xlsx,
    )
    rows = [[name, count] for name, count in result.files().items()]
    print_table(f"Pseudonymised export as at {result.as_at.isoformat()}", ["File", "Rows"], rows)
    hidden = sum(result.suppressed.values())
    console.print(
        f"Wrote {out} (and manifest.json). {hidden} values in groups under {result.min_group} "
        "were suppressed (shown as c).",
        markup=False,
        highlight=False,
    )


@app.command("parquet")
def parquet(
    out: Annotated[Path, typer.Option("--out", help="A new or empty folder for the files.")],
    authority: Annotated[
        list[str] | None,
        typer.Option(
            "--authority",
            help="3-digit code (repeat, or separate with commas); default: every council you "
            "may see.",
        ),
    ] = None,
    pseudonymise: Annotated[
        bool,
        typer.Option(
            "--pseudonymise", help="Pseudonyms instead of names even when your role sees names."
        ),
    ] = False,
    min_group: Annotated[
        int,
        typer.Option(
            "--min-group",
            click_type=WholeNumber(GROUP_SIZES),
            help=f"Smallest group shown without names (at least {DEFAULT_MIN_GROUP}).",
        ),
    ] = DEFAULT_MIN_GROUP,
    user: Annotated[
        str | None,
        typer.Option("--user", help="Who is exporting: an account's role decides what is in it."),
    ] = None,
) -> None:
    """Every analytical table as a Parquet file (zstd) for DuckDB, Polars or R, with a data
    dictionary: with names when the account's role sees named records, else keyed pseudonyms,
    age bands and no free text."""
    who = acting_user(user)
    result = export_parquet(
        engine(),
        out=out,
        exported_by=who,
        authority_codes=authority,
        pseudonymise=pseudonymise,
        min_group=min_group,
    )
    rows = [[name, count] for name, count in result.files().items()]
    print_table(
        f"Parquet export, data as at {result.data_date.isoformat()}", ["File", "Rows"], rows
    )
    people = "without names (keyed pseudonyms)" if result.pseudonymised else "with names"
    console.print(
        f"Wrote {out} for {result.audience.label}, {people}: {sum(result.rows.values()):,} rows "
        f"in {len(result.rows)} files, with data_dictionary.csv, data_dictionary.md, "
        f"manifest.json and README.txt, in {result.seconds:.1f} s.",
        markup=False,
        highlight=False,
    )

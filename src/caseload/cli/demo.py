"""``caseload demo`` and ``caseload generate``: synthetic councils."""

from __future__ import annotations

import itertools
from typing import Annotated

import typer

from caseload.cli.context import engine
from caseload.cli.options import WholeNumber
from caseload.cli.output import OutputFormat, console, print_table, progress_bar
from caseload.cli.serve import serve_app
from caseload.cli.summary import show_summary
from caseload.domain.numbers import (
    GENERATED_COUNCILS,
    SEEDS,
    SIMULATED_YEARS,
    WORKER_PROCESSES,
)
from caseload.services.benchmarks import import_published, statistical_neighbours
from caseload.services.demo_accounts import create_demo_accounts
from caseload.services.generation import (
    DEMO_SPEC,
    build_demo,
    build_national,
    check_preset,
    default_workers,
)
from caseload.services.summary import council_summary


def demo(
    seed: Annotated[
        int,
        typer.Option(
            click_type=WholeNumber(SEEDS), help="Random seed; the same seed gives the same council."
        ),
    ] = 1,
    preset: Annotated[
        str, typer.Option(help="typical, struggling or recovering.")
    ] = DEMO_SPEC.preset,
    years: Annotated[
        int,
        typer.Option(
            click_type=WholeNumber(SIMULATED_YEARS),
            help="Census years to simulate (ending 30 Sep 2026).",
        ),
    ] = 3,
    no_serve: Annotated[
        bool,
        typer.Option("--no-serve", help="Only build the council and its accounts; do not serve."),
    ] = False,
    host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.", min=1, max=65535)] = 8000,
) -> None:
    """Build the synthetic demo council in CASELOAD_DATABASE_URL with one account per role, load
    DfE's published workforce indicators shipped with Caseload (for benchmarks and ratings against
    England, the region and the demo's statistical neighbours), print its summary and the accounts'
    one-time passwords, and serve the web application."""
    check_preset(preset)
    database = engine()
    with console.status("Simulating the demo council..."):
        built = build_demo(database, seed=seed, preset=preset, years=years)
    console.print(
        f"Built {DEMO_SPEC.name} ({built.code}), preset {preset}, seed {seed}: "
        f"{built.rows['worker']:,} workers, {built.rows['child']:,} children, "
        f"{built.rows['allocation']:,} allocations."
    )
    shipped = import_published(database)
    console.print(
        f"Loaded DfE's published workforce indicators (release {shipped.release}, "
        f"{shipped.rows:,} rows) for England, regions and councils; {DEMO_SPEC.name} is in the "
        f"{DEMO_SPEC.region} and compared with its statistical neighbours: "
        f"{', '.join(statistical_neighbours(built.code))}.",
        highlight=False,
    )
    show_summary(council_summary(database, authority_code=built.code), OutputFormat.table)
    demo_accounts = create_demo_accounts(database, built.code)
    print_table(
        "Demo accounts (one-time passwords: you choose your own at first sign-in)",
        ["User", "Role", "Password", "Sees"],
        [[a.username, a.role.label, a.password, a.scope] for a in demo_accounts],
        numeric_from=9,
    )
    if not no_serve:
        serve_app(host, port)


def generate(
    authorities: Annotated[
        int,
        typer.Option(
            click_type=WholeNumber(GENERATED_COUNCILS), help="Number of councils to generate."
        ),
    ] = 150,
    years: Annotated[
        int,
        typer.Option(
            click_type=WholeNumber(SIMULATED_YEARS),
            help="Census years to simulate (ending 30 Sep 2026).",
        ),
    ] = 5,
    seed: Annotated[
        int, typer.Option(click_type=WholeNumber(SEEDS), help="Random seed for the whole set.")
    ] = 1,
    workers: Annotated[
        int | None,
        typer.Option(
            click_type=WholeNumber(WORKER_PROCESSES),
            help="Processes simulating councils while this one writes them (0: simulate here, "
            "one council at a time); default one per processor. The set is the same either way.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Generate a large synthetic set (many councils) into CASELOAD_DATABASE_URL."""
    database = engine()
    done = itertools.count(1)
    with progress_bar("Generating councils") as shown:
        built = build_national(
            database,
            authorities=authorities,
            years=years,
            seed=seed,
            workers=default_workers() if workers is None else workers,
            on_council=lambda _council: shown(next(done), authorities),
        )
    workers = sum(c.rows["worker"] for c in built)
    children = sum(c.rows["child"] for c in built)
    console.print(
        f"Generated {len(built)} councils over {years} years: {workers:,} workers, "
        f"{children:,} children."
    )

"""``caseload scenario``: workforce plan scenarios: the worked ones, running them against the
baseline, comparing them side by side and storing the runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from caseload.cli.context import acting_user, engine
from caseload.cli.options import WholeNumber, parse_date
from caseload.cli.output import OutputFormat, console, print_json, print_table
from caseload.domain.numbers import SEEDS, NumberRange
from caseload.services.audit import cli_actor
from caseload.services.planning import (
    DEFAULT_PATHS,
    DEFAULT_SEED,
    MEASURE_LABELS,
    planning_backtest,
    planning_view,
    scenario_catalogue,
    scenario_text,
    store_runs,
)
from caseload.services.scorecard import council_principal

app = typer.Typer(
    help="Workforce plan scenarios: supply of staff, agency, caseloads and cost, with ranges.",
    no_args_is_help=True,
)

AsAt = Annotated[
    str | None, typer.Option("--as-at", help="Date YYYY-MM-DD; default: the data date.")
]
Authority = Annotated[
    str | None,
    typer.Option("--authority", help="3-digit authority code; default: the only council."),
]
Paths = Annotated[
    int, typer.Option("--paths", help="Simulated paths (100 to 5,000).", min=100, max=5_000)
]
Seed = Annotated[
    int,
    typer.Option(
        "--seed",
        click_type=WholeNumber(SEEDS),
        help="Seed of the random draws (same seed, same run).",
    ),
]
Files = Annotated[
    list[Path] | None,
    typer.Option(
        "--file", help="A scenario YAML file of your own (repeat for more).", dir_okay=False
    ),
]
Store = Annotated[
    bool, typer.Option("--store", help="Store the runs (and the baseline) in the database.")
]
User = Annotated[str | None, typer.Option("--user", help="Who stores the runs; default: you.")]
Format = Annotated[OutputFormat, typer.Option("--format", help="table or json.")]


@app.command("list")
def list_scenarios(authority: Authority = None, output: Format = OutputFormat.table) -> None:
    """The worked scenarios shipped with Caseload (the baseline is always run with them)."""
    database = engine()
    found = scenario_catalogue(database, council_principal(database, authority))
    if output is OutputFormat.json:
        print_json(found)
        return
    print_table(
        "Scenarios",
        ["Name", "Title", "Months"],
        [[item["name"], item["title"], item["months"]] for item in found],
        numeric_from=2,
    )


@app.command("show")
def show(
    name: Annotated[str, typer.Argument(help="A worked scenario's name (see 'list').")],
    authority: Authority = None,
) -> None:
    """A worked scenario's file, to read or copy as the start of your own."""
    database = engine()
    console.print(scenario_text(database, council_principal(database, authority), name), end="")


def _money(value: float) -> str:
    return f"£{value / 1e6:,.2f}m"


def _cell(figures: dict[str, float], measure: str) -> str:
    if measure == "cost_year":
        return f"{_money(figures['p50'])} ({_money(figures['p10'])}-{_money(figures['p90'])})"
    return f"{figures['p50']:,.1f} ({figures['p10']:,.1f}-{figures['p90']:,.1f})"


def _plan(
    names: list[str],
    files: list[Path] | None,
    as_at: str | None,
    authority: str | None,
    paths: int,
    seed: int,
    store: bool,
    user: str | None,
) -> dict[str, Any]:
    day = parse_date(as_at, "--as-at")
    database = engine()
    principal = council_principal(database, authority)
    chosen = list(files or [])
    context = planning_view(
        database, principal, as_at=day, names=names, files=chosen, paths=paths, seed=seed
    )
    if store:
        ids = store_runs(
            database,
            principal,
            actor=cli_actor(acting_user(user)),
            as_at=day,
            names=names,
            files=chosen,
            paths=paths,
            seed=seed,
        )
        context["stored_ids"] = ids
    return context


def intake_line(evidence: dict[str, Any]) -> str:
    """Where the plan's newly qualified intakes come from, in a sentence."""
    source = evidence["intake_source"]
    if source["source"] != "pipeline":
        return (
            "Newly qualified intakes: assumed from the last three years' ASYE starts (the "
            f"pipeline is not used: {source['reason']})."
        )
    years = "; ".join(
        f"{y['year']} {y['learners']} at {y['conversion_percent']}% = {y['expected_intake']}"
        for y in source["years"]
    )
    return (
        f"Newly qualified intakes: from the pipeline to {source['through_year']} (learners "
        f"qualifying at the conversion rate: {years}), with the starters who did not come "
        "through it; later years from the last three years' ASYE starts."
    )


def _print(context: dict[str, Any], output: OutputFormat) -> None:
    if output is OutputFormat.json:
        print_json(context)
        return
    console.print(
        f"Workforce plan of {context['authority']['name']} from {context['as_at']}: "
        f"{context['paths']:,} simulated paths (seed {context['seed']}). Each figure is the "
        "middle outcome (P50) with the range of 8 in 10 outcomes (P10-P90)."
    )
    console.print(intake_line(context["evidence"]), markup=False, highlight=False)
    for scenario in context["scenarios"]:
        changes = ", ".join(
            f"{role.replace('_', ' ')} {fte:+.1f} FTE"
            for role, fte in scenario["post_changes"].items()
        )
        console.print(f"{scenario['title']}" + (f" (posts: {changes})" if changes else ""))
    years = [point["years"] for point in context["scenarios"][0]["points"]]
    for index, year in enumerate(years):
        print_table(
            f"After {year} {'year' if year == 1 else 'years'}",
            ["Measure", *[scenario["scenario"] for scenario in context["scenarios"]]],
            [
                [
                    label,
                    *[_cell(s["points"][index][measure], measure) for s in context["scenarios"]],
                ]
                for measure, label in MEASURE_LABELS.items()
            ],
        )
    if context.get("stored_ids"):
        console.print(f"Stored as runs {', '.join(map(str, context['stored_ids']))}.")


@app.command("run")
def run(
    name: Annotated[
        str | None, typer.Argument(help="A worked scenario's name; or give --file.")
    ] = None,
    files: Files = None,
    as_at: AsAt = None,
    authority: Authority = None,
    paths: Paths = DEFAULT_PATHS,
    seed: Seed = DEFAULT_SEED,
    store: Store = False,
    user: User = None,
    output: Format = OutputFormat.table,
) -> None:
    """Run one scenario (a worked one by name, or your own file) beside the baseline: posts,
    own and agency staff, vacancies, caseload and cost after 1, 3 and 5 years, with ranges."""
    parse_date(as_at, "--as-at")  # a bad date is named before anything else
    if name is None and not files:
        raise typer.BadParameter("name a worked scenario or give --file", param_hint="NAME")
    context = _plan([name] if name else [], files, as_at, authority, paths, seed, store, user)
    _print(context, output)


@app.command("compare")
def compare(
    names: Annotated[
        list[str] | None, typer.Argument(help="Worked scenarios' names; default: all of them.")
    ] = None,
    files: Files = None,
    as_at: AsAt = None,
    authority: Authority = None,
    paths: Paths = DEFAULT_PATHS,
    seed: Seed = DEFAULT_SEED,
    store: Store = False,
    user: User = None,
    output: Format = OutputFormat.table,
) -> None:
    """The baseline and the scenarios side by side after 1, 3 and 5 years."""
    context = _plan(list(names or []), files, as_at, authority, paths, seed, store, user)
    _print(context, output)


@app.command("backtest")
def backtest(
    months: Annotated[
        int,
        typer.Option(
            "--months",
            click_type=WholeNumber(NumberRange(3, 36)),
            help="How far back to start the forecast (3 to 36).",
        ),
    ] = 12,
    as_at: AsAt = None,
    authority: Authority = None,
    seed: Seed = DEFAULT_SEED,
    output: Format = OutputFormat.table,
) -> None:
    """Check the model against history: forecast own staff FTE from MONTHS before the date with
    what was known then, and compare each month end with what happened."""
    day = parse_date(as_at, "--as-at")
    database = engine()
    found = planning_backtest(
        database,
        council_principal(database, authority),
        as_at=day,
        months=months,
        seed=seed,
    )
    if output is OutputFormat.json:
        print_json(found)
        return
    print_table(
        f"Own staff FTE forecast from {found['from']} against what happened",
        ["Month end", "Actual", "Forecast P50", "P10", "P90", "Error", "Inside P10-P90"],
        [
            [
                row["day"],
                row["actual_fte"],
                row["p50"],
                row["p10"],
                row["p90"],
                row["error"],
                "yes" if row["inside"] else "no",
            ]
            for row in found["rows"]
        ],
    )
    console.print(
        f"Mean absolute error {found['mean_absolute_error_fte']} FTE "
        f"({found['mean_absolute_error_percent']}% of actual); the actual fell inside the "
        f"P10-P90 range in {found['months_inside_range']} of {found['months']} months."
    )

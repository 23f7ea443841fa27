"""``caseload forecast demand | backtest``: referrals and open cases by type forecast from the
council's own history, the posts they need at the caseload policy's targets, and how well the
forecast did when made from a past date."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from caseload.cli.context import engine
from caseload.cli.options import WholeNumber, parse_date
from caseload.cli.output import OutputFormat, console, print_json, print_table
from caseload.domain.numbers import FORECAST_MONTHS
from caseload.services.demand import backtest_view, cli_principal, demand_view

app = typer.Typer(
    help="Demand forecast, the posts it needs, and the backtest.", no_args_is_help=True
)

AsAtOption = Annotated[
    str | None, typer.Option("--as-at", help="Date YYYY-MM-DD; default: the data date.")
]
AuthorityOption = Annotated[
    str | None,
    typer.Option("--authority", help="3-digit authority code; default: the only council."),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", help="table or json.")]


def _shown(value: Any, places: int = 0) -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    return f"{value:,.{places}f}"


@app.command("demand")
def demand(
    as_at: AsAtOption = None,
    months: Annotated[
        int,
        typer.Option(
            "--months",
            click_type=WholeNumber(FORECAST_MONTHS),
            help="Months to forecast ahead (1-60).",
        ),
    ] = 36,
    authority: AuthorityOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Referrals and open cases by type: the last year and each year ahead (P10, P50, P90), DfE's
    rates per 10,000 children for context, and the case-holding FTE needed against the funded
    posts and the staff in post."""
    day = parse_date(as_at, "--as-at")
    database = engine()
    context = demand_view(database, cli_principal(database, authority), as_at=day, months=months)
    if output is OutputFormat.json:
        print_json(context)
        return
    name = context["authority"]["name"]
    console.print(
        f"Demand and posts, {name}, on {context['as_at']} "
        f"(records from {context['history_from']} to {context['last_month']})"
    )
    for series in context["series"]:
        print_table(
            f"{series['label']}: {series['method']}",
            ["Period", "P10", "P50", "P90"],
            [
                [row["label"], _shown(row["p10"]), _shown(row["p50"]), _shown(row["p90"])]
                for row in series["summary"]
            ],
        )
    posts = context["posts"]
    print_table(
        "Case-holding FTE needed at the policy's targets",
        ["Post", "Funded FTE", "FTE in post", "Agency FTE"]
        + [h["label"] for h in posts["horizons"]],
        [
            [
                row["label"],
                _shown(row["funded_fte"], 1),
                _shown(row["in_post_fte"], 1),
                _shown(row["agency_fte"], 1),
                *(_shown(value, 1) for value in row["needed"]),
            ]
            for row in [*posts["rows"], posts["total"]]
        ],
    )
    rates = context["context"]
    if rates["council"]:
        print_table(
            "Rates per 10,000 children, the council's own records (years to 31 March)",
            ["Year", "Referrals", "Rate", "Open on 31 March", "Rate", "Forecast"],
            [
                [
                    str(row["year"]),
                    _shown(row["referrals"]),
                    _shown(row["referral_rate"], 1),
                    _shown(row["open_cases"]),
                    _shown(row["open_rate"], 1),
                    "yes" if row["forecast"] else "",
                ]
                for row in rates["council"]
            ],
        )
    print_table(
        f"DfE published (release {rates['release']}), per 10,000 children",
        ["Year", "Area", "Referrals", "Referral rate", "Children in need", "CIN rate"],
        [
            [
                str(row["year"]),
                row["name"],
                _shown(row["referrals"]),
                _shown(row["referral_rate"], 1),
                _shown(row["children_in_need"]),
                _shown(row["cin_rate"], 1),
            ]
            for row in rates["published"]
        ],
    )


@app.command("backtest")
def backtest(
    start: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="Forecast as if on this date YYYY-MM-DD; default: 12 months before the data date.",
        ),
    ] = None,
    months: Annotated[
        int | None,
        typer.Option(
            "--months",
            click_type=WholeNumber(FORECAST_MONTHS),
            help="Months to compare after --from; default: up to the data date.",
        ),
    ] = None,
    authority: AuthorityOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Forecast from a past date with only the records known then, and compare month by month
    with what happened: average miss, average miss in per cent, running high or low, and the
    share of months inside the P10-P90 band."""
    origin = parse_date(start, "--from")
    database = engine()
    context = backtest_view(
        database, cli_principal(database, authority), origin=origin, months=months
    )
    if output is OutputFormat.json:
        print_json(context)
        return
    print_table(
        f"Forecast made as if on {context['origin']}, compared up to {context['as_at']}",
        [
            "Series",
            "Months",
            "Average miss",
            "Average miss (%)",
            "High (+) or low (-)",
            "Inside P10-P90 (%)",
        ],
        [
            [
                row["label"],
                str(row["months"]),
                _shown(row["mae"], 1),
                _shown(row["mape"], 1),
                _shown(row["bias"], 1),
                _shown(row["coverage"], 1),
            ]
            for row in context["summary"]
        ],
    )

"""``caseload retention model`` and ``caseload retention stay``: the leaving-risk model's summary
and the stay-conversation list on a date (the same figures as the pages /retention/model and
/retention/stay); :mod:`caseload.cli.retention` registers them in its group."""

from __future__ import annotations

from typing import Annotated

import typer

from caseload.cli.context import acting_user, engine
from caseload.cli.options import parse_date
from caseload.cli.output import OutputFormat, console, print_json, print_table
from caseload.services.audit import cli_actor
from caseload.services.retention_risk import operator_model, operator_stay

AsAtOption = Annotated[
    str | None, typer.Option("--as-at", help="Date YYYY-MM-DD; default: the data date.")
]
AuthorityOption = Annotated[
    str | None,
    typer.Option("--authority", help="3-digit authority code; default: the only council."),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", help="table or json.")]


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def model(
    as_at: AsAtOption = None,
    authority: AuthorityOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Hazard ratios with 95% intervals for the four working conditions (months over caseload
    cap, sickness absence spells, changes of manager or team, team turnover), the concordance
    index and the number of people and leavers the model learnt from."""
    day = parse_date(as_at, "--as-at")
    context = operator_model(engine(), authority_code=authority, as_at=day)
    if output is OutputFormat.json:
        print_json(context)
        return
    console.print(
        f"Leaving risk of {context['authority']['name']} on {context['as_at']}: "
        f"{context['people']} people, {context['leavers']} leavers, "
        f"{context['person_months']} person-months from {context['observed_from']}.",
        highlight=False,
    )
    if not context["fitted"]:
        console.print(f"Not fitted: {context['why_not']}.", highlight=False)
        return
    print_table(
        "Hazard ratios (times as likely to leave, per step)",
        ["Working condition", "Per", "Hazard ratio", "95% from", "95% to", "Reading"],
        [
            [
                r["label"],
                r["per"],
                _number(r["hazard_ratio"]),
                _number(r["low"]),
                _number(r["high"]),
                r["words"],
            ]
            for r in context["ratios"]
        ],
    )
    console.print(f"Concordance index {context['concordance_words']}", highlight=False)
    if context["struggled"]:
        console.print(context["struggled"], highlight=False)
    console.print(context["caveat"], highlight=False)


def stay(
    as_at: AsAtOption = None,
    authority: AuthorityOption = None,
    output: FormatOption = OutputFormat.table,
    user: Annotated[
        str | None,
        typer.Option("--user", help="Who is looking, for the audit trail; default: CASELOAD_USER."),
    ] = None,
) -> None:
    """The people to offer a stay conversation on the date, most at risk first, with the
    reasons and the factors behind their risk. Named: every run is written to the audit trail
    under --user."""
    day = parse_date(as_at, "--as-at")
    actor = cli_actor(acting_user(user))
    context = operator_stay(engine(), actor, authority_code=authority, as_at=day)
    if output is OutputFormat.json:
        print_json(context)
        return
    if not context["fitted"]:
        console.print(
            f"The model is not fitted ({context['why_not']}): only the two-year point is used.",
            highlight=False,
        )
    print_table(
        f"Stay conversations on {context['as_at']} ({len(context['people'])} people)",
        ["Worker", "Team", "Service (years)", "Relative risk", "Why"],
        [
            [
                f"{p['name']} ({p['worker_id']})",
                p["team"] or "–",
                f"{p['years']:.1f}",
                f"{p['relative_risk']:.2f}",
                "; ".join(p["reasons"]),
            ]
            for p in context["people"]
        ],
    )
    console.print(context["caveat"], highlight=False)

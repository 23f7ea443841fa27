"""The leaving-risk model and the stay-conversation list, as pages, API resources and commands:
one context each for all three.

- :func:`model_view`: the Cox model's hazard ratios with 95% intervals, concordance, the number
  of people and leavers and the caveat that it is association, not cause. For roles with
  ``view_leaving_risk`` (never elected members).
- :func:`stay_view`: the people to offer a stay conversation on a day, with the reasons and the
  factors behind their risk in plain words, each linked to their record. For roles with
  ``stay_conversations`` (the service leader); every view is written to the audit trail with the
  ids of the people shown.

The model learns from the months from :func:`observed_from` to the day: the three years before
it, or from the first month the council's absence records cover when that is later (before it,
sickness spells would be missing, not absent). It is fitted once per data fingerprint and day
and kept in the council snapshot."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import polars as pl
from sqlalchemy import Engine
from typing_extensions import TypedDict

from caseload.auth.principal import Principal
from caseload.auth.roles import Permission
from caseload.domain.dates import reporting_date
from caseload.errors import NotFoundError
from caseload.exporters.tables import Cell
from caseload.retention.covariates import person_months
from caseload.retention.episodes import service_episodes
from caseload.retention.flows import approaching_two_years, team_services
from caseload.retention.risk import (
    LeavingRiskModel,
    fit_leaving_risk,
    reasons_words,
    stay_conversations,
)
from caseload.services import audit
from caseload.services.audit import Actor
from caseload.services.caseloads import (
    REPORTING_DATE_FIELD,
    CouncilData,
    council_data,
    only_council,
)
from caseload.services.table_download import TableFile, table_file
from caseload.storage import queries
from caseload.storage.engine import session_scope

YEARS_OBSERVED = 3


def observed_from(as_at: date, absences: pl.DataFrame) -> date:
    """The first month the model learns from: the month after the day three years before
    ``as_at``, or the first whole month of absence records when that is later."""
    back = date(as_at.year - YEARS_OBSERVED, as_at.month, 1)
    back = date(back.year + back.month // 12, back.month % 12 + 1, 1)
    if absences.height == 0:
        return back
    first: date = absences["start_date"].min()  # type: ignore[assignment]
    covered = (
        first if first.day == 1 else date(first.year + first.month // 12, first.month % 12 + 1, 1)
    )
    return min(max(back, covered), date(as_at.year, as_at.month, 1))


@dataclass(frozen=True)
class Fitted:
    """One council's panel and model on one day."""

    day: date
    data_date: date
    panel: pl.DataFrame
    model: LeavingRiskModel
    stay: pl.DataFrame


def fitted(council: CouncilData, as_at: date | None) -> Fitted:
    """The model for the day (default the data date), fitted once per data fingerprint and day."""
    if council.latest is None:
        raise NotFoundError(f"authority {council.authority.code} holds no dated records yet")
    day = reporting_date(as_at, council.latest, REPORTING_DATE_FIELD).as_at
    latest = council.latest

    def build() -> Fitted:
        data = council.data
        episodes = service_episodes(
            council.census.spells, council.census.workers, team_services(data.teams), day
        )
        start = observed_from(day, data.absences)
        panel = person_months(episodes, data, council.policy.policy, observed_from=start, as_at=day)
        model = fit_leaving_risk(panel, as_at=day, observed_from=start)
        stay = stay_conversations(panel, model, approaching_two_years(council.census.spells, day))
        return Fitted(day, latest, panel, model, stay)

    key = (*council.key, "leaving_risk", day)
    found: Fitted = council.snapshots.reports.get_or_build(key, build)
    return found


# --- the model --------------------------------------------------------------------------------


class RatioRow(TypedDict):
    covariate: str
    label: str
    meaning: str
    per: str
    hazard_ratio: float | None
    low: float | None
    high: float | None
    words: str


class AuthorityName(TypedDict):
    code: str
    name: str


class ModelContext(TypedDict):
    title: str
    authority: AuthorityName
    as_at: str
    data_date: str
    observed_from: str
    fitted: bool
    why_not: str | None
    people: int
    leavers: int
    person_months: int
    concordance: float | None
    concordance_words: str
    struggled: str | None
    ratios: list[RatioRow]
    caveat: str
    protected_characteristics: str


NEVER_USED = (
    "The model never uses age, sex, ethnicity, disability, religion or any other protected "
    "characteristic, and maternity or paternity leave is not counted as absence."
)


STRUGGLED = (
    "The records hold few leavers for some of these conditions, so the model found them hard to "
    "tell apart: read the ratios with care, and look at how wide their ranges are."
)


def _ratio_words(ratio: float | None, low: float | None, high: float | None) -> str:
    if ratio is None or low is None or high is None:
        return "Not estimated: everybody had the same value."
    if low <= 1.0 <= high:
        return "No clear link: the range includes 1 (no difference)."
    if ratio > 1:
        return f"Linked with leaving: {ratio:.2f} times as likely to leave, per step."
    return f"Linked with staying: {ratio:.2f} times as likely to leave, per step."


def _concordance_words(value: float | None) -> str:
    if value is None:
        return "Not measured: the model could not be fitted."
    if value < 0.55:
        quality = "little better than chance"
    elif value < 0.65:
        quality = "modest"
    elif value < 0.75:
        quality = "fair"
    else:
        quality = "good"
    return (
        f"{value:.2f}: when one person left and another stayed longer, the model gave the one "
        f"who left the higher risk {round(100 * value)} times in 100 ({quality}; 0.5 is chance, "
        "1 is perfect)."
    )


def _round(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value, places)


def model_context(council: CouncilData, found: Fitted) -> ModelContext:
    model = found.model
    return {
        "title": "Leaving risk",
        "authority": {"code": council.authority.code, "name": council.authority.name},
        "as_at": found.day.isoformat(),
        "data_date": found.data_date.isoformat(),
        "observed_from": model.observed_from.isoformat(),
        "fitted": model.fitted,
        "why_not": model.why_not,
        "people": model.people,
        "leavers": model.leavers,
        "person_months": model.person_months,
        "concordance": _round(model.concordance),
        "concordance_words": _concordance_words(model.concordance),
        "struggled": STRUGGLED if model.struggled else None,
        "ratios": [
            {
                "covariate": r.covariate.name,
                "label": r.covariate.label,
                "meaning": r.covariate.meaning,
                "per": r.covariate.per_words,
                "hazard_ratio": _round(r.ratio),
                "low": _round(r.low),
                "high": _round(r.high),
                "words": _ratio_words(r.ratio, r.low, r.high),
            }
            for r in model.ratios
        ],
        "caveat": model.caveat,
        "protected_characteristics": NEVER_USED,
    }


def _council_of(engine: Engine, principal: Principal) -> CouncilData:
    return council_data(engine, authority_id=principal.authority_id)


def model_view(engine: Engine, principal: Principal, *, as_at: date | None = None) -> ModelContext:
    """The leaving-risk model on ``as_at`` (default the data date)."""
    audit.require(engine, principal, Permission.VIEW_LEAVING_RISK, "leaving_risk")
    council = _council_of(engine, principal)
    return model_context(council, fitted(council, as_at))


# --- stay conversations -----------------------------------------------------------------------


class StayRow(TypedDict):
    worker_id: int
    name: str
    team: str | None
    href: str
    started: str
    years: float
    relative_risk: float
    reasons: list[str]


class StayContext(TypedDict):
    title: str
    authority: AuthorityName
    as_at: str
    data_date: str
    fitted: bool
    why_not: str | None
    risk_used: bool
    people: list[StayRow]
    how_chosen: list[str]
    risk_tests_note: str
    caveat: str
    protected_characteristics: str


HOW_CHOSEN = [
    "are approaching two years' service (within six months) or have between two and three "
    "years, when leaving peaks;",
    "or have a leaving risk, from the model, higher than that of at least four in five of their "
    "colleagues (the top fifth);",
    "or have a leaving risk at least one and a half times what it was six months ago, and above "
    "average.",
]
RISK_TESTS_NOTE = (
    "The two risk tests are used only when the model finds a working condition clearly linked "
    "with leaving in the council's records (its whole 95% range above 1)."
)


def stay_context(council: CouncilData, found: Fitted) -> StayContext:
    names = dict(council.data.workers.select("worker_id", "name").iter_rows())
    people: list[StayRow] = []
    for row in found.stay.iter_rows(named=True):
        worker_id = int(row["worker_id"])
        people.append(
            {
                "worker_id": worker_id,
                "name": str(names.get(worker_id) or f"Worker {worker_id}"),
                "team": row["team"],
                "href": f"/workers/{worker_id}",
                "started": row["started"].isoformat(),
                # Whole tenths, cut not rounded: 2.97 years is 2.9, still under three.
                "years": math.floor(float(row["years"]) * 10) / 10,
                "relative_risk": round(float(row["relative_risk"]), 2),
                "reasons": reasons_words(row, found.model),
            }
        )
    return {
        "title": "Stay conversations",
        "authority": {"code": council.authority.code, "name": council.authority.name},
        "as_at": found.day.isoformat(),
        "data_date": found.data_date.isoformat(),
        "fitted": found.model.fitted,
        "why_not": found.model.why_not,
        "risk_used": found.model.fitted and bool(found.model.linked),
        "people": people,
        "how_chosen": HOW_CHOSEN,
        "risk_tests_note": RISK_TESTS_NOTE,
        "caveat": found.model.caveat,
        "protected_characteristics": NEVER_USED,
    }


def _record_view(engine: Engine, who: Principal | Actor, context: StayContext) -> None:
    audit.record(
        engine,
        who,
        "view",
        "stay_conversations",
        None,
        {"as_at": context["as_at"], "worker_ids": [p["worker_id"] for p in context["people"]]},
    )


def _stay_allowed(engine: Engine, principal: Principal, action: str) -> None:
    if not principal.can(Permission.VIEW_STAY_CONVERSATIONS):
        raise audit.refuse(
            engine,
            principal,
            action,
            "stay_conversations",
            None,
            f"the {principal.role.label.lower()} role cannot see the stay-conversation list",
        )


def stay_view(engine: Engine, principal: Principal, *, as_at: date | None = None) -> StayContext:
    """The stay-conversation list on ``as_at`` (default the data date), written to the audit
    trail with the ids of everyone on it."""
    _stay_allowed(engine, principal, "view")
    council = _council_of(engine, principal)
    context = stay_context(council, fitted(council, as_at))
    _record_view(engine, principal, context)
    return context


STAY_FILE_COLUMNS = ("Name", "Worker id", "Team", "Service (years)", "Relative risk", "Why")


def stay_download(
    engine: Engine, principal: Principal, file_format: str, *, as_at: date | None = None
) -> TableFile:
    """The stay-conversation list as Excel or CSV, recorded as an export with the ids of
    everyone in it."""
    _stay_allowed(engine, principal, "export")
    council = _council_of(engine, principal)
    context = stay_context(council, fitted(council, as_at))
    rows: list[list[Cell]] = [
        [
            p["name"],
            p["worker_id"],
            p["team"],
            p["years"],
            p["relative_risk"] if context["risk_used"] else None,
            "; ".join(p["reasons"]),
        ]
        for p in context["people"]
    ]
    return table_file(
        engine,
        principal,
        what="stay_conversations",
        title="Stay conversations",
        day=date.fromisoformat(context["as_at"]),
        columns=STAY_FILE_COLUMNS,
        rows=rows,
        file_format=file_format,
        detail={
            "as_at": context["as_at"],
            "worker_ids": [p["worker_id"] for p in context["people"]],
        },
    )


# --- the command line -------------------------------------------------------------------------


def _operator_council(engine: Engine, authority_code: str | None) -> CouncilData:
    code = authority_code or only_council(engine)
    with session_scope(engine) as session:
        if not queries.authorities(session, code):
            raise NotFoundError(f"no council with the code {code} in the database")
    return council_data(engine, authority_code=code)


def operator_model(
    engine: Engine, *, authority_code: str | None, as_at: date | None
) -> ModelContext:
    """The model for the command line (the operator sees every council's figures)."""
    council = _operator_council(engine, authority_code)
    return model_context(council, fitted(council, as_at))


def operator_stay(
    engine: Engine, actor: Actor, *, authority_code: str | None, as_at: date | None
) -> StayContext:
    """The stay-conversation list for the command line, recorded under ``actor`` in the
    council's audit trail."""
    council = _operator_council(engine, authority_code)
    context = stay_context(council, fitted(council, as_at))
    _record_view(engine, audit.under(actor, council.authority.id), context)
    return context

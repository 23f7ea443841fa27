"""The overview: the council's position on one screen, as one plain dictionary that the page
renders and the API returns (so they can never disagree).

- Census indicators for every year with figures (:mod:`caseload.services.census_view`), the
  latest against England and the region with red / amber / green ratings
  (``reference/rag_thresholds.yaml``);
- caseloads today: the DfE average rated against the caseload policy's bands, and case holders by
  number of cases held (:func:`caseload.services.caseloads.caseload_report`);
- children waiting for a worker (count, longest wait) and alerts by kind. Alerts naming workers or
  children are listed only for roles allowed named records, and only in their teams.

Elected members see the caseload figures through the council's caseload grid
(:mod:`caseload.services.caseload_disclosure`): small numbers and anything that would give one
away (bands, the children waiting, alert kinds) show as ``c``, exactly as on the caseloads
pages."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

import polars as pl
from sqlalchemy import Engine
from typing_extensions import TypedDict

from caseload.auth.principal import Principal
from caseload.auth.roles import Permission
from caseload.caseloads.alerts import ALERT_LABELS, ALERT_SCHEMA
from caseload.caseloads.definitions import waiting_at_least
from caseload.census.trends import indicator_trend
from caseload.domain.disclosure import SUPPRESSED
from caseload.errors import InvalidInputError, NotFoundError
from caseload.services import audit, caseload_views, caseloads, census_view
from caseload.services.alerts_view import AlertRow, alert_rows
from caseload.services.caseload_disclosure import OPEN, Shield, council_cell
from caseload.services.census_view import (
    AuthorityInfo,
    Benchmark,
    Cell,
    Council,
    IndicatorInfo,
    census_years,
    indicator_info,
    latest_benchmark,
    reporting_day,
    yearly_rows,
    years_by,
)
from caseload.storage import view_queries
from caseload.storage.engine import session_scope

HEADLINE: tuple[str, ...] = (
    "inpost_fte",
    "inpost_headcount",
    "agency_fte",
    "agency_rate_fte",
    "vacancy_fte",
    "vacancy_rate_fte",
    "starters_headcount",
    "leavers_headcount",
    "turnover_rate_fte",
    "caseload_fte",
    "absence_rate_fte",
    "days_lost_per_fte",
)
KEY_INDICATORS: tuple[str, ...] = (
    "turnover_rate_fte",
    "agency_rate_fte",
    "vacancy_rate_fte",
    "caseload_fte",
    "absence_rate_fte",
)
NAMED_ALERTS_SHOWN = 10  # the most urgent; the alerts page has them all


class YearValue(TypedDict):
    year: int
    value: Cell


class Change(TypedDict):
    """A change with its unit (``pp`` for rates, ``%`` otherwise) and ``better``, ``worse`` or
    ``same`` from the figure's direction (null for a neutral figure)."""

    value: float | None
    unit: str
    verdict: str | None


class HeadlineIndicator(IndicatorInfo):
    trend: list[YearValue]
    latest: Cell
    change: float | None  # on the previous year, in ``change_on_previous["unit"]``
    change_on_previous: Change
    baseline_year: int | None
    change_on_baseline: Change | None
    compared: float | None
    england: float | None
    region: float | None
    rag_england: str | None
    rag_region: str | None


Count = int | str | None  # a count, or "c" where suppressed
Figure = float | str | None  # a figure, or "c" where suppressed


class Band(TypedDict):
    band: str
    workers: Count
    share: Figure


class CaseloadSummary(TypedDict):
    as_at: str
    cases: Count
    case_holders_fte: Figure
    average: Figure
    rag: str | None
    band_green: int
    band_amber: int
    case_holders: Count
    bands: list[Band]


class Unallocated(TypedDict):
    children: Count
    longest_wait_days: Count
    waiting_since: str | None
    review: Count
    escalate: Count
    review_days: int
    escalate_days: int


class AlertKind(TypedDict):
    kind: str
    label: str
    severity: str
    count: Count


class Alerts(TypedDict):
    total: Count
    red: Count
    amber: Count
    by_kind: list[AlertKind]
    named: list[AlertRow] | None
    named_total: int
    named_scope: str | None


class OverviewContext(TypedDict):
    title: str
    baseline_year: int | None
    as_at: str | None
    data_date: str | None
    authority: AuthorityInfo
    years: list[int]
    latest_year: int | None
    indicators: list[HeadlineIndicator]
    key_indicators: list[str]
    benchmark: Benchmark
    caseloads: CaseloadSummary | None
    unallocated: Unallocated | None
    alerts: Alerts | None
    caseload_message: str | None
    suppressed: bool
    suppression_note: str | None
    sees_names: bool


def overview_context(
    engine: Engine,
    principal: Principal,
    *,
    as_at: date | None = None,
    baseline_year: int | None = None,
) -> OverviewContext:
    """Everything on the overview on ``as_at`` (default the data date), for ``principal``
    (refused, and recorded, without ``VIEW_AGGREGATES``): the census years whose reference date
    has passed by then, and the caseloads, queue and alerts of that day. Each headline figure's
    change is shown on the previous year and, given ``baseline_year``, on that year too."""
    council = census_view.open_council(engine, principal, "overview")
    reporting = reporting_day(council, as_at, principal)
    years = years_by(census_years(engine, council), reporting)
    latest = max(years) if years else None
    if baseline_year is not None and (baseline_year not in years or baseline_year == latest):
        earlier = ", ".join(str(year) for year in years if year != latest) or "none yet"
        raise InvalidInputError(
            f"there are no census figures for {baseline_year} to compare {latest} with; "
            f"earlier years with figures: {earlier}"
        )
    compared = latest_benchmark(engine, council, list(years))
    hide = principal.suppress_small_numbers
    position = _position(engine, council, reporting.as_at) if reporting else None
    shield = OPEN
    if position and hide and reporting:
        scoped = caseload_views.scoped_for(engine, principal, reporting.as_at)
        shield = caseload_views.shield_of(scoped, principal)
    alerts = _alerts(position, principal, shield) if position else None
    if alerts is not None and alerts["named"]:
        # The named alerts are person-level: their view is recorded like a worker page's.
        audit.record(
            engine,
            principal,
            "view",
            "alerts",
            None,
            {"page": "overview", "alerts_shown": len(alerts["named"])},
        )
    return {
        "title": "Overview",
        "baseline_year": baseline_year,
        "as_at": reporting.as_at.isoformat() if reporting else None,
        "data_date": reporting.data_date.isoformat() if reporting else None,
        "authority": council.info(),
        "years": list(years),
        "latest_year": latest,
        "indicators": _headline(
            [row for row in yearly_rows(engine, council) if row["year"] in years],
            compared,
            baseline_year,
        ),
        "key_indicators": list(KEY_INDICATORS),
        "benchmark": compared,
        "caseloads": _caseloads(position, shield) if position else None,
        "unallocated": _unallocated(position["unallocated"], shield) if position else None,
        "alerts": alerts,
        "caseload_message": None if position else "There are no caseload figures yet.",
        "suppressed": hide,
        "suppression_note": census_view.SUPPRESSION_NOTE if hide else None,
        "sees_names": principal.sees_names,
    }


def _headline(
    rows: list[dict[str, Cell]], compared: Benchmark, baseline_year: int | None = None
) -> list[HeadlineIndicator]:
    against = {row["name"]: row for row in compared["indicators"]}
    result: list[HeadlineIndicator] = []
    for name in HEADLINE:
        info = indicator_info(name)
        trend: list[YearValue] = [
            {"year": int(str(row["year"])), "value": row.get(name)} for row in rows
        ]
        latest = trend[-1]["value"] if trend else None
        values = {point["year"]: point["value"] for point in trend}
        year = trend[-1]["year"] if trend else 0
        moved = indicator_trend(name, values, year, baseline_year)
        on_previous: Change = {
            "value": moved.on_previous.value,
            "unit": moved.on_previous.unit,
            "verdict": moved.on_previous.verdict,
        }
        on_baseline: Change | None = (
            None
            if moved.on_baseline is None
            else {
                "value": moved.on_baseline.value,
                "unit": moved.on_baseline.unit,
                "verdict": moved.on_baseline.verdict,
            }
        )
        compared_row = against.get(name)
        result.append(
            {
                **info,
                "trend": trend,
                "latest": latest,
                "change": on_previous["value"],
                "change_on_previous": on_previous,
                "baseline_year": baseline_year,
                "change_on_baseline": on_baseline,
                "compared": compared_row["council"] if compared_row else None,
                "england": compared_row["england"] if compared_row else None,
                "region": compared_row["region"] if compared_row else None,
                "rag_england": compared_row["rag_england"] if compared_row else None,
                "rag_region": compared_row["rag_region"] if compared_row else None,
            }
        )
    return result


# --- caseloads: built once per state of the data, filtered per principal ----------------------


def _position(engine: Engine, council: Council, day: date) -> dict[str, Any] | None:
    def build() -> dict[str, Any] | None:
        try:
            scope, report = caseloads.caseload_report(
                engine, authority_code=council.code, as_at=day
            )
        except NotFoundError:
            return None
        with session_scope(engine) as session:
            team_ids = view_queries.team_ids_by_name(session, council.id)
        policy = scope.policy.policy
        average = report.dfe_average.get("caseload_fte")
        queue = report.queue
        longest = queue.sort("days_waiting", descending=True).head(1)
        alerts = report.alerts.with_columns(
            pl.col("team")
            .replace_strict(team_ids, default=None, return_dtype=pl.Int64)
            .alias("team_id")
        )
        alert_rows = alerts.to_dicts()
        return {
            "as_at": scope.day.isoformat(),
            "cases": report.dfe_average.get("cases"),
            "case_holders_fte": report.dfe_average.get("case_holders_fte"),
            "case_holders": int(report.teams["case_holders"].sum()),
            "average": average,
            "rag": policy.band(average) if average is not None else None,
            "band_green": policy.band_green,
            "band_amber": policy.band_amber,
            "bands": report.distribution,
            "unallocated": {
                "children": queue.height,
                "longest_wait_days": int(longest["days_waiting"][0]) if longest.height else None,
                "waiting_since": longest["waiting_since"][0].isoformat()
                if longest.height
                else None,
                # 'Waiting N days or more' counts are cumulative: review includes escalate.
                "review": waiting_at_least(queue, policy.review_days),
                "escalate": waiting_at_least(queue, policy.escalate_days),
                "review_days": policy.review_days,
                "escalate_days": policy.escalate_days,
            },
            "alerts": alert_rows,
            "alert_summary": _alert_summary(alert_rows),
        }

    return census_view.cached(council, ("caseloads", day), build)


def _caseloads(position: dict[str, Any], shield: Shield) -> CaseloadSummary:
    bands: list[Band] = []
    for row in position["bands"]:
        band = str(row["band"])
        bands.append(
            {
                "band": band,
                "workers": cast(Count, shield.show(("band", band, "workers"), int(row["workers"]))),
                "share": cast(Figure, shield.show(("band", band, "share"), row["share"])),
            }
        )
    return {
        "as_at": position["as_at"],
        "cases": cast(Count, shield.show(("dfe", "cases"), position["cases"])),
        "case_holders_fte": cast(
            Figure, shield.show(("dfe", "case_holders_fte"), position["case_holders_fte"])
        ),
        "average": cast(Figure, shield.show(("dfe", "average"), position["average"])),
        "rag": None if shield.hides(("dfe", "average")) else position["rag"],
        "band_green": position["band_green"],
        "band_amber": position["band_amber"],
        # Case holders by DfE's rule (at least one case), as on the Caseloads page; the bands
        # count every worker in a case-holding role, those holding none included.
        "case_holders": cast(
            Count, shield.show(council_cell("case_holders"), position["case_holders"])
        ),
        "bands": bands,
    }


def _unallocated(waiting: dict[str, Any], shield: Shield) -> Unallocated:
    longest_hidden = shield.hides(("queue", "longest_wait"))
    # "Past the review age" counts the escalated children too (the queue page's "review" is those
    # past the review age but not yet the escalation age), so it is hidden when either part is.
    past_review = cast(Count, waiting["review"])
    if shield.hides(("queue", "review")) or shield.hides(("queue", "escalate")):
        past_review = SUPPRESSED
    return {
        "children": cast(Count, shield.show(council_cell("unallocated"), waiting["children"])),
        "longest_wait_days": cast(
            Count, shield.show(("queue", "longest_wait"), waiting["longest_wait_days"])
        ),
        "waiting_since": None if longest_hidden else waiting["waiting_since"],
        "review": past_review,
        "escalate": cast(Count, shield.show(("queue", "escalate"), waiting["escalate"])),
        "review_days": waiting["review_days"],
        "escalate_days": waiting["escalate_days"],
    }


def _alerts(position: dict[str, Any], principal: Principal, shield: Shield) -> Alerts:
    rows: list[dict[str, Any]] = position["alerts"]
    summary: dict[str, Any] = position["alert_summary"]
    by_kind: list[AlertKind] = [
        {
            "kind": row["kind"],
            "label": row["label"],
            "severity": row["severity"],
            "count": cast(
                Count, shield.show(("alert", row["kind"], row["severity"]), row["count"])
            ),
        }
        for row in summary["by_kind"]
    ]
    named: list[AlertRow] | None = None
    named_total = 0
    scope = None
    if principal.can(Permission.VIEW_PEOPLE):
        if principal.all_teams:
            mine = rows
        else:
            indexes = sorted(
                index
                for team_id in principal.team_ids
                for index in summary["by_team"].get(team_id, [])
            )
            mine = [rows[index] for index in indexes]
        named_total = len(mine)
        named = alert_rows(pl.DataFrame(mine[:NAMED_ALERTS_SHOWN], schema=ALERT_SCHEMA))
        scope = "every team" if principal.all_teams else "your teams"
    return {
        "total": cast(Count, shield.show(("alerts", "total"), summary["total"])),
        "red": cast(Count, shield.show(("alerts", "red"), summary["red"])),
        "amber": cast(Count, shield.show(("alerts", "amber"), summary["amber"])),
        "by_kind": by_kind,
        "named": named,
        "named_total": named_total,
        "named_scope": scope,
    }


def _alert_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts by kind and severity, and each team's alerts (positions in ``rows``, which are in
    the report's order: red first), worked out once per state of the data."""
    counts: dict[tuple[str, str], int] = {}
    by_team: dict[int, list[int]] = {}
    for index, row in enumerate(rows):
        key = (row["kind"], row["severity"])
        counts[key] = counts.get(key, 0) + 1
        if row["team_id"] is not None:
            by_team.setdefault(row["team_id"], []).append(index)
    return {
        "total": len(rows),
        "red": sum(1 for row in rows if row["severity"] == "red"),
        "amber": sum(1 for row in rows if row["severity"] == "amber"),
        "by_kind": [
            {
                "kind": kind,
                "label": ALERT_LABELS.get(kind, kind.replace("_", " ").capitalize()),
                "severity": severity,
                "count": count,
            }
            for (kind, severity), count in counts.items()
        ],
        "by_team": by_team,
    }

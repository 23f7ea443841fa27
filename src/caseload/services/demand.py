"""Demand and the posts it needs: the page /planning/demand, the API's /api/v1/forecast/demand
and /api/v1/forecast/backtest, ``caseload forecast`` and the board pack's section, all from one
context built here.

The figures are defined once in :mod:`caseload.forecasting` (monthly series, forecast, posts
needed, backtest) and :mod:`caseload.forecasting.dfe_context` (DfE's published rates); this
module reads the council's frames from the snapshot, derives the figures once per data
fingerprint, day and horizon (``Snapshots.forecasts``), and lays them out. Every role with
aggregate figures may see them; for an elected member the counts of children are suppressed
when small (1 to 4) and, per month, so that no hidden type can be worked out from the total."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import Engine

from caseload.auth.principal import Principal
from caseload.auth.roles import AccountRole, Permission
from caseload.caseloads.definitions import StaffGroup, in_post_spells
from caseload.caseloads.position import CASE_LABELS, held_on, workers_on
from caseload.domain import Role
from caseload.domain.dates import reporting_date
from caseload.domain.disclosure import SUPPRESSED, Grid, is_small
from caseload.errors import InvalidInputError
from caseload.forecasting import backtest as backtests
from caseload.forecasting import demand as model
from caseload.forecasting import dfe_context, posts
from caseload.retention.flows import establishment, team_services
from caseload.services import audit
from caseload.services.caseloads import (
    REPORTING_DATE_FIELD,
    CouncilData,
    check_audience_date,
    council_data,
    one_authority,
)
from caseload.services.generation import DEMO_SPEC
from caseload.storage import quality_queries
from caseload.storage.engine import session_scope

Shown = float | int | str | None
HORIZONS = (12, 24, 36)
MAX_MONTHS = 60
SERIES_UNITS = {model.REFERRALS: "referrals in the month"} | dict.fromkeys(
    (*CASE_LABELS, model.OPEN_CASES), "children open at the month's end"
)
METHOD = (
    "Each line is fitted to the council's own records, month by month: a straight-line trend "
    "plus the usual rise or fall of each calendar month (for example fewer referrals in August). "
    "The forecast carries both forward.",
    "The shaded band runs from P10 to P90: in 8 months out of 10 the figure should fall inside "
    "it, 1 in 10 below and 1 in 10 above. P50 is the middle line. The band comes from how far "
    "the past months strayed from the fitted line.",
    "Posts needed: the forecast open cases of each type are shared between roles as the cases "
    "are held today, then divided by each role's target caseload in the caseload policy (or its "
    "cap where it sets no target), using the policy's points where they are the tighter limit.",
)
LIMITS = (
    "A trend carried forward cannot see changes that have not happened yet: a new front door, "
    "a change in thresholds, a court backlog or a local event. Read the forecast as 'if things "
    "go on as they have'.",
    "Open cases are children with an open case on the day, whether or not they have a worker "
    "yet. Early help is not included.",
    "The posts needed are case-holding posts only: managers, advanced practitioners' mentoring "
    "time, absence and vacancies are not added on top.",
)


def _months_checked(months: int) -> int:
    if not 1 <= months <= MAX_MONTHS:
        raise InvalidInputError(f"the forecast runs 1 to {MAX_MONTHS} months ahead, not {months}")
    return months


def _referrals(engine: Engine, council: CouncilData) -> pl.DataFrame:
    """The council's referrals (child_id, referral_date), read once per data fingerprint."""

    def read() -> pl.DataFrame:
        with session_scope(engine) as session:
            frame = quality_queries.referrals_frame(session, [council.authority.id])
        return frame.select("child_id", "referral_date")

    found: pl.DataFrame = council.snapshots.forecasts.get_or_build((council.key, "referrals"), read)
    return found


def population_code(code: str) -> str:
    """The DfE code whose child population stands for the council's: its own, except the
    synthetic demo council, which borrows its neighbour model's council (docs/synthetic.md)."""
    if code == DEMO_SPEC.code and DEMO_SPEC.neighbours_like is not None:
        return DEMO_SPEC.neighbours_like
    return code


@dataclass(frozen=True)
class DemandFigures:
    """Everything the demand views show, unrounded and unsuppressed, for one day and horizon."""

    council: CouncilData
    as_at: date
    months: int
    monthly: pl.DataFrame
    forecast: model.DemandForecast
    yearly: pl.DataFrame
    open_now: pl.DataFrame  # case_type, cases on as_at
    posts: list[tuple[str, str, pl.DataFrame]]  # (key, label, posts_needed frame)
    targets: pl.DataFrame
    population: pl.DataFrame  # year, children
    population_name: str | None
    published: pl.DataFrame


def _staff(council: CouncilData, day: date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Funded FTE (role, funded_fte) and FTE in post (role, fte, agency_fte) on ``day``."""
    data = council.census
    funded = establishment(data.posts, team_services(council.data.teams), [day], by=("role",))
    own = (
        in_post_spells(data.spells, day, StaffGroup.SOCIAL_WORKERS)
        .group_by("role")
        .agg(pl.col("fte").fill_null(0.0).sum().alias("fte"))
    )
    agency = (
        in_post_spells(data.spells, day, StaffGroup.AGENCY_SOCIAL_WORKERS)
        .group_by("role")
        .agg(pl.col("fte").fill_null(0.0).sum().alias("agency_fte"))
    )
    roles = pl.DataFrame({"role": list(posts.POST_ROLES)})
    return (
        funded.select("role", "funded_fte"),
        roles.join(own, on="role", how="left").join(agency, on="role", how="left"),
    )


def demand_figures(engine: Engine, council: CouncilData, as_at: date, months: int) -> DemandFigures:
    """The figures for ``as_at`` and ``months`` ahead, built once per data fingerprint."""

    def build() -> DemandFigures:
        referrals = _referrals(engine, council)
        statuses = council.data.statuses
        monthly = model.monthly_demand(referrals, statuses, as_at=as_at)
        forecast = model.forecast_demand(monthly, months=months)
        policy = council.policy.policy
        held = held_on(council.data, as_at, policy)
        mix = posts.case_mix(held, workers_on(council.data, as_at, policy))
        funded, in_post = _staff(council, as_at)
        now = model.open_cases_on(statuses, as_at)
        chosen: list[tuple[str, str, pl.DataFrame]] = [
            ("now", f"Now ({as_at.strftime('%-d %b %Y')})", now)
        ]
        by_type = forecast.forecast.filter(pl.col("series").is_in(model.CASE_PRECEDENCE))
        if by_type.height:
            last = forecast.history["month"].max()
            assert isinstance(last, date)
            for ahead in [h for h in HORIZONS if h <= months]:
                month = model.add_months(last, ahead)
                rows = by_type.filter(pl.col("month") == month)
                label = f"In {ahead} months ({month.strftime('%b %Y')})"
                chosen.append(
                    (
                        f"p50_{ahead}",
                        label,
                        rows.select(
                            pl.col("series").alias("case_type"), pl.col("p50").alias("cases")
                        ),
                    )
                )
            far = max([h for h in HORIZONS if h <= months], default=months)
            month = model.add_months(last, far)
            total = forecast.forecast.filter(
                (pl.col("series") == model.OPEN_CASES) & (pl.col("month") == month)
            )
            high = (
                float(total["p90"][0]) / float(total["p50"][0])
                if total.height and float(total["p50"][0]) > 0
                else 1.0
            )
            rows = by_type.filter(pl.col("month") == month)
            chosen.append(
                (
                    f"p90_{far}",
                    f"In {far} months if demand runs high (P90)",
                    rows.select(
                        pl.col("series").alias("case_type"), (pl.col("p50") * high).alias("cases")
                    ),
                )
            )
        needed = [
            (key, label, posts.posts_needed(cases, mix, policy, funded, in_post))
            for key, label, cases in chosen
        ]
        code = population_code(council.authority.code)
        population = dfe_context.child_population(code)
        names = dfe_context.shipped_population().filter(
            (pl.col("geographic_level") == "Local authority") & (pl.col("la_code") == code)
        )
        return DemandFigures(
            council=council,
            as_at=as_at,
            months=months,
            monthly=monthly,
            forecast=forecast,
            yearly=model.yearly_to_march(forecast.history, forecast.forecast),
            open_now=now,
            posts=needed,
            targets=posts.targets(policy),
            population=population,
            population_name=str(names["la_name"][0]) if names.height else None,
            published=dfe_context.published_rates(
                code if names.height else None, council.authority.region
            ),
        )

    key: tuple[Hashable, ...] = (council.key, "demand", as_at, months)
    found: DemandFigures = council.snapshots.forecasts.get_or_build(key, build)
    return found


# --- the context -----------------------------------------------------------------------------


def _whole(value: float | None) -> int | None:
    return None if value is None else round(value)


def _one(value: float | None) -> float | None:
    return None if value is None else round(value + 0.0, 1)


def _shown_count(value: float | None, suppress: bool) -> Shown:
    whole = _whole(value)
    if suppress and is_small(whole):
        return SUPPRESSED
    return whole


def _month(day: date) -> str:
    return day.strftime("%Y-%m")


def _history_hidden(monthly: pl.DataFrame) -> set[tuple[str, date]]:
    """The (series, month) cells an elected member may not see: small counts, and per month
    enough other types that none can be worked out from the total of open cases."""
    grid: Grid[tuple[str, date]] = Grid()
    for row in monthly.iter_rows(named=True):
        grid.count((row["series"], row["month"]), int(row["value"]))
    for month in monthly["month"].unique().sort().to_list():
        grid.add_sum((model.OPEN_CASES, month), [(case, month) for case in model.CASE_PRECEDENCE])
    return set(grid.protect().hidden)


def _series(figures: DemandFigures, suppress: bool) -> list[dict[str, Any]]:
    hidden = _history_hidden(figures.monthly) if suppress else set()
    out: list[dict[str, Any]] = []
    history = figures.forecast.history
    forecast = figures.forecast.forecast
    for name in model.SERIES:
        past = history.filter(pl.col("series") == name).sort("month")
        ahead = forecast.filter(pl.col("series") == name).sort("month")
        fit = figures.forecast.fit(name)
        any_hidden = any((name, m) in hidden for m in past["month"].to_list())
        points = [
            {
                "month": _month(row["month"]),
                "actual": SUPPRESSED if (name, row["month"]) in hidden else _whole(row["actual"]),
            }
            for row in past.iter_rows(named=True)
        ]
        future = [
            {
                "month": _month(row["month"]),
                "p10": _shown_count(row["p10"], suppress),
                "p50": _shown_count(row["p50"], suppress),
                "p90": _shown_count(row["p90"], suppress),
            }
            for row in ahead.iter_rows(named=True)
        ]
        out.append(
            {
                "key": name,
                "label": model.SERIES_LABELS[name],
                "unit": SERIES_UNITS[name],
                "method": _method_words(fit),
                "months_used": fit.months_used if fit else past.height,
                "change_per_year": _one(fit.slope_per_year) if fit and not any_hidden else None,
                "history": points,
                "forecast": future,
                "summary": _summary(name, past, ahead, suppress, any_hidden),
                "hidden": any_hidden,
            }
        )
    return out


def _method_words(fit: model.SeriesFit | None) -> str:
    if fit is None:
        return f"Not forecast: fewer than {model.MINIMUM_MONTHS} months of complete records."
    if fit.method == "trend and season":
        return f"Trend and monthly pattern, fitted to {fit.months_used} months."
    return (
        f"Trend only, fitted to {fit.months_used} months: a monthly pattern needs "
        f"{model.SEASONAL_MONTHS} months of records."
    )


def _summary(
    name: str, past: pl.DataFrame, ahead: pl.DataFrame, suppress: bool, hidden: bool
) -> list[dict[str, Any]]:
    """The numbers beside the chart: the last year as it was, then each year ahead. Referrals
    are the year's total; open cases the figure at the year's last month."""
    rows: list[dict[str, Any]] = []
    if past.height == 0:
        return rows
    stock = name != model.REFERRALS
    last = past.tail(12)
    actual = float(last["actual"][-1]) if stock else float(last["actual"].sum())
    label_last = (
        f"{past['month'][-1].strftime('%b %Y')} (actual)"
        if stock
        else f"12 months to {past['month'][-1].strftime('%b %Y')} (actual)"
    )
    if last.height == 12 or stock:
        value: Shown = SUPPRESSED if hidden else _shown_count(actual, suppress)
        rows.append({"label": label_last, "p10": None, "p50": value, "p90": None, "actual": True})
    for year in range(ahead.height // 12):
        block = ahead.slice(year * 12, 12)
        end = block["month"][-1].strftime("%b %Y")
        if stock:
            p10, p50, p90 = (float(block[c][-1]) for c in ("p10", "p50", "p90"))
            label = f"{end}"
        else:
            p10, p50, p90 = (float(block[c].sum()) for c in ("p10", "p50", "p90"))
            label = f"12 months to {end}"
        rows.append(
            {
                "label": label,
                "p10": _shown_count(p10, suppress),
                "p50": _shown_count(p50, suppress),
                "p90": _shown_count(p90, suppress),
                "actual": False,
            }
        )
    return rows


def _context_rates(figures: DemandFigures, suppress: bool) -> dict[str, Any]:
    own = figures.yearly.join(figures.population, on="year", how="left").with_columns(
        dfe_context.rate(pl.col("referrals"), pl.col("children")).alias("referral_rate"),
        dfe_context.rate(pl.col("open_cases"), pl.col("children")).alias("open_rate"),
    )
    council_rows = [
        {
            "year": int(row["year"]),
            "referrals": _shown_count(row["referrals"], suppress),
            "referral_rate": row["referral_rate"],
            "open_cases": _shown_count(row["open_cases"], suppress),
            "open_rate": row["open_rate"],
            "forecast": bool(row["forecast"]),
        }
        for row in own.iter_rows(named=True)
    ]
    published = [
        {
            "year": int(row["year"]),
            "area": row["area"],
            "name": row["name"],
            "referrals": row["referrals"],
            "referral_rate": row["referral_rate"],
            "children_in_need": row["children_in_need"],
            "cin_rate": row["cin_rate"],
        }
        for row in figures.published.iter_rows(named=True)
    ]
    areas = list(dict.fromkeys(row["name"] for row in published))
    by_year: dict[int, dict[str, dict[str, Any]]] = {}
    for row in published:
        by_year.setdefault(row["year"], {})[row["name"]] = row
    published_by_year = [
        {
            "year": year,
            "referral_rates": [by_year[year].get(a, {}).get("referral_rate") for a in areas],
            "cin_rates": [by_year[year].get(a, {}).get("cin_rate") for a in areas],
        }
        for year in sorted(by_year)
    ]
    return {
        "population_of": figures.population_name,
        "council": council_rows,
        "published": published,
        "published_areas": areas,
        "published_by_year": published_by_year,
        "release": dfe_context.CONTEXT_RELEASE,
        "note": (
            "Rates are per 10,000 children aged 0 to 17. DfE counts referrals in the year to 31 "
            "March and children in need on 31 March (every open episode: child in need, child "
            "protection, looked after and care leavers among them); the council's own lines "
            "count referrals received and children with an open case on 31 March, the nearest "
            "match in its records."
        ),
    }


def _posts(figures: DemandFigures, suppress: bool) -> dict[str, Any]:
    horizons = [{"key": key, "label": label} for key, label, _ in figures.posts]
    # The last gap is at the furthest middle (P50) forecast, not the high one.
    middle = len(horizons) - 2 if len(horizons) > 2 else len(horizons) - 1
    first = figures.posts[0][2]
    rows: list[dict[str, Any]] = []
    for index, post in enumerate(first["post"].to_list()):
        base = first.row(index, named=True)
        needed: list[Shown] = []
        cases: list[Shown] = []
        for _, _, frame in figures.posts:
            row = frame.row(index, named=True)
            count = _shown_count(row["cases"], suppress)
            cases.append(count)
            needed.append(SUPPRESSED if count == SUPPRESSED else _one(row["fte_needed"]))
        rows.append(
            {
                "post": post,
                "label": base["label"],
                "funded_fte": _one(base["funded_fte"]),
                "in_post_fte": _one(base["in_post_fte"]),
                "agency_fte": _one(base["agency_fte"]),
                "cases": cases,
                "needed": needed,
                "gap_now": _gap(needed[0], base["funded_fte"]),
                "gap_last": _gap(needed[middle], base["funded_fte"]),
            }
        )
    totals = [frame.select(pl.col("fte_needed").sum()).item() for _, _, frame in figures.posts]
    total_cases = [frame.select(pl.col("cases").sum()).item() for _, _, frame in figures.posts]
    funded = float(first["funded_fte"].sum())
    needed_total: list[Shown] = [_one(t) for t in totals]
    total = {
        "label": "All case-holding posts",
        "funded_fte": _one(funded),
        "in_post_fte": _one(float(first["in_post_fte"].sum())),
        "agency_fte": _one(float(first["agency_fte"].sum())),
        "cases": [_shown_count(c, suppress) for c in total_cases],
        "needed": needed_total,
        "gap_now": _gap(needed_total[0], funded),
        "gap_last": _gap(needed_total[middle], funded),
    }
    targets = [
        {
            "role": row["role"],
            "label": _role_label(row["role"]),
            "target_cases": _one(row["target_cases"]),
            "target_points": _one(row["target_points"]),
        }
        for row in figures.targets.iter_rows(named=True)
    ]
    return {
        "horizons": horizons,
        "gap_label": horizons[middle]["label"],
        "rows": rows,
        "total": total,
        "targets": targets,
        "policy": figures.council.policy.source,
    }


def _role_label(role: str) -> str:
    return Role(role).label


def _gap(needed: Shown, funded: float | None) -> Shown:
    if isinstance(needed, str) or needed is None or funded is None:
        return needed if isinstance(needed, str) else None
    return round(needed - round(funded, 1), 1)


def _caution(forecast: model.DemandForecast) -> str | None:
    """A warning in plain words when the records are too short for a monthly pattern."""
    used = max((fit.months_used for fit in forecast.fits), default=0)
    if not forecast.fits or used >= model.SEASONAL_MONTHS:
        return None
    return (
        f"Only {used} months of complete records: too few to see the usual pattern of the "
        "year, and a trend over so short a time can run far off. Treat the years ahead as a "
        "rough guide until two full years of records are loaded."
    )


def _span(history: pl.DataFrame) -> str | None:
    first, last = history["month"].min(), history["month"].max()
    if not isinstance(first, date) or not isinstance(last, date):
        return None
    return f"{first.strftime('%B %Y')} to {last.strftime('%B %Y')}"


def demand_view(
    engine: Engine,
    principal: Principal,
    *,
    as_at: date | None = None,
    months: int = model.DEFAULT_MONTHS,
    with_backtest: bool = True,
) -> dict[str, Any]:
    """The demand forecast, context rates and posts needed on ``as_at`` (default the data date)
    for ``months`` ahead, as ``principal`` may see them."""
    audit.require(engine, principal, Permission.VIEW_AGGREGATES, "demand forecast")
    months = _months_checked(months)
    council = council_data(engine, authority_id=principal.authority_id)
    if council.latest is None:
        raise InvalidInputError(
            f"authority {council.authority.code} holds no dated records yet; load its data first"
        )
    day = reporting_date(as_at, council.latest, REPORTING_DATE_FIELD).as_at
    check_audience_date(principal, day, council.latest)
    suppress = principal.suppress_small_numbers
    figures = demand_figures(engine, council, day, months)
    history = figures.forecast.history
    enough = bool(figures.forecast.fits)
    context: dict[str, Any] = {
        "title": "Demand and posts",
        "authority": {"code": council.authority.code, "name": council.authority.name},
        "as_at": day.isoformat(),
        "data_date": council.latest.isoformat(),
        "months": months,
        "suppressed": suppress,
        "history_from": _month(history["month"].min()) if history.height else None,  # type: ignore[arg-type]
        "last_month": _month(history["month"].max()) if history.height else None,  # type: ignore[arg-type]
        "records_span": _span(history),
        "enough_history": enough,
        "caution": _caution(figures.forecast),
        "series": _series(figures, suppress),
        "context": _context_rates(figures, suppress),
        "posts": _posts(figures, suppress),
        "method": list(METHOD),
        "limits": list(LIMITS),
        "backtest": None,
    }
    if with_backtest and enough:
        try:
            context["backtest"] = backtest_view(engine, principal, as_at=day)
        except InvalidInputError:
            context["backtest"] = None
    return context


# --- the backtest ----------------------------------------------------------------------------


def backtest_view(
    engine: Engine,
    principal: Principal,
    *,
    origin: date | None = None,
    months: int | None = None,
    as_at: date | None = None,
) -> dict[str, Any]:
    """Forecast from ``origin`` (default 12 months before the reporting date) with the records
    known then, compared with the ``months`` that followed (default: up to the reporting date)."""
    audit.require(engine, principal, Permission.VIEW_AGGREGATES, "demand backtest")
    council = council_data(engine, authority_id=principal.authority_id)
    if council.latest is None:
        raise InvalidInputError(
            f"authority {council.authority.code} holds no dated records yet; load its data first"
        )
    day = reporting_date(as_at, council.latest, REPORTING_DATE_FIELD).as_at
    check_audience_date(principal, day, council.latest)
    if months is not None and not 1 <= months <= MAX_MONTHS:
        raise InvalidInputError(f"--months must be 1 to {MAX_MONTHS}, not {months}")
    start = origin or model.month_end(
        model.add_months(model.month_start(day), -backtests.DEFAULT_BACK_MONTHS)
    )
    if origin is None and model.month_end(model.month_start(day)) != day:
        start = model.month_end(
            model.add_months(model.last_complete_month(day), -backtests.DEFAULT_BACK_MONTHS)
        )
    if start >= day:
        raise InvalidInputError(
            f"the backtest must start before {day.isoformat()}, not on {start.isoformat()}"
        )
    end = day
    if months is not None:
        end = min(day, model.month_end(model.add_months(model.last_complete_month(start), months)))
    suppress = principal.suppress_small_numbers

    def build() -> backtests.Backtest:
        return backtests.backtest(
            _referrals(engine, council), council.data.statuses, origin=start, as_at=end
        )

    try:
        result: backtests.Backtest = council.snapshots.forecasts.get_or_build(
            (council.key, "backtest", start, end), build
        )
    except ValueError as exc:
        raise InvalidInputError(f"no backtest from {start.isoformat()}: {exc}") from None
    hidden_series = set()
    comparison: list[dict[str, Any]] = []
    for row in result.comparison.iter_rows(named=True):
        actual = _shown_count(row["actual"], suppress)
        if actual == SUPPRESSED:
            hidden_series.add(row["series"])
        comparison.append(
            {
                "series": row["series"],
                "month": _month(row["month"]),
                "actual": actual,
                "p10": _shown_count(row["p10"], suppress),
                "p50": _shown_count(row["p50"], suppress),
                "p90": _shown_count(row["p90"], suppress),
                "inside": None if actual == SUPPRESSED else bool(row["inside"]),
            }
        )
    summary = []
    for row in result.summary.iter_rows(named=True):
        hide = row["series"] in hidden_series
        summary.append(
            {
                "series": row["series"],
                "label": model.SERIES_LABELS[row["series"]],
                "months": row["months"],
                "mae": SUPPRESSED if hide else _one(row["mae"]),
                "mape": SUPPRESSED if hide else _one(row["mape"]),
                "bias": SUPPRESSED if hide else _one(row["bias"]),
                "coverage": SUPPRESSED if hide else _one(row["coverage"]),
            }
        )
    return {
        "title": "How well the forecast did",
        "authority": {"code": council.authority.code, "name": council.authority.name},
        "origin": start.isoformat(),
        "as_at": end.isoformat(),
        "data_date": council.latest.isoformat(),
        "suppressed": suppress,
        "summary": summary,
        "comparison": comparison,
        "explanation": (
            f"The forecast was made again as if on {start.strftime('%-d %B %Y')}, with only the "
            "records known then, and set against what happened month by month. Average miss is "
            "the mean absolute error; average miss (%) the mean absolute percentage error; "
            "inside the band the share of months whose actual fell between P10 and P90 (about "
            "80% when the band is honest); running high or low the mean of forecast minus actual."
        ),
    }


def cli_principal(engine: Engine, authority_code: str | None) -> Principal:
    """Who the command line reads the forecast as: the council's service leader (every figure
    in full), for the council named or the database's only one."""
    with session_scope(engine) as session:
        authority = one_authority(session, authority_code)
        authority_id = authority.id
    return Principal(
        user_id=0,
        username="cli",
        display_name="command line",
        role=AccountRole.LEADER,
        authority_id=authority_id,
        source="cli",
    )

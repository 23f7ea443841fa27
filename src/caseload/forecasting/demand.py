"""Demand: referrals and open cases by type, month by month, and their forecast.

- :func:`monthly_demand`: from the council's own records up to ``as_at``, for each complete
  calendar month, the referrals received in the month and the children open on its last day by
  case type (assessment, child in need, child protection, looked after, care leaver; a child with
  several statuses counts once, under :data:`caseload.caseloads.position.CASE_PRECEDENCE`) and in
  all. Open cases are children with an open status, allocated or waiting: the demand, not the
  work already held.
- :func:`history_start`: the first month of complete records. An extract or simulation holds
  the children still open when its records begin, but not those who came and went before, so
  its first months look thin and would read as a steep rise.
- :func:`forecast_demand`: for each series, a least-squares fit on the level scale of a straight
  line plus a usual amount for each calendar month (the month effects sum to zero):
  ``y = a + b t + s[month]``. With under :data:`SEASONAL_MONTHS` months of history the months
  cannot be told from noise and the fit is the line alone. The forecast (P50) is the fitted line
  and month carried forward, never below zero; P10 and P90 come from the spread of the residuals
  and the uncertainty of the fitted line, widened for month-to-month persistence in the
  residuals (see :func:`_interval_scale`).

Frames in, frames out; nothing here reads the clock or the database."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from caseload.caseloads.position import CASE_LABELS
from caseload.caseloads.position import CASE_PRECEDENCE as CASE_PRECEDENCE

REFERRALS = "referrals"
OPEN_CASES = "open_cases"
SERIES = (REFERRALS, "assessment", "cin", "cp", "cla", "care_leaver", OPEN_CASES)
SERIES_LABELS = {
    REFERRALS: "Referrals in the month",
    **{case: f"Open cases: {label}" for case, label in CASE_LABELS.items()},
    OPEN_CASES: "Open cases: all types",
}
DEFAULT_MONTHS = 36
SEASONAL_MONTHS = 24
"""History needed to estimate a usual amount for each calendar month (two of each)."""
MINIMUM_MONTHS = 6
"""History needed for any forecast."""
HISTORY_MONTHS = 60
"""At most the last five years are fitted: an older trend says little about the next three."""
Z90 = 1.2815515655446004
"""The standard normal's 90th percentile: P10 and P90 are P50 -/+ Z90 standard errors."""
COMPLETE_SHARE = 0.5
"""A month is complete once its referrals reach half the median month of the last year."""


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(first: date) -> date:
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def add_months(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def last_complete_month(as_at: date) -> date:
    """The first day of the last calendar month that has ended on ``as_at``."""
    if month_end(month_start(as_at)) == as_at:
        return month_start(as_at)
    return add_months(month_start(as_at), -1)


def _months(first: date, last: date) -> list[date]:
    months: list[date] = []
    current = first
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


def monthly_demand(
    referrals: pl.DataFrame,
    statuses: pl.DataFrame,
    *,
    as_at: date,
    history_from: date | None = None,
) -> pl.DataFrame:
    """Referrals received and children open at the end of each complete month up to ``as_at``.

    ``referrals``: child_id, referral_date; ``statuses``: child_id, status (a case type),
    start_date, end_date (inclusive, null while open). The months run from ``history_from``
    (default :func:`history_start`) to :func:`last_complete_month`, at most
    :data:`HISTORY_MONTHS` of them. Columns: month (its first day), series (:data:`SERIES`),
    value (float)."""
    last = last_complete_month(as_at)
    counted = (
        referrals.filter(pl.col("referral_date") <= month_end(last))
        .group_by(pl.col("referral_date").dt.truncate("1mo").alias("month"))
        .agg(pl.len().cast(pl.Float64).alias("value"))
    )
    first = history_from if history_from is not None else history_start(counted, last)
    first = max(month_start(first), add_months(last, -(HISTORY_MONTHS - 1)))
    months = _months(first, last)
    calendar = pl.DataFrame(
        {"month": months, "day": [month_end(m) for m in months]},
        schema={"month": pl.Date, "day": pl.Date},
    )
    rank = {case: index for index, case in enumerate(CASE_PRECEDENCE)}
    open_children = (
        statuses.filter(
            pl.col("status").is_in(CASE_PRECEDENCE)
            & (pl.col("start_date") <= month_end(last))
            & (pl.col("end_date").is_null() | (pl.col("end_date") >= month_end(first)))
        )
        .join(calendar, how="cross")
        .filter(
            (pl.col("start_date") <= pl.col("day"))
            & (pl.col("end_date").is_null() | (pl.col("end_date") >= pl.col("day")))
        )
        .with_columns(pl.col("status").replace_strict(rank, return_dtype=pl.Int64).alias("_rank"))
        .group_by("month", "child_id")
        .agg(pl.col("_rank").min())
        .with_columns(
            pl.col("_rank")
            .replace_strict(dict(enumerate(CASE_PRECEDENCE)), return_dtype=pl.Utf8)
            .alias("series")
        )
        .group_by("month", "series")
        .agg(pl.len().cast(pl.Float64).alias("value"))
    )
    by_type = calendar.select("month").join(
        pl.DataFrame({"series": list(CASE_PRECEDENCE)}), how="cross"
    )
    open_cases = by_type.join(open_children, on=["month", "series"], how="left").with_columns(
        pl.col("value").fill_null(0.0)
    )
    total = (
        open_cases.group_by("month")
        .agg(pl.col("value").sum())
        .select("month", pl.lit(OPEN_CASES).alias("series"), "value")
    )
    received = (
        calendar.select("month")
        .join(counted, on="month", how="left")
        .select("month", pl.lit(REFERRALS).alias("series"), pl.col("value").fill_null(0.0))
    )
    order = {name: index for index, name in enumerate(SERIES)}
    return (
        pl.concat([received, open_cases.select("month", "series", "value"), total])
        .with_columns(pl.col("series").replace_strict(order, return_dtype=pl.Int64).alias("_o"))
        .sort("_o", "month")
        .drop("_o")
    )


def open_cases_on(statuses: pl.DataFrame, day: date) -> pl.DataFrame:
    """case_type, cases: children open on ``day`` by case type, each child once under
    :data:`CASE_PRECEDENCE` (as the monthly series count them); every type has a row."""
    rank = {case: index for index, case in enumerate(CASE_PRECEDENCE)}
    counted = (
        statuses.filter(
            pl.col("status").is_in(CASE_PRECEDENCE)
            & (pl.col("start_date") <= day)
            & (pl.col("end_date").is_null() | (pl.col("end_date") >= day))
        )
        .with_columns(pl.col("status").replace_strict(rank, return_dtype=pl.Int64).alias("_r"))
        .group_by("child_id")
        .agg(pl.col("_r").min())
        .group_by("_r")
        .agg(pl.len().cast(pl.Float64).alias("cases"))
    )
    grid = pl.DataFrame(
        {"case_type": list(CASE_PRECEDENCE), "_r": list(range(len(CASE_PRECEDENCE)))},
        schema={"case_type": pl.Utf8, "_r": pl.Int64},
    )
    return grid.join(counted, on="_r", how="left").select(
        "case_type", pl.col("cases").fill_null(0.0)
    )


def history_start(monthly_referrals: pl.DataFrame, last: date) -> date:
    """The first month from which every month up to ``last`` has at least half the referrals of
    the median month in the year to ``last`` (``monthly_referrals``: month, value). The earlier
    months hold only the children still open when the records begin."""
    recent = monthly_referrals.filter(
        (pl.col("month") > add_months(last, -12)) & (pl.col("month") <= last)
    )
    if recent.is_empty():
        return last
    threshold = COMPLETE_SHARE * float(recent["value"].median())  # type: ignore[arg-type]
    earliest = monthly_referrals["month"].min()
    first = min(earliest, last) if isinstance(earliest, date) else last
    full = pl.DataFrame({"month": _months(first, last)}, schema={"month": pl.Date}).join(
        monthly_referrals, on="month", how="left"
    )
    thin = full.filter(pl.col("value").fill_null(0.0) < threshold)
    if thin.is_empty():
        return first
    latest_thin = thin["month"].max()
    assert isinstance(latest_thin, date)
    return add_months(latest_thin, 1)


@dataclass(frozen=True)
class SeriesFit:
    """One series' fitted model: ``method`` is ``trend and season``, ``trend`` or ``too short``."""

    series: str
    method: str
    months_used: int
    level: float  # the fitted line at the last month of history
    slope_per_year: float
    season: tuple[float, ...]  # January..December effects (zeros without season)
    residual_sd: float
    persistence: float  # lag-1 autocorrelation of the residuals, clipped to 0..0.9


@dataclass(frozen=True)
class DemandForecast:
    """History and forecast of every series.

    - ``history``: month, series, actual, fitted;
    - ``forecast``: month, series, p10, p50, p90 (the months after the history);
    - ``fits``: one :class:`SeriesFit` per series that has one."""

    history: pl.DataFrame
    forecast: pl.DataFrame
    fits: tuple[SeriesFit, ...]

    def fit(self, series: str) -> SeriesFit | None:
        return next((f for f in self.fits if f.series == series), None)


def _design(t: np.ndarray, month_of_year: np.ndarray, seasonal: bool) -> np.ndarray:
    """Columns: 1, t and (seasonal) eleven contrasts month - December, so the twelve month
    effects sum to zero."""
    columns = [np.ones_like(t, dtype=float), t.astype(float)]
    if seasonal:
        for month in range(1, 12):
            columns.append((month_of_year == month).astype(float) - (month_of_year == 12))
    return np.column_stack(columns)


def _interval_scale(residuals: np.ndarray) -> tuple[float, float]:
    """The lag-1 autocorrelation of the residuals (clipped to 0..0.9) and the factor
    (1 + rho) / (1 - rho) that widens the fitted line's uncertainty for it: neighbouring months
    that move together carry less information than independent ones."""
    if residuals.size < 3 or float(np.std(residuals)) == 0.0:
        return 0.0, 1.0
    centred = residuals - residuals.mean()
    rho = float(np.sum(centred[1:] * centred[:-1]) / np.sum(centred * centred))
    rho = min(max(rho, 0.0), 0.9)
    return rho, (1.0 + rho) / (1.0 - rho)


def fit_series(
    months: list[date], values: list[float], horizon: int, series: str = ""
) -> tuple[SeriesFit, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Fit one series and forecast ``horizon`` months: the fit, the fitted history, and the P10,
    P50 and P90 of the months ahead (never below zero). Raises ``ValueError`` with fewer than
    :data:`MINIMUM_MONTHS` months."""
    n = len(values)
    if n < MINIMUM_MONTHS:
        raise ValueError(f"{n} months of history; at least {MINIMUM_MONTHS} are needed")
    seasonal = n >= SEASONAL_MONTHS
    t = np.arange(n, dtype=float)
    moy = np.array([m.month for m in months])
    x = _design(t, moy, seasonal)
    y = np.asarray(values, dtype=float)
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    fitted = x @ beta
    residuals = y - fitted
    dof = max(n - x.shape[1], 1)
    sd = math.sqrt(float(residuals @ residuals) / dof)
    rho, widen = _interval_scale(residuals)
    future = [add_months(months[-1], h) for h in range(1, horizon + 1)]
    xf = _design(
        np.arange(n, n + horizon, dtype=float), np.array([m.month for m in future]), seasonal
    )
    p50 = xf @ beta
    inverse = np.linalg.pinv(x.T @ x)
    leverage = np.einsum("ij,jk,ik->i", xf, inverse, xf)
    se = sd * np.sqrt(1.0 + widen * leverage)
    season = [0.0] * 12
    if seasonal:
        effects = list(beta[2:])
        season = [*effects, -sum(effects)]
    fit = SeriesFit(
        series=series,
        method="trend and season" if seasonal else "trend",
        months_used=n,
        level=float(beta[0] + beta[1] * (n - 1)),
        slope_per_year=float(beta[1] * 12),
        season=tuple(float(s) for s in season),
        residual_sd=sd,
        persistence=rho,
    )
    low = np.maximum(p50 - Z90 * se, 0.0)
    high = np.maximum(p50 + Z90 * se, 0.0)
    return fit, fitted, low, np.maximum(p50, 0.0), high


def forecast_demand(monthly: pl.DataFrame, *, months: int = DEFAULT_MONTHS) -> DemandForecast:
    """Each series of :func:`monthly_demand` fitted and carried ``months`` months ahead. A series
    with under :data:`MINIMUM_MONTHS` months of history has a history and no forecast."""
    if not 1 <= months <= 120:
        raise ValueError(f"a forecast runs 1 to 120 months ahead, not {months}")
    histories: list[pl.DataFrame] = []
    forecasts: list[pl.DataFrame] = []
    fits: list[SeriesFit] = []
    for name in SERIES:
        rows = monthly.filter(pl.col("series") == name).sort("month")
        if rows.is_empty():
            continue
        stamps: list[date] = rows["month"].to_list()
        values: list[float] = rows["value"].to_list()
        try:
            fit, fitted, low, mid, high = fit_series(stamps, values, months, name)
        except ValueError:
            histories.append(
                rows.select("month", "series", pl.col("value").alias("actual")).with_columns(
                    pl.lit(None, dtype=pl.Float64).alias("fitted")
                )
            )
            continue
        fits.append(fit)
        histories.append(
            pl.DataFrame(
                {"month": stamps, "series": name, "actual": values, "fitted": fitted.tolist()},
                schema={
                    "month": pl.Date,
                    "series": pl.Utf8,
                    "actual": pl.Float64,
                    "fitted": pl.Float64,
                },
            )
        )
        ahead = [add_months(stamps[-1], h) for h in range(1, months + 1)]
        forecasts.append(
            pl.DataFrame(
                {
                    "month": ahead,
                    "series": name,
                    "p10": low.tolist(),
                    "p50": mid.tolist(),
                    "p90": high.tolist(),
                },
                schema={
                    "month": pl.Date,
                    "series": pl.Utf8,
                    "p10": pl.Float64,
                    "p50": pl.Float64,
                    "p90": pl.Float64,
                },
            )
        )
    history_schema = {
        "month": pl.Date,
        "series": pl.Utf8,
        "actual": pl.Float64,
        "fitted": pl.Float64,
    }
    forecast_schema = {
        "month": pl.Date,
        "series": pl.Utf8,
        "p10": pl.Float64,
        "p50": pl.Float64,
        "p90": pl.Float64,
    }
    return DemandForecast(
        history=pl.concat(histories) if histories else pl.DataFrame(schema=history_schema),
        forecast=pl.concat(forecasts) if forecasts else pl.DataFrame(schema=forecast_schema),
        fits=tuple(fits),
    )


def yearly_to_march(history: pl.DataFrame, forecast: pl.DataFrame) -> pl.DataFrame:
    """The figures DfE publishes, from the council's own history and forecast, by year to 31
    March (``year`` 2027 is April 2026 to March 2027): referrals in the year (the sum of its
    months; P10 and P90 summed too, which overstates the spread of a year's total a little) and
    open cases on 31 March. Only whole years: every month of the year is in the history or the
    forecast. Columns: year, referrals, referrals_p10, referrals_p90, open_cases,
    open_cases_p10, open_cases_p90, forecast (whether any month is forecast)."""
    both = pl.concat(
        [
            history.select(
                "month",
                "series",
                pl.col("actual").alias("p50"),
                pl.col("actual").alias("p10"),
                pl.col("actual").alias("p90"),
                pl.lit(False).alias("ahead"),
            ),
            forecast.select("month", "series", "p50", "p10", "p90", pl.lit(True).alias("ahead")),
        ]
    ).with_columns(
        (pl.col("month").dt.year() + (pl.col("month").dt.month() >= 4).cast(pl.Int32))
        .cast(pl.Int64)
        .alias("year")
    )
    referrals = (
        both.filter(pl.col("series") == REFERRALS)
        .group_by("year")
        .agg(
            pl.len().alias("_months"),
            pl.col("p50").sum().alias("referrals"),
            pl.col("p10").sum().alias("referrals_p10"),
            pl.col("p90").sum().alias("referrals_p90"),
            pl.col("ahead").any().alias("_ahead_r"),
        )
        .filter(pl.col("_months") == 12)
    )
    march = both.filter(
        (pl.col("series") == OPEN_CASES) & (pl.col("month").dt.month() == 3)
    ).select(
        "year",
        pl.col("p50").alias("open_cases"),
        pl.col("p10").alias("open_cases_p10"),
        pl.col("p90").alias("open_cases_p90"),
        pl.col("ahead").alias("_ahead_o"),
    )
    return (
        referrals.join(march, on="year", how="inner")
        .with_columns((pl.col("_ahead_r") | pl.col("_ahead_o")).alias("forecast"))
        .select(
            "year",
            "referrals",
            "referrals_p10",
            "referrals_p90",
            "open_cases",
            "open_cases_p10",
            "open_cases_p90",
            "forecast",
        )
        .sort("year")
    )

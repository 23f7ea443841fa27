"""Trust the model: forecast from a past date with only what was known then, and compare month
by month with what happened.

- what was known on ``origin``: referrals received up to it and statuses started up to it, a
  status ending after it still open (its end was not known yet);
- the forecast: :func:`caseload.forecasting.demand.forecast_demand` from those records;
- what happened: :func:`caseload.forecasting.demand.monthly_demand` from all records up to
  ``as_at``, for the months after ``origin``'s last complete month.

Per series: mean absolute error (MAE, in referrals or cases), mean absolute percentage error
(MAPE: the mean of |actual - P50| / actual over months with an actual above zero, per cent),
bias (mean P50 - actual: positive means the forecast ran high) and coverage (the share of
months whose actual fell inside the P10 to P90 band; about 80% when the band is honest).

Frames in, frames out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from caseload.forecasting.demand import (
    SERIES,
    add_months,
    forecast_demand,
    last_complete_month,
    monthly_demand,
)

DEFAULT_BACK_MONTHS = 12
TOLERANCE = 1e-6
"""Counts are whole numbers: a band edge within a millionth of one (floating point) holds it."""


@dataclass(frozen=True)
class Backtest:
    """``comparison``: month, series, actual, p10, p50, p90, error (P50 - actual), inside;
    ``summary``: series, months, mae, mape, bias, coverage (per cent, unrounded; mape null when
    no month had an actual above zero)."""

    origin: date
    as_at: date
    comparison: pl.DataFrame
    summary: pl.DataFrame


def known_on(
    referrals: pl.DataFrame, statuses: pl.DataFrame, origin: date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The records as they stood on ``origin``: later referrals and statuses dropped, a later
    end not yet known."""
    return (
        referrals.filter(pl.col("referral_date") <= origin),
        statuses.filter(pl.col("start_date") <= origin).with_columns(
            pl.when(pl.col("end_date") > origin)
            .then(None)
            .otherwise(pl.col("end_date"))
            .alias("end_date")
        ),
    )


def backtest(
    referrals: pl.DataFrame,
    statuses: pl.DataFrame,
    *,
    origin: date,
    as_at: date,
) -> Backtest:
    """Forecast from ``origin`` and compare with the months that followed up to ``as_at``."""
    if origin >= as_at:
        raise ValueError("the backtest starts before the day it is compared up to")
    first_ahead = add_months(last_complete_month(origin), 1)
    last_actual = last_complete_month(as_at)
    if last_actual < first_ahead:
        raise ValueError("no whole month lies between the two dates")
    horizon = (last_actual.year - first_ahead.year) * 12 + last_actual.month - first_ahead.month + 1
    past_referrals, past_statuses = known_on(referrals, statuses, origin)
    forecast = forecast_demand(
        monthly_demand(past_referrals, past_statuses, as_at=origin), months=horizon
    ).forecast
    actual = monthly_demand(referrals, statuses, as_at=as_at, history_from=first_ahead).filter(
        pl.col("month") >= first_ahead
    )
    comparison = (
        forecast.join(actual.rename({"value": "actual"}), on=["month", "series"], how="inner")
        .with_columns(
            (pl.col("p50") - pl.col("actual")).alias("error"),
            (
                (pl.col("actual") >= pl.col("p10") - TOLERANCE)
                & (pl.col("actual") <= pl.col("p90") + TOLERANCE)
            ).alias("inside"),
        )
        .select("month", "series", "actual", "p10", "p50", "p90", "error", "inside")
    )
    order = {name: index for index, name in enumerate(SERIES)}
    summary = (
        comparison.group_by("series")
        .agg(
            pl.len().cast(pl.Int64).alias("months"),
            pl.col("error").abs().mean().alias("mae"),
            (100 * (pl.col("error").abs() / pl.col("actual")))
            .filter(pl.col("actual") > 0)
            .mean()
            .alias("mape"),
            pl.col("error").mean().alias("bias"),
            (100 * pl.col("inside").cast(pl.Float64).mean()).alias("coverage"),
        )
        .with_columns(pl.col("series").replace_strict(order, return_dtype=pl.Int64).alias("_o"))
        .sort("_o")
        .drop("_o")
    )
    return Backtest(
        origin=origin,
        as_at=as_at,
        comparison=comparison.with_columns(
            pl.col("series").replace_strict(order, return_dtype=pl.Int64).alias("_o")
        )
        .sort("_o", "month")
        .drop("_o"),
        summary=summary,
    )

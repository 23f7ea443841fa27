"""The demand series and their forecast, worked by hand: month-end open cases by type with the
case-type precedence, the referrals of complete months only, an exact trend and monthly pattern
recovered, and the P10-P90 band of a short noisy series."""

from __future__ import annotations

import math
from datetime import date

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseload.forecasting.demand import (
    OPEN_CASES,
    REFERRALS,
    Z90,
    add_months,
    fit_series,
    forecast_demand,
    history_start,
    last_complete_month,
    monthly_demand,
    open_cases_on,
    yearly_to_march,
)

SEASON = (10.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -20.0, 0.0, 0.0, 0.0, 10.0)  # Jan .. Dec


def _referrals(days: list[date]) -> pl.DataFrame:
    return pl.DataFrame(
        {"child_id": list(range(1, len(days) + 1)), "referral_date": days},
        schema={"child_id": pl.Int64, "referral_date": pl.Date},
    )


def _statuses(rows: list[tuple[int, str, date, date | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={
            "child_id": pl.Int64,
            "status": pl.Utf8,
            "start_date": pl.Date,
            "end_date": pl.Date,
        },
        orient="row",
    )


def _monthly(name: str, first: date, values: list[float]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "month": [add_months(first, i) for i in range(len(values))],
            "series": [name] * len(values),
            "value": values,
        },
        schema={"month": pl.Date, "series": pl.Utf8, "value": pl.Float64},
    )


def test_last_complete_month() -> None:
    assert last_complete_month(date(2024, 3, 15)) == date(2024, 2, 1)
    assert last_complete_month(date(2024, 3, 31)) == date(2024, 3, 1)
    assert last_complete_month(date(2024, 1, 1)) == date(2023, 12, 1)


def test_monthly_series_by_hand() -> None:
    referrals = _referrals(
        [date(2024, 1, 10), date(2024, 1, 30), date(2024, 2, 29), date(2024, 3, 1)]
    )
    statuses = _statuses(
        [
            (1, "cin", date(2024, 1, 10), date(2024, 2, 15)),
            (1, "cp", date(2024, 2, 1), None),  # child protection comes before child in need
            (2, "assessment", date(2024, 1, 31), date(2024, 1, 31)),
            (3, "cla", date(2024, 3, 1), None),  # after the last complete month
        ]
    )
    found = monthly_demand(
        referrals, statuses, as_at=date(2024, 3, 15), history_from=date(2024, 1, 1)
    )
    table = {
        (row["series"], row["month"].month): row["value"] for row in found.iter_rows(named=True)
    }
    assert table[(REFERRALS, 1)] == 2 and table[(REFERRALS, 2)] == 1
    assert (REFERRALS, 3) not in table  # March has not ended on 15 March
    assert table[("cin", 1)] == 1 and table[("assessment", 1)] == 1 and table[(OPEN_CASES, 1)] == 2
    assert table[("cp", 2)] == 1 and table[("cin", 2)] == 0 and table[(OPEN_CASES, 2)] == 1
    assert table[("cla", 2)] == 0 and table[("care_leaver", 1)] == 0


def test_history_starts_at_the_first_complete_month() -> None:
    counts = _monthly(
        REFERRALS, date(2023, 1, 1), [1, 0, 2, 9, 10, 10, 12, 8, 11, 9, 10, 10, 10, 11, 9]
    )
    # Median of the last 12 months (Apr 2023 to Mar 2024) is 10, so a month needs 5 referrals.
    assert history_start(counts.select("month", "value"), date(2024, 3, 1)) == date(2023, 4, 1)


def test_exact_trend_and_season_are_recovered() -> None:
    first = date(2023, 1, 1)
    values = [100 + 2 * t + SEASON[add_months(first, t).month - 1] for t in range(36)]
    result = forecast_demand(_monthly(REFERRALS, first, values), months=14)
    fit = result.fit(REFERRALS)
    assert fit is not None and fit.method == "trend and season" and fit.months_used == 36
    assert fit.slope_per_year == pytest.approx(24.0)
    assert fit.level == pytest.approx(170.0)  # December 2025, t = 35
    assert fit.season == pytest.approx(SEASON)
    assert fit.residual_sd == pytest.approx(0.0, abs=1e-9)
    ahead = result.forecast.sort("month")
    assert ahead["month"][0] == date(2026, 1, 1)
    assert ahead["p50"][0] == pytest.approx(182.0)  # 100 + 2 x 36 + 10 (January)
    assert ahead["p50"][7] == pytest.approx(100 + 2 * 43 - 20)  # August 2026
    assert ahead["p10"].to_list() == pytest.approx(ahead["p90"].to_list())


def test_short_history_is_a_trend_only() -> None:
    first = date(2024, 1, 1)
    result = forecast_demand(_monthly("cin", first, [50 + 3 * t for t in range(12)]), months=2)
    fit = result.fit("cin")
    assert fit is not None and fit.method == "trend"
    assert result.forecast["p50"].to_list() == pytest.approx([86.0, 89.0])


def test_band_of_a_noisy_series_by_hand() -> None:
    # y = t +/- 1 for t = 0..5: b = 29/35, a = 3/7, residual variance 48/35 (4 degrees of
    # freedom), leverage of t = 6 is 1/6 + 3.5^2 / 17.5 = 13/15; the residuals alternate, so
    # the persistence is clipped to 0 and the standard error is sqrt(48/35 x 28/15) = 1.6.
    months = [add_months(date(2024, 1, 1), t) for t in range(6)]
    fit, fitted, low, mid, high = fit_series(months, [1, 0, 3, 2, 5, 4], 1)
    assert fit.method == "trend" and fit.persistence == 0.0
    assert fit.slope_per_year == pytest.approx(12 * 29 / 35)
    assert fit.residual_sd == pytest.approx(math.sqrt(48 / 35))
    assert mid[0] == pytest.approx(27 / 5)
    assert high[0] - mid[0] == pytest.approx(Z90 * 1.6)
    assert mid[0] - low[0] == pytest.approx(Z90 * 1.6)
    assert fitted[0] == pytest.approx(3 / 7)


def test_too_short_has_no_forecast() -> None:
    result = forecast_demand(_monthly("cp", date(2024, 1, 1), [3, 4, 5]), months=3)
    assert result.fits == () and result.forecast.is_empty()
    assert result.history["actual"].to_list() == [3, 4, 5]


def test_forecast_never_goes_below_zero() -> None:
    values = [40 - 4 * t for t in range(10)]
    result = forecast_demand(_monthly("cp", date(2024, 1, 1), values), months=6)
    assert min(result.forecast["p10"].to_list()) == 0.0
    assert result.forecast["p50"].to_list()[-1] == 0.0


def test_years_to_march() -> None:
    first = date(2023, 4, 1)
    history = pl.concat(
        [
            _monthly(REFERRALS, first, [10.0] * 12),
            _monthly(OPEN_CASES, first, [float(100 + t) for t in range(12)]),
        ]
    ).rename({"value": "actual"})
    history = history.with_columns(pl.lit(None, dtype=pl.Float64).alias("fitted"))
    empty = pl.DataFrame(
        schema={
            "month": pl.Date,
            "series": pl.Utf8,
            "p10": pl.Float64,
            "p50": pl.Float64,
            "p90": pl.Float64,
        }
    )
    years = yearly_to_march(history, empty)
    assert years.to_dicts() == [
        {
            "year": 2024,
            "referrals": 120.0,
            "referrals_p10": 120.0,
            "referrals_p90": 120.0,
            "open_cases": 111.0,  # March 2024, the 12th month
            "open_cases_p10": 111.0,
            "open_cases_p90": 111.0,
            "forecast": False,
        }
    ]


def test_open_cases_on_a_day() -> None:
    statuses = _statuses(
        [
            (1, "cin", date(2024, 1, 10), None),
            (1, "cla", date(2024, 2, 1), None),  # looked after comes before child in need
            (2, "care_leaver", date(2024, 1, 1), date(2024, 2, 1)),
            (3, "assessment", date(2024, 2, 2), None),  # not yet open
        ]
    )
    found = dict(open_cases_on(statuses, date(2024, 2, 1)).iter_rows())
    assert found == {"cp": 0.0, "cla": 1.0, "cin": 0.0, "assessment": 0.0, "care_leaver": 1.0}


@settings(max_examples=25, deadline=None)
@given(
    level=st.integers(0, 500),
    slope=st.integers(-3, 3),
    season=st.lists(st.integers(-20, 20), min_size=11, max_size=11),
    months=st.integers(24, 60),
)
def test_any_exact_trend_and_season_is_recovered(
    level: int, slope: int, season: list[int], months: int
) -> None:
    effects = [*season, -sum(season)]
    first = date(2020, 1, 1)
    values = [
        float(level + slope * t + effects[add_months(first, t).month - 1]) for t in range(months)
    ]
    fit, fitted, *_ = fit_series([add_months(first, t) for t in range(months)], values, 1)
    assert fit.slope_per_year == pytest.approx(12 * slope, abs=1e-6)
    assert fit.season == pytest.approx(effects, abs=1e-6)
    assert fitted.tolist() == pytest.approx(values, abs=1e-6)

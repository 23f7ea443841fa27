"""Kaplan-Meier survival of service episodes against a small example worked by hand."""

from __future__ import annotations

import math
from datetime import date, timedelta

import polars as pl
import pytest

from caseload.retention.episodes import Route
from caseload.retention.survival import (
    COUNCIL,
    DAYS_A_MONTH,
    Grouping,
    records_start,
    survival,
)

Z = 1.959963984540054  # the normal quantile for a 95% band

# Eight episodes: (days of service, left?). Leavers at 100, 300 (two), 500 and 800 days; still
# here (censored) at 200, 400 and 600 days.
EIGHT = [
    (100, True),
    (200, False),
    (300, True),
    (300, True),
    (400, False),
    (500, True),
    (600, False),
    (800, True),
]


def _episodes(rows: list[tuple[int, bool]], *, route: Route = Route.EXPERIENCED) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "worker_id": list(range(1, len(rows) + 1)),
            "started": [date(2020, 1, 1)] * len(rows),
            "days": [days for days, _ in rows],
            "left": [left for _, left in rows],
            "cohort": [2020] * len(rows),
            "route": [route.value] * len(rows),
            "route_label": [route.label] * len(rows),
            "entry_role": ["social_worker"] * len(rows),
            "entry_service": ["Assessment"] * len(rows),
            "entry_team": ["A"] * len(rows),
        }
    )


def test_the_product_limit_estimate_worked_by_hand() -> None:
    result = survival(_episodes(EIGHT), min_episodes=8)
    curve = result.curves
    assert curve["group"].unique().to_list() == [COUNCIL]
    at = {
        round(m * DAYS_A_MONTH): row
        for m, row in zip(curve["months"], curve.iter_rows(named=True), strict=True)
    }
    # At risk just before each time: everyone still followed.
    assert [at[d]["at_risk"] for d in (0, 100, 200, 300, 400, 500, 600, 800)] == [
        8,
        8,
        7,
        6,
        4,
        3,
        2,
        1,
    ]
    s100 = 7 / 8
    s300 = s100 * (1 - 2 / 6)
    s500 = s300 * (1 - 1 / 3)
    assert at[0]["survival"] == 1.0
    assert at[100]["survival"] == pytest.approx(s100, abs=1e-6)
    assert at[200]["survival"] == pytest.approx(s100, abs=1e-6)  # censoring does not drop it
    assert at[300]["survival"] == pytest.approx(7 / 12, abs=1e-6)
    assert at[300]["survival"] == pytest.approx(s300, abs=1e-6)
    assert at[500]["survival"] == pytest.approx(7 / 18, abs=1e-6)
    assert at[500]["survival"] == pytest.approx(s500, abs=1e-6)
    assert at[800]["survival"] == pytest.approx(0.0, abs=1e-6)

    # Greenwood's sum at 300 days and the exponential (log-log) band.
    variance = 1 / (8 * 7) + 2 / (6 * 4)
    log_s = math.log(7 / 12)
    lower = math.exp(-math.exp(math.log(-log_s) - Z * math.sqrt(variance) / log_s))
    upper = math.exp(-math.exp(math.log(-log_s) + Z * math.sqrt(variance) / log_s))
    # On paper: V = 0.0178571 + 0.0833333 = 0.1011905, sqrt(V) = 0.318105, log S = -0.538997,
    # log(-log S) = -0.618039, z sqrt(V) / log S = -1.156733, so the band is
    # exp(-exp(0.538694)) = 0.180189 to exp(-exp(-1.774772)) = exp(-0.169519) = 0.844069.
    assert (lower, upper) == pytest.approx((0.180189, 0.844069), abs=1e-5)
    assert at[300]["lower"] == pytest.approx(lower, abs=1e-6)
    assert at[300]["upper"] == pytest.approx(upper, abs=1e-6)

    summary = result.summary.row(0, named=True)
    assert summary["episodes"] == 8 and summary["leavers"] == 5 and summary["still_here"] == 3
    assert summary["too_small"] is False
    # One year is 365.25 days: the estimate then is the one after the leavers at 300 days.
    assert summary["survival_1y"] == pytest.approx(7 / 12, abs=1e-6)
    assert summary["lower_1y"] == pytest.approx(lower, abs=1e-6)
    assert summary["at_risk_1y"] == 4  # 400, 500, 600 and 800 days
    assert summary["survival_2y"] == pytest.approx(7 / 18, abs=1e-6)
    assert summary["at_risk_2y"] == 1
    # Nobody was followed three years: no estimate rather than a carried-on one.
    assert summary["survival_3y"] is None and summary["at_risk_3y"] == 0
    # The estimate first falls to a half or below with the leaver at 500 days (7/12 > 1/2).
    assert summary["median_months"] == pytest.approx(500 / DAYS_A_MONTH, abs=1e-9)


def test_a_small_group_is_reported_not_drawn() -> None:
    frontline = _episodes(EIGHT[:4], route=Route.FRONTLINE)
    experienced = _episodes(EIGHT * 2)
    result = survival(pl.concat([experienced, frontline]), Grouping.ROUTE)
    rows = {row["group"]: row for row in result.summary.iter_rows(named=True)}
    # Routes in their order of entry: Frontline (3) before experienced (4).
    assert result.summary["group"].to_list() == [Route.FRONTLINE.label, Route.EXPERIENCED.label]
    small = rows[Route.FRONTLINE.label]
    assert small["too_small"] is True and small["episodes"] == 4 and small["leavers"] == 3
    assert small["survival_1y"] is None and small["median_months"] is None
    assert set(result.curves["group"].to_list()) == {Route.EXPERIENCED.label}
    # Doubling every episode keeps the estimate (and narrows the band).
    big = rows[Route.EXPERIENCED.label]
    assert big["survival_1y"] == pytest.approx(7 / 12, abs=1e-6)


def test_cohorts_choose_the_starts_counted() -> None:
    older = _episodes(EIGHT).with_columns(pl.lit(2012, dtype=pl.Int64).alias("cohort"))
    newer = _episodes([(d, left) for d, left in EIGHT if d != 800] + [(900, False)] * 3)
    both = pl.concat([older, newer])
    kept = survival(both, Grouping.COHORT, cohorts=(2015, 2022)).summary
    assert kept["group"].to_list() == ["2020"] and kept["episodes"].to_list() == [10]


def test_staff_in_post_before_the_records_enter_late() -> None:
    records = date(2020, 1, 1) + timedelta(days=250)
    # Started before the records: seen only because they were still here 250 days in.
    old = _episodes([(d, left) for d, left in EIGHT if d >= 300])
    # Started on the day the records begin: followed from their first day.
    new = _episodes([(100, True), (400, False)]).with_columns(
        pl.lit(records).alias("started"), pl.lit(2021, dtype=pl.Int64).alias("cohort")
    )
    result = survival(pl.concat([old, new]), observed_from=records, min_episodes=2)
    at = {
        round(m * DAYS_A_MONTH): row
        for m, row in zip(result.curves["months"], result.curves.iter_rows(named=True), strict=True)
    }
    # At 100 days only the two new starters are at risk: one leaves, S = 1/2.
    assert at[100]["at_risk"] == 2 and at[100]["survival"] == pytest.approx(1 / 2, abs=1e-6)
    # The six older episodes join at 250 days: at 300 days 7 at risk, 2 leave.
    assert at[300]["at_risk"] == 7
    assert at[300]["survival"] == pytest.approx(1 / 2 * 5 / 7, abs=1e-6)
    assert at[500]["at_risk"] == 3
    assert at[500]["survival"] == pytest.approx(1 / 2 * 5 / 7 * 2 / 3, abs=1e-6)
    summary = result.summary.row(0, named=True)
    assert summary["survival_1y"] == pytest.approx(5 / 14, abs=1e-6)
    assert summary["at_risk_1y"] == 5  # 400 days (new), 400, 500, 600 and 800 days (old)
    # Without the records' start the old ones would count from their first day.
    assert survival(pl.concat([old, new]), min_episodes=2).summary["survival_1y"][0] > 0.5
    # A cohort wholly before the records cannot be followed from its start: not drawn.
    before = survival(old, observed_from=records, min_episodes=2)
    assert before.summary["too_small"].to_list() == [True] and before.curves.height == 0


def test_the_records_start_with_the_first_recorded_leaving() -> None:
    episodes = pl.DataFrame(
        {
            "left": [False, True, True],
            "last_day": [None, date(2023, 10, 6), date(2024, 5, 1)],
        }
    )
    assert records_start(episodes) == date(2023, 10, 1)
    assert records_start(episodes.filter(~pl.col("left"))) is None


def test_the_cohort_range_must_run_forwards() -> None:
    with pytest.raises(ValueError, match="cohort range"):
        survival(_episodes(EIGHT), cohorts=(2022, 2020))


def test_roles_are_shown_in_words_up_the_ladder() -> None:
    senior = _episodes(EIGHT).with_columns(pl.lit("senior_social_worker").alias("entry_role"))
    asye = _episodes(EIGHT).with_columns(pl.lit("asye").alias("entry_role"))
    result = survival(pl.concat([senior, asye]), Grouping.ROLE, min_episodes=8)
    assert result.summary["group"].to_list() == ["ASYE", "Senior social worker"]

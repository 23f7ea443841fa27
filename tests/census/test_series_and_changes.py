"""The month-end series (the vacancy rate by DfE's formula) and changes with their unit and
verdict, on hand-built figures."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from caseload.census.definitions import Direction, change_between, direction_of
from caseload.census.series import indicators_on
from caseload.census.trends import indicator_trend

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_derive import council  # the hand-built council with posts and vacancies


def test_series_vacancy_rate_follows_dfe() -> None:
    """Vacancy rate = vacancy FTE / (vacancy FTE + in-post FTE) x 100, both on the day (it was
    always null: the vacancies never joined the month-end records)."""
    frame = indicators_on(council(), [date(2023, 12, 31), date(2024, 1, 31), date(2024, 9, 30)])
    rows = frame.select("AsAt", "inpost_fte", "agency_fte", "vacancy_rate_fte").rows()
    assert rows == [
        # the 0.6 senior in post: 0.4 of post 2 and all of post 4 (0.5) vacant: 0.9 / (0.9 + 2.6)
        (date(2023, 12, 31), 2.6, 0.0, 25.7),
        # the senior's last day is 31 January: a leaver, so post 2 is vacant: 1.5 / (1.5 + 2.0)
        (date(2024, 1, 31), 2.0, 0.0, 42.9),
        # post 2 covered by the agency worker, still vacant: 1.5 / (1.5 + 2.0)
        (date(2024, 9, 30), 2.0, 1.0, 42.9),
    ]


@pytest.mark.parametrize(
    ("name", "latest", "earlier", "expected"),
    [
        ("turnover_rate_fte", 14.2, 15.0, (-0.8, "pp", "better")),
        ("turnover_rate_fte", 15.0, 12.5, (2.5, "pp", "worse")),
        ("vacancy_rate_fte", 17.8, 17.8, (0.0, "pp", "same")),
        ("inpost_fte", 212.2, 209.4, (1.3, "%", "better")),  # 2.8 / 209.4 = 1.337%
        ("agency_fte", 40.7, 41.8, (-2.6, "%", "better")),  # -1.1 / 41.8 = -2.63%
        ("caseload_fte", 16.5, 16.0, (3.1, "%", "worse")),  # 0.5 / 16.0 = 3.125%
        ("starters_headcount", 35, 33, (6.1, "%", None)),  # neutral: no verdict
        ("days_lost_per_fte", 7.9, 7.2, (9.7, "%", "worse")),
        ("absence_rate_fte", 3.1, None, (None, "pp", None)),
        ("leavers_fte", 3.0, 0.0, (None, "%", None)),  # no per cent of nothing
    ],
)
def test_change_unit_and_verdict(
    name: str,
    latest: float | None,
    earlier: float | None,
    expected: tuple[float | None, str, str | None],
) -> None:
    change = change_between(name, latest, earlier)
    assert (change.value, change.unit, change.verdict) == expected


def test_directions() -> None:
    assert direction_of("turnover_rate_fte") is Direction.LOWER_BETTER
    assert direction_of("inpost_fte") is Direction.HIGHER_BETTER
    assert direction_of("case_holders_fte") is Direction.NEUTRAL


def test_trend_on_previous_and_baseline_years() -> None:
    trend = indicator_trend("vacancy_rate_fte", {2024: 20.0, 2025: 18.4, 2026: 17.8}, 2026, 2024)
    assert (trend.value, trend.previous, trend.baseline) == (17.8, 18.4, 20.0)
    assert trend.on_previous.to_dict() == {"value": -0.6, "unit": "pp", "verdict": "better"}
    assert trend.on_baseline is not None
    assert trend.on_baseline.to_dict() == {"value": -2.2, "unit": "pp", "verdict": "better"}
    counts = indicator_trend("leavers_headcount", {2025: 33, 2026: "c"}, 2026)
    assert counts.value is None and counts.on_previous.value is None and counts.on_baseline is None


def test_census_asye_status_comes_from_qualifying_not_the_grade() -> None:
    """A worker still graded ASYE two years after qualifying is a frontline practitioner
    (``CFKSSstatus`` 2) in the census, as in caseloads; in their first year, an ASYE (1)."""
    from dataclasses import replace

    from caseload.census.derive import Window, derive_records

    data = council()
    graded = data.spells.with_columns(
        pl.when(pl.col("worker_id") == 1)
        .then(pl.lit("asye"))
        .otherwise(pl.col("role"))
        .alias("role")
    )
    workers = data.workers.with_columns(
        pl.when(pl.col("worker_id") == 1)
        .then(pl.lit(date(2022, 7, 1)))
        .otherwise(None)
        .cast(pl.Date)
        .alias("qualification_date")
    )
    derived = derive_records(
        replace(data, spells=graded, workers=workers),
        [
            Window.census_year(2023),
            Window.census_year(2024),
            Window(2023, date(2022, 10, 1), date(2023, 3, 31)),
        ],
    )
    first = derived.filter(pl.col("SWENo") == "SW1").sort("AsAt")
    # 31 Mar 2023: inside the year from 5 Sep 2022 (first post, newly qualified); after it, not.
    assert first.select("AsAt", "CFKSSstatus").rows() == [
        (date(2023, 3, 31), 1),
        (date(2023, 9, 30), 2),
        (date(2024, 9, 30), 2),
    ]
    # No qualification date: the HR grade stands (the team manager stays a practice supervisor).
    manager = derived.filter(pl.col("SWENo") == "SW5")
    assert set(manager["CFKSSstatus"].to_list()) == {3}

"""Census indicators at any list of reference days (month ends for the series), from day-to-day
data: each day is a window of the year to it, and the council's vacancies on that day join its
records on ``AsAt`` so every rate, the vacancy rate included, follows DfE's formula."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from caseload.census.derive import (
    DayToDay,
    Window,
    council_vacancies,
    derive_records,
    derive_vacancies,
)
from caseload.census.indicators import compute_indicators, round_indicators

SERIES_COLUMNS = ("inpost_fte", "agency_fte", "vacancy_rate_fte", "caseload_fte")


def day_windows(days: Sequence[date]) -> list[Window]:
    """One window per day, labelled YYYYMM, running from the first of its month."""
    return [Window(day.year * 100 + day.month, day.replace(day=1), day) for day in days]


def indicators_on(
    data: DayToDay, days: Sequence[date], columns: Sequence[str] = SERIES_COLUMNS
) -> pl.DataFrame:
    """LEA, AsAt and ``columns`` on each day, rounded as DfE publishes. The vacancy rate is
    vacancy FTE / (vacancy FTE + in-post FTE) x 100 with both taken on the day."""
    windows = day_windows(days)
    records = derive_records(data, windows)
    vacancies = council_vacancies(derive_vacancies(data, windows)).join(
        pl.DataFrame(
            {"Year": [w.year for w in windows], "AsAt": [w.reference for w in windows]},
            schema={"Year": pl.Int64, "AsAt": pl.Date},
        ),
        on="Year",
    )
    frame = compute_indicators(records, vacancies, ("AsAt",))
    return round_indicators(frame.select("LEA", "AsAt", *columns)).sort("LEA", "AsAt")

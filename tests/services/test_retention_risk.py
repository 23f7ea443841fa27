"""The months the leaving-risk model learns from: three years, or from the first whole month of
absence records when that is later."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from caseload.services.retention_risk import observed_from


def _absences(*starts: date) -> pl.DataFrame:
    return pl.DataFrame({"start_date": list(starts)}, schema={"start_date": pl.Date})


@pytest.mark.parametrize(
    ("as_at", "first_absence", "expected"),
    [
        # Three years back from 30 September 2026 is 30 September 2023: the month after.
        (date(2026, 9, 30), None, date(2023, 10, 1)),
        (date(2026, 9, 30), date(2023, 6, 5), date(2023, 10, 1)),
        # Absence records from 1 February 2024: from that month.
        (date(2026, 9, 30), date(2024, 2, 1), date(2024, 2, 1)),
        # From 2 February: February is not whole, so from March.
        (date(2026, 9, 30), date(2024, 2, 2), date(2024, 3, 1)),
        # December: the month after is January of the next year.
        (date(2026, 12, 15), None, date(2024, 1, 1)),
        # Records starting in the day's own month: that month at the latest.
        (date(2026, 9, 30), date(2026, 9, 20), date(2026, 9, 1)),
    ],
)
def test_observed_from(as_at: date, first_absence: date | None, expected: date) -> None:
    absences = _absences(*([first_absence] if first_absence else []))
    assert observed_from(as_at, absences) == expected

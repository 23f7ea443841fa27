"""Working days: England's bank holidays, weekends, the council's closure days."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseload.practice.calendar import (
    add_working_days,
    england_calendar,
    working_calendar,
    working_days_between,
)
from caseload.practice.standards import default_standards

CAL = working_calendar(default_standards())


def add(day: date, n: int, calendar: object = CAL) -> date:
    result = add_working_days(pl.Series([day], dtype=pl.Date), n, calendar)  # type: ignore[arg-type]
    assert isinstance(result, pl.Series)
    return result[0]  # type: ignore[no-any-return]


def between(start: date, end: date) -> int:
    result = working_days_between(
        pl.Series([start], dtype=pl.Date), pl.Series([end], dtype=pl.Date), CAL
    )
    assert isinstance(result, pl.Series)
    return int(result[0])


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        # Summer bank holiday Monday 25 August 2025: Friday 22nd + 1 is Tuesday 26th.
        (date(2025, 8, 22), 1, date(2025, 8, 26)),
        # From a Saturday, counting starts on the next working day.
        (date(2025, 8, 23), 1, date(2025, 8, 26)),
        # Friday 29 August 2025 is an ordinary Friday.
        (date(2025, 8, 29), 1, date(2025, 9, 1)),
        # Christmas 2025: Thursday 25th, Friday 26th, then the weekend.
        (date(2025, 12, 24), 1, date(2025, 12, 29)),
        (date(2025, 12, 24), 3, date(2025, 12, 31)),
        (date(2025, 12, 24), 4, date(2026, 1, 2)),  # New Year's Day skipped
        # Easter 2026: Good Friday 3 April, Easter Monday 6 April.
        (date(2026, 4, 2), 1, date(2026, 4, 7)),
        (date(2026, 4, 4), 1, date(2026, 4, 7)),  # Easter Saturday
        # Ten working days across a weekend: Monday 1 December 2025 + 10 = Monday 15th.
        (date(2025, 12, 1), 10, date(2025, 12, 15)),
        (date(2025, 12, 6), 0, date(2025, 12, 6)),  # 0 working days after D is D
    ],
)
def test_add_working_days(day: date, n: int, expected: date) -> None:
    assert add(day, n) == expected


def test_working_days_between_counts_after_the_start_up_to_the_end() -> None:
    assert between(date(2025, 8, 22), date(2025, 8, 26)) == 1
    assert between(date(2025, 8, 25), date(2025, 8, 26)) == 1  # from the bank holiday
    assert between(date(2025, 12, 24), date(2026, 1, 2)) == 4
    assert between(date(2025, 8, 26), date(2025, 8, 22)) == -1
    assert between(date(2025, 8, 23), date(2025, 8, 24)) == 0  # a weekend


def test_nulls_stay_null_and_expressions_work_per_row() -> None:
    frame = pl.DataFrame(
        {"d": [date(2025, 8, 22), None, date(2025, 12, 24)], "n": [1, 5, None]},
        schema={"d": pl.Date, "n": pl.Int64},
    )
    out = frame.select(
        add_working_days(pl.col("d"), pl.col("n"), CAL).alias("by_row"),
        add_working_days(pl.col("d"), 2, CAL).alias("two"),
        working_days_between(pl.col("d"), pl.lit(date(2025, 12, 31)), CAL).alias("to_nye"),
    )
    assert out["by_row"].to_list() == [date(2025, 8, 26), None, None]
    assert out["two"].to_list() == [date(2025, 8, 27), None, date(2025, 12, 30)]
    assert out["to_nye"][1] is None
    assert out["to_nye"][2] == 3


def test_extra_closure_days_extend_the_bank_holidays() -> None:
    closed = england_calendar([date(2025, 12, 29), date(2025, 12, 30)])
    assert add(date(2025, 12, 24), 1, closed) == date(2025, 12, 31)
    assert not closed.is_working_day(date(2025, 12, 29))
    assert CAL.is_working_day(date(2025, 12, 29))
    assert not CAL.is_working_day(date(2025, 8, 25))


def test_counting_backwards_is_refused() -> None:
    with pytest.raises(ValueError, match="forward only"):
        add(date(2025, 1, 1), -1)


@settings(max_examples=150, deadline=None)
@given(
    day=st.dates(min_value=date(2001, 1, 1), max_value=date(2049, 1, 1)),
    n=st.integers(min_value=0, max_value=400),
)
def test_adding_lands_on_a_working_day_and_counting_gives_n_back(day: date, n: int) -> None:
    landed = add(day, n)
    if n > 0:
        assert CAL.is_working_day(landed)
        assert landed > day
        # Nothing earlier is the n-th working day: the day before has one fewer.
        assert between(day, landed - timedelta(days=1)) == n - 1
    assert between(day, landed) == n

"""Working days: England's bank holidays, weekends, the council's closure days."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseload.practice.calendar import (
    FIRST_YEAR,
    LAST_YEAR,
    WorkingCalendar,
    add_working_days,
    england_calendar,
    package_bank_holidays,
    shipped_bank_holidays,
    working_calendar,
    working_days_between,
    write_shipped_bank_holidays,
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


def test_the_shipped_bank_holidays_are_the_packages() -> None:
    """The list shipped (read without importing the package) must be what the installed
    ``holidays`` package gives; when a new version adds a day, rebuild it with
    ``write_shipped_bank_holidays()``."""
    shipped = shipped_bank_holidays()
    assert list(shipped) == package_bank_holidays(FIRST_YEAR, LAST_YEAR)
    assert date(2023, 5, 8) in shipped  # the coronation
    assert date(2026, 12, 28) in shipped  # Boxing Day's substitute
    assert CAL.closed_days == tuple(sorted({*shipped, *default_standards().extra_closure_days}))


def test_a_calendar_for_other_years_asks_the_package(tmp_path: Path) -> None:
    later = WorkingCalendar.england(first_year=2051, last_year=2052)
    assert later.closed_days == tuple(package_bank_holidays(2051, 2052))
    assert date(2051, 12, 25) in later.closed_days
    written = write_shipped_bank_holidays(tmp_path / "holidays.txt")
    lines = [line for line in written.read_text().splitlines() if not line.startswith("#")]
    assert lines == [day.isoformat() for day in shipped_bank_holidays()]

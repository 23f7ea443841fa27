"""Day arithmetic for the simulation.

Internally every date is an ``int`` day number: days since 1970-01-01, which is also how Polars
stores ``pl.Date``, so frames are built by casting integer columns. All spells are inclusive:
``end`` is the last day. Working days are Monday to Friday (bank holidays are not modelled).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
YEAR = 365.25


def day_of(value: date) -> int:
    """The day number of a date."""
    return value.toordinal() - _EPOCH_ORDINAL


def date_of(day: int) -> date:
    """The date of a day number."""
    return date.fromordinal(day + _EPOCH_ORDINAL)


def weekday(day: int) -> int:
    """Monday 0 .. Sunday 6 (1970-01-01 was a Thursday)."""
    return (day + 3) % 7


def next_weekday(day: int) -> int:
    """The day itself if it is a weekday, otherwise the following Monday."""
    wd = weekday(day)
    return day + (7 - wd if wd >= 5 else 0)


def first_monday(year: int, month: int) -> int:
    """The first Monday of a month."""
    first = day_of(date(year, month, 1))
    return first + (7 - weekday(first)) % 7


def working_days(start: IntArray, end: IntArray) -> IntArray:
    """Weekdays from ``start`` to ``end`` inclusive (element-wise)."""
    counts: IntArray = np.busday_count(
        start.astype("datetime64[D]"), (end + 1).astype("datetime64[D]")
    ).astype(np.int64)
    return counts


def add_working_days(start: int, count: int) -> int:
    """The day on which a run of ``count`` working days starting on weekday ``start`` ends."""
    first = np.datetime64(start, "D")
    last = np.busday_offset(first, count - 1, roll="forward")
    return int(last.astype(np.int64))


def anniversaries(days: IntArray, years: int) -> IntArray:
    """The dates ``years`` years after ``days`` (29 February falls on 1 March)."""
    as_dates = days.astype("datetime64[D]")
    months = as_dates.astype("datetime64[M]")
    day_in_month = as_dates - months.astype("datetime64[D]")
    shifted = (months + 12 * years).astype("datetime64[D]") + day_in_month
    result: IntArray = shifted.astype(np.int64)
    return result


def anniversary(day: int, years: int) -> int:
    """The date ``years`` years after ``day``."""
    return int(anniversaries(np.array([day], dtype=np.int64), years)[0])

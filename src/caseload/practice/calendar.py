"""Working days: weekdays that are neither England's bank holidays nor the council's own closure
days, and vectorised arithmetic on Polars date columns with them.

The bank holidays come from the ``holidays`` package (subdivision England, ``GB``/``ENG``: New
Year's Day, Good Friday, Easter Monday, the May bank holidays, the summer bank holiday,
Christmas and Boxing Day with their substitute days, and one-off days such as a coronation). A
council extends the list with ``extra_closure_days`` in its practice standards (for example the
days between Christmas and New Year when the council closes). The list covers the years
:data:`FIRST_YEAR` to :data:`LAST_YEAR` unless a calendar is built for others; outside them
only weekends and the extra closure days are skipped.

Those years' bank holidays ship with Caseload (``caseload/reference/bank_holidays_england.txt``,
written from the package by :func:`write_shipped_bank_holidays`; a test checks it against the
installed package), so a process does not import the package's 250 countries to build its
first calendar; a calendar for other years still asks the package.

Conventions, decided once:

- *n working days after D* (:func:`add_working_days`) is the n-th working day strictly after D.
  When D is itself a working day that is D moved on n working days; when D is a Saturday,
  Sunday or holiday, counting starts from the next working day, which is the first. So one
  working day after Friday 22 August 2025 is Tuesday 26 August (Monday 25 August is the summer
  bank holiday), and one working day after Saturday 23 August is Tuesday 26 August too.
  0 working days after D is D itself.
- *Within n working days of D* means on or before the n-th working day after D.
- *Working days between* S and E (:func:`working_days_between`) counts the working days after
  S up to and including E, so ``working_days_between(d, add_working_days(d, n)) == n`` for every
  day d and n >= 0; when E is before S it is minus the count from E to S, and null when
  either is null.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path

import numpy as np
import polars as pl

from caseload.practice.standards import PracticeStandards

FIRST_YEAR = 2000
LAST_YEAR = 2050
BANK_HOLIDAYS_FILE = "bank_holidays_england.txt"
_DAY = "datetime64[D]"


def package_bank_holidays(first_year: int, last_year: int) -> list[date]:
    """England's bank holidays from ``first_year`` to ``last_year`` as the ``holidays``
    package gives them (imported here: it loads every country it knows)."""
    import holidays as holiday_source

    found = holiday_source.country_holidays(
        "GB", subdiv="ENG", years=range(first_year, last_year + 1)
    )
    return sorted(found.keys())


@cache
def shipped_bank_holidays() -> tuple[date, ...]:
    """England's bank holidays from :data:`FIRST_YEAR` to :data:`LAST_YEAR`, as shipped."""
    text = files("caseload.reference").joinpath(BANK_HOLIDAYS_FILE).read_text(encoding="utf-8")
    return tuple(date.fromisoformat(line) for line in text.splitlines() if line and line[0] != "#")


def write_shipped_bank_holidays(path: Path | None = None) -> Path:
    """Write the shipped list from the installed ``holidays`` package (for maintainers, when
    a new version of the package adds a day)."""
    target = path or Path(str(files("caseload.reference").joinpath(BANK_HOLIDAYS_FILE)))
    days = package_bank_holidays(FIRST_YEAR, LAST_YEAR)
    header = [
        f"# England's bank holidays {FIRST_YEAR} to {LAST_YEAR}, from the holidays package "
        f"{version('holidays')} (GB, subdivision ENG).",
        "# Written by caseload.practice.calendar.write_shipped_bank_holidays; do not edit.",
    ]
    target.write_text("\n".join([*header, *(day.isoformat() for day in days)]) + "\n")
    return target


@dataclass(frozen=True)
class WorkingCalendar:
    """Non-working days besides weekends: England's bank holidays for ``years`` plus the
    council's extra closure days. Build one per practice standards (:func:`working_calendar`)
    and pass it to the arithmetic below."""

    closed_days: tuple[date, ...]
    years: tuple[int, int] = (FIRST_YEAR, LAST_YEAR)
    _numpy: np.busdaycalendar = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        days = np.array(sorted(set(self.closed_days)), dtype=_DAY)
        object.__setattr__(self, "_numpy", np.busdaycalendar(holidays=days))

    @classmethod
    def england(
        cls,
        extra_closure_days: Iterable[date] = (),
        *,
        first_year: int = FIRST_YEAR,
        last_year: int = LAST_YEAR,
    ) -> WorkingCalendar:
        """England's bank holidays from ``first_year`` to ``last_year`` and the extra days."""
        if first_year >= FIRST_YEAR and last_year <= LAST_YEAR:
            bank = [d for d in shipped_bank_holidays() if first_year <= d.year <= last_year]
        else:
            bank = package_bank_holidays(first_year, last_year)
        return cls(tuple(sorted({*bank, *extra_closure_days})), (first_year, last_year))

    @property
    def numpy(self) -> np.busdaycalendar:
        """The calendar numpy's business-day functions take (``busdaycal=``)."""
        return self._numpy

    def is_working_day(self, day: date) -> bool:
        return bool(np.is_busday(np.datetime64(day, "D"), busdaycal=self._numpy))


@lru_cache(maxsize=16)
def _england(extra: tuple[date, ...], first_year: int, last_year: int) -> WorkingCalendar:
    return WorkingCalendar.england(extra, first_year=first_year, last_year=last_year)


def england_calendar(
    extra_closure_days: Iterable[date] = (),
    *,
    first_year: int = FIRST_YEAR,
    last_year: int = LAST_YEAR,
) -> WorkingCalendar:
    """The (cached) calendar of England's bank holidays plus the extra closure days."""
    return _england(tuple(sorted(set(extra_closure_days))), first_year, last_year)


Days = pl.Series | pl.Expr
Count = int | pl.Series | pl.Expr


def _to_numpy(series: pl.Series) -> np.ndarray:
    return series.cast(pl.Date).to_numpy().astype(_DAY)


def _offset(days: pl.Series, counts: pl.Series | int, calendar: WorkingCalendar) -> pl.Series:
    values = _to_numpy(days)
    missing = np.isnat(values)
    if isinstance(counts, int):
        n: int | np.ndarray = counts
        negative = counts < 0
    else:
        missing |= counts.is_null().to_numpy()
        n = counts.cast(pl.Int64).fill_null(0).to_numpy()
        negative = bool((n < 0).any())
    if negative:
        raise ValueError("add_working_days counts forward only: n must be 0 or more")
    filled = np.where(missing, np.datetime64("2000-01-03", "D"), values)
    moved = np.busday_offset(filled, n, roll="backward", busdaycal=calendar.numpy)
    result = np.where(missing, np.datetime64("NaT", "D"), np.where(np.equal(n, 0), values, moved))
    return pl.Series(days.name, result, dtype=pl.Date)


def add_working_days(days: Days, n: Count, calendar: WorkingCalendar) -> pl.Series | pl.Expr:
    """The n-th working day after each day (the module's convention); ``n`` is one count for
    every row or a count per row. Nulls stay null. A Series in gives a Series out, an expression
    an expression (``frame.with_columns(add_working_days(pl.col("visit_date"), 5, cal))``)."""
    if isinstance(days, pl.Series) and not isinstance(n, pl.Expr):
        return _offset(days, n, calendar)
    day_expr = pl.lit(days) if isinstance(days, pl.Series) else days
    if isinstance(n, int):
        return day_expr.map_batches(
            lambda s: _offset(s, n, calendar), return_dtype=pl.Date, is_elementwise=True
        )
    count_expr = pl.lit(n) if isinstance(n, pl.Series) else n
    return pl.struct(day_expr.alias("d"), count_expr.alias("n")).map_batches(
        lambda s: _offset(s.struct.field("d"), s.struct.field("n"), calendar).alias("d"),
        return_dtype=pl.Date,
        is_elementwise=True,
    )


def _between(starts: pl.Series, ends: pl.Series, calendar: WorkingCalendar) -> pl.Series:
    begin, end = _to_numpy(starts), _to_numpy(ends)
    missing = np.isnat(begin) | np.isnat(end)
    anchor = np.datetime64("2000-01-03", "D")
    one = np.timedelta64(1, "D")
    low = np.where(missing, anchor, np.minimum(begin, end)) + one
    high = np.where(missing, anchor, np.maximum(begin, end)) + one
    counts = np.busday_count(low, high, busdaycal=calendar.numpy)
    counts = np.where(end < begin, -counts, counts)
    return pl.Series(starts.name, counts, dtype=pl.Int64).scatter(np.flatnonzero(missing), None)


def working_calendar(standards: PracticeStandards) -> WorkingCalendar:
    """The calendar of a council's practice standards: England's bank holidays plus the
    standards' ``extra_closure_days`` (built once and cached)."""
    return england_calendar(standards.extra_closure_days)


def working_days_between(start: Days, end: Days, calendar: WorkingCalendar) -> pl.Series | pl.Expr:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is
    earlier), row by row; null where either is null."""
    if isinstance(start, pl.Series) and isinstance(end, pl.Series):
        return _between(start, end, calendar)
    first = pl.lit(start) if isinstance(start, pl.Series) else start
    last = pl.lit(end) if isinstance(end, pl.Series) else end
    return pl.struct(first.alias("s"), last.alias("e")).map_batches(
        lambda s: _between(s.struct.field("s"), s.struct.field("e"), calendar).alias("s"),
        return_dtype=pl.Int64,
        is_elementwise=True,
    )

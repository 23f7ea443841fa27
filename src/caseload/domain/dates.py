"""Census-year arithmetic. Census year ``Y`` runs 1 October ``Y-1`` to 30 September ``Y``;
stocks are counted at the reference date, 30 September ``Y``.

All dated spells in Caseload are inclusive: ``start_date`` is the first day and ``end_date`` the
last day (``None`` while open)."""

from __future__ import annotations

from datetime import date


def reference_date(census_year: int) -> date:
    return date(census_year, 9, 30)


def census_year_bounds(census_year: int) -> tuple[date, date]:
    """First and last day of a census year."""
    return date(census_year - 1, 10, 1), date(census_year, 9, 30)


def census_year_of(day: date) -> int:
    """The census year a day falls in."""
    return day.year + 1 if day.month >= 10 else day.year

"""Census-year arithmetic. Census year ``Y`` runs 1 October ``Y-1`` to 30 September ``Y``;
stocks are counted at the reference date, 30 September ``Y``.

All dated spells in Caseload are inclusive: ``start_date`` is the first day and ``end_date`` the
last day (``None`` while open)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from caseload.errors import InvalidInputError


def reference_date(census_year: int) -> date:
    return date(census_year, 9, 30)


def census_year_bounds(census_year: int) -> tuple[date, date]:
    """First and last day of a census year."""
    return date(census_year - 1, 10, 1), date(census_year, 9, 30)


def census_year_of(day: date) -> int:
    """The census year a day falls in."""
    return day.year + 1 if day.month >= 10 else day.year


ENGLAND = ZoneInfo("Europe/London")


def day_in_england(moment: datetime) -> date:
    """The calendar day a moment (with its time zone) falls on in England."""
    return moment.astimezone(ENGLAND).date()


# --- the reporting date ------------------------------------------------------------------------
# Every figure answers for an explicit day: the one the user chose, else the council's data date
# (the last day its loaded data covers). Days from outside are checked here, where they enter.

EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2099, 12, 31)
"""No day Caseload works with lies outside these; a day outside them is a typing error."""


def parse_day(text: str | None, field: str) -> date | None:
    """A day written YYYY-MM-DD (``None`` or blank: not given), refused with a message naming the
    field when it is not a real date in Caseload's range."""
    if text is None or not text.strip():
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInputError(
            f"{field} must be a date written YYYY-MM-DD, not {text.strip()!r}"
        ) from None
    return check_day(day, field)


def check_day(day: date, field: str, *, latest: date | None = None) -> date:
    """``day`` when it lies between ``EARLIEST_DAY`` and ``latest`` (when given, else
    ``LATEST_DAY``), else a one-line
    error naming the field and the range."""
    if day < EARLIEST_DAY:
        raise InvalidInputError(
            f"{field} {day.isoformat()} is before {EARLIEST_DAY.isoformat()}; choose a later date"
        )
    if latest is not None and day > latest:
        raise InvalidInputError(
            f"{field} {day.isoformat()} is after {latest.isoformat()}, the last day the data "
            f"covers; choose {latest.isoformat()} or an earlier date"
        )
    if day > LATEST_DAY:
        raise InvalidInputError(
            f"{field} {day.isoformat()} is after {LATEST_DAY.isoformat()}; choose an earlier date"
        )
    return day


@dataclass(frozen=True)
class ReportingDate:
    """The day figures answer for (``as_at``) and the last day the council's data covers
    (``data_date``). ``as_at`` is never after ``data_date``."""

    as_at: date
    data_date: date

    @property
    def is_data_date(self) -> bool:
        return self.as_at == self.data_date

    def to_dict(self) -> dict[str, str]:
        return {"as_at": self.as_at.isoformat(), "data_date": self.data_date.isoformat()}


def reporting_date(requested: date | None, data_date: date, field: str = "as_at") -> ReportingDate:
    """The reporting date for a request: the day asked for (checked against the data date), else
    the data date."""
    if requested is None:
        return ReportingDate(data_date, data_date)
    return ReportingDate(check_day(requested, field, latest=data_date), data_date)

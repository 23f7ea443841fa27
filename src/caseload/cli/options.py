"""Parsing option values with messages that name the option."""

from __future__ import annotations

from datetime import date

from caseload.domain.dates import parse_day


def parse_date(value: str | None, option: str) -> date | None:
    """A day given on the command line, range-checked (:func:`caseload.domain.dates.parse_day`)."""
    return parse_day(value, option)

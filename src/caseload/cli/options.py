"""Parsing option values with messages that name the option."""

from __future__ import annotations

from datetime import date

from caseload.errors import InvalidInputError


def parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInputError(
            f"{option} must be a date written YYYY-MM-DD, not {value!r}"
        ) from None

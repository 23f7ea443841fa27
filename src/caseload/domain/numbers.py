"""Whole numbers from outside (page numbers, census years, record ids, counts, limits): each
kind has a named range, and a number is checked against it where it enters, with a one-line
message naming the field, the range and what was given.

The web reads query parameters through ``caseload.web.deps`` and the command line its options
through ``caseload.cli.options``; both call :func:`parse_whole_number` here, so a page, an API
call and a command refuse the same values with the same words."""

from __future__ import annotations

import re
from dataclasses import dataclass

from caseload.domain.disclosure import DEFAULT_THRESHOLD
from caseload.errors import InvalidInputError

LONGEST_NUMBER = 20
"""Characters a whole number from outside may have; anything longer is refused unread."""
WHOLE_NUMBER = re.compile(r"^[+-]?[0-9]+$")


@dataclass(frozen=True)
class NumberRange:
    """The whole numbers a field accepts, ``low`` to ``high`` inclusive."""

    low: int
    high: int

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int) and self.low <= value <= self.high

    def describe(self) -> str:
        return f"from {self.low} to {self.high}"


CENSUS_YEARS = NumberRange(2000, 2100)
"""Census years (1 October Y-1 to 30 September Y) Caseload works with."""
RECORD_IDS = NumberRange(1, 2**31 - 1)
"""Ids of records in the database (workers, teams, decisions): a 32-bit signed key."""
PAGE_NUMBERS = NumberRange(1, 1_000_000)
"""Pages of a long listing (the audit trail shows 50 events a page)."""
LIST_LIMITS = NumberRange(1, 10_000)
"""How many rows a listing may be asked for."""
TOKEN_DAYS = NumberRange(1, 3650)
"""Days an API token may last: at most ten years."""
GROUP_SIZES = NumberRange(DEFAULT_THRESHOLD, 1000)
"""The smallest group an export may show: never below the disclosure threshold."""
SIMULATED_YEARS = NumberRange(1, 20)
"""Census years the synthetic generator may simulate."""
GENERATED_COUNCILS = NumberRange(1, 999)
"""Councils the synthetic generator may build at once."""
WORKER_PROCESSES = NumberRange(0, 64)
"""Processes the synthetic generator may simulate councils in (0: in the command's own)."""
SEEDS = NumberRange(0, 2**32 - 1)
"""Random seeds (numpy's generators take a non-negative seed)."""
FORECAST_MONTHS = NumberRange(1, 60)
"""Months a demand forecast runs ahead, or a backtest compares: at most five years."""


def check_whole_number(value: int, field: str, allowed: NumberRange) -> int:
    """``value`` when it lies in ``allowed``, else a one-line error naming the field."""
    if value not in allowed:
        raise InvalidInputError(f"{field} must be a whole number {allowed.describe()}, not {value}")
    return value


def parse_whole_number(text: str | None, field: str, allowed: NumberRange) -> int | None:
    """A whole number written in digits (``None`` or blank: not given), refused with a message
    naming the field when it is not a whole number or lies outside ``allowed``."""
    if text is None or not text.strip():
        return None
    written = text.strip()
    if len(written) > LONGEST_NUMBER or not WHOLE_NUMBER.match(written):
        shown = written if len(written) <= LONGEST_NUMBER else written[:LONGEST_NUMBER] + "..."
        raise InvalidInputError(
            f"{field} must be a whole number {allowed.describe()}, not {shown!r}"
        )
    return check_whole_number(int(written), field, allowed)

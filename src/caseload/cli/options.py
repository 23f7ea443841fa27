"""Parsing option values with messages that name the option: days through
``caseload.domain.dates`` and whole numbers through ``caseload.domain.numbers``, the same checks
the web applies, so a command refuses a value out of range in one line (exit 2) before it does
anything. ``tests/security/test_ranges.py`` walks every command's options."""

from __future__ import annotations

from datetime import date

import click

from caseload.domain.dates import parse_day
from caseload.domain.numbers import NumberRange, check_whole_number, parse_whole_number


def parse_date(value: str | None, option: str) -> date | None:
    """A day given on the command line, range-checked (:func:`caseload.domain.dates.parse_day`)."""
    return parse_day(value, option)


class WholeNumber(click.ParamType):
    """A whole-number option in a named range (``caseload.domain.numbers``): typer's
    ``click_type=WholeNumber(CENSUS_YEARS)``. A value out of range raises the shared
    ``InvalidInputError``, which the command line prints on one line."""

    name = "integer"

    def __init__(self, allowed: NumberRange) -> None:
        self.allowed = allowed

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return f"{self.allowed.low}-{self.allowed.high}"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> int | None:
        field = param.opts[0] if param is not None and param.opts else "the number"
        if isinstance(value, int) and not isinstance(value, bool):
            return check_whole_number(value, field, self.allowed)
        return parse_whole_number(None if value is None else str(value), field, self.allowed)

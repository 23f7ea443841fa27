"""How a report cell reads, by its column's kind: the one formatting rule the HTML and PDF reports
share (the workbook keeps numbers as numbers and gives Excel the matching number format)."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from caseload.reports.model import Cell, Column, ColumnKind

NO_FIGURE = "–"  # an en dash: there is no figure
SUPPRESSED = "c"  # DfE's symbol for a figure held back to protect people
NUMERIC_KINDS = frozenset(
    {ColumnKind.COUNT, ColumnKind.NUMBER, ColumnKind.PERCENT, ColumnKind.POINTS}
)


def is_numeric(column: Column) -> bool:
    """Whether a column holds figures (set right-aligned)."""
    return column.kind in NUMERIC_KINDS


def rounded(value: float, places: int) -> Decimal:
    """``value`` to ``places``, halves away from zero, as Excel shows it (17.25 to one place is
    17.3), so the PDF, the HTML and the workbook print the same figure. The float's shortest
    decimal form is rounded, not its binary value."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def fixed(value: float, places: int) -> str:
    """A decimal to ``places`` with thousands separators; never ``-0.0``."""
    number = rounded(value, places)
    return f"{abs(number) if number == 0 else number:,.{places}f}"


def signed(value: float, places: int) -> str:
    """A change with its sign: ``+4.1``, ``-0.3``; no sign when it rounds to zero (``0.0``)."""
    number = rounded(value, places)
    text = f"{abs(number):,.{places}f}"
    if number == 0:
        return text
    return ("+" if number > 0 else "-") + text


def format_cell(value: Cell, column: Column) -> str:
    """``value`` as the report prints it in ``column``: counts with thousands separators
    (``1,234``), decimals and per cent values to the column's places (a whole number among
    decimals is a count: no places) (``12.5%``), changes signed
    (``+4.1``), RAG ratings as the word (``Amber``), no figure as an en dash and a suppressed
    figure as ``c``; a value that is not a finite number is no figure either. Text is printed as
    it is."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return NO_FIGURE
    if isinstance(value, str):
        if column.kind is ColumnKind.RAG and value != SUPPRESSED:
            return value.capitalize()
        return value
    if column.kind is ColumnKind.COUNT:
        return fixed(value, 0)
    if column.kind is ColumnKind.NUMBER:
        # A whole number in a column of decimals is a count (people, children): no decimals.
        return fixed(value, 0 if isinstance(value, int) else column.places)
    if column.kind is ColumnKind.PERCENT:
        return fixed(value, column.places) + "%"
    if column.kind is ColumnKind.POINTS:
        return signed(value, column.places)
    return str(value)

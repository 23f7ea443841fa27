"""How a report cell reads, by its column's kind."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseload.reports.cells import format_cell
from caseload.reports.model import Cell, Column, ColumnKind

TEXT = Column("a", "A")
COUNT = Column("a", "A", ColumnKind.COUNT)
NUMBER = Column("a", "A", ColumnKind.NUMBER, 1)
NUMBER_2 = Column("a", "A", ColumnKind.NUMBER, 2)
PERCENT = Column("a", "A", ColumnKind.PERCENT, 1)
PERCENT_0 = Column("a", "A", ColumnKind.PERCENT, 0)
POINTS = Column("a", "A", ColumnKind.POINTS, 1)
RAG = Column("a", "A", ColumnKind.RAG)


@pytest.mark.parametrize(
    ("value", "column", "expected"),
    [
        ("North team", TEXT, "North team"),
        ("=1+1", TEXT, "=1+1"),
        (1234, COUNT, "1,234"),
        (1234567, COUNT, "1,234,567"),
        (0, COUNT, "0"),
        (12.0, COUNT, "12"),
        (17.25, NUMBER, "17.3"),  # halves away from zero, as Excel shows 17.25 to one place
        (7, NUMBER, "7"),  # a whole number among decimals is a count
        (7.0, NUMBER, "7.0"),
        (1234.5, NUMBER, "1,234.5"),
        (-0.04, NUMBER, "0.0"),
        (3.14159, NUMBER_2, "3.14"),
        (12.5, PERCENT, "12.5%"),
        (12.5, PERCENT_0, "13%"),
        (0.0, PERCENT, "0.0%"),
        (4.1, POINTS, "+4.1"),
        (-0.34, POINTS, "-0.3"),
        (0.0, POINTS, "0.0"),
        (0.04, POINTS, "0.0"),
        (-0.04, POINTS, "0.0"),
        (-0.05, POINTS, "-0.1"),
        (1500, POINTS, "+1,500.0"),
        ("amber", RAG, "Amber"),
        ("red", RAG, "Red"),
        ("green", RAG, "Green"),
        (None, RAG, "–"),
        ("c", RAG, "c"),
        (None, COUNT, "–"),
        (None, TEXT, "–"),
        ("c", COUNT, "c"),
        ("c", PERCENT, "c"),
        ("c", POINTS, "c"),
        (float("nan"), NUMBER, "–"),
        (float("inf"), COUNT, "–"),
    ],
)
def test_each_kind_reads_as_the_report_prints_it(
    value: Cell, column: Column, expected: str
) -> None:
    assert format_cell(value, column) == expected


changes = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(changes, st.integers(min_value=0, max_value=3))
def test_a_change_is_signed_unless_it_rounds_to_zero(value: float, places: int) -> None:
    text = format_cell(value, Column("a", "A", ColumnKind.POINTS, places))
    zero = "0." + "0" * places if places else "0"
    assert text == zero or text[0] in "+-"
    if text != zero:
        assert (text[0] == "+") == (value > 0)
        assert abs(float(text.replace(",", "")) - value) <= 0.5 * 10**-places + 1e-9


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_a_count_reads_back_as_the_same_number(value: int) -> None:
    text = format_cell(value, COUNT)
    assert int(text.replace(",", "")) == value
    assert all(len(group) == 3 for group in text.lstrip("-").split(",")[1:])

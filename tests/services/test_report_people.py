"""Small numbers in the public reports' people tables (starters by origin, leavers by reason,
length of service): every count from 1 to 4 is hidden, and no hidden count can be worked out from
the total row (which DfE publishes, so it is kept), by subtraction or by combining the sums. The
same onlooker attacks the elected member's pages (tests/domain/test_disclosure.py)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from caseload.domain.disclosure import SUPPRESSED, is_small
from caseload.reports.model import Cell
from caseload.services.report_people import protect_counts
from disclosure_attack import solvable, subtract


def _table(counts: list[list[int]]) -> list[dict[str, Cell]]:
    columns = len(counts[0])
    rows: list[dict[str, Cell]] = [
        {"name": f"row {index}", **{f"y{c}": values[c] for c in range(columns)}}
        for index, values in enumerate(counts)
    ]
    rows.append(
        {"name": "All", **{f"y{c}": sum(values[c] for values in counts) for c in range(columns)}}
    )
    return rows


def test_a_worked_table() -> None:
    rows = _table([[25, 26], [8, 3], [5, 0], [2, 9]])
    shown = protect_counts(rows, ["y0", "y1"], total_row=True)
    assert [row["y0"] for row in shown] == [25, 8, SUPPRESSED, SUPPRESSED, 40]
    # 3 is hidden, so one more of the year's non-zero parts goes: the smallest shown, 9.
    assert [row["y1"] for row in shown] == [26, SUPPRESSED, 0, SUPPRESSED, 38]


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=1, max_value=4).flatmap(
        lambda columns: st.lists(
            st.lists(st.integers(min_value=0, max_value=40), min_size=columns, max_size=columns),
            min_size=2,  # a breakdown has two categories at least (one row is just the total)
            max_size=8,
        )
    )
)
def test_no_small_count_shows_and_none_can_be_worked_out(counts: list[list[int]]) -> None:
    rows = _table(counts)
    columns = [key for key in rows[0] if key != "name"]
    shown = protect_counts(rows, columns, total_row=True)
    total = len(rows) - 1
    for column in columns:
        assert shown[total][column] == rows[total][column]  # the published total is kept
        for index in range(total):
            value = rows[index][column]
            assert isinstance(value, int)
            if is_small(value):
                assert shown[index][column] == SUPPRESSED
        known = {
            (index, column): float(row[column])  # type: ignore[arg-type]
            for index, row in enumerate(shown)
            if row[column] != SUPPRESSED
        }
        hidden = {(index, column) for index, row in enumerate(shown) if row[column] == SUPPRESSED}
        relations = [[(total, column), *((index, column) for index in range(total))]]
        recovered = subtract(known, relations)
        assert not {cell for cell, value in recovered.items() if value}
        for cell in solvable(hidden, relations):
            assert rows[cell[0]][column] == 0

"""Disclosure control: primary suppression, derived figures and complementary suppression.

The property tests build tables with row and column totals (one table, two tables sharing their
totals, and a service > team hierarchy), protect them and then attack them: every subtraction
(each total minus its shown parts, each part from its total and the other parts, repeated with
whatever was recovered) and, more strongly, every combination of the sums (linear algebra). No
hidden non-zero figure may come out, and every count from 1 to 4 must be hidden."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseload.domain.disclosure import (
    DEFAULT_THRESHOLD,
    SUPPRESSED,
    Grid,
    Protection,
    check_publication_day,
    is_small,
    suppress_count,
)
from caseload.errors import InvalidInputError
from disclosure_attack import solvable, subtract

Cell = tuple[Hashable, ...]


# --- the attacker -----------------------------------------------------------------------------


def assert_safe(grid: Grid[Cell], protection: Protection[Cell]) -> None:
    hidden = set(protection.hidden)
    for cell in grid.counts:
        if is_small(grid.values[cell]):
            assert cell in hidden, (cell, grid.values[cell])
    relations = [relation.cells for relation in grid.sums]
    known = {cell: value for cell, value in grid.values.items() if cell not in hidden}
    recovered = subtract(known, relations)
    assert not recovered, recovered
    fixed = {cell for cell in solvable(hidden, relations) if grid.values[cell] != 0}
    assert not fixed, {cell: grid.values[cell] for cell in fixed}
    for cell, sources in grid.sources.items():
        if any(source in hidden for source in sources):
            assert cell in hidden, cell


# --- tables with totals -----------------------------------------------------------------------

small_or_not = st.one_of(
    st.just(0), st.integers(1, 4), st.integers(5, 40), st.integers(1, 4), st.integers(5, 12)
)


def table(grid: Grid[Cell], name: str, body: list[list[int]], *, row_totals: bool = True) -> None:
    """A table of counts with a total per row and per column and a grand total."""
    for r, row in enumerate(body):
        for c, value in enumerate(row):
            grid.count((name, r, c), value)
        if row_totals:
            grid.count((name, r, "total"), sum(row))
    columns = len(body[0])
    for c in range(columns):
        grid.count((name, "total", c), sum(row[c] for row in body))
    grid.count((name, "total", "total"), sum(map(sum, body)))
    for r in range(len(body)):
        if row_totals:
            grid.add_sum((name, r, "total"), [(name, r, c) for c in range(columns)])
    for c in range(columns):
        grid.add_sum((name, "total", c), [(name, r, c) for r in range(len(body))])
    grid.add_sum((name, "total", "total"), [(name, "total", c) for c in range(columns)])
    if row_totals:
        grid.add_sum((name, "total", "total"), [(name, r, "total") for r in range(len(body))])


def bodies(rows: int = 6, columns: int = 5) -> st.SearchStrategy[list[list[int]]]:
    return st.integers(1, rows).flatmap(
        lambda r: st.integers(1, columns).flatmap(
            lambda c: st.lists(
                st.lists(small_or_not, min_size=c, max_size=c), min_size=r, max_size=r
            )
        )
    )


@settings(max_examples=300, deadline=None)
@given(bodies())
def test_no_cell_of_a_table_with_totals_can_be_recovered(body: list[list[int]]) -> None:
    grid: Grid[Cell] = Grid()
    table(grid, "bands", body)
    assert_safe(grid, grid.protect())


@settings(max_examples=200, deadline=None)
@given(bodies(5, 3), st.data())
def test_linked_tables_sharing_their_totals_leak_nothing(
    body: list[list[int]], data: st.DataObject
) -> None:
    """Two tables on one page split the same row totals two ways (teams by band, teams by
    role): each row's total is one cell shared by both."""
    grid: Grid[Cell] = Grid()
    table(grid, "bands", body)
    columns = data.draw(st.integers(1, 3))
    second: list[list[int]] = []
    for row in body:
        total = sum(row)
        parts = st.lists(st.integers(0, total), min_size=columns - 1, max_size=columns - 1)
        cuts = sorted(data.draw(parts))
        edges = [0, *cuts, total]
        second.append([b - a for a, b in pairwise(edges)])
    for r, row in enumerate(second):
        for c, value in enumerate(row):
            grid.count(("roles", r, c), value)
        grid.add_sum(("bands", r, "total"), [("roles", r, c) for c in range(len(row))])
    for c in range(len(second[0])):
        grid.count(("roles", "total", c), sum(row[c] for row in second))
        grid.add_sum(("roles", "total", c), [("roles", r, c) for r in range(len(second))])
    grid.add_sum(
        ("bands", "total", "total"), [("roles", "total", c) for c in range(len(second[0]))]
    )
    assert_safe(grid, grid.protect())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(small_or_not, st.floats(0.5, 1.0)), min_size=1, max_size=4),
        min_size=1,
        max_size=4,
    )
)
def test_a_service_and_team_hierarchy_with_derived_figures(
    services: list[list[tuple[int, float]]],
) -> None:
    """Teams within service areas within the council, each with case holders, their FTE and a
    caseload built from both: hidden holders hide the FTE and caseload, and no sum gives any of
    them back."""
    grid: Grid[Cell] = Grid()
    for s, teams in enumerate(services):
        for t, (holders, fte_each) in enumerate(teams):
            fte = round(holders * fte_each, 2)
            grid.count(("team", s, t, "holders"), holders)
            grid.figure(("team", s, t, "fte"), fte, of=[("team", s, t, "holders")])
        grid.count(("service", s, "holders"), sum(h for h, _ in teams))
        grid.figure(
            ("service", s, "fte"),
            sum(grid.values[("team", s, t, "fte")] for t in range(len(teams))),
            of=[("service", s, "holders")],
        )
        for column in ("holders", "fte"):
            grid.add_sum(
                ("service", s, column), [("team", s, t, column) for t in range(len(teams))]
            )
    grid.count(("council", "holders"), sum(h for teams in services for h, _ in teams))
    grid.figure(
        ("council", "fte"),
        sum(grid.values[("service", s, "fte")] for s in range(len(services))),
        of=[("council", "holders")],
    )
    for column in ("holders", "fte"):
        grid.add_sum(("council", column), [("service", s, column) for s in range(len(services))])
    protection = grid.protect()
    assert_safe(grid, protection)
    for cell in grid.counts:
        if cell in protection.hidden:
            assert (*cell[:-1], "fte") in protection.hidden


# --- exact values -----------------------------------------------------------------------------


def test_counts_from_one_to_four_are_suppressed_and_zero_is_shown() -> None:
    assert [suppress_count(n) for n in (None, 0, 1, 2, 3, 4, 5, 6)] == [
        None, 0, "c", "c", "c", "c", 5, 6,
    ]  # fmt: skip
    assert suppress_count(9, threshold=10) == SUPPRESSED
    assert suppress_count(10, threshold=10) == 10
    assert DEFAULT_THRESHOLD == 5


def test_the_amber_leak_is_closed_by_hiding_the_next_smallest_part() -> None:
    """Case holders 14 = red 6 + amber 3 + green 5: amber alone hidden is 14 - 6 - 5, so green
    (the smallest shown non-zero part) goes too."""
    grid: Grid[str] = Grid()
    for name, value in (("total", 14), ("red", 6), ("amber", 3), ("green", 5)):
        grid.count(name, value)
    grid.add_sum("total", ["red", "amber", "green"])
    protection = grid.protect()
    assert protection.primary == {"amber"}
    assert protection.hidden == {"amber", "green"}
    assert [protection.show(n, grid.values[n]) for n in ("total", "red", "amber", "green")] == [
        14, 6, "c", "c",
    ]  # fmt: skip


def test_zeros_are_shown_and_used_only_when_nothing_else_is_left() -> None:
    """8 = 3 + 0 + 5: the 5 goes with the 3, the 0 stays. Then 6 = a (hidden, 6) + 0: the only
    non-zero shown cell is the total, so the total goes."""
    grid: Grid[str] = Grid()
    for name, value in (("t1", 8), ("p", 3), ("zero", 0), ("q", 5), ("t2", 11), ("r", 6)):
        grid.count(name, value)
    grid.count("t3", 6)
    grid.count("zero2", 0)
    grid.add_sum("t1", ["p", "zero", "q"])
    grid.add_sum("t2", ["q", "r"])  # hiding q leaves r alone: r goes (11 = 5 + 6)
    grid.add_sum("t3", ["r", "zero2"])  # hiding r leaves only the total 6 non-zero
    protection = grid.protect()
    assert protection.hidden == {"p", "q", "r", "t3"}
    assert "zero" not in protection.hidden and "zero2" not in protection.hidden


def test_a_cell_recoverable_only_by_combining_two_sums_is_protected() -> None:
    """10 = x 3 + y 7 and 12 = x 3 + y 7 + z 2: each sum keeps two hidden cells, but the second
    minus the first gives z = 2; the 12 is hidden as well."""
    grid: Grid[str] = Grid()
    for name, value in (("t1", 10), ("t2", 12), ("x", 3), ("y", 7), ("z", 2)):
        grid.count(name, value)
    grid.add_sum("t1", ["x", "y"])
    grid.add_sum("t2", ["x", "y", "z"])
    protection = grid.protect()
    assert protection.primary == {"x", "z"}
    assert protection.hidden == {"x", "y", "z", "t2"}


def test_figures_derived_from_a_hidden_count_are_hidden() -> None:
    """A team with 3 cases on 5 FTE: not its points (3.0) nor its caseload (0.6)."""
    grid: Grid[str] = Grid()
    grid.count("cases", 3)
    grid.count("holders", 6)
    grid.figure("fte", 5.0, of=["holders"])
    grid.figure("points", 3.0, of=["cases"])
    grid.figure("caseload", 0.6, of=["cases", "fte"])
    protection = grid.protect()
    assert protection.hidden == {"cases", "points", "caseload"}
    assert protection.show("fte", 5.0) == 5.0
    assert protection.show("caseload", 0.6) == SUPPRESSED


def test_a_two_by_two_table_hides_a_rectangle() -> None:
    """Rows (2, 9) and (6, 8): the 2 forces the 9 (row) and the 6 (column), which force the 8;
    every total is shown."""
    grid: Grid[Cell] = Grid()
    table(grid, "t", [[2, 9], [6, 8]])
    protection = grid.protect()
    assert protection.hidden == {("t", 0, 0), ("t", 0, 1), ("t", 1, 0), ("t", 1, 1)}


def test_unpublished_cells_protect_without_being_reported() -> None:
    """Children waiting 9 = review 3 + escalate 6 + new 0 where "new" is not on the page: the
    unknown "new" already stops the subtraction, so escalate is shown."""
    grid: Grid[str] = Grid()
    grid.count("children", 9)
    grid.count("review", 3)
    grid.count("escalate", 6)
    grid.count("new", 0, published=False)
    grid.add_sum("children", ["review", "escalate", "new"])
    protection = grid.protect()
    assert protection.hidden == {"review"}


def test_the_same_figures_always_hide_the_same_cells() -> None:
    body = [[1, 7, 0, 12], [5, 3, 9, 0], [0, 0, 4, 6]]
    runs = []
    for _ in range(3):
        grid: Grid[Cell] = Grid()
        table(grid, "t", body)
        runs.append(grid.protect().hidden)
    assert runs[0] == runs[1] == runs[2]
    assert runs[0] == {
        ("t", 0, 0), ("t", 0, 1), ("t", 1, 0), ("t", 1, 1),
        ("t", 2, 2), ("t", 2, 3), ("t", 1, 2), ("t", 0, 3),
    }  # fmt: skip


def test_the_example_in_the_documentation() -> None:
    """docs/disclosure.md: two teams and their service area by band."""
    grid: Grid[Cell] = Grid()
    rows = {"Team A": (14, 6, 3, 5), "Team B": (9, 4, 0, 5), "Service area": (23, 10, 3, 10)}
    columns = ("holders", "red", "amber", "green")
    for row, values in rows.items():
        for column, value in zip(columns, values, strict=True):
            grid.count((row, column), value)
    for row in rows:
        grid.add_sum((row, "holders"), [(row, column) for column in columns[1:]])
    for column in columns:
        grid.add_sum(("Service area", column), [("Team A", column), ("Team B", column)])
    protection = grid.protect()
    shown = {
        row: [protection.show((row, column), grid.values[(row, column)]) for column in columns]
        for row in rows
    }
    assert shown == {
        "Team A": [14, 6, "c", "c"],
        "Team B": [9, "c", 0, "c"],
        "Service area": [23, "c", "c", 10],
    }
    assert_safe(grid, protection)


def test_kept_totals_are_never_hidden() -> None:
    """The council's own totals (published by DfE) stay: 35 = 3 + 12 + 20 hides the 12."""
    grid: Grid[str] = Grid()
    for name, value in (("council", 35), ("a", 3), ("b", 12), ("c", 20)):
        grid.count(name, value)
    grid.keep("council")
    grid.add_sum("council", ["a", "b", "c"])
    assert grid.protect().hidden == {"a", "b"}
    small: Grid[str] = Grid()
    for name, value in (("council", 4), ("a", 4), ("b", 0)):
        small.count(name, value)
    small.keep("council")
    small.add_sum("council", ["a", "b"])
    # a council total of 4 is shown in full; the 4 in it is hidden, the zero beside it goes too
    assert small.protect().hidden == {"a", "b"}


def test_suppressed_figures_are_published_for_the_data_date_only() -> None:
    data_date = date(2026, 9, 30)
    check_publication_day(data_date, data_date, suppressed=True)
    check_publication_day(date(2026, 8, 31), data_date, suppressed=False)
    with pytest.raises(InvalidInputError) as refused:
        check_publication_day(date(2026, 8, 31), data_date, suppressed=True)
    assert str(refused.value) == (
        "figures with small numbers hidden are published for the data date, 2026-09-30, only; "
        "remove the date from the address to see them"
    )

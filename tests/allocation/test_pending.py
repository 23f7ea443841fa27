"""Decisions made after the data date, as the allocation meeting counts them."""

from __future__ import annotations

from datetime import date

import polars as pl

from caseload.allocation.pending import with_decisions_since
from caseload.domain.caseload_data import CaseloadData

DAY = date(2026, 9, 30)


def data_with(allocations: list[tuple[int, int, str, date, date | None]]) -> CaseloadData:
    empty = pl.DataFrame()
    frame = pl.DataFrame(
        allocations,
        schema={
            "child_id": pl.Int64,
            "worker_id": pl.Int64,
            "role": pl.Utf8,
            "start_date": pl.Date,
            "end_date": pl.Date,
        },
        orient="row",
    )
    return CaseloadData(
        teams=empty,
        workers=empty,
        spells=empty,
        managers=empty,
        absences=empty,
        children=empty,
        statuses=empty,
        proceedings=empty,
        allocations=frame,
    )


def test_a_child_allocated_since_counts_from_the_meetings_day() -> None:
    data = data_with(
        [
            (1, 10, "allocated", date(2026, 1, 5), None),  # held all along
            (2, 11, "allocated", date(2026, 12, 7), None),  # waiting on the day, decided since
            (2, 12, "co_worker", date(2026, 12, 7), None),  # the decision's co-worker
            # a planned move: the child is held on the day, the new worker starts later
            (3, 13, "allocated", date(2026, 2, 1), date(2026, 10, 4)),
            (3, 14, "allocated", date(2026, 10, 5), None),
        ]
    )
    seen = with_decisions_since(data, DAY).allocations
    assert seen["start_date"].to_list() == [
        date(2026, 1, 5),
        DAY,
        DAY,
        date(2026, 2, 1),
        date(2026, 10, 5),
    ]


def test_nothing_decided_since_leaves_the_data_alone() -> None:
    data = data_with([(1, 10, "allocated", date(2026, 1, 5), None)])
    assert with_decisions_since(data, DAY) is data

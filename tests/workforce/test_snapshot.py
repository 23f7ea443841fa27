"""Workforce and case snapshots from frames."""

from __future__ import annotations

import polars as pl

from caseload.workforce import case_snapshot, workforce_by_role


def test_workforce_by_role_counts_people_and_sums_fte() -> None:
    spells = pl.DataFrame(
        {
            "authority_id": [1, 1, 1, 2, 1],
            "worker_id": [1, 2, 3, 1, 4],  # worker 1 of authority 2 is another person
            "contract": ["own", "own", "agency", "own", "own"],
            "role": ["social_worker", "social_worker", "social_worker", "social_worker", "asye"],
            "fte": [1.0, 0.6, 1.0, 0.8, 1.0],
            "team_id": [1, 1, 1, 2, 1],
        }
    )
    assert workforce_by_role(spells).to_dicts() == [
        {"role": "asye", "contract": "own", "fte": 1.0, "headcount": 1},
        {"role": "social_worker", "contract": "own", "fte": 2.4, "headcount": 3},
        {"role": "social_worker", "contract": "agency", "fte": 1.0, "headcount": 1},
    ]


def test_case_snapshot_counts_children_not_co_workers() -> None:
    statuses = pl.DataFrame({"child_id": [1, 2, 3], "status": ["cp", "cin", "cla"]})
    allocations = pl.DataFrame(
        {
            "child_id": [1, 1, 2, 9],  # child 9's status has closed
            "worker_id": [5, 6, 6, 5],
            "role": ["allocated", "co_worker", "co_worker", "allocated"],
        }
    )
    snapshot = case_snapshot(statuses, allocations)
    assert snapshot.open_by_type == {
        "assessment": 0,
        "cin": 1,
        "cp": 1,
        "cla": 1,
        "care_leaver": 0,
    }
    assert (snapshot.open_children, snapshot.allocated_children) == (3, 1)
    assert snapshot.unallocated_children == 2  # a co-worker alone does not make a child allocated

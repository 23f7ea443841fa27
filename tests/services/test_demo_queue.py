"""The demo council's queue: children whose first allocation would start in the last days of
the simulation wait for the next allocation meeting; the default leaves the figures alone."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from caseload.services.generation import DEMO_SPEC, simulation_start
from caseload.synthetic import CouncilSpec, generate_council
from caseload.synthetic.council import SyntheticCouncil

START = simulation_start(1)


def council(days: int) -> SyntheticCouncil:
    spec = CouncilSpec(
        code="805",
        name="Queuetown",
        region="London",
        size_fte=40.0,
        preset="typical",
        awaiting_allocation_days=days,
    )
    return generate_council(spec, start=START, years=1, seed=3)


def waiting_on(built: SyntheticCouncil, day: date) -> set[int]:
    """Children with an open status and no allocated worker on ``day``."""
    open_children = built.child_statuses.filter(
        (pl.col("start_date") <= day) & (pl.col("end_date").is_null() | (pl.col("end_date") >= day))
    )["child_id"]
    allocated = built.allocations.filter(
        (pl.col("role") == "allocated")
        & (pl.col("start_date") <= day)
        & (pl.col("end_date").is_null() | (pl.col("end_date") >= day))
    )["child_id"]
    return set(open_children.to_list()) - set(allocated.to_list())


def first_allocations(built: SyntheticCouncil) -> dict[int, date]:
    firsts = (
        built.allocations.filter(pl.col("role") == "allocated")
        .group_by("child_id")
        .agg(pl.col("start_date").min())
    )
    return dict(firsts.iter_rows())


def test_new_children_wait_for_the_next_allocation_meeting() -> None:
    plain, held = council(0), council(5)
    end = held.end
    first_day = end - timedelta(days=4)
    # The same workforce and the same children: only allocations differ.
    assert plain.employment_spells.equals(held.employment_spells)
    assert plain.child_statuses.equals(held.child_statuses)
    waiting = waiting_on(held, end) - waiting_on(plain, end)
    assert waiting, "some children should now wait"
    ever = set(held.allocations["child_id"].to_list())
    assert not waiting & ever, "the children waiting have never had a worker"
    # Up to the held days both runs allocate alike; each child now waiting had their first
    # worker in the held days without the option, and nobody gets a first worker then with it.
    plain_first = first_allocations(plain)
    assert all(plain_first[child] >= first_day for child in waiting)
    assert {c: d for c, d in plain_first.items() if d < first_day} == {
        c: d for c, d in first_allocations(held).items() if d < first_day
    }
    assert all(d < first_day for d in first_allocations(held).values())


def test_the_demo_leaves_a_queue_and_the_default_does_not_change() -> None:
    assert DEMO_SPEC.awaiting_allocation_days == 5
    assert CouncilSpec("1", "n", "London", 60.0, "typical").awaiting_allocation_days == 0
    with pytest.raises(ValueError, match="between 0 and 60"):
        generate_council(
            CouncilSpec("806", "n", "London", 40.0, "typical", awaiting_allocation_days=61),
            start=START,
            years=1,
            seed=1,
        )

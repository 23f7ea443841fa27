"""Properties of the caseload rules on one worker, built as frames (no database): the cap rule
fires exactly above cap x FTE (x the phased-return share), bands follow cases per FTE, and a long
absence zeroes capacity."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from caseload.caseloads import rules
from caseload.caseloads.policy import CASE_HOLDING_ROLES, default_policy
from caseload.caseloads.position import CaseloadData, active_on, held_on, workers_on
from caseload.caseloads.workload import worker_caseloads

DAY = date(2025, 3, 31)
POLICY = default_policy()


def one_worker(role: str, fte: float, cases: int, returned_days_ago: int | None) -> CaseloadData:
    absences = []
    if returned_days_ago is not None:
        end = DAY - timedelta(days=returned_days_ago)
        absences.append(
            {
                "worker_id": 1,
                "start_date": end - timedelta(days=59),
                "end_date": end,
                "reason": "SIC",
            }
        )
    children = [
        {"child_id": n, "child_ref": f"C{n}", "birth_date": None, "sibling_group": None}
        for n in range(cases)
    ]
    # ASYE status comes from qualifying and the first post, not the grade: an ASYE here qualified
    # 200 days ago and started at once; everyone else qualified in 2015.
    qualified = DAY - timedelta(days=200) if role == "asye" else date(2015, 1, 1)
    started = qualified if role == "asye" else date(2020, 1, 1)
    return CaseloadData(
        teams=pl.DataFrame(
            {
                "team_id": [1],
                "team": ["Team A"],
                "kind": ["team"],
                "external_id": [None],
                "parent_id": [None],
                "parent": [None],
            },
            schema={
                "team_id": pl.Int64,
                "team": pl.Utf8,
                "kind": pl.Utf8,
                "external_id": pl.Utf8,
                "parent_id": pl.Int64,
                "parent": pl.Utf8,
            },
        ),
        workers=pl.DataFrame(
            {
                "worker_id": [1],
                "staff_number": ["E1"],
                "name": ["Ada"],
                "qualification_date": [qualified],
            },
        ),
        spells=pl.DataFrame(
            {
                "worker_id": [1],
                "contract": ["own"],
                "role": [role],
                "fte": [fte],
                "team": ["Team A"],
                "start_date": [started],
                "end_date": [None],
                "end_reason": [None],
            },
            schema_overrides={"end_date": pl.Date, "end_reason": pl.Utf8},
        ),
        managers=pl.DataFrame(
            schema={
                "team_id": pl.Int64,
                "worker_id": pl.Int64,
                "start_date": pl.Date,
                "end_date": pl.Date,
            },
        ),
        absences=pl.DataFrame(
            absences,
            schema={
                "worker_id": pl.Int64,
                "start_date": pl.Date,
                "end_date": pl.Date,
                "reason": pl.Utf8,
            },
        ),
        children=pl.DataFrame(
            children,
            schema={
                "child_id": pl.Int64,
                "child_ref": pl.Utf8,
                "birth_date": pl.Date,
                "sibling_group": pl.Utf8,
            },
        ),
        statuses=pl.DataFrame(
            {
                "child_id": list(range(cases)),
                "status": ["cin"] * cases,
                "start_date": [date(2025, 1, 1)] * cases,
                "end_date": [None] * cases,
            },
            schema={
                "child_id": pl.Int64,
                "status": pl.Utf8,
                "start_date": pl.Date,
                "end_date": pl.Date,
            },
        ),
        proceedings=pl.DataFrame(
            schema={
                "child_id": pl.Int64,
                "kind": pl.Utf8,
                "start_date": pl.Date,
                "end_date": pl.Date,
            },
        ),
        allocations=pl.DataFrame(
            {
                "allocation_id": list(range(cases)),
                "child_id": list(range(cases)),
                "worker_id": [1] * cases,
                "role": ["allocated"] * cases,
                "start_date": [date(2025, 1, 1)] * cases,
                "end_date": [None] * cases,
                "change_reason": [None] * cases,
            },
            schema={
                "allocation_id": pl.Int64,
                "child_id": pl.Int64,
                "worker_id": pl.Int64,
                "role": pl.Utf8,
                "start_date": pl.Date,
                "end_date": pl.Date,
                "change_reason": pl.Utf8,
            },
        ),
    )


@settings(max_examples=60, deadline=None)
@given(
    role=st.sampled_from(CASE_HOLDING_ROLES),
    fte=st.sampled_from([0.2, 0.5, 0.6, 0.8, 1.0]),
    cases=st.integers(0, 30),
    returned=st.one_of(st.none(), st.integers(1, 60)),
)
def test_cap_rule_band_and_capacity(
    role: str, fte: float, cases: int, returned: int | None
) -> None:
    data = one_worker(role, fte, cases, returned)
    held = held_on(data, DAY, POLICY)
    frame = worker_caseloads(
        workers_on(data, DAY, POLICY), held, active_on(data.allocations, DAY), POLICY
    )
    row = frame.row(0, named=True)
    phased = returned is not None and returned <= POLICY.phased_return_days
    share = POLICY.phased_return if phased else 1.0
    cap = POLICY.caps[role].cases * fte * share
    assert row["phased_return"] is phased
    assert row["cap_cases"] == cap
    assert row["cases"] == cases
    found = {b["rule"] for b in rules.worker_breaches(frame, POLICY)}
    over = {"asye_over_cap" if role == "asye" else "over_case_cap"}
    assert (found & over == over) is (cases > cap + 1e-9)
    # The band is by role: red exactly when a cap alert fires; amber above 18/20 of a cap.
    points_cap = POLICY.caps[role].points * fte * share
    over_points = cases > points_cap + 1e-9  # every case here is worth 1 point
    capped = {"over_points_cap"} | over
    assert (row["band"] == "red") is bool(found & capped)
    used = max(cases / cap, cases / points_cap)
    expected = (
        "red" if cases > cap + 1e-9 or over_points else "amber" if used > 0.9 + 1e-9 else "green"
    )
    assert row["band"] == expected

"""Caseloads on a day, on a hand-built council whose answer is known (see council.build_north)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from sqlalchemy import Engine

from caseload.services.caseloads import caseload_alerts, caseload_report
from caseload.services.census import monthly_series
from caseloads.caseload_council import AS_AT, Council


def by_staff(frame: pl.DataFrame) -> dict[str, dict[str, object]]:
    return {row["staff_number"]: row for row in frame.iter_rows(named=True)}


def test_worker_caseloads(engine: Engine, north: Council) -> None:
    scope, report = caseload_report(engine)
    assert scope.day == AS_AT
    workers = by_staff(report.workers)
    assert sorted(workers) == ["A1", "G1", "H1", "L1", "N1", "P1", "R1", "S1"]
    expected = {
        # staff: cases, points, cap_cases, capacity_cases, utilisation, band, rules
        "S1": (21, 21.0, 20.0, 20.0, 1.05, "red", "over_case_cap"),
        "H1": (9, 9.0, 10.0, 10.0, 0.9, "green", ""),
        "A1": (2, 3.0, 15.0, 15.0, 0.1875, "green", "asye_sole_protected"),
        "P1": (0, 0.0, 12.0, 12.0, 0.0, "green", ""),
        "L1": (3, 3.0, 20.0, 0.0, 0.15, "green", "cases_during_long_absence"),
        # Red exactly when over a cap, as the alert says (the band is by role and capacity).
        "R1": (11, 11.0, 10.0, 10.0, 1.1, "red", "over_case_cap"),
        "N1": (2, 2.0, 20.0, 20.0, 0.1, "green", ""),
        "G1": (1, 1.0, 0.0, 0.0, None, None, "allocated_after_leaving"),
    }
    for staff, (cases, points, cap, capacity, used, band, rules) in expected.items():
        row = workers[staff]
        assert (row["cases"], row["points"], row["cap_cases"], row["capacity_cases"]) == (
            cases,
            points,
            cap,
            capacity,
        ), staff
        assert row["utilisation"] == (pytest.approx(used) if used is not None else None), staff
        assert (row["band"], row["rules"]) == (band, rules), staff
    assert workers["H1"]["caseload"] == 18.0
    assert workers["P1"]["co_working"] == 1
    assert (workers["R1"]["phased_return"], workers["L1"]["long_absence"]) == (True, True)
    assert workers["N1"]["holding_until"] == date(2025, 4, 10)


def test_teams_services_and_the_dfe_average(engine: Engine, north: Council) -> None:
    _, report = caseload_report(engine)
    teams = {row["team"]: row for row in report.teams.iter_rows(named=True)}
    # Case holders hold at least one case (DfE): Pat, with none, is not one; so the team's FTE
    # is the DfE average's denominator.
    assert teams["Team A"]["case_holders"] == 3
    assert (teams["Team A"]["cases"], teams["Team A"]["fte"]) == (32, 2.5)
    assert (teams["Team A"]["red"], teams["Team B"]["red"]) == (1, 1)  # Sam; Ray
    assert (teams["Team A"]["managers"], teams["Team A"]["span"]) == (1, 6)
    assert teams["Team A"]["dfe_caseload"] == 12.8  # 32 cases over 2.5 FTE holding cases
    assert (teams["Team B"]["case_holders"], teams["Team B"]["managers"]) == (3, 0)
    assert report.services.row(0, named=True)["service"] == "Service North"
    # DfE: in-post case holders only (Gil has left): 48 cases over 5.5 FTE.
    assert report.dfe_average == {"cases": 48, "case_holders_fte": 5.5, "caseload_fte": 8.7}
    series = monthly_series(
        engine, authority_code="301", first=date(2025, 3, 1), last=date(2025, 3, 31)
    )
    assert series["caseload_fte"].to_list() == [8.7]
    assert report.distribution == [
        {"band": "0-9", "workers": 5, "share": 71.4},
        {"band": "10-19", "workers": 1, "share": 14.3},
        {"band": "20-29", "workers": 1, "share": 14.3},
        {"band": "30+", "workers": 0, "share": 0.0},
    ]


def test_unallocated_queue(engine: Engine, north: Council) -> None:
    _, report = caseload_report(engine)
    rows = report.queue.select(
        "child_ref",
        "case_type",
        "waiting_since",
        "days_waiting",
        "escalation",
        "home_team",
        "home_from",
    ).rows()
    assert rows == [
        ("Q1", "cp", date(2025, 2, 1), 58, "escalate", "Service North (any team)", "case type"),
        ("Q2", "cin", date(2025, 3, 21), 10, "review", "Team A", "last worker"),
    ]


def test_continuity(engine: Engine, north: Council) -> None:
    _, report = caseload_report(engine)
    assert report.continuity["by_workers"] == {"0": 1, "1": 49, "2": 0, "3+": 1}
    three = report.continuity_by_child.filter(pl.col("workers_12m") >= 3)
    assert three["child_ref"].to_list() == ["K1"]


def test_every_rule_broken(engine: Engine, north: Council) -> None:
    _, report = caseload_report(engine)
    found = report.breaches.select("rule", "severity", "worker", "team", "message").rows()
    assert found == [
        (
            "asye_sole_protected",
            "red",
            "Ash Asye (A1)",
            "Team A",
            "Ash Asye (A1) is an ASYE holding CP1 (child protection) with no co-worker from "
            "advanced practitioner, senior social worker",
        ),
        (
            "over_case_cap",
            "red",
            "Sam Smith (S1)",
            "Team A",
            "Sam Smith (S1) holds 21 cases, above the case cap of 20 (20 x 1 FTE)",
        ),
        (
            "over_case_cap",
            "red",
            "Ray Return (R1)",
            "Team B",
            "Ray Return (R1) holds 11 cases, above the case cap of 10 (20 x 1 FTE, phased return)",
        ),
        (
            "cases_during_long_absence",
            "red",
            "Lou Away (L1)",
            "Team B",
            "Lou Away (L1) has been absent since 2025-02-01 and still holds 3 cases; plan the "
            "move of the caseload",
        ),
        (
            "allocated_after_leaving",
            "red",
            "Gil Gone (G1)",
            None,
            "Gil Gone (G1) is no longer in post and still holds 1 case",
        ),
        (
            "siblings_split",
            "amber",
            None,
            "Team A",
            "siblings Z1, Z2 (group F1) are split between Sam Smith (S1), Hana Half (H1)",
        ),
        (
            "no_team_manager",
            "amber",
            None,
            "Team B",
            "Team B has 3 case holder(s) and no team manager",
        ),
    ]


def test_a_team_view_keeps_to_the_team(engine: Engine, north: Council) -> None:
    scope, report = caseload_report(engine, teams=["team b"])
    assert scope.team_names == ["Team B"]
    assert sorted(report.workers["staff_number"].to_list()) == ["L1", "N1", "R1"]
    assert report.queue["child_ref"].to_list() == ["Q1"]
    assert set(report.breaches["rule"].to_list()) == {
        "over_case_cap",
        "cases_during_long_absence",
        "no_team_manager",
    }
    _, service = caseload_report(engine, teams=["Service North"])
    assert sorted(service.teams["team"].to_list()) == ["Team A", "Team B"]


def test_alerts_red_first_with_actions(engine: Engine, north: Council) -> None:
    _, alerts = caseload_alerts(engine)
    kinds = alerts.select("severity", "kind", "subject").rows()
    assert kinds == [
        ("red", "asye_sole_protected", "Ash Asye (A1)"),
        ("red", "unallocated_escalate", "Q1"),
        ("red", "over_case_cap", "Sam Smith (S1)"),
        ("red", "over_case_cap", "Ray Return (R1)"),
        ("red", "cases_during_long_absence", "Lou Away (L1)"),
        ("red", "allocated_after_leaving", "Gil Gone (G1)"),
        ("amber", "siblings_split", "Z1"),
        ("amber", "no_team_manager", "Team B"),
        ("amber", "leaving_with_cases", "Nia Notice (N1)"),
        ("amber", "unallocated_review", "Q2"),
    ]
    actions = dict(zip(alerts["kind"], alerts["action"], strict=True))
    assert actions["cases_during_long_absence"] == "plan the move of L1's caseload from 2025-03-31"
    assert actions["leaving_with_cases"] == "plan the move of N1's caseload from 2025-04-11"

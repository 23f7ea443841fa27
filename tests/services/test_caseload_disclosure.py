"""The caseload figures elected members see, on a council of three teams built by hand: exact
values through :mod:`caseload.services.caseload_disclosure` and the page rows."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from caseload.caseloads.report import CaseloadReport
from caseload.services.caseload_disclosure import OPEN, Shield, caseload_grid, council_cell
from caseload.services.view_rows import rule_counts, service_row, team_row

TEAM_COLUMNS = (
    "team_id", "team", "service", "case_holders", "fte", "cases", "points", "utilisation",
    "dfe_caseload", "red", "amber", "green", "absent", "asye", "advanced", "managers", "span",
)  # fmt: skip
TEAMS = [
    # Team 1 holds 3 cases between 6 case holders on 5 FTE: points 3.0, caseload 0.6.
    (1, "Team 1", "Assessment", 6, 5.0, 3, 3.0, 10.0, 0.6, 0, 0, 6, 0, 1, 1, 1, 6),
    (2, "Team 2", "Assessment", 7, 6.5, 95, 110.0, 85.0, 14.6, 0, 2, 5, 1, 2, 1, 1, 6),
    (3, "Team 3", "Children in Care", 8, 7.5, 120, 130.0, 90.0, 16.0, 1, 1, 6, 0, 0, 2, 2, 12),
]


def _report() -> CaseloadReport:
    teams = pl.DataFrame(TEAMS, schema=list(TEAM_COLUMNS), orient="row")
    services = (
        teams.group_by("service")
        .agg(
            pl.col(
                "case_holders", "fte", "cases", "points", "red", "amber", "green", "absent"
            ).sum(),
            pl.col("utilisation").mean(),
        )
        .sort("service")
    )
    breaches = pl.DataFrame(
        {
            "team_id": [2, 2, 3, 3, 3, 3, 3, 3],
            "rule": ["over_case_cap"] * 2 + ["over_points_cap"] * 6,
            "severity": ["red"] * 8,
        }
    )
    queue = pl.DataFrame(
        {
            "home_team": ["Team 1", "Team 3", "Team 3", "Team 3", "Team 3", "Team 3"],
            "home_team_ids": [[1], [3], [3], [3], [3], [3]],
            "escalation": ["escalate", "new", "new", "review", "review", "new"],
            "days_waiting": [30, 2, 3, 12, 15, 1],
        }
    )
    alerts = pl.DataFrame({"kind": ["over_case_cap"] * 2, "severity": ["red"] * 2})
    distribution: list[dict[str, object]] = [
        {"band": "0-9", "workers": 6, "share": 28.6},
        {"band": "10-19", "workers": 15, "share": 71.4},
    ]
    return CaseloadReport(
        as_at=date(2026, 9, 30),
        workers=pl.DataFrame(),
        teams=teams,
        services=services,
        distribution=distribution,
        dfe_average={"cases": 218, "case_holders_fte": 19.0, "caseload_fte": 11.5},
        queue=queue,
        continuity={},
        continuity_by_child=pl.DataFrame(),
        breaches=breaches,
        alerts=alerts,
    )


def _rows(shield: Shield) -> dict[str, Any]:
    report = _report()
    per_team = {1: 0, 2: 2, 3: 6}
    return {
        "teams": [
            team_row(row, shield, per_team[row["team_id"]])
            for row in report.teams.iter_rows(named=True)
        ],
        "services": [service_row(row, shield) for row in report.services.iter_rows(named=True)],
        "rules": rule_counts(report.breaches, shield),
    }


def test_a_team_with_three_cases_shows_nothing_built_from_them() -> None:
    report = _report()
    shield = Shield(caseload_grid(report).protect())
    rows = _rows(shield)
    one, two, three = rows["teams"]
    # Team 1: its 3 cases, and the points (3.0), capacity used and caseload (0.6) built on them
    assert (one["cases"], one["points"], one["utilisation"], one["dfe_caseload"]) == (
        "c", "c", "c", "c",
    )  # fmt: skip
    # its 6 case holders and their FTE say nothing about the cases: shown
    assert (one["case_holders"], one["fte"], one["green"]) == (6, 5.0, 6)
    # Assessment's 98 cases = 3 + 95: Team 2's 95 goes too, with everything built on it
    assert (two["cases"], two["points"], two["utilisation"], two["dfe_caseload"]) == (
        "c", "c", "c", "c",
    )  # fmt: skip
    assert two["case_holders"] == 7 and two["fte"] == 6.5
    # Team 2's 2 amber and 1 absent, Team 3's 1 red and 1 amber; 7 = 0 + 2 + 5 for Team 2
    # hides its 5 green, and 8 = 1 + 1 + 6 hides nothing more (two hidden already)
    assert (two["red"], two["amber"], two["green"], two["absent"]) == (0, "c", "c", "c")
    assert (three["red"], three["amber"], three["green"]) == ("c", "c", 6)
    # Team 3 is large and its cases stand alone in its service area: shown
    assert (three["cases"], three["points"], three["dfe_caseload"]) == (120, 130.0, 16.0)
    # one or two managers per team: hidden, and the span of control built on them
    assert [(t["managers"], t["span"]) for t in rows["teams"]] == [("c", "c")] * 3
    # rules broken: Team 2's 2 and the rule with 2 breaches are hidden, with their partners
    assert [t["rules_broken"] for t in rows["teams"]] == [0, "c", "c"]
    assert [(r["rule"], r["count"]) for r in rows["rules"]] == [
        ("over_case_cap", "c"),
        ("over_points_cap", "c"),
    ]
    # the service areas: Assessment's cases are 3 + 95 and both are hidden, so its own total
    # stays; its 2 amber (Team 2's) is hidden, as is the 1 absent
    assessment, care = rows["services"]
    assert (assessment["cases"], assessment["points"]) == (98, 113.0)
    assert assessment["amber"] == "c" and assessment["absent"] == "c"
    assert (care["cases"], care["red"], care["amber"]) == (120, "c", "c")
    # the council's totals: the 6 children waiting split 1 escalate, 2 review, 3 new
    assert shield.show(council_cell("unallocated"), 6) == 6
    assert shield.hides(("queue", "escalate")) and shield.hides(("queue", "review"))
    assert shield.hides(("queue", "new"))


def test_open_shield_shows_everything() -> None:
    rows = _rows(OPEN)
    assert [t["cases"] for t in rows["teams"]] == [3, 95, 120]
    assert [t["dfe_caseload"] for t in rows["teams"]] == [0.6, 14.6, 16.0]
    assert OPEN.show(("team", 1, "cases"), 3) == 3
    assert not OPEN.hides(("team", 1, "cases"))

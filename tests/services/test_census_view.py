"""Small-number suppression for elected members, and the order of teams."""

from __future__ import annotations

from typing import Any

from caseload.census.definitions import INDICATOR_COLUMNS, SUPPLEMENTARY_COLUMNS, Kind, kind_of
from caseload.services.census_view import (
    SUPPRESSED_WITH,
    natural_key,
    suppress_rows,
    suppress_tables,
)


def _row(label: str, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"team": label, "label": label}
    for name in INDICATOR_COLUMNS:
        row[name] = 10 if kind_of(name) is Kind.COUNT else 10.0
    row.update(values)
    return row


def test_counts_of_one_to_four_and_the_figures_that_reveal_them_become_c() -> None:
    small_team = _row("Small", inpost_headcount=3, inpost_fte=2.6, leavers_headcount=0)
    few_leavers = _row("Few leavers", leavers_headcount=2, leavers_fte=1.8)
    no_agency = _row("No agency", agency_headcount=0, agency_fte=0.0, agency_rate_fte=0.0)
    large = _row("Large")
    small, leavers, agency, big = suppress_rows([small_team, few_leavers, no_agency, large])

    assert small["inpost_headcount"] == "c"
    assert small["inpost_fte"] == "c"
    # every rate about the 3 people in post is hidden; counts of 0 are shown
    for name in ("turnover_rate_fte", "absence_rate_fte", "vacancy_rate_fte"):
        assert small[name] == "c"
    assert small["leavers_headcount"] == 0
    assert small["agency_headcount"] == 10
    # the agency rate and the case holders' FTE (so the caseload) would give away the FTE of
    # the 3 in post beside the 10 agency workers: hidden
    assert small["agency_rate_fte"] == "c"
    assert small["case_holders_fte"] == "c"
    assert small["caseload_fte"] == "c"

    # 2 leavers: the count, its FTE and the turnover rates (which would reveal it) are hidden
    assert leavers["leavers_headcount"] == "c"
    assert leavers["leavers_fte"] == "c"
    assert leavers["turnover_rate_fte"] == "c"
    assert leavers["turnover_rate_headcount"] == "c"
    assert leavers["inpost_headcount"] == 10
    assert leavers["absence_rate_fte"] == 10.0

    assert agency["agency_headcount"] == 0
    assert agency["agency_rate_fte"] == 0.0

    assert big == large
    assert isinstance(big["inpost_headcount"], int)
    assert isinstance(big["inpost_fte"], float)


def test_every_suppressed_figure_is_an_indicator() -> None:
    assert set(SUPPRESSED_WITH) <= {*INDICATOR_COLUMNS, *SUPPLEMENTARY_COLUMNS}
    # days lost per FTE is hidden exactly when the absence rate is
    assert SUPPRESSED_WITH["days_lost_per_fte"] == SUPPRESSED_WITH["absence_rate_fte"]


def test_missing_rates_stay_missing() -> None:
    (row,) = suppress_rows([_row("Managers", cases=0, caseload_fte=None)])
    assert row["cases"] == 0
    assert row["caseload_fte"] is None


def test_teams_sort_with_their_numbers() -> None:
    names = ["Team 10", "Team 2", "Assessment", "team 1"]
    assert sorted(names, key=natural_key) == ["Assessment", "team 1", "Team 2", "Team 10"]


def test_teams_beside_the_councils_totals_hide_a_second_team() -> None:
    """In post 3 + 12 + 20 = 35 for the council (shown in full): the 3 alone would be 35 - 12 -
    20, so the 12 (the smallest other team) is hidden too, with its FTE and the rates about its
    staff; the council's totals and the 20 stay."""
    rows = [
        _row("A", inpost_headcount=3),
        _row("B", inpost_headcount=12),
        _row("C", inpost_headcount=20),
    ]
    totals: dict[str, Any] = {"year": 2026, **dict.fromkeys(INDICATOR_COLUMNS, 30)}
    totals["inpost_headcount"] = 35
    totals["inpost_fte"] = 30.0
    tables = suppress_tables({"team": rows}, totals)
    a, b, c = tables["team"]
    assert (a["inpost_headcount"], b["inpost_headcount"], c["inpost_headcount"]) == ("c", "c", 20)
    assert (a["inpost_fte"], b["inpost_fte"], c["inpost_fte"]) == ("c", "c", 10.0)
    assert b["turnover_rate_fte"] == "c" and c["turnover_rate_fte"] == 10.0
    # other columns add up with nothing small: shown
    assert [row["leavers_headcount"] for row in tables["team"]] == [10, 10, 10]

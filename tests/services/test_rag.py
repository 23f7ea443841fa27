"""Red / amber / green against England or the region: the shipped thresholds and the rule."""

from __future__ import annotations

import pytest

from caseload.census.definitions import INDICATOR_COLUMNS
from caseload.errors import ConfigurationError
from caseload.services import rag
from caseload.services.rag import Threshold, parse_thresholds


def test_shipped_thresholds_name_real_indicators_and_lower_is_better() -> None:
    found = rag.thresholds()
    assert set(found) == {
        "turnover_rate_fte",
        "turnover_rate_headcount",
        "agency_rate_fte",
        "agency_rate_headcount",
        "vacancy_rate_fte",
        "caseload_fte",
        "absence_rate_fte",
    }
    assert set(found) <= set(INDICATOR_COLUMNS)
    assert {threshold.better for threshold in found.values()} == {"lower"}
    assert found["turnover_rate_fte"].amber_within == 2.0
    assert found["caseload_fte"].amber_within == 1.0
    assert found["absence_rate_fte"].amber_within == 0.5


@pytest.mark.parametrize(
    ("council", "benchmark", "expected"),
    [
        (11.8, 11.8, "green"),  # equal is green
        (10.0, 11.8, "green"),  # better
        (13.8, 11.8, "amber"),  # worse by exactly the margin (2.0)
        (12.0, 11.8, "amber"),
        (13.9, 11.8, "red"),  # worse by 2.1
        (16.1, 14.1, "amber"),  # 2.0 in binary floats is 2.0000000000000018: still amber
        (None, 11.8, None),
        (11.8, None, None),
    ],
)
def test_turnover_rule(council: float | None, benchmark: float | None, expected: str) -> None:
    assert rag.rate("turnover_rate_fte", council, benchmark) == expected


def test_higher_is_better_turns_the_difference_round() -> None:
    threshold = Threshold("inpost_fte", "higher", 1.0)
    assert threshold.rate(10.0, 10.0) == "green"
    assert threshold.rate(11.0, 10.0) == "green"
    assert threshold.rate(9.0, 10.0) == "amber"
    assert threshold.rate(8.9, 10.0) == "red"


def test_indicators_without_a_threshold_are_not_rated() -> None:
    assert rag.rate("inpost_fte", 100.0, 50.0) is None
    assert rag.rate("agency_cover_rate_fte", 100.0, 50.0) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: 2\nindicators: {}", "version: 1"),
        ("version: 1\nindicators: {}", "'indicators' must map"),
        ("version: 1\nindicators:\n  staff_happiness: {better: lower, amber_within: 1}", "not one"),
        (
            "version: 1\nindicators:\n  caseload_fte: {better: up, amber_within: 1}",
            "lower or higher",
        ),
        ("version: 1\nindicators:\n  caseload_fte: {better: lower, amber_within: -1}", "0 or more"),
        ("version: 1\nindicators:\n  caseload_fte: {better: lower}", "exactly"),
        ("version: 1\nindicators: [", "not valid YAML"),
    ],
)
def test_bad_threshold_files_are_refused_with_the_place(text: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=r"thresholds\.yaml") as raised:
        parse_thresholds(text, source="thresholds.yaml")
    assert message in str(raised.value)

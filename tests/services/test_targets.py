"""The council's own workforce targets: the built-in file, a council's own, and mistakes named."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseload.errors import ConfigurationError
from caseload.services.targets import MEASURES, parse_targets, workforce_targets


def test_the_built_in_targets_cover_every_headline_measure_and_rate_by_the_benchmark_rule() -> None:
    targets = workforce_targets({})
    assert set(targets) == set(MEASURES)
    caseload = targets["caseload_fte"]  # 18, lower is better, amber within 2
    assert [caseload.rate(value) for value in (18.0, 19.9, 20.0, 20.1, None)] == [
        "green",
        "amber",
        "amber",
        "red",
        None,
    ]
    stability = targets["stability_index"]  # 70, higher is better, amber within 10
    assert [stability.rate(value) for value in (75.0, 65.0, 59.9)] == ["green", "amber", "red"]


def test_a_council_names_its_own_file(tmp_path: Path) -> None:
    own = tmp_path / "targets.yaml"
    own.write_text(
        "version: 1\ntargets:\n  turnover_rate_fte: {target: 9.5, better: lower, amber_within: 1}\n"
    )
    targets = workforce_targets({"CASELOAD_TARGETS": str(own)})
    assert list(targets) == ["turnover_rate_fte"]
    assert targets["turnover_rate_fte"].target == 9.5
    assert targets["turnover_rate_fte"].rate(10.6) == "red"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: 2\ntargets: {}\n", "t.yaml: version"),
        (
            "version: 1\ntargets:\n  caseloads: {target: 1, better: lower, amber_within: 1}\n",
            "t.yaml: targets.caseloads: not a headline measure",
        ),
        (
            "version: 1\ntargets:\n  caseload_fte: {target: 1, better: down, amber_within: 1}\n",
            "t.yaml: targets.caseload_fte.better",
        ),
        (
            "version: 1\ntargets:\n  caseload_fte: {target: 1, better: lower, amber_within: -1}\n",
            "t.yaml: targets.caseload_fte.amber_within",
        ),
        ("version: 1\ntargets: [\n", "t.yaml: not valid YAML"),
    ],
)
def test_a_mistake_names_the_file_and_the_entry(text: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message.replace(".", r"\.")):
        parse_targets(text, source="t.yaml")


def test_a_missing_file_is_named_with_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"CASELOAD_TARGETS names .*cannot be read"):
        workforce_targets({"CASELOAD_TARGETS": str(tmp_path / "nope.yaml")})

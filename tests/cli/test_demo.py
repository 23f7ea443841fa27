"""``caseload demo --no-serve`` end to end: the demo council comes with DfE's shipped figures, so
its benchmarks against England, its region (North West) and its statistical neighbours work out
of the box, and its caseload rules show a realistic council (few span of control breaches, no
split sibling groups)."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from caseload.cli.app import main

# Demoshire borrows Rochdale's (354) place in DfE's 2025 statistical neighbour model.
NEIGHBOURS = ["354", "335", "357", "861", "350", "394", "371", "372", "831", "353"]


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder: Path = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{folder / 'demo.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CASELOAD_DATABASE_URL", url)
        patch.delenv("CASELOAD_COMPARATORS", raising=False)
        assert main(["demo", "--no-serve"]) == 0
        yield url


def run(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> str:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CASELOAD_DATABASE_URL", url)
        patch.delenv("CASELOAD_COMPARATORS", raising=False)
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
    assert (code, captured.err) == (0, ""), captured.err
    return captured.out


def test_demo_benchmarks_against_england_region_and_neighbours(
    demo_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run(
        capsys,
        demo_database,
        *("benchmarks", "compare", "--year", "2025", "--authority", "999", "--format", "json"),
    )
    data = json.loads(out)
    assert (data["release"], data["source"]) == ("2025", "census")
    assert data["authority"] == {
        "code": "999",
        "name": "Demoshire Council (synthetic)",
        "region_code": "E12000002",
        "region_name": "North West",
    }
    assert data["comparators_source"] == "statistical neighbours"
    assert [c["code"] for c in data["comparators"]] == NEIGHBOURS
    assert data["comparators"][0]["name"] == "Rochdale"
    turnover = data["indicators"]["turnover_rate_fte"]
    assert (turnover["england"], turnover["region"], turnover["better"]) == (11.8, 12.2, "lower")
    assert turnover["comparators"]["354"] == 16.6
    assert turnover["comparator_median"] == 12.7  # of 7.9, 7.9, 8.1, 8.4, 11.8 | 13.6, ...
    caseload = data["indicators"]["caseload_fte"]
    assert (caseload["england"], caseload["region"]) == (15.2, 15.8)
    assert caseload["difference_from_england"] == round(caseload["council"] - 15.2, 1)
    assert data["indicators"]["inpost_fte"]["difference_from_england"] is None


def test_demo_caseload_rules_look_like_a_real_council(
    demo_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    found = {}
    for day in ("2024-09-30", "2025-09-30", "2026-09-30"):
        teams = run(
            capsys,
            demo_database,
            *("caseloads", "--as-at", day, "--format", "csv", "--part", "teams"),
        )
        breaches = run(
            capsys,
            demo_database,
            *("caseloads", "--as-at", day, "--format", "csv", "--part", "breaches"),
        )
        rules = Counter(row["rule"] for row in csv.DictReader(io.StringIO(breaches)))
        team_count = len(list(csv.DictReader(io.StringIO(teams))))
        found[day] = (team_count, rules["over_span_of_control"], rules["siblings_split"])
    # No team is over its managers' span: case holders are counted as the census counts them
    # (holding at least one case), so a worker on maternity leave with no cases is not counted.
    assert found == {
        "2024-09-30": (36, 0, 0),
        "2025-09-30": (36, 0, 0),
        "2026-09-30": (37, 0, 0),
    }

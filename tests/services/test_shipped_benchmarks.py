"""Benchmarking on the DfE release shipped with Caseload: loading it without a file, and comparing a
real council with its statistical neighbours (the default), ranked by better direction."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

import caseload.services.benchmarks
from caseload.census.definitions import INDICATOR_COLUMNS
from caseload.errors import NotFoundError
from caseload.services import benchmarks
from caseload.services.generation import DEMO_SPEC

WALSALL_2025 = ["354", "861", "357", "336", "371", "831", "350", "372", "812", "333"]


@pytest.fixture
def shipped(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    def no_census(engine: Engine, *, census_year: int, authority_code: str) -> dict[str, Any]:
        raise NotFoundError("no census data")

    monkeypatch.setattr(caseload.services.benchmarks, "council_indicators", no_census)
    summary = benchmarks.import_published(engine)
    assert summary.to_dict() == {
        "release": "2025",
        "source": "DfE's 2025 release shipped with Caseload",
        "rows": 1463,
        "rows_by_level": {"Local authority": 1355, "National": 9, "Regional": 99},
        "years": list(range(2017, 2026)),
        "replaced_rows": 0,
    }
    return engine


def test_loading_the_shipped_release_again_replaces_it(shipped: Engine) -> None:
    again = benchmarks.import_published(shipped)
    assert (again.release, again.rows, again.replaced) == ("2025", 1463, 1463)


def test_walsall_against_its_statistical_neighbours(shipped: Engine) -> None:
    data = benchmarks.compare(shipped, year=2025, authority_code="335").to_dict()
    assert data["source"] == "published"
    assert data["authority"]["region_name"] == "West Midlands"
    assert data["comparators_source"] == "statistical neighbours"
    assert [c["code"] for c in data["comparators"]] == WALSALL_2025
    assert data["notes"] == []
    assert list(data["indicators"]) == list(INDICATOR_COLUMNS)
    # Lower turnover is better: Walsall's 8.1% is 22nd best of 148 councils, in the best quarter.
    assert data["indicators"]["turnover_rate_fte"] == {
        "better": "lower",
        "council": 8.1,
        "england": 11.8,
        "region": 11.5,
        "comparators": {
            "354": 16.6,
            "861": 8.4,
            "357": 18.3,
            "336": 10.8,
            "371": 7.9,
            "831": 7.9,
            "350": 21.1,
            "372": 13.6,
            "812": 14.9,
            "333": 11.1,
        },
        "comparator_median": 12.4,
        "rank": 22,
        "ranked": 148,
        "quartile": 1,
        "difference_from_england": -3.7,
        "difference_from_region": -3.4,
    }
    caseload = data["indicators"]["caseload_fte"]
    assert (caseload["council"], caseload["rank"], caseload["ranked"]) == (11.9, 10, 149)
    assert caseload["quartile"] == 1
    # A count has no better direction (it ranks from the highest) and no difference from England.
    inpost = data["indicators"]["inpost_fte"]
    assert (inpost["better"], inpost["rank"], inpost["quartile"]) == (None, 35, 1)
    assert (inpost["difference_from_england"], inpost["difference_from_region"]) == (None, None)


def test_chosen_comparators_replace_the_neighbours(shipped: Engine) -> None:
    result = benchmarks.compare(shipped, year=2025, authority_code="335", comparators=["336"])
    assert result.comparators_source == "chosen"
    assert [c["code"] for c in result.comparators] == ["336"]
    none = benchmarks.compare(shipped, year=2025, authority_code="335", comparators=())
    assert none.comparators == []


def test_the_demo_council_borrows_rochdales_neighbours() -> None:
    assert DEMO_SPEC.neighbours_like == "354"
    assert benchmarks.statistical_neighbours("999") == (
        "354",
        "335",
        "357",
        "861",
        "350",
        "394",
        "371",
        "372",
        "831",
        "353",
    )
    assert benchmarks.statistical_neighbours("335") == tuple(WALSALL_2025)
    assert benchmarks.statistical_neighbours("001") == ()


def test_neighbours_without_a_row_that_year_are_left_out(shipped: Engine) -> None:
    # Bedford (822): West Northamptonshire (941) was formed in 2021, so DfE's 2020 figures have no
    # row for it; it is left out of the default comparators with a note.
    result = benchmarks.compare(shipped, year=2020, authority_code="822")
    codes = [c["code"] for c in result.comparators]
    assert "941" not in codes
    assert len(codes) == 9
    assert result.notes == ["statistical neighbour 941 has no council row in release 2025 for 2020"]
    # Named comparators must all be there.
    with pytest.raises(NotFoundError, match="comparator 941 has no council row in release 2025"):
        benchmarks.compare(shipped, year=2020, authority_code="822", comparators=["941"])

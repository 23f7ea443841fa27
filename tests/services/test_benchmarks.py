"""Benchmarking services on the database: import all or nothing, compare, aggregate."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

import caseload.services.benchmarks
from caseload.census.definitions import INDICATOR_COLUMNS
from caseload.errors import CaseloadError, ConfigurationError, InvalidInputError, NotFoundError
from caseload.services import benchmarks
from caseload.storage import benchmark_queries
from caseload.storage.engine import session_scope

HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,old_la_code,new_la_code,la_name," + ",".join(INDICATOR_COLUMNS)
)
# Councils 301 and 302 (North East), 201 (Inner London), 310 (Outer London); values in DfE's order.
LINES = (
    "National,E92000001,England,,,,,,430,457,53,55,63,67,16.6,16.5,80,83,15.2,15.4,50,71.4,90,"
    "17.3,58.8,280,4540,16.2,1900,3.3",
    "Regional,E92000001,England,E12000001,North East,,,,150,162,15,16,15,16,15,14.5,30,31,16.7,"
    "16.1,10,50,30,16.7,40,90,1500,16.7,1500,3.9",
    "Regional,E92000001,England,E13000001,Inner London,,,,200,210,30,31,40,42,20,20,50,52,20,"
    "19.8,40,80,50,20,80,150,2400,16,x,x",
    "Regional,E92000001,England,E13000002,Outer London,,,,80,85,8,8,8,9,10,10.6,0,0,0,0,0,z,10,"
    "11.1,0,40,640,16,400,2",
    "Regional,E92000001,England,E12000007,London,,,,280,295,38,39,48,51,17.1,17.3,50,52,15.2,15,"
    "40,80,60,17.6,66.7,190,3040,16,400,2",
    "Local authority,E92000001,England,E12000001,North East,301,E06000001,Alpha,100,110,10,11,"
    "15,16,15,14.5,20,21,16.7,16,10,50,25,20,40,60,900,15,1000,3.9",
    "Local authority,E92000001,England,E12000001,North East,302,E06000002,Beta,50,52,5,5,x,x,x,"
    "x,10,10,16.7,16.1,c,c,5,9.1,c,30,600,20,500,3.9",
    "Local authority,E92000001,England,E13000001,Inner London,201,E09000001,Gamma,200,210,30,31,"
    "40,42,20,20,50,52,20,19.8,40,80,50,20,80,150,2400,16,u,u",
    "Local authority,E92000001,England,E13000002,Outer London,310,E09000002,Delta,80,85,8,8,8,9,"
    "10,10.6,low,0,low,0,low,z,10,11.1,low,40,640,16,400,2",
)


def sample_csv(*years: int) -> str:
    """The LINES for each year (2024 by default), and a National row for the year before."""
    chosen = years or (2024,)
    rows = [f"{year},Reporting year,{line}" for year in chosen for line in LINES]
    rows.append(
        f"{min(chosen) - 1},Reporting year,National,E92000001,England,,,,,,"
        + ",".join(["1"] * len(INDICATOR_COLUMNS))
    )
    return "\n".join([HEADER, *rows]) + "\n"


def write(tmp_path: Path, text: str, name: str = "indicators.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def stored(engine: Engine, release: str) -> pl.DataFrame:
    with session_scope(engine) as session:
        return benchmark_queries.published_rows(session, release=release)


@pytest.fixture
def imported(engine: Engine, tmp_path: Path) -> Engine:
    benchmarks.import_published(engine, write(tmp_path, sample_csv()))
    return engine


@pytest.fixture
def no_census(monkeypatch: pytest.MonkeyPatch) -> None:
    """The census service reports no data for any council."""

    def none(engine: Engine, *, census_year: int, authority_code: str) -> dict[str, Any]:
        raise NotFoundError(f"no census data for {authority_code}")

    monkeypatch.setattr(caseload.services.benchmarks, "council_indicators", none)


# --- import -----------------------------------------------------------------------------------


def test_import_summary_and_rows(engine: Engine, tmp_path: Path) -> None:
    result = benchmarks.import_published(engine, write(tmp_path, sample_csv()))
    assert result.to_dict() == {
        "release": "2024",
        "source": str(tmp_path / "indicators.csv"),
        "rows": 10,
        "rows_by_level": {"Local authority": 4, "National": 2, "Regional": 4},
        "years": [2023, 2024],
        "replaced_rows": 0,
    }
    rows = stored(engine, "2024")
    beta = rows.filter(pl.col("old_la_code") == "302").row(0, named=True)
    assert (beta["leavers_fte"], beta["agency_cover_fte"], beta["cases"]) == ("x", "c", "600")
    assert beta["la_name"] == "Beta"


def test_importing_the_same_file_twice_leaves_the_same_rows(engine: Engine, tmp_path: Path) -> None:
    path = write(tmp_path, sample_csv())
    benchmarks.import_published(engine, path)
    first = stored(engine, "2024")
    again = benchmarks.import_published(engine, path)
    assert again.replaced == 10
    assert stored(engine, "2024").equals(first)


def test_release_label_keeps_releases_apart(imported: Engine, tmp_path: Path) -> None:
    result = benchmarks.import_published(
        imported, write(tmp_path, sample_csv(2025)), release="2025 provisional"
    )
    assert result.release == "2025 provisional"
    assert stored(imported, "2024").height == 10
    assert stored(imported, "2025 provisional")["time_period"].unique().sort().to_list() == [
        2024,
        2025,
    ]


def test_bad_file_imports_nothing(imported: Engine, tmp_path: Path) -> None:
    before = stored(imported, "2024")
    bad = sample_csv().replace("Alpha,100,", "Alpha,lots,")
    with pytest.raises(InvalidInputError, match=r"row 6 \(line 7\), column inpost_fte: 'lots'"):
        benchmarks.import_published(imported, write(tmp_path, bad, "bad.csv"))
    assert stored(imported, "2024").equals(before)


def test_failure_after_delete_rolls_back(
    imported: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = stored(imported, "2024")

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(benchmark_queries, "release_counts", broken)
    changed = sample_csv().replace("Alpha,100,", "Alpha,101,")
    with pytest.raises(RuntimeError):
        benchmarks.import_published(imported, write(tmp_path, changed))
    assert stored(imported, "2024").equals(before)


def test_missing_and_unreadable_files(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="no such file"):
        benchmarks.import_published(engine, tmp_path / "absent.csv")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81,\x00\n\x80")
    with pytest.raises(InvalidInputError, match=r"binary\.csv"):
        benchmarks.import_published(engine, binary)


CELL_TEXT = st.one_of(
    st.sampled_from(["", "x", "X", "low", "-", "1,5", "1.2.3", "9" * 20, '"', "\n", "Regional"]),
    st.text(alphabet=string.printable + "é£", max_size=12),
)


@st.composite
def malformed(draw: st.DrawFn) -> str:
    """The sample file with one to three cells, fields or lines mangled."""
    lines = sample_csv().splitlines()
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        fields = lines[index].split(",")
        action = draw(st.sampled_from(["replace", "drop", "add", "truncate"]))
        position = draw(st.integers(0, len(fields) - 1))
        if action == "replace":
            fields[position] = draw(CELL_TEXT)
        elif action == "drop":
            del fields[position]
        elif action == "add":
            fields.insert(position, draw(CELL_TEXT))
        else:
            fields = fields[:position]
        lines[index] = ",".join(fields)
    return "\n".join(lines) + "\n"


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=malformed())
def test_malformed_rows_never_crash_or_leave_a_partial_import(
    engine: Engine, tmp_path: Path, text: str
) -> None:
    good = write(tmp_path, sample_csv(), "good.csv")
    benchmarks.import_published(engine, good, release="R")
    before = stored(engine, "R")
    try:
        result = benchmarks.import_published(
            engine, write(tmp_path, text, "mangled.csv"), release="R"
        )
    except CaseloadError:
        assert stored(engine, "R").equals(before)
    else:
        assert stored(engine, "R").height == result.rows


# --- comparators --------------------------------------------------------------------------------


def test_parse_comparators() -> None:
    assert benchmarks.parse_comparators(" 301, 302,,301 ") == ("301", "302")
    assert benchmarks.parse_comparators(None) == ()
    with pytest.raises(InvalidInputError, match=r"--comparators must list 3-digit council codes"):
        benchmarks.parse_comparators("301;302")
    assert benchmarks.configured_comparators({"CASELOAD_COMPARATORS": "201,310"}) == (
        "201",
        "310",
    )
    assert benchmarks.configured_comparators({}) == ()
    with pytest.raises(ConfigurationError, match=r"^CASELOAD_COMPARATORS must .*'abc' is not$"):
        benchmarks.configured_comparators({"CASELOAD_COMPARATORS": "301,abc"})


# --- compare ------------------------------------------------------------------------------------


def test_compare_uses_published_row_when_no_census_data(imported: Engine) -> None:
    # The real census service: the authority is not in the database, so it raises NotFoundError.
    result = benchmarks.compare(
        imported, year=2024, authority_code="301", comparators=["302", "201"]
    )
    data = result.to_dict()
    assert data["source"] == "published"
    assert data["release"] == "2024"
    assert data["authority"] == {
        "code": "301",
        "name": "Alpha",
        "region_code": "E12000001",
        "region_name": "North East",
    }
    assert [c["name"] for c in data["comparators"]] == ["Beta", "Gamma"]
    assert list(data["indicators"]) == list(INDICATOR_COLUMNS)
    assert data["comparators_source"] == "chosen"
    assert data["indicators"]["turnover_rate_fte"] == {
        "better": "lower",
        "council": 15.0,
        "england": 16.6,
        "region": 15.0,
        "comparators": {"302": None, "201": 20.0},
        "comparator_median": 20.0,
        "rank": 2,
        "ranked": 3,
        "quartile": 3,
        "difference_from_england": -1.6,
        "difference_from_region": 0.0,
    }
    # Counts follow a council's size: no difference from England or the region.
    assert data["indicators"]["inpost_headcount"]["difference_from_england"] is None
    assert data["indicators"]["caseload_fte"]["difference_from_england"] == -1.2


def test_compare_uses_census_values_when_present(
    imported: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[int, str]] = []

    def census(engine: Engine, *, census_year: int, authority_code: str) -> dict[str, Any]:
        calls.append((census_year, authority_code))
        return dict.fromkeys(INDICATOR_COLUMNS) | {"inpost_fte": 250.0, "caseload_fte": 14.0}

    monkeypatch.setattr(caseload.services.benchmarks, "council_indicators", census)
    data = benchmarks.compare(imported, year=2024, authority_code="301").to_dict()
    assert calls == [(2024, "301")]
    assert data["source"] == "census"
    inpost = data["indicators"]["inpost_fte"]
    assert (inpost["council"], inpost["rank"], inpost["quartile"]) == (250.0, 1, 1)
    assert inpost["difference_from_region"] is None
    # 14 is the lowest (best) caseload of 14, 20, 16, 16.
    assert data["indicators"]["caseload_fte"]["rank"] == 1
    assert data["indicators"]["caseload_fte"]["difference_from_region"] == -2.7
    assert data["indicators"]["leavers_fte"]["council"] is None


def test_all_empty_census_values_fall_back(
    imported: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        caseload.services.census,
        "council_indicators",
        lambda engine, **_: dict.fromkeys(INDICATOR_COLUMNS),
    )
    data = benchmarks.compare(imported, year=2024, authority_code="301").to_dict()
    assert data["source"] == "published"
    assert data["indicators"]["inpost_fte"]["council"] == 100.0


@pytest.mark.usefixtures("no_census")
def test_london_councils_compare_with_london(imported: Engine) -> None:
    data = benchmarks.compare(imported, year=2024, authority_code="201").to_dict()
    assert data["authority"]["region_name"] == "London"
    assert data["indicators"]["inpost_fte"]["region"] == 280.0
    assert data["indicators"]["inpost_fte"]["difference_from_region"] is None
    assert data["indicators"]["turnover_rate_fte"]["difference_from_region"] == 2.9  # 20 - 17.1
    # By default its DfE statistical neighbours, none of them in this file: left out with a note.
    assert data["comparators"] == []
    assert data["comparators_source"] == "statistical neighbours"
    assert data["notes"] == [
        "statistical neighbours 202, 205, 207, 210, 208, 206, 212, 213, 209, 846 have no council "
        "row in release 2024 for 2024"
    ]


@pytest.mark.usefixtures("no_census")
def test_compare_errors(imported: Engine, engine: Engine) -> None:
    with pytest.raises(NotFoundError, match="authority 999 has no council row in release 2024"):
        benchmarks.compare(imported, year=2024, authority_code="999")
    with pytest.raises(NotFoundError, match="comparators 998, 999 have no council row"):
        benchmarks.compare(imported, year=2024, authority_code="301", comparators=["998", "999"])
    with pytest.raises(InvalidInputError, match="--authority must be a 3-digit council code"):
        benchmarks.compare(imported, year=2024, authority_code="30")
    with pytest.raises(NotFoundError, match="no imported release has figures for 2019"):
        benchmarks.compare(imported, year=2019, authority_code="301")
    with pytest.raises(NotFoundError, match=r"no release 'old' imported \(imported: 2024\)"):
        benchmarks.compare(imported, year=2024, authority_code="301", release="old")
    with pytest.raises(InvalidInputError, match="--year must be a census year"):
        benchmarks.compare(imported, year=24, authority_code="301")


@pytest.mark.usefixtures("no_census")
def test_compare_before_any_import(engine: Engine) -> None:
    with pytest.raises(NotFoundError, match=r"caseload benchmarks import FILE\.csv"):
        benchmarks.compare(engine, year=2024, authority_code="301")


@pytest.mark.usefixtures("no_census")
def test_default_release_is_the_newest_holding_the_year(imported: Engine, tmp_path: Path) -> None:
    newer = sample_csv(2024, 2025).replace("Alpha,100,", "Alpha,90,")
    benchmarks.import_published(imported, write(tmp_path, newer), release="2025")
    assert benchmarks.compare(imported, year=2025, authority_code="301").release == "2025"
    # 2024 is in both releases: the one reaching the later year wins.
    latest = benchmarks.compare(imported, year=2024, authority_code="301")
    assert (latest.release, latest.to_dict()["indicators"]["inpost_fte"]["council"]) == (
        "2025",
        90.0,
    )
    older = benchmarks.compare(imported, year=2024, authority_code="301", release="2024")
    assert older.to_dict()["indicators"]["inpost_fte"]["council"] == 100.0


# --- aggregate ----------------------------------------------------------------------------------


def test_aggregate_national(imported: Engine) -> None:
    result = benchmarks.aggregate(imported, year=2024, level="national")
    data = result.to_dict()
    assert (data["release"], data["year"], data["level"], data["tolerance"]) == (
        "2024",
        2024,
        "national",
        0.2,
    )
    [england] = data["areas"]
    assert (england["region_name"], england["councils"]) == ("England", 4)
    assert england["rebuilt"]["inpost_fte"] == 430.0
    assert england["rebuilt"]["absence_rate_fte"] == 3.3
    assert england["published"]["absence_rate_fte"] == 3.3
    assert england["difference"]["absence_rate_fte"] == pytest.approx(-0.05)
    assert data["rates_differing"] == [
        {
            "region_code": None,
            "region_name": "England",
            "indicator": "agency_rate_fte",
            "rebuilt": 15.7,
            "published": 15.2,
            "difference": 0.49,
        }
    ]


def test_aggregate_regional_and_csv(imported: Engine) -> None:
    result = benchmarks.aggregate(imported, year=2024, level="regional")
    data = result.to_dict()
    assert [area["region_name"] for area in data["areas"]] == [
        "North East",
        "London",
        "Inner London",
        "Outer London",
    ]
    assert [area["councils"] for area in data["areas"]] == [2, 2, 1, 1]
    assert data["areas"][1]["rebuilt"]["turnover_rate_fte"] == 17.1
    assert data["areas"][2]["rebuilt"]["absence_rate_fte"] is None
    assert data["rates_differing"] == []
    lines = result.csv_text().splitlines()
    assert lines[0] == (
        "time_period,geographic_level,region_code,region_name,indicator,rebuilt,published,"
        "difference,differs"
    )
    assert lines[1] == "2024,Regional,E12000001,North East,inpost_fte,150.0,150.0,0.0,false"
    assert lines[2] == "2024,Regional,E12000001,North East,inpost_headcount,162,162,0.0,false"
    assert len(lines) == 1 + 4 * len(INDICATOR_COLUMNS)


def test_aggregate_needs_council_rows(imported: Engine) -> None:
    with pytest.raises(NotFoundError, match="release 2024 has no council rows for 2023"):
        benchmarks.aggregate(imported, year=2023, level="national")
    with pytest.raises(
        InvalidInputError, match="--level must be national or regional, not 'county'"
    ):
        benchmarks.aggregate(imported, year=2024, level="county")


# --- DfE's real file through the database -------------------------------------------------------

RELEASE_2024 = Path("/work/shared/data/dfe/csww_indicators_2017_to_2024.csv")


def test_real_file_import_and_aggregate(engine: Engine) -> None:
    if not RELEASE_2024.exists():
        pytest.skip(f"{RELEASE_2024} is not available (DfE's file is not in the repository)")
    widths = benchmark_queries.column_widths()
    if widths["old_la_code"] < len("314 / 318") or widths["new_la_code"] < 21:
        pytest.skip(
            "published_indicator.old_la_code / new_la_code are too narrow for DfE's joint council "
            "codes ('314 / 318', 'E09000021 / E09000027'); needs a migration widening them"
        )
    summary = benchmarks.import_published(engine, RELEASE_2024)
    assert summary.by_level == {"Local authority": 1204, "National": 8, "Regional": 88}
    regional = benchmarks.aggregate(engine, year=2024, level="regional").to_dict()
    assert [(r["region_name"], r["indicator"]) for r in regional["rates_differing"]] == [
        ("London", "agency_rate_fte"),
        ("Inner London", "agency_rate_fte"),
    ]

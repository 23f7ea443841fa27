"""DfE's figures shipped with Caseload (``caseload/reference/dfe/``): what they hold, that they are
DfE's files cut down and nothing else (checked against ``../shared/data/dfe/`` when it is there),
and the better direction of each indicator."""

from __future__ import annotations

import gzip
import tomllib
from importlib.resources import files
from pathlib import Path

import polars as pl
import pytest

from caseload.census.benchmarking import published_numbers
from caseload.census.benchmarking.published import REQUIRED_COLUMNS
from caseload.census.benchmarking.reference import (
    INDICATORS_FILE,
    NEIGHBOUR_SCHEMA,
    NEIGHBOURS_FILE,
    compact_indicators,
    neighbours_of,
    read_neighbours_csv,
    shipped_indicators,
    shipped_neighbours,
    write_shipped,
)
from caseload.census.definitions import INDICATOR_COLUMNS, better_of, is_level
from caseload.errors import InvalidInputError
from caseload.services import rag

DFE = Path(__file__).resolve().parents[3] / "shared" / "data" / "dfe"
ROOT = Path(__file__).resolve().parents[2]
WALSALL_2025 = ("354", "861", "357", "336", "371", "831", "350", "372", "812", "333")
WALSALL_2021 = ("831", "354", "874", "861", "350", "357", "332", "333", "382", "894")


def dfe_file(name: str) -> Path:
    path = DFE / name
    if not path.exists():
        pytest.skip(f"{path} is not here (the shared reference data is absent)")
    return path


def test_shipped_indicators_are_the_2025_release() -> None:
    rows = shipped_indicators()
    assert rows.columns == list(REQUIRED_COLUMNS)
    assert rows.height == 1463
    assert rows["time_period"].unique().sort().to_list() == [str(y) for y in range(2017, 2026)]
    counts = dict(rows.group_by("geographic_level").agg(pl.len()).iter_rows())
    assert counts == {"National": 9, "Regional": 99, "Local authority": 1355}
    numbers = published_numbers(rows)
    england = numbers.filter(
        (pl.col("time_period") == "2025") & (pl.col("geographic_level") == "National")
    ).row(0, named=True)
    assert (england["turnover_rate_fte"], england["caseload_fte"], england["inpost_fte"]) == (
        11.8,
        15.2,
        36186.3,
    )
    walsall = numbers.filter(
        (pl.col("time_period") == "2025") & (pl.col("old_la_code") == "335")
    ).row(0, named=True)
    assert (walsall["la_name"], walsall["region_name"]) == ("Walsall", "West Midlands")
    assert (walsall["turnover_rate_fte"], walsall["agency_rate_fte"]) == (8.1, 7.7)


def test_shipped_neighbours_are_the_2025_model() -> None:
    neighbours = shipped_neighbours()
    assert neighbours.schema == pl.Schema(NEIGHBOUR_SCHEMA)
    assert (neighbours.height, neighbours["la_code"].n_unique()) == (1530, 153)
    assert neighbours_of("335") == WALSALL_2025
    walsall = neighbours.filter(pl.col("la_code") == "335")
    assert walsall["closeness"].to_list() == ["Very close"] * 8 + ["Close"] * 2
    assert neighbours_of("999") == ()
    # Every neighbour is a council of the 2025 release (joint rows such as 314 / 318 included).
    codes = {
        code
        for joint in shipped_indicators().filter(pl.col("time_period") == "2025")["old_la_code"]
        if joint is not None
        for code in joint.split(" / ")
    }
    assert set(neighbours["neighbour_code"]) <= codes


def test_the_package_data_lists_the_shipped_files() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["caseload"]
    assert "reference/dfe/*.csv.gz" in patterns
    assert "reference/dfe/README.md" in patterns
    folder = files("caseload.reference").joinpath("dfe")
    for name in (INDICATORS_FILE, NEIGHBOURS_FILE):
        assert gzip.decompress(folder.joinpath(name).read_bytes()).startswith(b"time_period,") == (
            name == INDICATORS_FILE
        )
    readme = folder.joinpath("README.md").read_text(encoding="utf-8")
    assert "Open Government Licence v3.0" in readme


def test_shipped_files_are_dfe_files_cut_down(tmp_path: Path) -> None:
    indicators = dfe_file("csww_indicators_2017_to_2025.csv")
    neighbours = dfe_file("statistical_neighbours_2025.csv")
    write_shipped(indicators, neighbours, tmp_path)
    shipped = files("caseload.reference").joinpath("dfe")
    for name in (INDICATORS_FILE, NEIGHBOURS_FILE):
        assert (tmp_path / name).read_bytes() == shipped.joinpath(name).read_bytes(), name
    original = pl.read_csv(indicators, infer_schema=False)
    assert compact_indicators(original).equals(shipped_indicators())


def test_the_2021_neighbour_model_reads_too() -> None:
    neighbours = read_neighbours_csv(dfe_file("statistical_neighbours_2021.csv"))
    assert neighbours_of("335", neighbours) == WALSALL_2021
    # The pre-reorganisation councils listed after a gap are left out.
    assert neighbours["la_code"].n_unique() == 152
    assert "835" not in neighbours["la_code"].to_list()
    assert neighbours.filter(pl.col("la_code") == "335")["closeness"].to_list() == (
        ["Very close"] * 8 + ["Close"] * 2
    )


def test_a_file_that_is_not_a_neighbour_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(InvalidInputError, match="no SN_1 or SN1 column"):
        read_neighbours_csv(path)
    path.write_text("old_la_code,la_name,region_ind,region_name,SN_1,SN_1P\n335,Walsall,8,WM,354\n")
    with pytest.raises(InvalidInputError, match="line 2 is not a council with 10 neighbours"):
        read_neighbours_csv(path)


def test_better_direction_of_each_indicator() -> None:
    lower = [name for name in INDICATOR_COLUMNS if better_of(name) == "lower"]
    assert lower == [
        "turnover_rate_fte",
        "turnover_rate_headcount",
        "agency_rate_fte",
        "agency_rate_headcount",
        "vacancy_rate_fte",
        "caseload_fte",
        "absence_rate_fte",
    ]
    assert [name for name in INDICATOR_COLUMNS if better_of(name) == "higher"] == []
    assert better_of("inpost_fte") is None
    assert better_of("agency_cover_rate_fte") is None
    # The ratings agree with the definitions.
    assert {name: t.better for name, t in rag.thresholds().items()} == dict.fromkeys(lower, "lower")
    levels = [name for name in INDICATOR_COLUMNS if is_level(name)]
    assert levels == [
        "turnover_rate_fte",
        "turnover_rate_headcount",
        "agency_rate_fte",
        "agency_rate_headcount",
        "agency_cover_rate_fte",
        "vacancy_rate_fte",
        "vacancy_agency_cover_rate_fte",
        "caseload_fte",
        "absence_rate_fte",
    ]

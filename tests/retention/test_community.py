"""The Census 2021 population shipped with Caseload (``caseload/reference/ons/``): ONS's TS021
figures cut down and nothing else (checked against ``../shared/data/ons/`` when it is there), the
ONS categories in the census's major groups, and each DfE council code's ONS area."""

from __future__ import annotations

import gzip
import tomllib
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseload.domain.codes import EthnicGroup, Ethnicity
from caseload.errors import InvalidInputError
from caseload.retention.community import (
    ENGLAND,
    ONS_CATEGORIES,
    ONS_GROUPS,
    POPULATION_FILE,
    area_codes,
    area_name,
    community_by_group,
    compact_population,
    la_code_areas,
    shipped_population,
    write_shipped,
)

ONS = Path(__file__).resolve().parents[3] / "shared" / "data" / "ons"
ROOT = Path(__file__).resolve().parents[2]


def ons_file(name: str) -> Path:
    path = ONS / name
    if not path.exists():
        pytest.skip(f"{path} is not here (the shared reference data is absent)")
    return path


def test_shipped_population() -> None:
    frame = shipped_population()
    assert frame.columns == ["area_code", "area_name", "category", "population"]
    # England and its 153 upper-tier councils of 2023, 19 groups each ("Does not apply" dropped).
    assert frame["area_code"].n_unique() == 154
    assert frame.height == 154 * 19
    assert sorted(set(frame["category"].to_list())) == list(range(1, 20))
    england = frame.filter(pl.col("area_code") == ENGLAND)
    assert england["population"].sum() == 56_490_048  # England's usual residents, Census 2021
    white_british = england.filter(pl.col("category") == 13)["population"].item()
    assert white_british == 41_540_791


def test_the_shipped_file_is_the_ons_figures(tmp_path: Path) -> None:
    councils = ons_file("census2021_ethnic_group_by_utla.csv")
    england = ons_file("census2021_ethnic_group_england.csv")
    rebuilt = write_shipped(councils, england, tmp_path)
    shipped = ROOT / "src" / "caseload" / "reference" / "ons" / POPULATION_FILE
    assert gzip.decompress(rebuilt.read_bytes()) == gzip.decompress(shipped.read_bytes())
    # Every English cell of ONS's file is in it, as ONS gives it.
    source = pl.read_csv(councils, infer_schema=False)
    english = source.filter(
        pl.col("2023 Upper tier local authorities Code").str.starts_with("E")
        & (pl.col("Ethnic group (20 categories) Code") != "-8")
    )
    assert (
        english["Observation"].cast(pl.Int64).sum()
        == shipped_population().filter(pl.col("area_code") != ENGLAND)["population"].sum()
    )


def test_package_data_ships_the_file() -> None:
    settings_ = tomllib.loads((ROOT / "pyproject.toml").read_text())
    shipped = settings_["tool"]["setuptools"]["package-data"]["caseload"]
    assert "reference/ons/*.csv.gz" in shipped
    assert "reference/ons/README.md" in shipped


def test_ons_groups_match_the_census_groups() -> None:
    assert sorted(ONS_CATEGORIES) == list(range(1, 20))
    counts = {group: list(ONS_GROUPS.values()).count(group.value) for group in EthnicGroup}
    assert counts == {
        EthnicGroup.WHITE: 5,
        EthnicGroup.MIXED: 4,
        EthnicGroup.ASIAN: 4,  # Chinese goes to "Other", as the census code list has it
        EthnicGroup.BLACK: 3,
        EthnicGroup.OTHER: 3,
        EthnicGroup.NOT_KNOWN: 0,
    }
    assert Ethnicity.CHNE.group is EthnicGroup.OTHER
    assert ONS_GROUPS[2] == EthnicGroup.OTHER.value  # ONS "Asian: Chinese"


def test_council_codes_find_their_areas() -> None:
    assert area_codes("354") == ("E08000005",)  # Rochdale
    assert area_codes("370") == ("E08000016", "E08000038")  # Barnsley, before and after 2024
    assert area_codes("314") == ("E09000021",)  # Kingston, reported with Richmond (318)
    assert area_codes("318") == ("E09000027",)
    assert area_codes("999") == ()  # not a real council
    mapped = set(la_code_areas()["area_code"].to_list())
    councils = set(shipped_population()["area_code"].to_list()) - {ENGLAND}
    assert councils <= mapped  # every council in the Census file has a DfE code


def test_community_of_rochdale() -> None:
    found = community_by_group(area_codes("354"))
    # Rochdale's 19 groups summed by hand from the shipped file: 223,771 residents.
    assert found["group"].to_list() == ["White", "Mixed", "Asian", "Black", "Other"]
    assert found["population"].to_list() == [165_485, 5_284, 40_539, 7_927, 4_536]
    assert [round(share, 1) for share in found["share"].to_list()] == [
        74.0,
        2.4,
        18.1,
        3.5,
        2.0,
    ]
    assert area_name(area_codes("354")) == "Rochdale"
    assert community_by_group(()).height == 0


def _source(rows: list[tuple[str, int, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "2023 Upper tier local authorities Code": [code for code, _, _ in rows],
            "2023 Upper tier local authorities": [f"Area {code}" for code, _, _ in rows],
            "Ethnic group (20 categories) Code": [str(category) for _, category, _ in rows],
            "Ethnic group (20 categories)": ["name"] * len(rows),
            "Observation": [str(value) for _, _, value in rows],
        }
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["E06000001", "E09000002", "W06000001", "E10000003"]),
            st.sampled_from([-8, *range(1, 20)]),
            st.integers(min_value=0, max_value=10**6),
        ),
        max_size=30,
    )
)
def test_compacting_keeps_english_groups_only(rows: list[tuple[str, int, int]]) -> None:
    found = compact_population(_source(rows))
    kept = [(c, g, v) for c, g, v in rows if c.startswith("E") and g != -8]
    assert sorted(found.select("area_code", "category", "population").rows()) == sorted(kept)


def test_a_file_that_is_not_ts021_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="TS021"):
        compact_population(pl.DataFrame({"code": ["E06000001"], "value": ["1"]}))
    with pytest.raises(InvalidInputError, match=r"\[25\]"):
        compact_population(_source([("E06000001", 25, 3)]))

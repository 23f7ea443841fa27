"""Benchmarking analysis on hand-built DfE files (figures worked by hand) and on DfE's real file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from caseload.census.benchmarking import (
    LOCAL_AUTHORITY,
    Level,
    against_published,
    check_published,
    compare_council,
    match_share,
    published_numbers,
    read_published_csv,
    rebuild,
    release_label,
    with_own_values,
)
from caseload.census.definitions import INDICATOR_COLUMNS, RATES
from caseload.errors import InvalidInputError

HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,old_la_code,new_la_code,la_name," + ",".join(INDICATOR_COLUMNS)
)
NE = "E12000001,North East"
INNER = "E13000001,Inner London"
OUTER = "E13000002,Outer London"
LONDON = "E12000007,London"
# Values in DfE's column order (INDICATOR_COLUMNS): inpost fte/hc, starters fte/hc, leavers fte/hc,
# turnover fte/hc, agency fte/hc, agency rate fte/hc, agency cover fte, its rate, vacancy fte,
# vacancy rate, vacancy agency cover rate, case holders, cases, caseload, days lost, absence rate.
ROWS = (
    (
        "National",
        ",",
        ",,",
        "430,457,53,55,63,67,16.6,16.5,80,83,15.2,15.4,50,71.4,90,17.3,58.8,280,4540,16.2,1900,3.3",
    ),
    (
        "Regional",
        NE,
        ",,",
        "150,162,15,16,15,16,15,14.5,30,31,16.7,16.1,10,50,30,16.7,40,90,1500,16.7,1500,3.9",
    ),
    (
        "Regional",
        INNER,
        ",,",
        "200,210,30,31,40,42,20,20,50,52,20,19.8,40,80,50,20,80,150,2400,16,x,x",
    ),
    ("Regional", OUTER, ",,", "80,85,8,8,8,9,10,10.6,0,0,0,0,0,z,10,11.1,0,40,640,16,400,2"),
    (
        "Regional",
        LONDON,
        ",,",
        "280,295,38,39,48,51,17.1,17.3,50,52,15.2,15,40,80,60,17.6,66.7,190,3040,16,400,2",
    ),
    (
        "Local authority",
        NE,
        "301,E06000001,Alpha",
        "100,110,10,11,15,16,15,14.5,20,21,16.7,16,10,50,25,20,40,60,900,15,1000,3.9",
    ),
    (
        "Local authority",
        NE,
        "302,E06000002,Beta",
        "50,52,5,5,x,x,x,x,10,10,16.7,16.1,c,c,5,9.1,c,30,600,20,500,3.9",
    ),
    (
        "Local authority",
        INNER,
        "201,E09000001,Gamma",
        "200,210,30,31,40,42,20,20,50,52,20,19.8,40,80,50,20,80,150,2400,16,u,u",
    ),
    (
        "Local authority",
        OUTER,
        "310,E09000002,Delta",
        "80,85,8,8,8,9,10,10.6,low,0,low,0,low,z,10,11.1,low,40,640,16,400,2",
    ),
)


def sample_csv(rows: tuple[tuple[str, str, str, str], ...] = ROWS, year: int = 2024) -> str:
    lines = [HEADER]
    for level, region, council, values in rows:
        lines.append(f"{year},Reporting year,{level},E92000001,England,{region},{council},{values}")
    lines.append(
        f"{year - 1},Reporting year,National,E92000001,England,,,,,,"
        + ",".join(["1"] * len(INDICATOR_COLUMNS))
    )
    return "\n".join(lines) + "\n"


def frame_of(text: str) -> pl.DataFrame:
    return pl.read_csv(text.encode(), infer_schema=False)


@pytest.fixture
def rows() -> pl.DataFrame:
    return published_numbers(check_published(frame_of(sample_csv()), "sample.csv"))


def level_rows(rows: pl.DataFrame, level: str, year: int = 2024) -> pl.DataFrame:
    return rows.filter(pl.col("geographic_level") == level, pl.col("time_period") == year)


# --- reading and checking ---------------------------------------------------------------------


def test_check_keeps_text_and_symbols(tmp_path: Path) -> None:
    path = tmp_path / "sample.csv"
    path.write_text(sample_csv())
    checked = check_published(read_published_csv(path), str(path))
    assert checked.columns[:7] == [
        "time_period",
        "geographic_level",
        "region_code",
        "region_name",
        "old_la_code",
        "new_la_code",
        "la_name",
    ]
    assert checked.height == 10
    assert checked["time_period"].dtype == pl.Int64
    beta = checked.filter(pl.col("old_la_code") == "302").row(0, named=True)
    assert (beta["leavers_fte"], beta["agency_cover_fte"], beta["inpost_fte"]) == ("x", "c", "50")
    assert release_label(checked, None) == "2024"
    assert release_label(checked, " march ") == "march"


def test_numbers_null_for_symbols_and_zero_for_low(rows: pl.DataFrame) -> None:
    delta = rows.filter(pl.col("old_la_code") == "310").row(0, named=True)
    assert delta["agency_fte"] == 0.0
    assert delta["agency_cover_rate_fte"] is None
    gamma = rows.filter(pl.col("old_la_code") == "201").row(0, named=True)
    assert gamma["working_days_lost_fte"] is None
    assert gamma["inpost_fte"] == 200.0


def test_missing_column_is_named() -> None:
    text = sample_csv().replace(",cases,", ",cases_held,", 1)
    with pytest.raises(InvalidInputError, match=r"^x\.csv: missing column cases; expected DfE"):
        check_published(frame_of(text), "x.csv")


def test_bad_rows_name_row_column_value_and_what_to_do() -> None:
    text = (
        sample_csv()
        .replace("Local authority,E92000001,England,E12000001,North East,302", "County,,,,,302")
        .replace("200,210,30", "20O,210,30", 1)
    )
    with pytest.raises(InvalidInputError) as caught:
        check_published(frame_of(text), "bad.csv")
    message = str(caught.value)
    assert message.startswith("bad.csv: 2 problems, nothing imported: ")
    assert (
        "row 3 (line 4), column inpost_fte: '20O' is neither a number nor one of DfE's symbols "
        "x, c, z, u, low; correct it" in message
    )
    assert "row 7 (line 8), column geographic_level: 'County' is not a geographic_level" in message
    assert "\n" not in message


def test_width_duplicates_codes_and_years_are_checked() -> None:
    lines = sample_csv().splitlines()
    lines.append(lines[6])  # council 301 again
    lines[7] = lines[7].replace(",302,", ",3020,")
    lines[1] = "24" + lines[1][4:]
    with pytest.raises(InvalidInputError) as caught:
        check_published(frame_of("\n".join(lines)), "f.csv", widths={"old_la_code": 3})
    message = str(caught.value)
    assert "4 problems" in message
    assert "row 1 (line 2), column time_period: '24' is not a census year" in message
    assert "row 7 (line 8), column old_la_code: '3020' is not a 3-digit local authority code" in (
        message
    )
    assert "'3020' is longer than the 3 characters Caseload stores" in message
    assert "row 11 (line 12), column time_period: '2024' repeats row 6" in message


def test_many_problems_are_summarised_on_one_line() -> None:
    header, *lines = sample_csv().splitlines()
    text = "\n".join([header, *(line.replace(",x", ",n/a") for line in lines)])
    with pytest.raises(InvalidInputError, match=r"^f\.csv: 6 problems, .*; and 1 more$"):
        check_published(frame_of(text), "f.csv")


def test_joint_council_codes_are_accepted() -> None:
    text = sample_csv().replace(",302,E06000002,Beta,", ",314 / 318,E09000021 / E09000027,K / R,")
    checked = check_published(frame_of(text), "f.csv")
    assert "314 / 318" in checked["old_la_code"].to_list()


# --- rebuilding national and regional figures --------------------------------------------------


def test_national_rebuild_by_hand(rows: pl.DataFrame) -> None:
    rebuilt = rebuild(level_rows(rows, LOCAL_AUTHORITY), Level.national).row(0, named=True)
    assert rebuilt["councils"] == 4
    # Stocks: every council where present (302's leavers are x, its agency cover c, 201's days u).
    assert rebuilt["inpost_fte"] == 430
    assert rebuilt["leavers_fte"] == 63
    assert rebuilt["agency_cover_fte"] == 50
    assert rebuilt["working_days_lost_fte"] == 1900
    # Rates: only councils where the numerator and denominator columns are all present.
    assert rebuilt["turnover_rate_fte"] == pytest.approx(100 * 63 / 380)
    assert rebuilt["turnover_rate_headcount"] == pytest.approx(100 * 67 / 405)
    assert rebuilt["agency_rate_fte"] == pytest.approx(100 * 80 / 510)
    assert rebuilt["agency_cover_rate_fte"] == pytest.approx(100 * 50 / 70)
    assert rebuilt["vacancy_rate_fte"] == pytest.approx(100 * 90 / 520)
    assert rebuilt["vacancy_agency_cover_rate_fte"] == pytest.approx(100 * 50 / 85)
    assert rebuilt["caseload_fte"] == pytest.approx(4540 / 280)
    # 2024 contains 29 February: 254 working days.
    assert rebuilt["absence_rate_fte"] == pytest.approx(100 * 1900 / (230 * 254))


def test_regional_rebuild_adds_london(rows: pl.DataFrame) -> None:
    rebuilt = rebuild(level_rows(rows, LOCAL_AUTHORITY), Level.regional)
    assert rebuilt["region_code"].to_list() == ["E12000001", "E12000007", "E13000001", "E13000002"]
    by_code = {row["region_code"]: row for row in rebuilt.iter_rows(named=True)}
    london = by_code["E12000007"]
    assert (london["region_name"], london["councils"], london["inpost_fte"]) == ("London", 2, 280)
    assert london["turnover_rate_fte"] == pytest.approx(100 * 48 / 280)
    assert london["absence_rate_fte"] == pytest.approx(100 * 400 / (80 * 254))
    assert by_code["E13000001"]["absence_rate_fte"] is None  # its only council is u
    assert by_code["E13000002"]["agency_cover_rate_fte"] is None  # 0 / 0: DfE's z
    assert by_code["E13000002"]["agency_rate_fte"] == 0.0  # low counts as 0
    assert by_code["E12000001"]["agency_cover_rate_fte"] == pytest.approx(50.0)


def test_against_published_lists_rates_beyond_tolerance(rows: pl.DataFrame) -> None:
    councils = level_rows(rows, LOCAL_AUTHORITY)
    national = against_published(rebuild(councils, Level.national), level_rows(rows, "National"))
    assert national.height == len(INDICATOR_COLUMNS)
    assert national["indicator"].to_list() == list(INDICATOR_COLUMNS)
    differing = national.filter("differs")
    assert differing["indicator"].to_list() == ["agency_rate_fte"]
    assert differing["difference"][0] == pytest.approx(100 * 80 / 510 - 15.2)
    assert match_share(national) == (8, 9)
    regional = against_published(rebuild(councils, Level.regional), level_rows(rows, "Regional"))
    assert regional.filter("differs").height == 0
    # 4 regions x 9 rates, less Inner London's absence (x) and Outer London's cover rate (z).
    assert match_share(regional) == (34, 34)


# --- one council against others ---------------------------------------------------------------


def compare_301(
    rows: pl.DataFrame, councils: pl.DataFrame | None = None
) -> dict[str, dict[str, Any]]:
    result = compare_council(
        level_rows(rows, LOCAL_AUTHORITY) if councils is None else councils,
        authority_code="301",
        england=level_rows(rows, "National"),
        region=level_rows(rows, "Regional").filter(pl.col("region_code") == "E12000001"),
        comparators=["302", "201"],
    )
    return {row["indicator"]: row for row in result.iter_rows(named=True)}


def test_compare_council(rows: pl.DataFrame) -> None:
    result = compare_301(rows)
    assert list(result) == list(INDICATOR_COLUMNS)
    # A count: no better direction (ranked from the highest) and no difference from England.
    assert result["inpost_fte"] == {
        "indicator": "inpost_fte",
        "better": None,
        "council": 100.0,
        "england": 430.0,
        "region": 150.0,
        "comparator_median": 125.0,
        "rank": 2,
        "ranked": 4,
        "quartile": 2,
        "difference_from_england": None,
        "difference_from_region": None,
        "302": 50.0,
        "201": 200.0,
    }
    turnover = result["turnover_rate_fte"]
    assert (turnover["302"], turnover["201"], turnover["comparator_median"]) == (None, 20.0, 20.0)
    # Lower is better: 10 (Delta), 15 (Alpha), 20 (Gamma).
    assert turnover["better"] == "lower"
    assert (turnover["rank"], turnover["ranked"], turnover["quartile"]) == (2, 3, 3)
    assert turnover["difference_from_england"] == pytest.approx(-1.6)
    assert turnover["difference_from_region"] == 0.0
    # 15 is the lowest (best) of 20, 16, 16, 15.
    assert (result["caseload_fte"]["rank"], result["caseload_fte"]["quartile"]) == (1, 1)
    assert result["caseload_fte"]["difference_from_england"] == pytest.approx(-1.2)


def test_compare_with_census_values_reranks(rows: pl.DataFrame) -> None:
    councils = with_own_values(
        level_rows(rows, LOCAL_AUTHORITY), "301", {"inpost_fte": 250.0, "caseload_fte": 21.0}
    )
    assert councils.height == 4
    result = compare_301(rows, councils)
    assert (result["inpost_fte"]["council"], result["inpost_fte"]["rank"]) == (250.0, 1)
    # 21 is now the highest (worst) of 21, 20, 16, 16.
    assert (result["caseload_fte"]["rank"], result["caseload_fte"]["quartile"]) == (4, 4)
    assert result["leavers_fte"]["council"] is None
    assert result["leavers_fte"]["rank"] is None


def test_own_values_added_for_council_without_published_row(rows: pl.DataFrame) -> None:
    councils = with_own_values(level_rows(rows, LOCAL_AUTHORITY), "399", {"inpost_fte": 10.0})
    assert councils.height == 5
    assert councils.filter(pl.col("old_la_code") == "399")["inpost_fte"].to_list() == [10.0]


# --- DfE's real file ---------------------------------------------------------------------------

DFE = Path("/work/shared/data/dfe")
RELEASE_2024 = DFE / "csww_indicators_2017_to_2024.csv"


def real_rows(path: Path) -> pl.DataFrame:
    if not path.exists():
        pytest.skip(f"{path} is not available (DfE's published file is not in the repository)")
    return published_numbers(check_published(read_published_csv(path), str(path)))


def test_rebuilt_rates_match_dfe_2017_to_2024() -> None:
    """Done means: national and regional rates rebuilt from the 2024 release's council rows match
    at least 97% of the published England and regional rates for 2017-2024 within 0.2 points."""
    rows = real_rows(RELEASE_2024)
    councils = rows.filter(pl.col("geographic_level") == LOCAL_AUTHORITY)
    results = {
        level: against_published(
            rebuild(councils, level), rows.filter(pl.col("geographic_level") == level.published)
        )
        for level in Level
    }
    national, regional = match_share(results[Level.national]), match_share(results[Level.regional])
    matched, total = national[0] + regional[0], national[1] + regional[1]
    assert matched / total >= 0.97
    # Pinned: 864 published rates (8 years x 12 areas x 9 rates), one printed as u.
    assert (national, regional) == ((71, 72), (774, 791))
    assert (matched, total) == (845, 863)
    differing = pl.concat([results[level].filter("differs") for level in Level])
    misses = differing.group_by("indicator").len().sort("indicator")
    assert dict(misses.iter_rows()) == {
        "agency_cover_rate_fte": 3,  # 2018: Redbridge's cover is x
        "agency_rate_fte": 8,  # Inner London 2021-2024: Kensington and Chelsea, Westminster x
        "turnover_rate_fte": 1,  # South East 2021
        "vacancy_agency_cover_rate_fte": 6,  # Inner London and London 2021-2023
    }
    assert set(differing["region_code"].drop_nulls()) <= {
        "E12000007",
        "E13000001",
        "E13000002",
        "E12000008",
    }


def test_real_file_labels_london_councils_by_sub_region() -> None:
    rows = real_rows(RELEASE_2024)
    councils = rows.filter(pl.col("geographic_level") == LOCAL_AUTHORITY)
    assert "E12000007" not in councils["region_code"].to_list()
    regional = rebuild(councils.filter(pl.col("time_period") == 2024), Level.regional)
    london = regional.filter(pl.col("region_code") == "E12000007").row(0, named=True)
    assert london["councils"] == 32  # 14 Inner + 18 Outer rows (one of them joint: 314 / 318)
    assert london["inpost_fte"] == pytest.approx(5869.9, abs=0.5)
    assert {rate.name for rate in RATES} <= set(regional.columns)

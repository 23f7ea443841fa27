"""Workforce diversity on a hand-built council (council 301, thirteen workers), every expected
figure worked out by hand. Census year 2024 is 1 Oct 2023 to 30 Sep 2024; the day is its census
date, 30 Sep 2024 (own staff unless said; F female, M male):

- W1  ASYE from 2 Oct 2023 (a starter), F, WBRI (White), born 1 May 1998: 26, under 30.
- W2  social worker since 2018, F, BAFR (Black), born 1 Oct 1984: 39 on the day (40 the next).
- W3  senior social worker since 2015 (grade: social worker), M, AIND (Asian), born 1975: 49.
- W4  ASYE 9 Jan 2023 - 8 Jan 2024, social worker from 9 Jan 2024 (a progression in 2024), F,
      MWBC (Mixed), born 1996: 28.
- W5  social worker 2019 - 31 Mar 2024, advanced practitioner from 1 Apr 2024 (a progression),
      F, REFU (refused: ethnic group not known), born 1980: 44.
- W6  team manager since 2010, M, WBRI, born 1 Feb 1964: 60.
- W7  social worker 2016 - 29 Feb 2024, left (a leaver), F, BCRB (Black), born 1990: 34.
- W8  senior manager since 2012 (grade: team manager and above), gender 9 (not specified), no
      ethnicity and no birth date (not known).
- W9  qualified without cases since 2020, gender 0 (not known), OOTH (Other), born 1970: 54.
- W10 agency social worker: not own staff, in no figure.
- W11 family support worker: not in the census, in no figure.
- W12 two posts at once since 2017, social worker 0.5 and team manager 0.5: one person, at the
      higher grade (team manager and above), M, CHNE (Chinese: Other), born 31 Dec 1982: 41.
- W13 social worker 1 Nov 2023 - 30 Jun 2024, left: a starter and a leaver in 2024, F, WBRI,
      born 1992: 32.

In post on the day: W1-W6, W8, W9, W12 (nine people)."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from caseload.retention.diversity import (
    AGE_BANDS,
    ALL,
    ALL_GRADES,
    CATEGORIES,
    GRADE_OF,
    Dimension,
    Grade,
    community_comparison,
    flow_rates,
    groups,
    in_post_people,
    profile,
)

from .test_flows import SPELL_SCHEMA, WORKER_SCHEMA, engine_figures, spell

DAY = date(2024, 9, 30)
SW, ASYE, SSW, AP, TM = (
    "social_worker",
    "asye",
    "senior_social_worker",
    "advanced_practitioner",
    ("team_manager"),
)
# worker: (gender, ethnicity, birth date)
PEOPLE: dict[int, tuple[int, str | None, date | None]] = {
    1: (2, "WBRI", date(1998, 5, 1)),
    2: (2, "BAFR", date(1984, 10, 1)),
    3: (1, "AIND", date(1975, 3, 15)),
    4: (2, "MWBC", date(1996, 6, 1)),
    5: (2, "REFU", date(1980, 1, 1)),
    6: (1, "WBRI", date(1964, 2, 1)),
    7: (2, "BCRB", date(1990, 1, 1)),
    8: (9, None, None),
    9: (0, "OOTH", date(1970, 7, 1)),
    10: (2, "WBRI", date(1985, 1, 1)),
    11: (2, "WBRI", date(1985, 1, 1)),
    12: (1, "CHNE", date(1982, 12, 31)),
    13: (2, "WBRI", date(1992, 1, 1)),
}


def the_spells() -> pl.DataFrame:
    d = date
    rows: list[dict[str, Any]] = [
        spell(1, ASYE, d(2023, 10, 2), start_origin=1),
        spell(2, SW, d(2018, 1, 1)),
        spell(3, SSW, d(2015, 1, 1)),
        spell(4, ASYE, d(2023, 1, 9), d(2024, 1, 8), end_reason="role_change", start_origin=1),
        spell(4, SW, d(2024, 1, 9), start_origin=1),
        spell(5, SW, d(2019, 4, 1), d(2024, 3, 31), end_reason="role_change"),
        spell(5, AP, d(2024, 4, 1)),
        spell(6, TM, d(2010, 1, 1)),
        spell(7, SW, d(2016, 1, 1), d(2024, 2, 29), end_reason="left", reason_leave=1),
        spell(8, "senior_manager", d(2012, 1, 1)),
        spell(9, "qualified_without_cases", d(2020, 1, 1)),
        spell(10, SW, d(2023, 1, 1), contract="agency", agency_contract_weeks=52.0),
        spell(11, "family_support_worker", d(2019, 1, 1), start_origin=6),
        spell(12, SW, d(2017, 1, 1), fte=0.5),
        spell(12, TM, d(2017, 1, 1), fte=0.5),
        spell(13, SW, d(2023, 11, 1), d(2024, 6, 30), end_reason="left", reason_leave=1),
    ]
    return pl.DataFrame(rows, schema=SPELL_SCHEMA)


def the_workers() -> pl.DataFrame:
    ids = sorted(PEOPLE)
    return pl.DataFrame(
        {
            "worker_id": ids,
            "swe_number": [f"SW{i}" for i in ids],
            "birth_date": [PEOPLE[i][2] for i in ids],
            "gender": [PEOPLE[i][0] for i in ids],
            "ethnicity": [PEOPLE[i][1] for i in ids],
            "qualification_institution": ["Uni"] * len(ids),
            "qualification_level": [1] * len(ids),
            "step_up": [False] * len(ids),
            "frontline": [False] * len(ids),
            "qualification_date": [date(2015, 7, 1)] * len(ids),
        },
        schema=WORKER_SCHEMA,
    )


def test_every_census_role_has_a_grade() -> None:
    from caseload.caseloads.definitions import CENSUS_ROLES

    assert sorted(GRADE_OF) == sorted(CENSUS_ROLES)
    assert GRADE_OF["senior_social_worker"] is Grade.SOCIAL_WORKER
    assert GRADE_OF["service_manager"] is Grade.MANAGER


def test_in_post_people() -> None:
    people = in_post_people(the_spells(), the_workers(), DAY)
    assert people.rows() == [
        (1, "ASYE", "White", "Female", "Under 30"),
        (2, "Social worker", "Black", "Female", "30 to 39"),
        (3, "Social worker", "Asian", "Male", "40 to 49"),
        (4, "Social worker", "Mixed", "Female", "Under 30"),
        (5, "Senior or advanced practitioner", "Not known", "Female", "40 to 49"),
        (6, "Team manager and above", "White", "Male", "60 and over"),
        (8, "Team manager and above", "Not known", "Not specified", "Not known"),
        (9, "Qualified, not holding cases", "Other", "Not known", "50 to 59"),
        (12, "Team manager and above", "Other", "Male", "40 to 49"),
    ]


def _column(frame: pl.DataFrame, dimension: Dimension, grade: str, name: str) -> list[Any]:
    chosen = frame.filter((pl.col("dimension") == dimension.value) & (pl.col("grade") == grade))
    assert chosen["category"].to_list() == [*CATEGORIES[dimension], ALL]
    return chosen[name].to_list()


def test_profile_all_grades() -> None:
    found = profile(the_spells(), the_workers(), DAY)
    # Ethnic group: White W1, W6; Mixed W4; Asian W3; Black W2; Other W9, W12; not known W5
    # (refused), W8 (missing). Known: 7.
    ethnic = Dimension.ETHNIC_GROUP
    assert _column(found, ethnic, ALL_GRADES, "headcount") == [2, 1, 1, 1, 2, 2, 9]
    assert _column(found, ethnic, ALL_GRADES, "share") == [28.6, 14.3, 14.3, 14.3, 28.6, None, None]
    # Sex: female W1, W2, W4, W5; male W3, W6, W12; not specified W8; not known W9. Known: 8.
    assert _column(found, Dimension.SEX, ALL_GRADES, "headcount") == [4, 3, 1, 1, 9]
    assert _column(found, Dimension.SEX, ALL_GRADES, "share") == [50.0, 37.5, 12.5, None, None]
    # Age: under 30 W1, W4; 30-39 W2 (39 on the day, 40 the next); 40-49 W3, W5, W12; 50-59 W9;
    # 60 and over W6; not known W8.
    assert _column(found, Dimension.AGE, ALL_GRADES, "headcount") == [2, 1, 3, 1, 1, 1, 9]
    assert _column(found, Dimension.AGE, ALL_GRADES, "share") == [
        25.0,
        12.5,
        37.5,
        12.5,
        12.5,
        None,
        None,
    ]


def test_profile_by_grade() -> None:
    found = profile(the_spells(), the_workers(), DAY)
    ethnic = Dimension.ETHNIC_GROUP
    # Team manager and above: W6 (White), W8 (not known), W12 (Other, at the higher of two posts).
    manager = Grade.MANAGER.value
    assert _column(found, ethnic, manager, "headcount") == [1, 0, 0, 0, 1, 1, 3]
    assert _column(found, ethnic, manager, "share") == [50.0, 0.0, 0.0, 0.0, 50.0, None, None]
    # Social worker: W2 (Black), W3 (Asian, a senior social worker), W4 (Mixed).
    social = Grade.SOCIAL_WORKER.value
    assert _column(found, ethnic, social, "headcount") == [0, 1, 1, 1, 0, 0, 3]
    # The grades add up to all grades in every row.
    by_grade = (
        found.filter(pl.col("grade") != ALL_GRADES)
        .group_by("dimension", "category")
        .agg(pl.col("headcount").sum())
    )
    total = found.filter(pl.col("grade") == ALL_GRADES).select("dimension", "category", "headcount")
    assert_frame_equal(by_grade, total, check_row_order=False)


def test_community_comparison() -> None:
    residents = pl.DataFrame(
        {
            "group": ["White", "Mixed", "Asian", "Black", "Other"],
            "population": [600, 100, 200, 50, 50],
            "share": [60.0, 10.0, 20.0, 5.0, 5.0],
        }
    )
    found = community_comparison(profile(the_spells(), the_workers(), DAY), residents)
    # Staff shares of the 7 known: 2/7 = 28.571..., 1/7 = 14.285...
    assert found.rows() == [
        ("White", 2, 28.6, 600, 60.0, -31.4),
        ("Mixed", 1, 14.3, 100, 10.0, 4.3),
        ("Asian", 1, 14.3, 200, 20.0, -5.7),
        ("Black", 1, 14.3, 50, 5.0, 9.3),
        ("Other", 2, 28.6, 50, 5.0, 23.6),
    ]


def _rates(found: pl.DataFrame, dimension: Dimension) -> list[tuple[Any, ...]]:
    return found.filter(pl.col("dimension") == dimension.value).drop("dimension").rows()


def test_flow_rates() -> None:
    found = flow_rates(the_spells(), the_workers(), 2024)
    # Starters W1, W13 (White); leavers W7 (Black), W13 (White); progressions W4 (Mixed), W5
    # (not known); in post the nine people above.
    assert _rates(found, Dimension.ETHNIC_GROUP) == [
        ("White", 2, 2, 1, 0, 100.0, 50.0, 0.0),
        ("Mixed", 1, 0, 0, 1, 0.0, 0.0, 100.0),
        ("Asian", 1, 0, 0, 0, 0.0, 0.0, 0.0),
        ("Black", 1, 0, 1, 0, 0.0, 100.0, 0.0),
        ("Other", 2, 0, 0, 0, 0.0, 0.0, 0.0),
        ("Not known", 2, 0, 0, 1, 0.0, 0.0, 50.0),
        (ALL, 9, 2, 2, 2, 22.2, 22.2, 22.2),
    ]
    assert _rates(found, Dimension.SEX) == [
        ("Female", 4, 2, 2, 2, 50.0, 50.0, 50.0),
        ("Male", 3, 0, 0, 0, 0.0, 0.0, 0.0),
        ("Not specified", 1, 0, 0, 0, 0.0, 0.0, 0.0),
        ("Not known", 1, 0, 0, 0, 0.0, 0.0, 0.0),
        (ALL, 9, 2, 2, 2, 22.2, 22.2, 22.2),
    ]
    # Ages on 30 Sep 2024: W13 32 and W7 34, both 30-39, against one 30-39 in post (W2).
    assert _rates(found, Dimension.AGE) == [
        ("Under 30", 2, 1, 0, 1, 50.0, 0.0, 50.0),
        ("30 to 39", 1, 1, 2, 0, 100.0, 200.0, 0.0),
        ("40 to 49", 3, 0, 0, 1, 0.0, 0.0, 33.3),
        ("50 to 59", 1, 0, 0, 0, 0.0, 0.0, 0.0),
        ("60 and over", 1, 0, 0, 0, 0.0, 0.0, 0.0),
        ("Not known", 1, 0, 0, 0, 0.0, 0.0, 0.0),
        (ALL, 9, 2, 2, 2, 22.2, 22.2, 22.2),
    ]


def test_the_all_row_is_the_census() -> None:
    census = engine_figures(the_spells(), the_workers(), [2024]).row(0, named=True)
    found = flow_rates(the_spells(), the_workers(), 2024)
    everyone = found.filter((pl.col("category") == ALL) & (pl.col("dimension") == "sex"))
    row = everyone.row(0, named=True)
    assert (row["in_post"], row["starters"], row["leavers"]) == (
        census["inpost_headcount"],
        census["starters_headcount"],
        census["leavers_headcount"],
    )
    assert row["leaver_rate"] == round(census["turnover_rate_headcount"], 1)  # 2 / 9


def test_a_group_with_no_one_in_post_has_no_rate() -> None:
    # Census year 2015: in post on 30 Sep 2015 W3 (Asian, started 1 Jan 2015), W6 (White) and W8
    # (not known); no one Mixed, Black or Other.
    found = flow_rates(the_spells(), the_workers(), 2015)
    none = (None, None, None)
    assert _rates(found, Dimension.ETHNIC_GROUP) == [
        ("White", 1, 0, 0, 0, 0.0, 0.0, 0.0),
        ("Mixed", 0, 0, 0, 0, *none),
        ("Asian", 1, 1, 0, 0, 100.0, 0.0, 0.0),
        ("Black", 0, 0, 0, 0, *none),
        ("Other", 0, 0, 0, 0, *none),
        ("Not known", 1, 0, 0, 0, 0.0, 0.0, 0.0),
        (ALL, 3, 1, 0, 0, 33.3, 0.0, 0.0),
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=date(1930, 1, 1), max_value=date(2010, 12, 31)),
    st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)),
)
def test_the_age_band_is_the_age_on_the_day(born: date, day: date) -> None:
    found = (
        pl.DataFrame({"born": [born]}, schema={"born": pl.Date})
        .select(groups(pl.lit("WBRI"), pl.lit(2), pl.col("born"), day)[2])
        .item()
    )
    years = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    expected = next(label for low, label in reversed(AGE_BANDS) if years >= low)
    assert found == expected

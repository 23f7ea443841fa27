"""Workforce history figures on a hand-built council (council 301, twelve workers), with every
expected frame worked out by hand, and properties tying starters and leavers to the census
engine.

The council (own staff unless said; census year 2024 is 1 Oct 2023 to 30 Sep 2024):

- W1  ASYE from 2 Oct 2023, recorded newly qualified (origin 1), qualified Jul 2023. Starter 2024.
- W2  agency social worker 1 Jun 2022 - 14 Jan 2024, then own social worker from 15 Jan 2024,
      origin 9 (not known): the agency spell ended the day before, so an agency conversion.
- W3  ASYE 9 Jan 2023 - 8 Jan 2024, then social worker from 9 Jan 2024 (role change): starter in
      2023, completed the supported first year in 2024, neither starter nor leaver in 2024.
      Qualified 30 Sep 2022: exactly 2 years on 30 Sep 2024, so not *more* than 2.
- W4  social worker 1 Apr 2019 - 31 Mar 2024, senior social worker from 1 Apr 2024: a promotion.
- W5  social worker (0.8) in Front Door A (Assessment) 1 Oct 2020 - 31 May 2024, then in CIC 1
      (Children in Care) from 1 Jun 2024: a move between services.
- W6  senior social worker 1 Feb 2015 - 29 Feb 2024, left: resignation (1), to agency (3).
- W7  social worker (0.6) 1 Mar 2021 - 31 Jul 2024, left: retired (5), career break (6).
- W8  social worker from 14 Nov 2022, origin 3 (outside England): starter 2023, reaches 2 years
      on 14 Nov 2024.
- W9  team manager from 1 Mar 2022, moved Front Door A -> Front Door B (both Assessment) on
      5 Feb 2024: crossed 2 years' service on 1 Mar 2024; not a service move.
- W10 social worker (0.5) from 3 Jun 2024, no origin recorded, qualified 20 May 2024: newly
      qualified by the qualification date.
- W11 social worker from 6 Nov 2023, origin 2 (another English council); no qualification date.
- W12 family support worker from 2019: not in the census, not in any figure here.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from caseload.census.derive import (
    DayToDay,
    Window,
    council_vacancies,
    derive_records,
    derive_vacancies,
)
from caseload.census.indicators import compute_indicators
from caseload.domain import LeaverDestination, ReasonLeave, StartOrigin
from caseload.domain.dates import census_year_of
from caseload.retention.flows import (
    approaching_two_years,
    band_label,
    census_year_expr,
    establishment,
    establishment_changes,
    establishment_totals,
    leavers_by_destination,
    leavers_by_reason,
    progression,
    recruitment_by_origin,
    service_length,
    service_moves,
    service_starts,
    stability_index,
    team_services,
)

SPELL_SCHEMA = {
    "LEA": pl.Utf8,
    "worker_id": pl.Int64,
    "contract": pl.Utf8,
    "role": pl.Utf8,
    "fte": pl.Float64,
    "team": pl.Utf8,
    "post_id": pl.Int64,
    "start_date": pl.Date,
    "end_date": pl.Date,
    "end_reason": pl.Utf8,
    "start_origin": pl.Int64,
    "reason_leave": pl.Int64,
    "leaver_destination": pl.Int64,
    "agency_contract_weeks": pl.Float64,
}
WORKER_SCHEMA = {
    "worker_id": pl.Int64,
    "swe_number": pl.Utf8,
    "birth_date": pl.Date,
    "gender": pl.Int64,
    "ethnicity": pl.Utf8,
    "qualification_institution": pl.Utf8,
    "qualification_level": pl.Int64,
    "step_up": pl.Boolean,
    "frontline": pl.Boolean,
    "qualification_date": pl.Date,
}
FDA, FDB, CIC = "Front Door A", "Front Door B", "CIC 1"
YEARS = [2023, 2024]
DAY = date(2024, 9, 30)


def spell(
    worker: int, role: str, start: date, end: date | None = None, **values: Any
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "LEA": "301",
        "worker_id": worker,
        "contract": "own",
        "role": role,
        "fte": 1.0,
        "team": FDA,
        "post_id": None,
        "start_date": start,
        "end_date": end,
        "end_reason": None,
        "start_origin": 2,
        "reason_leave": None,
        "leaver_destination": None,
        "agency_contract_weeks": None,
    }
    row.update(values)
    return row


def the_spells() -> pl.DataFrame:
    d = date
    rows = [
        spell(1, "asye", d(2023, 10, 2), start_origin=1),
        spell(
            2,
            "social_worker",
            d(2022, 6, 1),
            d(2024, 1, 14),
            contract="agency",
            end_reason="contract_ended",
            start_origin=None,
            team=CIC,
            agency_contract_weeks=52.0,
        ),
        spell(2, "social_worker", d(2024, 1, 15), start_origin=9, team=CIC),
        spell(3, "asye", d(2023, 1, 9), d(2024, 1, 8), end_reason="role_change", start_origin=1),
        spell(3, "social_worker", d(2024, 1, 9), start_origin=1),
        spell(
            4, "social_worker", d(2019, 4, 1), d(2024, 3, 31), end_reason="role_change", team=FDB
        ),
        spell(4, "senior_social_worker", d(2024, 4, 1), team=FDB),
        spell(
            5, "social_worker", d(2020, 10, 1), d(2024, 5, 31), end_reason="team_change", fte=0.8
        ),
        spell(5, "social_worker", d(2024, 6, 1), fte=0.8, team=CIC),
        spell(
            6,
            "senior_social_worker",
            d(2015, 2, 1),
            d(2024, 2, 29),
            end_reason="left",
            reason_leave=1,
            leaver_destination=3,
            team=CIC,
        ),
        spell(
            7,
            "social_worker",
            d(2021, 3, 1),
            d(2024, 7, 31),
            end_reason="left",
            reason_leave=5,
            leaver_destination=6,
            fte=0.6,
            team=FDB,
            start_origin=6,
        ),
        spell(8, "social_worker", d(2022, 11, 14), start_origin=3, team=FDB),
        spell(9, "team_manager", d(2022, 3, 1), d(2024, 2, 4), end_reason="team_change"),
        spell(9, "team_manager", d(2024, 2, 5), team=FDB),
        spell(10, "social_worker", d(2024, 6, 3), start_origin=None, fte=0.5, team=CIC),
        spell(11, "social_worker", d(2023, 11, 6), team=CIC),
        spell(12, "family_support_worker", d(2019, 1, 1), start_origin=6),
    ]
    return pl.DataFrame(rows, schema=SPELL_SCHEMA)


QUALIFIED = {
    1: date(2023, 7, 1),
    2: date(2015, 5, 1),
    3: date(2022, 9, 30),
    4: date(2018, 6, 1),
    5: date(2019, 6, 30),
    6: date(2012, 7, 1),
    7: date(2020, 7, 1),
    8: date(2021, 7, 1),
    9: date(2010, 7, 1),
    10: date(2024, 5, 20),
    11: None,
    12: None,
}


def the_workers() -> pl.DataFrame:
    ids = list(range(1, 13))
    return pl.DataFrame(
        {
            "worker_id": ids,
            "swe_number": [None if i == 12 else f"SW{i}" for i in ids],
            "birth_date": [date(1970 + i, 1, i) for i in ids],
            "gender": [2 if i % 2 else 1 for i in ids],
            "ethnicity": ["WBRI"] * 12,
            "qualification_institution": ["Uni"] * 12,
            "qualification_level": [1] * 12,
            "step_up": [False] * 12,
            "frontline": [False] * 12,
            "qualification_date": [QUALIFIED[i] for i in ids],
        },
        schema=WORKER_SCHEMA,
    )


def the_teams() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "team_id": [1, 2, 3, 4, 5],
            "team": ["Assessment", "Children in Care", FDA, FDB, CIC],
            "kind": ["service_area", "service_area", "team", "team", "team"],
            "external_id": [None] * 5,
            "parent_id": [None, None, 1, 1, 2],
            "parent": [None, None, "Assessment", "Assessment", "Children in Care"],
        },
        schema={
            "team_id": pl.Int64,
            "team": pl.Utf8,
            "kind": pl.Utf8,
            "external_id": pl.Utf8,
            "parent_id": pl.Int64,
            "parent": pl.Utf8,
        },
    )


def the_posts() -> pl.DataFrame:
    d = date
    return pl.DataFrame(
        {
            "LEA": ["301"] * 7,
            "post_id": [1, 2, 3, 4, 5, 6, 7],
            "team": [FDA, FDA, FDB, CIC, CIC, FDB, CIC],
            "role": [
                "social_worker",
                "asye",
                "senior_social_worker",
                "social_worker",
                "social_worker",
                "team_manager",
                "social_worker",
            ],
            "funded_fte": [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5],
            "start_date": [
                d(2020, 1, 1),
                d(2023, 9, 1),
                d(2015, 1, 1),
                d(2018, 1, 1),
                d(2024, 4, 1),
                d(2010, 1, 1),
                d(2024, 4, 1),
            ],
            "end_date": [None, None, None, None, None, d(2024, 3, 31), None],
        },
        schema={
            "LEA": pl.Utf8,
            "post_id": pl.Int64,
            "team": pl.Utf8,
            "role": pl.Utf8,
            "funded_fte": pl.Float64,
            "start_date": pl.Date,
            "end_date": pl.Date,
        },
    )


def services() -> pl.DataFrame:
    return team_services(the_teams())


DAYS = [date(2023, 9, 30), date(2024, 3, 31), date(2024, 9, 30)]


# --- the establishment ----------------------------------------------------------------------


def test_team_services_are_the_parent_service_areas() -> None:
    expected = pl.DataFrame(
        {
            "team": ["Assessment", CIC, "Children in Care", FDA, FDB],
            "service": [
                "Assessment",
                "Children in Care",
                "Children in Care",
                "Assessment",
                "Assessment",
            ],
        }
    )
    assert_frame_equal(services(), expected)


def test_establishment_by_service_and_role() -> None:
    # 30 Sep 2023 and 31 Mar 2024 (post 6 still open on its last day; posts 5 and 7 not yet):
    #   Assessment: asye 1.0 (post 2, open from 1 Sep 2023), senior 1.0 (3), social worker 1.0
    #   (1), team manager 1.0 (6); Children in Care: social worker 1.0 (4).
    # 30 Sep 2024: post 6 closed; Children in Care social workers 1.0 + 1.0 + 0.5 (4, 5, 7).
    rows = []
    for day in DAYS[:2]:
        rows += [
            (day, "Assessment", "asye", 1.0, 1),
            (day, "Assessment", "senior_social_worker", 1.0, 1),
            (day, "Assessment", "social_worker", 1.0, 1),
            (day, "Assessment", "team_manager", 1.0, 1),
            (day, "Children in Care", "social_worker", 1.0, 1),
        ]
    rows += [
        (DAYS[2], "Assessment", "asye", 1.0, 1),
        (DAYS[2], "Assessment", "senior_social_worker", 1.0, 1),
        (DAYS[2], "Assessment", "social_worker", 1.0, 1),
        (DAYS[2], "Children in Care", "social_worker", 2.5, 3),
    ]
    expected = pl.DataFrame(
        rows,
        schema={
            "day": pl.Date,
            "service": pl.Utf8,
            "role": pl.Utf8,
            "funded_fte": pl.Float64,
            "posts": pl.Int64,
        },
        orient="row",
    )
    assert_frame_equal(establishment(the_posts(), services(), DAYS), expected)


def test_establishment_totals_have_every_day() -> None:
    # 5 posts (5.0 FTE) on the first two days, 6 (5.5) on the last; none in 2000.
    days = [date(2000, 1, 1), *DAYS]
    expected = pl.DataFrame(
        {"day": days, "funded_fte": [0.0, 5.0, 5.0, 5.5], "posts": [0, 5, 5, 6]},
        schema={"day": pl.Date, "funded_fte": pl.Float64, "posts": pl.Int64},
    )
    assert_frame_equal(establishment_totals(the_posts(), days), expected)


def test_establishment_by_service_only() -> None:
    frame = establishment(the_posts(), services(), DAYS[2:], by=["service"])
    assert frame.rows() == [(DAYS[2], "Assessment", 3.0, 3), (DAYS[2], "Children in Care", 2.5, 3)]
    with pytest.raises(ValueError, match="broken down"):
        establishment(the_posts(), services(), DAYS, by=["grade"])


def test_establishment_changes_show_the_step_where_posts_were_added() -> None:
    # Funded FTE 5.0, 5.0, 5.5: only the step from 31 Mar to 30 Sep 2024 changed (+0.5), when
    # the caseload went 18.9 -> 17.2 and the vacancy rate 11.5 -> 14.8.
    totals = establishment_totals(the_posts(), DAYS).with_columns(
        pl.Series("caseload_fte", [19.4, 18.9, 17.2]),
        pl.Series("vacancy_rate_fte", [12.0, 11.5, 14.8]),
    )
    expected = pl.DataFrame(
        {
            "from_day": [date(2024, 3, 31)],
            "to_day": [date(2024, 9, 30)],
            "funded_before": [5.0],
            "funded_after": [5.5],
            "change": [0.5],
            "caseload_before": [18.9],
            "caseload_after": [17.2],
            "vacancy_before": [11.5],
            "vacancy_after": [14.8],
        }
    )
    assert_frame_equal(establishment_changes(totals), expected)


# --- starters and leavers -------------------------------------------------------------------


def test_recruitment_by_origin() -> None:
    # 2023: W3 newly qualified (recorded 1, 1.0 FTE on 30 Sep 2023), W8 outside England
    #   (experienced, other, 1.0).
    # 2024: W1 (recorded 1, 1.0) and W10 (no origin, started within 12 months of qualifying,
    #   0.5) newly qualified: 2, 1.5 FTE; W11 from another council (1.0); W2 from agency
    #   (origin 9, agency spell with the council ended the day before, 1.0). W3's and W4's role
    #   changes, W5's and W9's team changes are not starts; W12 is not in the census.
    origins = [
        "Newly qualified",
        "Experienced, from another council",
        "Experienced, other",
        "From agency to permanent",
        "Not known",
    ]
    expected = pl.DataFrame(
        {
            "census_year": [2023] * 5 + [2024] * 5,
            "origin": origins * 2,
            "starters": [1, 0, 1, 0, 0, 2, 1, 0, 1, 0],
            "starters_fte": [1.0, 0.0, 1.0, 0.0, 0.0, 1.5, 1.0, 0.0, 1.0, 0.0],
        },
        schema={
            "census_year": pl.Int64,
            "origin": pl.Utf8,
            "starters": pl.Int64,
            "starters_fte": pl.Float64,
        },
    )
    assert_frame_equal(recruitment_by_origin(the_spells(), the_workers(), YEARS), expected)


def test_recorded_origin_wins_over_the_councils_records() -> None:
    # W2 with "another English council" recorded stays there, agency spell or not.
    spells = the_spells().with_columns(
        pl.when((pl.col("worker_id") == 2) & (pl.col("contract") == "own"))
        .then(2)
        .otherwise(pl.col("start_origin"))
        .alias("start_origin")
    )
    frame = recruitment_by_origin(spells, the_workers(), [2024])
    assert frame["starters"].to_list() == [2, 2, 0, 0, 0]


def test_an_agency_spell_long_before_is_not_a_conversion() -> None:
    # W2's agency spell ending more than 3 months before the own start: origin not known.
    spells = the_spells().with_columns(
        pl.when((pl.col("worker_id") == 2) & (pl.col("contract") == "agency"))
        .then(date(2023, 10, 14))
        .otherwise(pl.col("end_date"))
        .alias("end_date")
    )
    frame = recruitment_by_origin(spells, the_workers(), [2024])
    assert frame["starters"].to_list() == [2, 1, 0, 0, 1]


def test_leavers_by_reason() -> None:
    # 2024: W6 resignation (1.0 FTE), W7 retired (0.6). 2023: nobody. W3's, W4's, W5's and W9's
    # changes end no census employment; W2's agency contract is not an own-staff leaving.
    frame = leavers_by_reason(the_spells(), the_workers(), YEARS)
    assert frame.columns == ["census_year", "reason", "label", "leavers", "leavers_fte"]
    assert frame.height == 2 * len(ReasonLeave)
    assert frame.filter(pl.col("leavers") > 0).rows() == [
        (2024, 1, "Resignation", 1, 1.0),
        (2024, 5, "Retired", 1, 0.6),
    ]
    assert frame.filter(pl.col("census_year") == 2023)["leavers"].sum() == 0
    assert frame["label"].to_list()[:10] == [reason.label for reason in ReasonLeave]


def test_leavers_by_destination() -> None:
    # W6 to agency (3), W7 to a career break (6).
    frame = leavers_by_destination(the_spells(), the_workers(), YEARS)
    assert frame.height == 2 * len(LeaverDestination)
    assert frame.filter(pl.col("leavers") > 0).rows() == [
        (2024, 3, "Agency or consultancy social work", 1, 1.0),
        (2024, 6, "A role outside social care, no employment or a career break", 1, 0.6),
    ]


def test_a_leaver_without_a_reason_is_not_known() -> None:
    spells = the_spells().with_columns(
        pl.when(pl.col("worker_id") == 7)
        .then(None)
        .otherwise(pl.col("reason_leave"))
        .alias("reason_leave")
    )
    frame = leavers_by_reason(spells, the_workers(), [2024]).filter(pl.col("leavers") > 0)
    assert frame.select("reason", "leavers").rows() == [(1, 1), (9, 1)]


def test_a_move_to_a_role_outside_the_census_is_leaving_the_census() -> None:
    # As the census has it: W7 becoming a family support worker on 1 Aug 2024 ends their census
    # employment; the record's reason is 7 (moved within the council), destination 7 (other).
    spells = pl.concat(
        [
            the_spells().with_columns(
                pl.when(pl.col("worker_id") == 7)
                .then(pl.lit("role_change"))
                .otherwise(pl.col("end_reason"))
                .alias("end_reason")
            ),
            pl.DataFrame(
                [spell(7, "family_support_worker", date(2024, 8, 1), fte=0.6)],
                schema=SPELL_SCHEMA,
            ),
        ]
    )
    reasons = leavers_by_reason(spells, the_workers(), [2024]).filter(pl.col("leavers") > 0)
    assert reasons.select("reason", "leavers").rows() == [(1, 1), (7, 1)]
    places = leavers_by_destination(spells, the_workers(), [2024]).filter(pl.col("leavers") > 0)
    assert places.select("destination", "leavers").rows() == [(3, 1), (7, 1)]


def test_the_census_engine_agrees_on_the_fixture() -> None:
    data = DayToDay(
        the_spells(),
        the_workers(),
        pl.DataFrame(schema={"worker_id": pl.Int64, "start_date": pl.Date, "end_date": pl.Date}),
        pl.DataFrame(
            schema={
                "worker_id": pl.Int64,
                "start_date": pl.Date,
                "end_date": pl.Date,
                "reason": pl.Utf8,
                "working_days_lost": pl.Float64,
            }
        ),
        the_posts(),
    )
    windows = [Window.census_year(year) for year in YEARS]
    figures = compute_indicators(
        derive_records(data, windows), council_vacancies(derive_vacancies(data, windows))
    )
    assert figures.select("Year", "starters_headcount", "leavers_headcount").rows() == [
        (2023, 2, 0),
        (2024, 4, 2),
    ]


# --- moves inside the council ------------------------------------------------------------------


def test_progression() -> None:
    # 2024: W3 ASYE -> social worker on 9 Jan 2024 (completed the first year), W4 social worker
    # -> senior on 1 Apr 2024. W9's team change keeps the role; W5's too. 2023: none.
    expected = pl.DataFrame(
        {
            "census_year": [2024, 2024],
            "from_role": ["asye", "social_worker"],
            "to_role": ["social_worker", "senior_social_worker"],
            "move": ["Completed the supported first year", "Promotion"],
            "people": [1, 1],
        },
        schema={
            "census_year": pl.Int64,
            "from_role": pl.Utf8,
            "to_role": pl.Utf8,
            "move": pl.Utf8,
            "people": pl.Int64,
        },
    )
    assert_frame_equal(progression(the_spells(), YEARS), expected)
    assert progression(the_spells(), [2023]).height == 0


def test_a_demotion_or_a_gap_is_not_a_progression() -> None:
    d = date
    spells = pl.DataFrame(
        [
            # 1: senior back to social worker
            spell(
                1, "senior_social_worker", d(2020, 1, 1), d(2024, 1, 31), end_reason="role_change"
            ),
            spell(1, "social_worker", d(2024, 2, 1)),
            # 2: promoted after a two-day gap: a new employment, not a move
            spell(2, "social_worker", d(2020, 1, 1), d(2024, 1, 31), end_reason="role_change"),
            spell(2, "team_manager", d(2024, 2, 3)),
            # 3: promoted, the new role starting the same day the old one ends
            spell(3, "social_worker", d(2020, 1, 1), d(2024, 1, 31), end_reason="role_change"),
            spell(3, "advanced_practitioner", d(2024, 1, 31)),
            # 4: an agency worker's new role is not the council's progression
            spell(
                4,
                "social_worker",
                d(2020, 1, 1),
                d(2024, 1, 31),
                contract="agency",
                end_reason="role_change",
            ),
            spell(4, "team_manager", d(2024, 2, 1), contract="agency"),
        ],
        schema=SPELL_SCHEMA,
    )
    assert progression(spells, [2024]).rows() == [
        (2024, "social_worker", "advanced_practitioner", "Promotion", 1)
    ]


def test_service_moves() -> None:
    # W5: Front Door A (Assessment) -> CIC 1 (Children in Care) on 1 Jun 2024. W9's move is
    # between two Assessment teams.
    expected = pl.DataFrame(
        {
            "census_year": [2024],
            "from_service": ["Assessment"],
            "to_service": ["Children in Care"],
            "people": [1],
        },
        schema={
            "census_year": pl.Int64,
            "from_service": pl.Utf8,
            "to_service": pl.Utf8,
            "people": pl.Int64,
        },
    )
    assert_frame_equal(service_moves(the_spells(), services(), YEARS), expected)


# --- length of service and experience ---------------------------------------------------------


def test_service_length() -> None:
    # On 30 Sep 2024 (W6, W7 gone; W12 not a social worker):
    #   under 1 year: W1 (2 Oct 2023, 1.0), W2 (own from 15 Jan 2024: agency time is not service
    #     with the council, 1.0), W10 (0.5), W11 (1.0) -> 4, 3.5
    #   1 to 2: W3 (9 Jan 2023, through the role change), W8 (14 Nov 2022) -> 2, 2.0
    #   2 to 3: W9 (1 Mar 2022, through the team change) -> 1, 1.0
    #   3 to 5: W5 (1 Oct 2020: four years only on 1 Oct 2024) -> 1, 0.8
    #   5 or more: W4 (1 Apr 2019) -> 1, 1.0
    expected = pl.DataFrame(
        {
            "band": [
                "Under 1 year",
                "1 to 2 years",
                "2 to 3 years",
                "3 to 5 years",
                "5 years or more",
            ],
            "headcount": [4, 2, 1, 1, 1],
            "fte": [3.5, 2.0, 1.0, 0.8, 1.0],
        },
        schema={"band": pl.Utf8, "headcount": pl.Int64, "fte": pl.Float64},
    )
    assert_frame_equal(service_length(the_spells(), DAY), expected)


def test_someone_on_their_last_day_is_not_in_post() -> None:
    # W7's last day is 31 Jul 2024: a leaver that day, in post the day before.
    assert 7 not in service_starts(the_spells(), date(2024, 7, 31))["worker_id"].to_list()
    assert 7 in service_starts(the_spells(), date(2024, 7, 30))["worker_id"].to_list()


def test_band_labels() -> None:
    assert [band_label(b) for b in [(0, 1), (0, 2), (1, 2), (5, None), (1, None)]] == [
        "Under 1 year",
        "Under 2 years",
        "1 to 2 years",
        "5 years or more",
        "1 year or more",
    ]
    with pytest.raises(ValueError, match="end after"):
        service_length(the_spells(), DAY, bands=[(2, 1)])


def test_approaching_two_years() -> None:
    # Up to 1 Apr 2025 (183 days): W8 reaches 2 years on 14 Nov 2024 (686 days = 1.9 years on
    # 30 Sep 2024), W3 on 9 Jan 2025 (630 days = 1.7). W9 (944 days = 2.6) is past 2 years.
    point = approaching_two_years(the_spells(), DAY)
    schema = {
        "worker_id": pl.Int64,
        "started": pl.Date,
        "years": pl.Float64,
        "two_years_on": pl.Date,
    }
    assert_frame_equal(
        point.approaching,
        pl.DataFrame(
            {
                "worker_id": [8, 3],
                "started": [date(2022, 11, 14), date(2023, 1, 9)],
                "years": [1.9, 1.7],
                "two_years_on": [date(2024, 11, 14), date(2025, 1, 9)],
            },
            schema=schema,
        ),
    )
    assert_frame_equal(
        point.two_to_three,
        pl.DataFrame(
            {
                "worker_id": [9],
                "started": [date(2022, 3, 1)],
                "years": [2.6],
                "two_years_on": [date(2024, 3, 1)],
            },
            schema=schema,
        ),
    )
    assert (point.approaching_count, point.two_to_three_count) == (2, 1)
    # 45 days ahead (to 14 Nov 2024) takes W8 only.
    assert approaching_two_years(the_spells(), DAY, within_days=45).approaching[
        "worker_id"
    ].to_list() == [8]


def test_stability_index() -> None:
    # In post on 30 Sep 2024: W1-W5, W8-W11 (9). Qualification date unknown: W11. More than two
    # years qualified: W2, W4, W5, W8, W9 (5); W3 exactly two years (30 Sep 2022), W1, W10 less.
    # 5 / 8 = 62.5%.
    expected = pl.DataFrame(
        {"day": [DAY], "numerator": [5], "denominator": [8], "not_known": [1], "share": [62.5]},
        schema={
            "day": pl.Date,
            "numerator": pl.Int64,
            "denominator": pl.Int64,
            "not_known": pl.Int64,
            "share": pl.Float64,
        },
    )
    assert_frame_equal(stability_index(the_spells(), the_workers(), DAY), expected)
    # A day later W3 has more than two years: 6 / 8 = 75.0%.
    later = stability_index(the_spells(), the_workers(), date(2024, 10, 1))
    assert later.select("numerator", "denominator", "share").row(0) == (6, 8, 75.0)
    nobody = stability_index(the_spells(), the_workers(), date(2000, 1, 1))
    assert nobody.select("numerator", "denominator", "share").row(0) == (0, 0, None)


@given(st.dates(date(2000, 1, 1), date(2030, 12, 31)))
def test_census_year_expression_is_census_year_of(day: date) -> None:
    frame = pl.DataFrame({"day": [day]}, schema={"day": pl.Date})
    assert frame.select(census_year_expr(pl.col("day")))["day"][0] == census_year_of(day)


# --- one definition of a starter and a leaver ----------------------------------------------------

ROLES = ["asye", "social_worker", "senior_social_worker", "team_manager", "family_support_worker"]
END_REASONS = [None, "left", "role_change", "fte_change", "team_change", "contract_ended"]


@st.composite
def councils(draw: st.DrawFn) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Up to six workers with one to three spells each, following on the same day, the next day
    or after a gap, own or agency, in census roles and not; some workers share a census person
    (SWE number, birth date, gender, ethnicity), some have none."""
    count = draw(st.integers(1, 6))
    rows: list[dict[str, Any]] = []
    for worker in range(1, count + 1):
        day = date(2022, 6, 1) + timedelta(days=draw(st.integers(0, 700)))
        spells = draw(st.integers(1, 3))
        for index in range(spells):
            open_ended = index == spells - 1 and draw(st.booleans())
            end = None if open_ended else day + timedelta(days=draw(st.integers(0, 500)))
            rows.append(
                spell(
                    worker,
                    draw(st.sampled_from(ROLES)),
                    day,
                    end,
                    contract=draw(st.sampled_from(["own", "own", "agency"])),
                    fte=draw(st.sampled_from([0.5, 1.0])),
                    end_reason=None if end is None else draw(st.sampled_from(END_REASONS)),
                    start_origin=draw(st.none() | st.sampled_from([o.value for o in StartOrigin])),
                    reason_leave=draw(st.none() | st.sampled_from([r.value for r in ReasonLeave])),
                    leaver_destination=draw(
                        st.none() | st.sampled_from([x.value for x in LeaverDestination])
                    ),
                )
            )
            if end is None:
                break
            day = end + timedelta(days=draw(st.sampled_from([0, 1, 1, 2, 90])))
    people = [draw(st.integers(0, count)) for _ in range(count)]  # 0: no SWE number
    workers = pl.DataFrame(
        {
            "worker_id": list(range(1, count + 1)),
            "swe_number": [f"SW{p}" if p else None for p in people],
            "birth_date": [date(1980, 1, 1) + timedelta(days=p) for p in people],
            "gender": [2] * count,
            "ethnicity": ["WBRI"] * count,
            "qualification_institution": [None] * count,
            "qualification_level": [None] * count,
            "step_up": [False] * count,
            "frontline": [False] * count,
            "qualification_date": [
                draw(st.none() | st.dates(date(2015, 1, 1), date(2024, 12, 31))) for _ in people
            ],
        },
        schema=WORKER_SCHEMA,
    )
    return pl.DataFrame(rows, schema=SPELL_SCHEMA), workers


def engine_figures(spells: pl.DataFrame, workers: pl.DataFrame, years: list[int]) -> pl.DataFrame:
    empty_posts = the_posts().clear()
    data = DayToDay(
        spells,
        workers,
        pl.DataFrame(schema={"worker_id": pl.Int64, "start_date": pl.Date, "end_date": pl.Date}),
        pl.DataFrame(
            schema={
                "worker_id": pl.Int64,
                "start_date": pl.Date,
                "end_date": pl.Date,
                "reason": pl.Utf8,
                "working_days_lost": pl.Float64,
            }
        ),
        empty_posts,
    )
    windows = [Window.census_year(year) for year in years]
    return compute_indicators(
        derive_records(data, windows), council_vacancies(derive_vacancies(data, windows))
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(councils())
def test_starters_and_leavers_sum_to_the_census_figures(
    council: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    spells, workers = council
    years = [2023, 2024, 2025]
    engine = {
        row["Year"]: row for row in engine_figures(spells, workers, years).iter_rows(named=True)
    }

    def census(year: int, name: str) -> float:
        return engine[year][name] if year in engine else 0

    starters = recruitment_by_origin(spells, workers, years)
    reasons = leavers_by_reason(spells, workers, years)
    places = leavers_by_destination(spells, workers, years)
    for year in years:
        mine = starters.filter(pl.col("census_year") == year)
        assert mine.height == 5
        assert mine["starters"].sum() == census(year, "starters_headcount")
        assert mine["starters_fte"].sum() == pytest.approx(census(year, "starters_fte"))
        for frame in (reasons, places):
            left = frame.filter(pl.col("census_year") == year)
            assert left["leavers"].sum() == census(year, "leavers_headcount")
            assert left["leavers_fte"].sum() == pytest.approx(census(year, "leavers_fte"))


# --- documentation ---------------------------------------------------------------------------

DOCS = Path(__file__).resolve().parents[2] / "docs" / "metrics"


@pytest.mark.parametrize(
    "name",
    [
        "funded_fte",
        "recruitment_by_origin",
        "progressions",
        "service_moves",
        "service_length",
        "stability_index",
    ],
)
def test_every_workforce_history_figure_has_a_page(name: str) -> None:
    page = DOCS / f"{name}.md"
    assert page.exists(), f"docs/metrics/{name}.md is missing"
    text = page.read_text()
    assert "## Formula" in text and "## Example" in text
    assert "caseload/retention/flows.py" in text
    assert f"[{name}]({name}.md)" in (DOCS / "README.md").read_text()

"""The leaving-risk panel, model and stay list on a hand-built council, every value worked by hand.

The council (day 30 June 2024, months observed from January 2024, so the look-backs reach to
January 2023):

- team Alpha (id 1): managed by worker 10 from 2019 to 31 August 2023, then by worker 11 from
  1 October 2023 (a month without a manager between them: one change, not two);
- team Beta (id 2): managed by worker 12 throughout;
- W1 in Alpha since 2020; sickness spells on 1 August 2023 and 10 February 2024, maternity leave
  from September to November 2023 and a training day in January 2024 (not sickness); 21
  children (one over the social worker cap of 20) from 15 March 2024;
- W2 in Alpha from 2022, moved to Beta on 1 January 2024;
- W3 in Alpha from June 2021, left on 15 March 2024;
- W4 in Beta from September 2023, left on 30 November 2023 (before the months observed);
- W5 in Alpha since 2022."""

from __future__ import annotations

import math
from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseload.caseloads.policy import default_policy
from caseload.domain.caseload_data import CaseloadData
from caseload.retention.covariates import (
    COVARIATE_NAMES,
    COVARIATES,
    PANEL_COLUMNS,
    PROTECTED_CHARACTERISTICS,
    month_starts,
    person_months,
)
from caseload.retention.episodes import service_episodes
from caseload.retention.flows import TwoYearPoint
from caseload.retention.risk import (
    CAVEAT,
    HazardRatio,
    LeavingRiskModel,
    concordance_index,
    factor_words,
    fit_leaving_risk,
    reasons_words,
    stay_conversations,
)

AS_AT = date(2024, 6, 30)
OBSERVED_FROM = date(2024, 1, 1)
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


def _spell(
    worker: int, team: str, start: date, end: date | None, reason: str | None = None
) -> dict[str, object]:
    return {
        "LEA": "301",
        "worker_id": worker,
        "contract": "own",
        "role": "social_worker",
        "fte": 1.0,
        "team": team,
        "post_id": None,
        "start_date": start,
        "end_date": end,
        "end_reason": reason,
        "start_origin": 2,
        "reason_leave": None,
        "leaver_destination": None,
        "agency_contract_weeks": None,
    }


def _council() -> CaseloadData:
    teams = pl.DataFrame(
        {
            "team_id": [1, 2],
            "team": ["Alpha", "Beta"],
            "kind": ["team", "team"],
            "external_id": [None, None],
            "parent_id": [None, None],
            "parent": [None, None],
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
    workers = pl.DataFrame(
        {
            "worker_id": [1, 2, 3, 4, 5],
            "staff_number": ["S1", "S2", "S3", "S4", "S5"],
            "name": ["Ann", "Ben", "Cat", "Dan", "Eve"],
            "qualification_date": [date(2010, 1, 1)] * 5,
        }
    )
    spells = pl.DataFrame(
        [
            _spell(1, "Alpha", date(2020, 1, 1), None),
            _spell(2, "Alpha", date(2022, 1, 1), date(2023, 12, 31), "team_change"),
            _spell(2, "Beta", date(2024, 1, 1), None),
            _spell(3, "Alpha", date(2021, 6, 1), date(2024, 3, 15), "left"),
            _spell(4, "Beta", date(2023, 9, 1), date(2023, 11, 30), "left"),
            _spell(5, "Alpha", date(2022, 1, 1), None),
        ],
        schema=SPELL_SCHEMA,
    )
    managers = pl.DataFrame(
        {
            "team_id": [1, 1, 2],
            "worker_id": [10, 11, 12],
            "start_date": [date(2019, 1, 1), date(2023, 10, 1), date(2015, 1, 1)],
            "end_date": [date(2023, 8, 31), None, None],
        }
    )
    absences = pl.DataFrame(
        {
            "worker_id": [1, 1, 1, 1],
            "start_date": [date(2023, 8, 1), date(2023, 9, 1), date(2024, 1, 5), date(2024, 2, 10)],
            "end_date": [date(2023, 8, 3), date(2023, 11, 30), date(2024, 1, 5), date(2024, 2, 10)],
            "reason": ["SIC", "MAT", "TRN", "SIC"],
        }
    )
    children = pl.DataFrame(
        {
            "child_id": list(range(1, 22)),
            "child_ref": [f"C{n}" for n in range(1, 22)],
            "birth_date": [date(2015, 1, 1)] * 21,
            "sibling_group": [None] * 21,
        },
        schema={
            "child_id": pl.Int64,
            "child_ref": pl.Utf8,
            "birth_date": pl.Date,
            "sibling_group": pl.Utf8,
        },
    )
    statuses = pl.DataFrame(
        {
            "child_id": list(range(1, 22)),
            "status": ["cin"] * 21,
            "start_date": [date(2024, 3, 15)] * 21,
            "end_date": [None] * 21,
        },
        schema={
            "child_id": pl.Int64,
            "status": pl.Utf8,
            "start_date": pl.Date,
            "end_date": pl.Date,
        },
    )
    proceedings = pl.DataFrame(
        schema={"child_id": pl.Int64, "kind": pl.Utf8, "start_date": pl.Date, "end_date": pl.Date}
    )
    allocations = pl.DataFrame(
        {
            "allocation_id": list(range(1, 22)),
            "child_id": list(range(1, 22)),
            "worker_id": [1] * 21,
            "role": ["allocated"] * 21,
            "start_date": [date(2024, 3, 15)] * 21,
            "end_date": [None] * 21,
            "change_reason": [None] * 21,
        },
        schema={
            "allocation_id": pl.Int64,
            "child_id": pl.Int64,
            "worker_id": pl.Int64,
            "role": pl.Utf8,
            "start_date": pl.Date,
            "end_date": pl.Date,
            "change_reason": pl.Utf8,
        },
    )
    return CaseloadData(
        teams=teams,
        workers=workers,
        spells=spells,
        managers=managers,
        absences=absences,
        children=children,
        statuses=statuses,
        proceedings=proceedings,
        allocations=allocations,
    )


@pytest.fixture(scope="module")
def panel() -> pl.DataFrame:
    data = _council()
    services = pl.DataFrame({"team": ["Alpha", "Beta"], "service": ["Alpha", "Beta"]})
    episodes = service_episodes(data.spells, data.workers, services, AS_AT)
    return person_months(episodes, data, default_policy(), observed_from=OBSERVED_FROM, as_at=AS_AT)


def _row(panel: pl.DataFrame, worker: int, month: date) -> dict[str, object]:
    rows = panel.filter((pl.col("worker_id") == worker) & (pl.col("month") == month))
    assert rows.height == 1
    return rows.row(0, named=True)


def _days(since: date, until: date) -> int:
    return (until - since).days


def test_the_panel_has_a_row_per_person_month_from_the_months_observed(
    panel: pl.DataFrame,
) -> None:
    assert panel.columns == list(PANEL_COLUMNS)
    counts = dict(panel.group_by("worker_id").len().iter_rows())
    # W4 left before January 2024; W3 left in March; the others are in all six months.
    assert counts == {1: 6, 2: 6, 3: 3, 5: 6}
    assert panel["month"].min() == date(2024, 1, 1)
    assert int(panel["event"].sum()) == 1


def test_intervals_are_length_of_service_in_days(panel: pl.DataFrame) -> None:
    first = _row(panel, 1, date(2024, 1, 1))
    assert (first["start"], first["stop"]) == (
        _days(date(2020, 1, 1), date(2024, 1, 1)),
        _days(date(2020, 1, 1), date(2024, 2, 1)),
    )
    last = _row(panel, 1, date(2024, 6, 1))
    assert last["stop"] == _days(date(2020, 1, 1), AS_AT + timedelta(days=1))
    assert last["event"] is False
    leaving = _row(panel, 3, date(2024, 3, 1))
    assert leaving["event"] is True
    assert (leaving["start"], leaving["stop"]) == (
        _days(date(2021, 6, 1), date(2024, 3, 1)),
        _days(date(2021, 6, 1), date(2024, 3, 16)),
    )


def test_months_over_cap_counts_the_first_days_over_the_policy_cap(panel: pl.DataFrame) -> None:
    # 21 cases against a cap of 20 from 15 March: over on 1 April, 1 May and 1 June.
    assert [
        _row(panel, 1, day)["months_over_cap"] for day in month_starts(OBSERVED_FROM, AS_AT)
    ] == [
        0,
        0,
        0,
        1,
        2,
        3,
    ]
    assert _row(panel, 5, date(2024, 6, 1))["months_over_cap"] == 0


def test_absence_spells_count_sickness_only_in_the_last_year(panel: pl.DataFrame) -> None:
    # On 1 June 2024: sickness on 1 August 2023 and 10 February 2024; maternity and training
    # are not counted.
    assert _row(panel, 1, date(2024, 6, 1))["absence_spells"] == 2
    # On 1 February 2024 the February spell has not started yet.
    assert _row(panel, 1, date(2024, 2, 1))["absence_spells"] == 1
    assert _row(panel, 5, date(2024, 6, 1))["absence_spells"] == 0


def test_manager_changes_count_new_managers_and_team_moves(panel: pl.DataFrame) -> None:
    # W1: Alpha's new manager on 1 October 2023 (the empty September is not a second change).
    assert _row(panel, 1, date(2024, 6, 1))["manager_changes"] == 1
    # W2: the same, then the move to Beta on 1 January 2024.
    assert _row(panel, 2, date(2024, 6, 1))["manager_changes"] == 2
    assert _row(panel, 2, date(2024, 1, 1))["team"] == "Beta"


def test_team_turnover_is_last_years_leavers_over_todays_headcount(panel: pl.DataFrame) -> None:
    # Alpha on 1 June 2024: W3 left in March; W1 and W5 are in post: 1 / 2.
    assert _row(panel, 1, date(2024, 6, 1))["team_turnover"] == pytest.approx(0.5)
    # Alpha on 1 March 2024: nobody has left yet; W1, W3, W5 in post.
    assert _row(panel, 1, date(2024, 3, 1))["team_turnover"] == 0.0
    # Beta on 1 June 2024: W4 left in November 2023; W2 is in post: 1 / 1.
    assert _row(panel, 2, date(2024, 6, 1))["team_turnover"] == pytest.approx(1.0)


def test_no_protected_characteristic_is_ever_a_covariate(panel: pl.DataFrame) -> None:
    assert COVARIATE_NAMES == (
        "months_over_cap",
        "absence_spells",
        "manager_changes",
        "team_turnover",
    )
    assert not PROTECTED_CHARACTERISTICS & set(panel.columns)
    assert not PROTECTED_CHARACTERISTICS & set(COVARIATE_NAMES)


def _model(**ratios: tuple[float, float, float]) -> LeavingRiskModel:
    made = []
    for covariate in COVARIATES:
        found = ratios.get(covariate.name)
        if found is None:
            made.append(HazardRatio(covariate, None, None, None, None))
            continue
        made.append(
            HazardRatio(covariate, found[0], found[1], found[2], math.log(found[0]) / covariate.per)
        )
    return LeavingRiskModel(
        as_at=AS_AT,
        observed_from=OBSERVED_FROM,
        people=4,
        leavers=1,
        person_months=21,
        fitted=True,
        ratios=tuple(made),
        concordance=None,
        means=dict.fromkeys(COVARIATE_NAMES, 0.0),
    )


def test_factor_words_name_only_conditions_clearly_linked_with_leaving() -> None:
    model = _model(
        months_over_cap=(1.5, 1.2, 1.9),
        manager_changes=(1.4, 1.1, 1.8),
        absence_spells=(1.1, 0.9, 1.3),  # the range includes 1: not named
        team_turnover=(1.2, 1.05, 1.4),
    )
    row = {"months_over_cap": 4, "manager_changes": 2, "absence_spells": 3, "team_turnover": 0.25}
    assert factor_words(row, model) == [
        "held more cases than their cap in 4 of the last 6 months",
        "changed manager or team twice in the last year",
        "25% of their team left in the last year",
    ]
    row = {"months_over_cap": 0, "manager_changes": 1, "absence_spells": 0, "team_turnover": 0.0}
    assert factor_words(row, model) == ["changed manager or team once in the last year"]


def test_concordance_counts_pairs_at_risk_when_someone_leaves() -> None:
    scored = pl.DataFrame(
        {
            "worker_id": [1, 2, 2, 3],
            "episode": [1, 1, 1, 1],
            "start": [0, 0, 10, 0],
            "stop": [10, 10, 30, 5],
            "event": [True, False, True, False],
            "relative_risk": [2.0, 1.0, 3.0, 9.0],
        }
    )
    # W1 leaves at 10: at risk then are W2's first row (risk 1.0, lower: concordant); W3 had
    # left the panel at 5. W2 leaves at 30: nobody else at risk. One pair, concordant.
    assert concordance_index(scored) == 1.0
    tied = scored.with_columns(pl.lit(1.0).alias("relative_risk"))
    assert concordance_index(tied) == 0.5


def test_a_model_needs_enough_leavers(panel: pl.DataFrame) -> None:
    model = fit_leaving_risk(panel, as_at=AS_AT, observed_from=OBSERVED_FROM)
    assert not model.fitted
    assert model.why_not is not None and "1 people left" in model.why_not
    assert (model.people, model.leavers, model.person_months) == (4, 1, 21)
    assert model.caveat == CAVEAT and "association, not cause" in CAVEAT


def test_the_fit_learns_a_planted_link_and_ignores_other_columns() -> None:
    """100 people followed for 24 months; those over their cap leave at month 6 (every fifth
    is followed on): the model finds over-cap months linked with leaving. A gender column
    in the panel is never used."""
    rows = []
    for person in range(100):
        over = person % 2 == 0
        months = 4 + person % 7 if over and person % 10 != 0 else 24
        for month in range(months):
            rows.append(
                {
                    "worker_id": person,
                    "episode": 1,
                    "start": month * 30,
                    "stop": (month + 1) * 30,
                    "event": over and person % 10 != 0 and month == months - 1,
                    "months_over_cap": (min(month + 1, 6) if over else 0),
                    "absence_spells": person % 3,
                    "manager_changes": person % 4 // 2,
                    "team_turnover": (person % 5) / 10,
                    "gender": person % 2,
                }
            )
    planted = pl.DataFrame(rows)
    model = fit_leaving_risk(planted, as_at=AS_AT, observed_from=OBSERVED_FROM)
    assert model.fitted
    assert [r.covariate.name for r in model.ratios] == list(COVARIATE_NAMES)
    over = model.ratio("months_over_cap")
    assert over.ratio is not None and over.low is not None and over.low > 1.0
    assert "months_over_cap" in model.linked
    assert model.concordance is not None and 0.5 < model.concordance <= 1.0
    assert (model.people, model.leavers, model.person_months) == (100, 40, planted.height)


def test_the_stay_list_takes_the_two_year_point_the_top_fifth_and_rising_risk() -> None:
    june, december = date(2024, 6, 1), date(2023, 12, 1)
    people = [
        # (worker, started, risk in June, risk in December, months over cap in June)
        (1, date(2014, 1, 1), 4.0, 3.9, 5),  # the top fifth: 4 of 5 below
        (2, date(2019, 1, 1), 2.0, 1.0, 2),  # doubled since December
        (3, date(2022, 9, 1), 0.5, 0.5, 0),  # reaches two years on 1 September 2024
        (4, date(2015, 1, 1), 0.5, 0.5, 0),  # nothing: not on the list
        (5, date(2016, 1, 1), 0.9, 0.3, 0),  # tripled, but below average: not on the list
    ]
    rows = []
    for worker, started, now, before, over in people:
        for month, risk in ((december, before), (june, now)):
            rows.append(
                {
                    "worker_id": worker,
                    "episode": 1,
                    "month": month,
                    "measured_on": month,
                    "started": started,
                    "start": 0,
                    "stop": 1,
                    "event": False,
                    "team": "Alpha",
                    "months_over_cap": over if month == june else 0,
                    "absence_spells": 0,
                    "manager_changes": 0,
                    "team_turnover": 0.0,
                    "_risk": risk,
                }
            )
    frame = pl.DataFrame(rows)
    model = _model(months_over_cap=(1.5, 1.2, 1.9))
    # Risks are planted through the one coefficient: exp(b x) = risk, so x = ln(risk) / b.
    b = model.coefficients["months_over_cap"]
    frame = frame.with_columns((pl.col("_risk").log() / b).alias("months_over_cap")).drop("_risk")
    two_years = TwoYearPoint(
        approaching=pl.DataFrame(
            {
                "worker_id": [3],
                "started": [date(2022, 9, 1)],
                "years": [1.8],
                "two_years_on": [date(2024, 9, 1)],
            }
        ),
        two_to_three=pl.DataFrame(
            schema={
                "worker_id": pl.Int64,
                "started": pl.Date,
                "years": pl.Float64,
                "two_years_on": pl.Date,
            }
        ),
    )
    listed = stay_conversations(frame, model, two_years)
    assert listed["worker_id"].to_list() == [1, 2, 3]
    assert listed["top_fifth"].to_list() == [True, False, False]
    assert listed["risen"].to_list() == [False, True, False]
    assert listed["approaching_two_years"].to_list() == [False, False, True]
    first, second, third = listed.iter_rows(named=True)
    assert first["relative_risk"] == pytest.approx(4.0)
    assert reasons_words(second, model)[0] == "leaving risk 2.0 times what it was six months ago"
    assert reasons_words(third, model) == [
        "reaches two years' service on 1 September 2024, when leaving peaks"
    ]
    assert math.isclose(second["risk_six_months_ago"], 1.0)


@st.composite
def _scored(draw: st.DrawFn) -> pl.DataFrame:
    """Up to 12 people, one interval each, some leaving, with risks."""
    size = draw(st.integers(min_value=2, max_value=12))
    stops = draw(st.lists(st.integers(1, 30), min_size=size, max_size=size))
    left = draw(st.lists(st.booleans(), min_size=size, max_size=size))
    risks = draw(
        st.lists(st.floats(0.1, 10.0, allow_nan=False), min_size=size, max_size=size, unique=True)
    )
    return pl.DataFrame(
        {
            "worker_id": list(range(size)),
            "episode": [1] * size,
            "start": [0] * size,
            "stop": stops,
            "event": left,
            "relative_risk": risks,
        }
    )


@given(_scored())
def test_concordance_is_a_share_and_reversing_the_risk_reverses_it(scored: pl.DataFrame) -> None:
    found = concordance_index(scored)
    reversed_risk = concordance_index(
        scored.with_columns((1 / pl.col("relative_risk")).alias("relative_risk"))
    )
    if found is None:
        assert reversed_risk is None
        return
    assert 0.0 <= found <= 1.0
    # With no tied risks every pair is decided, so the two orders add up to one.
    assert reversed_risk is not None and math.isclose(found + reversed_risk, 1.0)
    doubled = concordance_index(scored.with_columns(pl.col("relative_risk") * 2))
    assert doubled == found

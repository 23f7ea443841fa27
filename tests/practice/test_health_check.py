"""The staff health check analysis: favourable shares worked by hand, suppression of small groups
with their complementary cells, the change between years and the team link; property tests that
attack the published tables by subtraction and by solving all the sums together."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseload.practice.health_check import (
    COUNCIL,
    NOT_RECORDED,
    Summary,
    SurveyData,
    changes,
    favourable_counts,
    group_sizes,
    pearson,
    protect_groups,
    summarise,
    team_link,
)
from disclosure_attack import solvable, subtract

# r1..r11: (team, service, role, band)
PEOPLE = [
    ("A", "S1", "sw", "0-2"),
    ("A", "S1", "sw", "0-2"),
    ("A", "S1", "sw", "3-5"),
    ("B", "S1", "sw", "3-5"),
    ("B", "S1", "tm", "3-5"),
    ("B", "S1", "sw", "3-5"),
    ("C", "S2", "sw", "0-2"),
    ("C", "S2", "sw", "0-2"),
    ("D", "S2", "sw", "3-5"),
    ("D", "S2", "sw", "3-5"),
    ("D", "S2", "sw", "3-5"),
]
Q1 = [5, 4, 2, 4, 1, 3, 5, 5, 4, 2, 4]
Q2 = [5, 3, 3, 3, 3, 3, 3, 3, 3, None, 3]  # r10 skipped Q2


def survey(
    people: list[tuple[str, str, str | None, str | None]],
    answers: dict[str, list[int | None]],
    *,
    year: int = 2026,
) -> SurveyData:
    responses = pl.DataFrame(
        {
            "response_id": list(range(1, len(people) + 1)),
            "team": [p[0] for p in people],
            "service": [p[1] for p in people],
            "role": [p[2] for p in people],
            "experience_band": [p[3] for p in people],
        },
        schema={
            "response_id": pl.Int64,
            "team": pl.Utf8,
            "service": pl.Utf8,
            "role": pl.Utf8,
            "experience_band": pl.Utf8,
        },
    )
    rows = [
        (i + 1, code, value)
        for code, values in answers.items()
        for i, value in enumerate(values)
        if value is not None
    ]
    return SurveyData(
        year=year,
        title=f"Health check {year}",
        scale_min=1,
        scale_max=5,
        favourable_min=4,
        questions=pl.DataFrame(
            {
                "code": list(answers),
                "text": [f"Question {c}" for c in answers],
                "theme": [f"Theme of {c}" for c in answers],
            }
        ),
        responses=responses,
        answers=pl.DataFrame(
            rows, schema={"response_id": pl.Int64, "code": pl.Utf8, "value": pl.Int64}, orient="row"
        ),
    )


def cell(
    summary: Summary, dimension: str, group: str, code: str | None = None
) -> dict[str, object]:
    frame = summary.groups if code is None else summary.questions.filter(pl.col("code") == code)
    rows = frame.filter((pl.col("dimension") == dimension) & (pl.col("group") == group)).to_dicts()
    assert len(rows) == 1, (dimension, group, code)
    return rows[0]


def test_favourable_shares_worked_by_hand() -> None:
    result = summarise(survey(PEOPLE, {"Q1": Q1, "Q2": Q2}), minimum=3)
    council_q1 = cell(result, "council", COUNCIL, "Q1")
    assert (council_q1["answers"], council_q1["favourable"]) == (11, 7)
    assert council_q1["share"] == pytest.approx(7 / 11)
    council_q2 = cell(result, "council", COUNCIL, "Q2")
    assert (council_q2["answers"], council_q2["favourable"]) == (10, 1)
    assert cell(result, "experience", "0-2", "Q1")["share"] == 1.0
    assert cell(result, "experience", "3-5", "Q1")["share"] == pytest.approx(3 / 7)
    assert cell(result, "experience", "3-5", "Q2")["answers"] == 6
    council = cell(result, "council", COUNCIL)
    assert (council["responses"], council["answers"], council["favourable"]) == (11, 21, 8)
    assert cell(result, "service", "S2")["share"] == pytest.approx(4 / 9)
    theme = result.themes.filter(
        (pl.col("dimension") == "council") & (pl.col("theme") == "Theme of Q1")
    ).row(0, named=True)
    assert theme["share"] == pytest.approx(7 / 11)


def test_small_groups_and_their_complements_are_hidden() -> None:
    """Team C (2 responses) and the team manager role (1) are small. Council = A+B+C+D hides A
    (the first of the smallest), S2 = C+D hides D, S1 = A+B hides B; council = sw+tm hides sw."""
    hidden = protect_groups(survey(PEOPLE, {"Q1": Q1}).responses, minimum=3)
    assert hidden == {
        ("team", "C"): "small",
        ("role", "tm"): "small",
        ("team", "A"): "protects",
        ("team", "B"): "protects",
        ("team", "D"): "protects",
        ("role", "sw"): "protects",
    }
    result = summarise(survey(PEOPLE, {"Q1": Q1}), minimum=3)
    team_c = cell(result, "team", "C")
    assert team_c["hidden"] and team_c["reason"] == "small"
    assert team_c["responses"] is None and team_c["share"] is None
    assert cell(result, "team", "C", "Q1")["favourable"] is None
    assert cell(result, "service", "S1")["responses"] == 6


def test_a_question_answered_by_few_in_a_shown_group_is_hidden_with_a_complement() -> None:
    # Everyone answers Q1; only r1, r2 (band 0-2) and r9..r11 (band 3-5) answer Q2.
    q2 = [4, 5, None, None, None, None, None, None, 4, 2, 4]
    result = summarise(survey(PEOPLE, {"Q1": Q1, "Q2": q2}), minimum=3)
    assert cell(result, "experience", "0-2", "Q2")["hidden"]
    assert cell(result, "experience", "3-5", "Q2")["hidden"]  # council - 0-2 would give it
    assert cell(result, "experience", "0-2", "Q1")["share"] == 1.0
    assert cell(result, "experience", "0-2")["share"] is None  # built from a hidden cell


def test_missing_role_and_band_count_as_not_recorded() -> None:
    people = [("A", "S1", None, None)] * 12
    result = summarise(survey(people, {"Q1": [4] * 12}), minimum=10)
    assert cell(result, "role", NOT_RECORDED)["responses"] == 12


def test_change_between_years_hides_when_either_year_hides() -> None:
    before = summarise(survey(PEOPLE, {"Q1": [2] * 11}, year=2025), minimum=3)
    now = summarise(survey(PEOPLE, {"Q1": Q1}), minimum=3)
    council = changes(now, before).row(0, named=True)
    assert council["change"] == pytest.approx(7 / 11 * 100)
    by_band = changes(now, before, dimension="experience")
    assert by_band.filter(pl.col("group") == "0-2")["change"].item() == pytest.approx(100.0)
    by_team = changes(now, before, dimension="team")
    assert by_team["change"].null_count() == by_team.height


def test_team_link_correlates_shown_teams_only() -> None:
    people = [(t, "S", "sw", "x") for t in "PQR" for _ in range(10)]
    answers = [5] * 10 + [5] * 5 + [1] * 5 + [1] * 10  # P 100%, Q 50%, R 0%
    result = summarise(survey(people, {"Q1": answers}), minimum=10)
    measures = pl.DataFrame(
        {
            "team": ["P", "Q", "R"],
            "turnover": [0.1, 0.2, 0.3],
            "average_caseload": [15.0, 18.0, 15.0],
        }
    )
    link = team_link(result, measures)
    assert link.teams == 3
    assert link.turnover_correlation == pytest.approx(-1.0)
    assert link.caseload_correlation == pytest.approx(0.0)


def test_pearson_needs_three_pairs_and_spread() -> None:
    assert pearson([1.0, 2.0], [1.0, 2.0]) is None
    assert pearson([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]) is None
    assert pearson([1.0, 2.0, 3.0], [2.0, 4.0, 7.0]) == pytest.approx(0.9933992677987828)


# --- property tests: the onlooker -------------------------------------------------------------


def relations(result: Summary, services: dict[str, str]) -> list[list[tuple[str, str]]]:
    groups = result.groups
    cells = [(d, g) for d, g in groups.select("dimension", "group").rows()]
    council = ("council", COUNCIL)
    found = [
        [council, *[c for c in cells if c[0] == dimension]]
        for dimension in ("service", "team", "role", "experience")
    ]
    for service in set(services.values()):
        found.append(
            [("service", service), *[("team", t) for t, s in services.items() if s == service]]
        )
    return found


people_strategy = st.lists(
    st.tuples(
        st.sampled_from(["T1", "T2", "T3", "T4", "T5"]),
        st.sampled_from(["sw", "tm", "ap", None]),
        st.sampled_from(["0-2", "3-5", "6+", None]),
        st.integers(1, 5),
        st.one_of(st.none(), st.integers(1, 5)),
    ),
    min_size=1,
    max_size=80,
)
SERVICE_OF = {"T1": "S1", "T2": "S1", "T3": "S2", "T4": "S2", "T5": "S3"}


@settings(max_examples=80, deadline=None)
@given(people_strategy, st.integers(2, 12))
def test_no_hidden_group_or_favourable_count_can_be_recovered(
    rows: list[tuple[str, str | None, str | None, int, int | None]], minimum: int
) -> None:
    people = [(t, SERVICE_OF[t], r, b) for t, r, b, _, _ in rows]
    data = survey(people, {"Q1": [row[3] for row in rows], "Q2": [row[4] for row in rows]})
    result = summarise(data, minimum=minimum)
    sums = relations(result, {t: SERVICE_OF[t] for t, *_ in rows})
    truth = {
        (d, g): n
        for d, g, n in group_sizes(data.responses).select("dimension", "group", "responses").rows()
    }
    groups = result.groups
    hidden = {(d, g) for d, g, h in groups.select("dimension", "group", "hidden").rows() if h}
    assert {c for c, n in truth.items() if 0 < n < minimum} <= hidden
    shown = {(d, g): float(truth[(d, g)]) for d, g in truth if (d, g) not in hidden}
    assert not set(subtract(shown, sums)) & hidden
    assert not solvable(hidden, sums) & hidden
    counts = favourable_counts(data)
    for code in ("Q1", "Q2"):
        question = result.questions.filter(pl.col("code") == code)
        true_rows = counts.filter(pl.col("code") == code)
        answers = {
            (d, g): a for d, g, a in true_rows.select("dimension", "group", "answers").rows()
        }
        favourable = {
            (d, g): f for d, g, f in true_rows.select("dimension", "group", "favourable").rows()
        }
        concealed_rows = {
            (d, g) for d, g, h in question.select("dimension", "group", "hidden").rows() if h
        }
        concealed = {c for c in truth if c in concealed_rows or (c in hidden and c not in answers)}
        # what the onlooker reads: each shown cell's favourable count (share x answers)
        for d, g, share, answered in question.select(
            "dimension", "group", "share", "answers"
        ).rows():
            if share is not None:
                assert round(share * answered) == favourable[(d, g)]
        known = {c: float(favourable.get(c, 0)) for c in truth if c not in concealed}
        at_risk = {c for c in concealed if answers.get(c, 0) > 0}
        assert not set(subtract(known, sums)) & at_risk
        assert not solvable(concealed, sums) & at_risk


@settings(max_examples=40, deadline=None)
@given(people_strategy, people_strategy)
def test_changes_between_years_never_show_a_hidden_year(
    before_rows: list[tuple[str, str | None, str | None, int, int | None]],
    now_rows: list[tuple[str, str | None, str | None, int, int | None]],
) -> None:
    def summary(
        rows: list[tuple[str, str | None, str | None, int, int | None]], year: int
    ) -> Summary:
        people = [(t, SERVICE_OF[t], r, b) for t, r, b, _, _ in rows]
        return summarise(survey(people, {"Q1": [row[3] for row in rows]}, year=year), minimum=5)

    before, now = summary(before_rows, 2025), summary(now_rows, 2026)
    for dimension in ("council", "team", "role"):
        found = changes(now, before, dimension=dimension)
        for row in found.iter_rows(named=True):
            if row["change"] is not None:
                assert row["share"] is not None and row["previous_share"] is not None

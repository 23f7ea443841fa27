"""Case file audits: grade distributions, moderation agreement, Cohen's kappa (worked by hand)
and themes."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseload.domain.practice_records import AUDIT_GRADE_SCHEMA, AUDIT_GRADES, AUDIT_SCHEMA
from caseload.practice.audits import (
    MIN_KAPPA_AUDITS,
    cohen_kappa,
    domain_grade_distribution,
    grade_distribution,
    grade_table,
    kappa_weights,
    moderation_agreement,
    theme_counts,
)

O, G, RI, I = AUDIT_GRADES  # noqa: E741 - the four grades, best first
YEAR = (date(2025, 4, 1), date(2026, 3, 31))


def audits(*rows: tuple[date, str | None, str | None, list[str]]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "audit_id": index,
                "child_id": 100 + index,
                "worker_id": 1,
                "auditor": "A. Auditor",
                "audit_date": when,
                "instrument": "standard",
                "overall_grade": overall,
                "moderated_grade": moderated,
                "moderator": "M. Oderator" if moderated else None,
                "themes": themes,
            }
            for index, (when, overall, moderated, themes) in enumerate(rows, start=1)
        ],
        schema=AUDIT_SCHEMA,
    )


def test_the_final_grade_is_the_moderated_one() -> None:
    # Three audits in the year: good, good, and requires improvement moderated down to
    # inadequate; one before the year is left out. Shares of 3: 66.7 and 33.3.
    frame = audits(
        (date(2025, 5, 1), G, None, []),
        (date(2025, 6, 1), G, G, []),
        (date(2025, 7, 1), RI, I, []),
        (date(2025, 3, 31), O, None, []),
    )
    assert grade_distribution(frame, *YEAR).rows() == [
        (O, "Outstanding", 0, 0.0),
        (G, "Good", 2, 66.7),
        (RI, "Requires improvement", 0, 0.0),
        (I, "Inadequate", 1, 33.3),
    ]


def test_domain_grades() -> None:
    frame = audits((date(2025, 5, 1), G, None, []), (date(2025, 6, 1), RI, None, []))
    domains = pl.DataFrame(
        {
            "audit_id": [1, 1, 2, 2],
            "domain": ["planning", "voice of the child", "planning", "voice of the child"],
            "grade": [G, O, I, O],
        },
        schema=AUDIT_GRADE_SCHEMA,
    )
    table = domain_grade_distribution(frame, domains, *YEAR)
    planning = table.filter(pl.col("domain") == "planning").select("grade", "audits", "share")
    assert planning.rows() == [(O, 0, 0.0), (G, 1, 50.0), (RI, 0, 0.0), (I, 1, 50.0)]
    voice = table.filter(pl.col("domain") == "voice of the child")
    assert voice["audits"].to_list() == [2, 0, 0, 0]


def test_textbook_two_by_two_kappa() -> None:
    # [[20, 5], [10, 15]], n = 50: p_o = 35/50 = 0.7; rows 0.5, 0.5; columns 0.6, 0.4;
    # p_e = 0.5 x 0.6 + 0.5 x 0.4 = 0.5; kappa = (0.7 - 0.5) / 0.5 = 0.4.
    # Standard error (Fleiss, Cohen and Everitt), 1 - kappa = 0.6:
    #   diagonal: 0.4 (1 - 1.1 x 0.6)^2 + 0.3 (1 - 0.9 x 0.6)^2 = 0.04624 + 0.06348 = 0.10972
    #   off it:   0.36 x [0.1 (0.6 + 0.5)^2 + 0.2 (0.4 + 0.5)^2] = 0.36 x 0.283 = 0.10188
    #   less (0.4 - 0.5 x 0.6)^2 = 0.01: 0.2016 / (50 x 0.25) = 0.016128, se = 0.126996
    kappa = cohen_kappa([[20, 5], [10, 15]])
    assert kappa.value == pytest.approx(0.4)
    assert kappa.observed == pytest.approx(0.7)
    assert kappa.expected == pytest.approx(0.5)
    assert kappa.se == pytest.approx(0.016128**0.5)
    assert kappa.n == 50


FOUR_BY_FOUR = [[1, 1, 0, 0], [0, 3, 1, 0], [0, 1, 2, 0], [0, 0, 0, 1]]


def test_four_grade_kappa_unweighted_and_linear() -> None:
    # n = 10; rows (auditor) 0.2, 0.4, 0.3, 0.1; columns (moderator) 0.1, 0.5, 0.3, 0.1.
    # Unweighted: p_o = 7/10; p_e = .02 + .20 + .09 + .01 = .32; kappa = .38 / .68 = 0.558824.
    # Linear weights 1, 2/3, 1/3, 0: p_o = .7 + 2/3 x .3 = .9; p_e = .32 + 2/3 x (.10 + .04 +
    # .12 + .15 + .03 + .03) + 1/3 x (.06 + .03 + .04 + .05) = .32 + .313333 + .06 = .693333;
    # kappa = .206667 / .306667 = 31/46 = 0.673913.
    plain = cohen_kappa(FOUR_BY_FOUR)
    linear = cohen_kappa(FOUR_BY_FOUR, "linear")
    assert plain.value == pytest.approx(0.38 / 0.68)
    assert linear.observed == pytest.approx(0.9)
    assert linear.expected == pytest.approx(0.32 + 0.47 * 2 / 3 + 0.18 / 3)
    assert linear.value == pytest.approx(31 / 46)
    assert kappa_weights(4, "linear")[0].tolist() == pytest.approx([1, 2 / 3, 1 / 3, 0])


def test_perfect_agreement_and_undefined_kappa() -> None:
    perfect = cohen_kappa([[3, 0, 0, 0], [0, 4, 0, 0], [0, 0, 2, 0], [0, 0, 0, 1]], "linear")
    assert perfect.value == pytest.approx(1.0)
    assert cohen_kappa([[5, 0], [0, 0]]).value is None  # one category used by both: p_e = 1
    assert cohen_kappa([[0, 0], [0, 0]]).value is None
    with pytest.raises(ValueError):
        cohen_kappa([[1, 2, 3]])


def four_by_four_audits() -> pl.DataFrame:
    """Ten moderated audits making FOUR_BY_FOUR (auditor rows, moderator columns), plus one
    not moderated."""
    rows = []
    for i, row in enumerate(FOUR_BY_FOUR):
        for j, count in enumerate(row):
            rows += [(date(2025, 6, 1), AUDIT_GRADES[i], AUDIT_GRADES[j], [])] * count
    rows.append((date(2025, 6, 2), G, None, []))
    return audits(*rows)


def test_moderation_agreement() -> None:
    # 7 kept, 1 moved up (requires improvement -> good), 2 moved down (outstanding -> good,
    # good -> requires improvement).
    result = moderation_agreement(four_by_four_audits(), *YEAR)
    assert (result.audits, result.moderated) == (11, 10)
    assert (result.agreed, result.moved_up, result.moved_down) == (7, 1, 2)
    assert (result.agreed_share, result.moved_up_share, result.moved_down_share) == (
        70.0,
        10.0,
        20.0,
    )
    assert result.kappa is not None and result.weighted_kappa is not None
    assert result.kappa.value == pytest.approx(0.38 / 0.68)
    assert result.weighted_kappa.value == pytest.approx(31 / 46)
    assert result.table == tuple(tuple(row) for row in FOUR_BY_FOUR)
    assert result.note is None


def test_too_few_moderated_audits_for_kappa() -> None:
    few = audits(*[(date(2025, 6, 1), G, G, [])] * (MIN_KAPPA_AUDITS - 1))
    result = moderation_agreement(few, *YEAR)
    assert result.kappa is None and result.agreed_share == 100.0
    assert result.note is not None and "9 moderated" in result.note
    none = moderation_agreement(audits((date(2025, 6, 1), G, None, [])), *YEAR)
    assert none.moderated == 0 and none.agreed_share is None and none.note is not None
    same = moderation_agreement(audits(*[(date(2025, 6, 1), G, G, [])] * 12), *YEAR)
    assert same.kappa is not None and same.kappa.value is None
    assert same.note is not None and "not defined" in same.note


def test_themes_are_counted_once_per_audit() -> None:
    frame = audits(
        (date(2025, 5, 1), G, None, [" Voice of the child", "chronology"]),
        (date(2025, 6, 1), G, None, ["voice of the child", "Voice of the child "]),
        (date(2025, 7, 1), RI, None, ["Chronology", ""]),
        (date(2025, 1, 1), RI, None, ["management oversight"]),
    )
    assert theme_counts(frame, *YEAR).rows() == [
        ("chronology", 2, 66.7),
        ("voice of the child", 2, 66.7),
    ]


grades = st.sampled_from(AUDIT_GRADES)


@given(st.lists(grades, min_size=1, max_size=60).filter(lambda g: len(set(g)) > 1))
def test_identical_grades_give_kappa_one(chosen: list[str]) -> None:
    series = pl.Series(chosen)
    for weighting in ("none", "linear"):
        kappa = cohen_kappa(grade_table(series, series), weighting)  # type: ignore[arg-type]
        assert kappa.value == pytest.approx(1.0)


@given(st.lists(st.tuples(grades, grades), min_size=1, max_size=80))
def test_kappa_is_between_minus_one_and_one(pairs: list[tuple[str, str]]) -> None:
    first = pl.Series([a for a, _ in pairs])
    second = pl.Series([b for _, b in pairs])
    table = grade_table(first, second)
    assert table.sum() == len(pairs)
    for weighting in ("none", "linear"):
        kappa = cohen_kappa(table, weighting)  # type: ignore[arg-type]
        if kappa.value is not None:
            assert -1.0 - 1e-9 <= kappa.value <= 1.0 + 1e-9
            assert kappa.se is not None and np.isfinite(kappa.se) and kappa.se >= 0


@given(st.lists(st.tuples(grades, st.one_of(st.none(), grades)), min_size=1, max_size=50))
def test_grade_shares_sum_to_100(rows: list[tuple[str, str | None]]) -> None:
    # Each share is rounded to 1 dp on its own, so four shares may miss 100 by up to 0.2.
    frame = audits(*[(date(2025, 6, 1), overall, moderated, []) for overall, moderated in rows])
    table = grade_distribution(frame, *YEAR)
    assert table["audits"].sum() == len(rows)
    assert abs(table["share"].sum() - 100.0) <= 0.2 + 1e-9

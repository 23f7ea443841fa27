"""The sentences written from the figures: exact words for each case."""

from __future__ import annotations

from caseload.reports.commentary import change_sentence, listed, rag_summary, standing_sentence


def test_a_rate_moves_in_points_and_says_whether_that_is_better() -> None:
    assert change_sentence(
        "Agency rate",
        first=17.3,
        latest=13.2,
        first_year=2021,
        latest_year=2025,
        unit="%",
        places=1,
        better="lower",
    ) == (
        "Agency rate fell 4.1 points since 2021, from 17.3% in 2021 to 13.2% in 2025 "
        "(an improvement)."
    )


def test_other_figures_move_in_per_cent_of_the_first() -> None:
    assert change_sentence(
        "Average caseload",
        first=20.0,
        latest=17.0,
        first_year=2022,
        latest_year=2025,
        unit="",
        places=1,
        better="lower",
    ) == (
        "Average caseload fell 15.0% since 2022, from 20.0 in 2022 to 17.0 in 2025 "
        "(an improvement)."
    )
    assert change_sentence(
        "Starters",
        first=40,
        latest=50,
        first_year=2022,
        latest_year=2025,
        unit="",
        places=0,
        better=None,
    ) == ("Starters rose 25.0% since 2022, from 40 in 2022 to 50 in 2025.")


def test_no_sentence_without_two_figures_and_the_same_figure_is_unchanged() -> None:
    common = {"first_year": 2024, "latest_year": 2025, "unit": "%", "places": 1, "better": "lower"}
    assert change_sentence("Turnover rate", first=None, latest=12.0, **common) is None  # type: ignore[arg-type]
    assert (
        change_sentence("Turnover rate", first=12.04, latest=12.0, **common)  # type: ignore[arg-type]
        == "Turnover rate is unchanged since 2024 at 12.0%."
    )


def test_standing_among_neighbours_and_against_england() -> None:
    assert standing_sentence(
        "Turnover rate",
        value=10.5,
        year=2025,
        better_than=7,
        neighbours=10,
        england=11.8,
        better="lower",
        unit="%",
        places=1,
    ) == (
        "In 2025 the turnover rate was better than 7 of 10 statistical neighbours and better "
        "than England (11.8%)."
    )
    assert standing_sentence(
        "Vacancy rate",
        value=14.2,
        year=2025,
        better_than=None,
        neighbours=None,
        england=14.2,
        better="lower",
        unit="%",
        places=1,
    ) == ("In 2025 the vacancy rate was level with England (14.2%).")


def test_rag_summary_and_lists() -> None:
    assert rag_summary(["green", "red", None, "amber", "green"], "the target") == (
        "2 of 4 measures meet the target; 1 is close (amber) and 1 is red."
    )
    assert rag_summary([None], "the target") is None
    assert listed(["a"]) == "a"
    assert listed(["a", "b", "c"]) == "a, b and c"

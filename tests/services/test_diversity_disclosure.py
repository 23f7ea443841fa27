"""Small numbers on the workforce diversity page as an elected member (and the public report)
sees it: no count from 1 to 4 shows, and an onlooker
who knows how the tables add up (categories to the "All staff" row, grades to "All grades", the
known categories to the known total, which the shares give away, and the staff in post on the
census date shown twice) can work out no hidden count, by subtraction or by combining the sums.

The onlooker reads the context as shown (:mod:`disclosure_attack`), not the grid that protected
it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseload.domain.disclosure import SUPPRESSED, is_small
from caseload.retention.diversity import ALL, ALL_GRADES, NOT_KNOWN
from caseload.services.diversity import (
    DiversityContext,
    council_figures,
    empty_context,
    fill,
    protection,
)
from disclosure_attack import solvable, subtract

CENSUS_DATE = date(2024, 9, 30)
ROLES = [
    "asye",
    "social_worker",
    "senior_social_worker",
    "advanced_practitioner",
    "team_manager",
    "qualified_without_cases",
]
ETHNICITIES = ["WBRI", "WOTH", "MWBC", "AIND", "APKN", "BAFR", "CHNE", "OOTH", "REFU", None]
KINDS = ["stay", "joined", "left", "promoted"]
SPELLS = {
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
Person = tuple[str, str | None, int, int | None, str]


def council(people: list[Person]) -> tuple[pl.DataFrame, pl.DataFrame]:
    spells: list[dict[str, Any]] = []
    workers: list[dict[str, Any]] = []

    def add(worker: int, role: str, start: date, end: date | None, reason: str | None) -> None:
        spells.append(
            {
                "LEA": "301",
                "worker_id": worker,
                "contract": "own",
                "role": role,
                "fte": 1.0,
                "team": "A",
                "post_id": None,
                "start_date": start,
                "end_date": end,
                "end_reason": reason,
                "start_origin": 2,
                "reason_leave": 1 if reason == "left" else None,
                "leaver_destination": None,
                "agency_contract_weeks": None,
            }
        )

    for worker, (role, ethnicity, gender, born, kind) in enumerate(people, start=1):
        settled = date(2020, 1, 1)
        if kind == "stay":
            add(worker, role, settled, None, None)
        elif kind == "joined":
            add(worker, role, date(2024, 3, 1), None, None)
        elif kind == "left":
            add(worker, role, settled, date(2024, 5, 31), "left")
        else:
            add(worker, "social_worker", settled, date(2024, 3, 31), "role_change")
            add(worker, "advanced_practitioner", date(2024, 4, 1), None, None)
        workers.append(
            {
                "worker_id": worker,
                "swe_number": f"SW{worker}",
                "birth_date": None if born is None else date(born, 6, 1),
                "gender": gender,
                "ethnicity": ethnicity,
                "qualification_institution": None,
                "qualification_level": 1,
                "step_up": False,
                "frontline": False,
                "qualification_date": None,
            }
        )
    return (
        pl.DataFrame(spells, schema=SPELLS),
        pl.DataFrame(
            workers,
            schema={
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
            },
        ),
    )


def shown_and_true(day: date, people: list[Person]) -> tuple[DiversityContext, DiversityContext]:
    spells, workers = council(people)
    figures = council_figures(spells, workers, "354", day, 2024)
    public = empty_context("354", "Test", suppressed=True)
    fill(public, figures, "354", day, protection(figures, day))
    internal = empty_context("354", "Test", suppressed=False)
    fill(internal, figures, "354", day, None)
    return public, internal


Cell = tuple[Any, ...]


def cells(context: DiversityContext) -> dict[Cell, Any]:
    """Every count the context shows, keyed as the onlooker reads the tables."""
    found: dict[Cell, Any] = {}
    for table in context["profile"]:
        for row in table["rows"]:
            for grade, cell in row["grades"].items():
                found[("profile", table["dimension"], row["category"], grade)] = cell["headcount"]
    for rates in context["rates"]:
        for rate_row in rates["rows"]:
            for measure in ("in_post", "starters", "leavers", "progressions"):
                found[("rates", measure, rates["dimension"], rate_row["category"])] = rate_row[
                    measure  # type: ignore[literal-required]
                ]
    return found


def relations(context: DiversityContext, day: date) -> list[list[Cell]]:
    """How the shown tables add up, as the onlooker knows it."""
    found: list[list[Cell]] = []
    grades = context["grades"]
    for table in context["profile"]:
        dimension = table["dimension"]
        categories = [row["category"] for row in table["rows"] if row["category"] != ALL]
        known = [c for c in categories if c != NOT_KNOWN]
        for grade in grades:
            total = ("profile", dimension, ALL, grade)
            found.append([total, *(("profile", dimension, c, grade) for c in categories)])
            known_total = ("known", dimension, grade)
            found.append([known_total, *(("profile", dimension, c, grade) for c in known)])
            found.append([total, known_total, ("profile", dimension, NOT_KNOWN, grade)])
            if dimension != "ethnic_group":  # the "All staff" row is the same in every table
                found.append([total, ("profile", "ethnic_group", ALL, grade)])
        for category in (*categories, ALL):
            found.append(
                [
                    ("profile", dimension, category, ALL_GRADES),
                    *(("profile", dimension, category, g) for g in grades if g != ALL_GRADES),
                ]
            )
    for rates in context["rates"]:
        dimension = rates["dimension"]
        categories = [row["category"] for row in rates["rows"] if row["category"] != ALL]
        for measure in ("in_post", "starters", "leavers", "progressions"):
            found.append(
                [
                    ("rates", measure, dimension, ALL),
                    *(("rates", measure, dimension, c) for c in categories),
                ]
            )
            if dimension != "ethnic_group":
                same = ("rates", measure, "ethnic_group", ALL)
                found.append([("rates", measure, dimension, ALL), same])
        if day == CENSUS_DATE:  # the same people, shown in both tables
            for category in (*categories, ALL):
                found.append(
                    [
                        ("rates", "in_post", dimension, category),
                        ("profile", dimension, category, ALL_GRADES),
                    ]
                )
    return found


def known_totals(context: DiversityContext, true: DiversityContext) -> dict[Cell, float]:
    """The known total of a dimension and grade, which any shown non-zero share with its shown
    count gives away (count / share x 100): taken here at its true value."""
    found: dict[Cell, float] = {}
    for table, true_table in zip(context["profile"], true["profile"], strict=True):
        for grade in context["grades"]:
            gives_away = any(
                isinstance(row["grades"][grade]["share"], float)
                and row["grades"][grade]["share"] != 0
                and isinstance(row["grades"][grade]["headcount"], int)
                for row in table["rows"]
            )
            if gives_away:
                found[("known", table["dimension"], grade)] = float(
                    sum(
                        int(row["grades"][grade]["headcount"] or 0)
                        for row in true_table["rows"]
                        if row["category"] not in (NOT_KNOWN, ALL)
                    )
                )
    return found


PEOPLE = st.lists(
    st.tuples(
        st.sampled_from(ROLES),
        st.sampled_from(ETHNICITIES),
        st.sampled_from([0, 1, 2, 2, 2, 9]),
        st.one_of(st.none(), st.integers(min_value=1958, max_value=2000)),
        st.sampled_from(KINDS),
    ),
    min_size=1,
    max_size=45,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PEOPLE, st.sampled_from([CENSUS_DATE, CENSUS_DATE + timedelta(days=46)]))
def test_no_small_count_shows_and_none_can_be_worked_out(people: list[Person], day: date) -> None:
    public, internal = shown_and_true(day, people)
    shown, true = cells(public), cells(internal)
    for cell, value in shown.items():
        assert not is_small(value if isinstance(value, int) else None), cell
        if value != SUPPRESSED:
            assert value == true[cell], cell
    known: dict[Cell, float] = {
        cell: float(value) for cell, value in shown.items() if value != SUPPRESSED
    }
    known.update(known_totals(public, internal))
    hidden = {cell for cell, value in shown.items() if value == SUPPRESSED}
    links = relations(public, day)
    hidden_known = {
        cell for relation in links for cell in relation if cell[0] == "known" and cell not in known
    }
    recovered = subtract(known, links)
    assert not {cell for cell, value in recovered.items() if value and cell in hidden}
    for cell in solvable(hidden | hidden_known, links):
        if cell in hidden:
            assert true[cell] == 0, cell
    # Rates and shares never show for a hidden count.
    for table in public["rates"]:
        for row in table["rows"]:
            for count, rate in (("starters", "starter_rate"), ("leavers", "leaver_rate")):
                if SUPPRESSED in (row[count], row["in_post"]):  # type: ignore[literal-required]
                    assert row[rate] == SUPPRESSED  # type: ignore[literal-required]

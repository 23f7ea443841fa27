"""The staff health check import: answers in words or numbers, teams matched as the council names
them, comment columns dropped unread, row-level problems, and re-importing a year replaces it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from caseload.errors import InvalidInputError
from caseload.importers.health_check import parse_health_check_mapping
from caseload.services.health_check_imports import import_health_check
from caseload.services.imports import ImportRejectedError
from caseload.storage.health_check_models import (
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from importers.import_support import load_first

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CLOSED = date(2025, 3, 31)


@pytest.fixture
def loaded(engine: Engine) -> Engine:
    """The import tests' council (HR extract, absences, SSD) on SQLite and PostgreSQL."""
    load_first(engine)
    return engine


def load(engine: Engine, path: Path, *, year: int = 2025, **options: object) -> object:
    return import_health_check(
        engine,
        path=path,
        mapping="generic-health-check",
        title=f"Health check {year}",
        year=year,
        fielded=CLOSED,
        loaded_by="tester",
        **options,  # type: ignore[arg-type]
    )


def counts(engine: Engine) -> tuple[int, int, int, int]:
    with engine.connect() as connection:
        return tuple(  # type: ignore[return-value]
            int(connection.execute(select(func.count()).select_from(table)).scalar_one())
            for table in (Survey, SurveyQuestion, SurveyResponse, SurveyAnswer)
        )


def test_a_survey_loads_with_words_and_numbers(loaded: Engine) -> None:
    result = load(loaded, FIXTURES / "health_check.csv")
    assert result.kind == "health_check"  # type: ignore[attr-defined]
    assert result.added == 6  # type: ignore[attr-defined]
    # 6 responses x 3 questions, less R4's blank Q03
    assert counts(loaded) == (1, 3, 6, 17)
    problems = result.problems.to_dicts()  # type: ignore[attr-defined]
    assert len(problems) == 1
    assert problems[0]["problem"].startswith("2 column(s) not mapped")
    assert "Sam" not in str(problems) and "leave" not in str(problems)
    with loaded.connect() as connection:
        values = (
            connection.execute(
                select(SurveyAnswer.value)
                .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
                .where(SurveyQuestion.code == "Q01")
                .order_by(SurveyAnswer.response_id)
            )
            .scalars()
            .all()
        )
        roles = (
            connection.execute(select(SurveyResponse.role).order_by(SurveyResponse.id))
            .scalars()
            .all()
        )
        texts = connection.execute(
            select(SurveyQuestion.code, SurveyQuestion.text, SurveyQuestion.theme)
        ).all()
    assert values == [4, 5, 2, 4, 3, 5]
    assert roles[4] == "Newly qualified (ASYE)"
    assert ("Q03", "I would recommend working here", "Supervision and support") in texts


def test_reimporting_the_year_replaces_the_survey(loaded: Engine) -> None:
    load(loaded, FIXTURES / "health_check.csv")
    again = load(loaded, FIXTURES / "health_check.csv")
    assert (again.added, again.ended) == (6, 6)  # type: ignore[attr-defined]
    assert counts(loaded) == (1, 3, 6, 17)


def test_problems_name_the_row_and_column_and_nothing_is_loaded(
    loaded: Engine, tmp_path: Path
) -> None:
    text = (FIXTURES / "health_check.csv").read_text()
    text = text.replace(
        "R2,Assessment Team 1,Social worker,3-5 years,Strongly agree,2,",
        "R2,Assessment Team 1,Social worker,3-5 years,Strongly agree,7,",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(text)
    with pytest.raises(ImportRejectedError) as caught:
        load(loaded, bad)
    found = {
        (p["row"], p["column"], p["value"], p["problem"]) for p in caught.value.problems.to_dicts()
    }
    assert (
        3,
        "Q02 My caseload is manageable",
        "7",
        "the answer is not on the scale 1 to 5",
    ) in found
    unknown = tmp_path / "unknown.csv"
    unknown.write_text(
        (FIXTURES / "health_check.csv")
        .read_text()
        .replace("R5,Child Protection Team", "R5,Team Zebra")
    )
    with pytest.raises(ImportRejectedError) as caught:
        load(loaded, unknown)
    found = {
        (p["row"], p["column"], p["value"], p["problem"]) for p in caught.value.problems.to_dicts()
    }
    assert found >= {(6, "Team", "Team Zebra", "the council has no team with this name")}
    assert counts(loaded) == (0, 0, 0, 0)


def test_a_mapping_with_a_bad_scale_names_the_entry() -> None:
    document = {
        "name": "x",
        "kind": "health_check",
        "scale": {"min": 1, "max": 5, "favourable_from": 1},
        "columns": {"team": ["Team"]},
        "questions": {"pattern": "^Q"},
    }
    with pytest.raises(InvalidInputError, match=r"mapping m\.yaml: scale: .*favourable_from"):
        parse_health_check_mapping(document, source="m.yaml")
    document["scale"] = {"min": 1, "max": 5, "favourable_from": 4}
    document["themes"] = {"A": ["Q1"], "B": ["Q1"]}
    with pytest.raises(InvalidInputError, match=r"themes\.B: question Q1 is already in theme A"):
        parse_health_check_mapping(document, source="m.yaml")

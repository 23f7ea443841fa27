"""Reads and writes of the staff health check tables (:mod:`caseload.storage.health_check_models`).
Reads return frames; writes run on the caller's connection, inside a load's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
from sqlalchemy import Connection, delete, func, insert, select
from sqlalchemy.orm import Session, aliased

from caseload.storage.frames import read_frame
from caseload.storage.health_check_models import (
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from caseload.storage.import_writes import insert_frame
from caseload.storage.models import Team

BATCH_ROWS = 5_000


@dataclass(frozen=True)
class SurveyHeader:
    title: str
    year: int
    fielded_date: date
    scale_min: int
    scale_max: int
    favourable_min: int


def delete_survey(connection: Connection, authority: int, year: int) -> None:
    """Remove the year's survey with its questions, responses and answers."""
    ids = select(Survey.id).where(Survey.authority_id == authority, Survey.year == year)
    responses = select(SurveyResponse.id).where(SurveyResponse.survey_id.in_(ids))
    connection.execute(delete(SurveyAnswer).where(SurveyAnswer.response_id.in_(responses)))
    connection.execute(delete(SurveyResponse).where(SurveyResponse.survey_id.in_(ids)))
    connection.execute(delete(SurveyQuestion).where(SurveyQuestion.survey_id.in_(ids)))
    connection.execute(delete(Survey).where(Survey.authority_id == authority, Survey.year == year))


def responses_held(connection: Connection, authority: int, year: int) -> int:
    query = (
        select(func.count(SurveyResponse.id))
        .join(Survey, Survey.id == SurveyResponse.survey_id)
        .where(Survey.authority_id == authority, Survey.year == year)
    )
    return int(connection.execute(query).scalar_one())


def insert_survey(connection: Connection, authority: int, survey: SurveyHeader) -> int:
    result = connection.execute(
        insert(Survey).returning(Survey.id),
        {
            "authority_id": authority,
            "title": survey.title,
            "year": survey.year,
            "fielded_date": survey.fielded_date,
            "scale_min": survey.scale_min,
            "scale_max": survey.scale_max,
            "favourable_min": survey.favourable_min,
        },
    )
    return int(result.scalar_one())


def _insert_returning(
    connection: Connection, table: type, rows: list[dict[str, object]]
) -> list[int]:
    ids: list[int] = []
    statement = insert(table).returning(table.id, sort_by_parameter_order=True)  # type: ignore[attr-defined]
    for start in range(0, len(rows), BATCH_ROWS):
        result = connection.execute(statement, rows[start : start + BATCH_ROWS])
        ids.extend(int(row[0]) for row in result.all())
    return ids


def insert_questions(
    connection: Connection, survey_id: int, questions: pl.DataFrame
) -> dict[str, int]:
    """Insert the questions (code, text, theme); returns each code's id."""
    rows = questions.select("code", "text", "theme").with_columns(
        pl.lit(survey_id).alias("survey_id")
    )
    ids = _insert_returning(connection, SurveyQuestion, rows.to_dicts())
    return dict(zip(rows["code"].to_list(), ids, strict=True))


def insert_responses(connection: Connection, survey_id: int, responses: pl.DataFrame) -> list[int]:
    """Insert the responses (team_id, role, experience_band); returns their ids in order."""
    rows = responses.with_columns(pl.lit(survey_id).alias("survey_id"))
    return _insert_returning(connection, SurveyResponse, rows.to_dicts())


def insert_answers(connection: Connection, answers: pl.DataFrame) -> int:
    return insert_frame(connection, "survey_answer", answers)


def surveys_frame(session: Session, authority: int) -> pl.DataFrame:
    """The council's surveys, newest first."""
    s = Survey
    query = (
        select(s.id, s.title, s.year, s.fielded_date, s.scale_min, s.scale_max, s.favourable_min)
        .where(s.authority_id == authority)
        .order_by(s.year.desc())
    )
    return read_frame(
        session,
        query,
        {
            "id": pl.Int64,
            "title": pl.Utf8,
            "year": pl.Int64,
            "fielded_date": pl.Date,
            "scale_min": pl.Int64,
            "scale_max": pl.Int64,
            "favourable_min": pl.Int64,
        },
    )


def questions_frame(session: Session, survey_id: int) -> pl.DataFrame:
    q = SurveyQuestion
    query = select(q.code, q.text, q.theme).where(q.survey_id == survey_id).order_by(q.id)
    return read_frame(session, query, {"code": pl.Utf8, "text": pl.Utf8, "theme": pl.Utf8})


def responses_frame(session: Session, survey_id: int) -> pl.DataFrame:
    """response_id, team, service (the team's parent), role, experience_band."""
    parent = aliased(Team)
    r = SurveyResponse
    query = (
        select(r.id, Team.name, parent.name, r.role, r.experience_band)
        .join(Team, Team.id == r.team_id)
        .outerjoin(parent, parent.id == Team.parent_id)
        .where(r.survey_id == survey_id)
        .order_by(r.id)
    )
    return read_frame(
        session,
        query,
        {
            "response_id": pl.Int64,
            "team": pl.Utf8,
            "service": pl.Utf8,
            "role": pl.Utf8,
            "experience_band": pl.Utf8,
        },
    )


def answers_frame(session: Session, survey_id: int) -> pl.DataFrame:
    """response_id, code, value."""
    a = SurveyAnswer
    query = (
        select(a.response_id, SurveyQuestion.code, a.value)
        .join(SurveyQuestion, SurveyQuestion.id == a.question_id)
        .where(SurveyQuestion.survey_id == survey_id)
    )
    return read_frame(session, query, {"response_id": pl.Int64, "code": pl.Utf8, "value": pl.Int64})

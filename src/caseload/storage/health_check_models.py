"""Tables of the staff health check: a council's annual survey, its questions, the responses
(team, role and experience band only: no person, no free text) and each response's answers on the
survey's scale. Loaded by the health check import; re-importing a year's survey replaces it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from caseload.storage.models import Base


class Survey(Base):
    """One year's staff health check: its scale and which answers count as favourable."""

    __tablename__ = "survey"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(120))
    year: Mapped[int] = mapped_column(Integer)
    fielded_date: Mapped[date] = mapped_column(comment="the day the survey closed")
    scale_min: Mapped[int] = mapped_column(SmallInteger)
    scale_max: Mapped[int] = mapped_column(SmallInteger)
    favourable_min: Mapped[int] = mapped_column(
        SmallInteger, comment="the lowest answer counted as favourable"
    )
    __table_args__ = (
        CheckConstraint("scale_min < scale_max", name="scale_in_order"),
        CheckConstraint(
            "favourable_min > scale_min AND favourable_min <= scale_max", name="favourable_in_scale"
        ),
        CheckConstraint("year >= 2000 AND year <= 2100", name="year_range"),
        UniqueConstraint("authority_id", "year", name="uq_survey_authority_year"),
    )


class SurveyQuestion(Base):
    """A question of a survey (``code`` is kept between years so results can be compared)."""

    __tablename__ = "survey_question"
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(String(400))
    theme: Mapped[str] = mapped_column(String(80))
    __table_args__ = (UniqueConstraint("survey_id", "code", name="uq_survey_question_code"),)


class SurveyResponse(Base):
    """One person's response, known only by team, role and experience band."""

    __tablename__ = "survey_response"
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    role: Mapped[str | None] = mapped_column(String(40))
    experience_band: Mapped[str | None] = mapped_column(String(40))
    __table_args__ = (Index("ix_survey_response_survey", "survey_id"),)


class SurveyAnswer(Base):
    """One answer of a response to a question, on the survey's scale."""

    __tablename__ = "survey_answer"
    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_response.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_question.id", ondelete="CASCADE"))
    value: Mapped[int] = mapped_column(SmallInteger)
    __table_args__ = (
        UniqueConstraint("response_id", "question_id", name="uq_survey_answer_response_id"),
        Index("ix_survey_answer_question", "question_id"),
    )

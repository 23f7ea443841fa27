"""A synthetic council's staff health checks: two annual surveys of 60 questions in six themes,
answered by most of the council's own staff in post when each survey closed (a month and a year
and a month before the data ends). Answers are lower in teams under pressure (more leavers in the
year before the survey, more cases per case holder), so the team link has something to find.
Drawn from their own random stream, so no other generated figure moves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

THEMES = (
    "Supervision and support",
    "Workload",
    "Learning and development",
    "Wellbeing",
    "Leadership and communication",
    "Recognition and belonging",
)
QUESTIONS_PER_THEME = 10
STATEMENTS = {
    "Supervision and support": (
        "I get supervision as often as I should",
        "My supervision helps me reflect on my practice",
        "My manager is available when I need advice",
        "I can talk to my manager about how I feel",
        "Decisions on my cases are recorded in supervision",
        "I get support after a difficult visit",
        "Group supervision helps me learn from colleagues",
        "My manager knows what is on my caseload",
        "I am supported when I work with risk",
        "I feel backed by my team when things go wrong",
    ),
    "Workload": (
        "My caseload is manageable",
        "I have time to see children as often as I should",
        "I have time to write up my visits",
        "I can take my breaks and leave on time most days",
        "Cases are allocated fairly in my team",
        "I can use my annual leave when I want to",
        "The case recording system helps me do my job",
        "I have the equipment I need to work",
        "Administrative support frees time for practice",
        "My workload lets me do direct work with children",
    ),
    "Learning and development": (
        "I have the training I need for my role",
        "Learning I have done has changed my practice",
        "I can find practice guidance when I need it",
        "I have time set aside for learning",
        "I know how I can progress in my career here",
        "My development is discussed in my appraisal",
        "Newly qualified staff are well supported",
        "I can shadow or learn from experienced colleagues",
        "The learning offer meets my needs",
        "I am encouraged to try new ways of working",
    ),
    "Wellbeing": (
        "I feel well at work",
        "The stress of my job is manageable",
        "I know where to get help with my wellbeing",
        "My team looks after each other",
        "I can switch off when I am not at work",
        "I feel safe when I work",
        "I am treated with respect by colleagues",
        "Flexible working is possible for me",
        "I rarely think about leaving",
        "Work does not harm my health",
    ),
    "Leadership and communication": (
        "Senior leaders are visible",
        "I understand the service's priorities",
        "I am told about changes before they happen",
        "Leaders listen to frontline staff",
        "I trust the decisions of senior leaders",
        "I know what happened after the last survey",
        "My views are asked for before decisions",
        "Leaders understand the pressures on my team",
        "Communication between teams works well",
        "I know who to ask when I am unsure",
    ),
    "Recognition and belonging": (
        "My work is valued",
        "Good practice is recognised here",
        "I feel I belong in my team",
        "I am paid fairly for what I do",
        "I would recommend working here",
        "I am proud to work for this council",
        "I see myself working here in two years",
        "Differences are respected in my team",
        "I can be myself at work",
        "I feel part of the wider service",
    ),
}
RESPONSE_RATE = 0.9
ROLE_LABELS = {
    "asye": "Newly qualified (ASYE)",
    "social_worker": "Social worker",
    "senior_social_worker": "Senior social worker",
    "advanced_practitioner": "Advanced practitioner",
    "team_manager": "Team manager",
    "service_manager": "Service manager",
    "senior_manager": "Senior manager",
    "qualified_without_cases": "Social worker",
    "family_support_worker": "Family support worker",
}
BANDS = ((2, "Less than 2 years"), (5, "2 to 5 years"), (1000, "More than 5 years"))
NOT_QUALIFIED = "Not a social worker"


@dataclass(frozen=True)
class HealthChecks:
    surveys: pl.DataFrame
    questions: pl.DataFrame
    responses: pl.DataFrame
    answers: pl.DataFrame


def _questions() -> list[tuple[str, str, str]]:
    return [
        (f"Q{t * QUESTIONS_PER_THEME + q + 1:02d}", text, theme)
        for t, theme in enumerate(THEMES)
        for q, text in enumerate(STATEMENTS[theme])
    ]


def _band(qualified: date | None, day: date) -> str:
    if qualified is None:
        return NOT_QUALIFIED
    years = (day - qualified).days / 365.25
    return next(label for limit, label in BANDS if years < limit)


def _pressure(spells: pl.DataFrame, allocations: pl.DataFrame, day: date) -> dict[int, float]:
    """Each team's pressure on ``day``: leavers in the year before per head, plus cases per
    case holder over 20, scaled to about 0 to 1."""
    own = spells.filter(pl.col("contract") == "own")
    in_post = own.filter(
        (pl.col("start_date") <= day) & (pl.col("end_date").is_null() | (pl.col("end_date") >= day))
    )
    heads = in_post.group_by("team_id").agg(pl.len().alias("heads"))
    left = (
        own.filter(
            (pl.col("end_reason") == "left")
            & (pl.col("end_date") > day - timedelta(days=365))
            & (pl.col("end_date") <= day)
        )
        .group_by("team_id")
        .agg(pl.len().alias("left"))
    )
    held = allocations.filter(
        (pl.col("role") == "allocated")
        & (pl.col("start_date") <= day)
        & (pl.col("end_date").is_null() | (pl.col("end_date") >= day))
    ).join(in_post.select("worker_id", "team_id"), on="worker_id")
    cases = held.group_by("team_id").agg(
        (pl.len() / pl.col("worker_id").n_unique()).alias("per_holder")
    )
    joined = (
        heads.join(left, on="team_id", how="left")
        .join(cases, on="team_id", how="left")
        .with_columns(
            (
                pl.col("left").fill_null(0) / pl.col("heads") * 2.0
                + ((pl.col("per_holder").fill_null(15.0) - 15.0) / 10.0).clip(-0.5, 1.0)
            ).alias("pressure")
        )
    )
    return dict(zip(joined["team_id"].to_list(), joined["pressure"].to_list(), strict=True))


def generate_health_checks(
    rng: np.random.Generator, *, start: date, end: date, frames: dict[str, pl.DataFrame]
) -> HealthChecks:
    """Two surveys closing a month, and a year and a month, before ``end`` (only those closing
    at least three months after ``start``, when the data begins)."""
    teams = frames["team"].filter(pl.col("kind") == "team")["id"].to_list()
    spells = frames["employment_spell"]
    qualified = dict(
        zip(
            frames["worker"]["id"].to_list(),
            frames["worker"]["qualification_date"].to_list(),
            strict=True,
        )
    )
    questions = _questions()
    question_effect = rng.normal(0.0, 0.3, size=len(questions))
    survey_rows, question_rows, response_rows = [], [], []
    answer_parts: list[pl.DataFrame] = []
    response_id = 0
    closing = [end - timedelta(days=365 + 30), end - timedelta(days=30)]
    closing = [day for day in closing if day >= start + timedelta(days=91)]
    for survey_id, closed in enumerate(closing, start=1):
        survey_rows.append(
            (survey_id, f"Staff health check {closed.year}", closed.year, closed, 1, 5, 4)
        )
        first_question = (survey_id - 1) * len(questions)
        for offset, (code, text, theme) in enumerate(questions):
            question_rows.append((first_question + offset + 1, survey_id, code, text, theme))
        pressure = _pressure(spells, frames["allocation"], closed)
        in_post = spells.filter(
            (pl.col("contract") == "own")
            & pl.col("team_id").is_in(teams)
            & (pl.col("start_date") <= closed)
            & (pl.col("end_date").is_null() | (pl.col("end_date") >= closed))
        ).unique("worker_id", keep="first", maintain_order=True)
        answering = in_post.filter(pl.Series(rng.random(in_post.height) < RESPONSE_RATE))
        mood = rng.normal(0.0, 0.6, size=answering.height)
        people = answering.select("worker_id", "team_id", "role").rows()
        first_response = response_id + 1
        for worker, team, role in people:
            response_id += 1
            response_rows.append(
                (
                    response_id,
                    survey_id,
                    team,
                    ROLE_LABELS.get(role, "Other"),
                    _band(qualified.get(worker), closed),
                )
            )
        if not people:
            continue
        team_effect = np.array([-1.4 * pressure.get(team, 0.0) for _, team, _ in people])
        latent = (
            4.0
            + 0.15 * (closed.year - end.year)
            + team_effect[:, None]
            + mood[:, None]
            + question_effect[None, :]
            + rng.normal(0.0, 0.8, size=(len(people), len(questions)))
        )
        values = np.clip(np.rint(latent), 1, 5).astype(np.int64)
        skipped = rng.random(values.shape) < 0.005
        responses = np.repeat(np.arange(first_response, response_id + 1), len(questions))
        question_ids = np.tile(
            np.arange(first_question + 1, first_question + len(questions) + 1), len(people)
        )
        keep = ~skipped.ravel()
        answer_parts.append(
            pl.DataFrame(
                {
                    "response_id": responses[keep],
                    "question_id": question_ids[keep],
                    "value": values.ravel()[keep],
                }
            )
        )
    answers = (
        pl.concat(answer_parts)
        if answer_parts
        else pl.DataFrame(
            schema={"response_id": pl.Int64, "question_id": pl.Int64, "value": pl.Int64}
        )
    )
    return HealthChecks(
        surveys=pl.DataFrame(
            survey_rows,
            schema={
                "id": pl.Int64,
                "title": pl.Utf8,
                "year": pl.Int64,
                "fielded_date": pl.Date,
                "scale_min": pl.Int64,
                "scale_max": pl.Int64,
                "favourable_min": pl.Int64,
            },
            orient="row",
        ),
        questions=pl.DataFrame(
            question_rows,
            schema={
                "id": pl.Int64,
                "survey_id": pl.Int64,
                "code": pl.Utf8,
                "text": pl.Utf8,
                "theme": pl.Utf8,
            },
            orient="row",
        ),
        responses=pl.DataFrame(
            response_rows,
            schema={
                "id": pl.Int64,
                "survey_id": pl.Int64,
                "team_id": pl.Int64,
                "role": pl.Utf8,
                "experience_band": pl.Utf8,
            },
            orient="row",
        ),
        answers=answers.with_row_index("id", offset=1).with_columns(pl.col("id").cast(pl.Int64)),
    )

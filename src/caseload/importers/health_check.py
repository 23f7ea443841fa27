"""Staff health check responses from a CSV or Excel file: check, plan and write.

One row per response. The mapping (a ``kind: health_check`` YAML file, parsed with pydantic)
names the team, role and experience band columns, which columns are questions (a pattern whose
first group is the question's code and whose second, if any, is its text, or a list of headers),
the answer scale and the first favourable answer, the questions' themes and, optionally, words
used for answers ("Strongly agree: 5"). Every other column (free-text comments, names, ids) is
dropped unread: the report counts the dropped columns and never shows what they held. Problems
(an answer off the scale, a team the council does not have, no team) are errors naming the file,
row and column; a re-import of the same year's survey replaces it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy import Connection

from caseload.errors import InvalidInputError
from caseload.importers.mapping import mapping_path, normal
from caseload.importers.plan import LoadPlan, TablePlan
from caseload.importers.problems import Severity, combine, one_problem, problems_where
from caseload.importers.tables import ROW, RawTable
from caseload.storage import health_check_frames as store

KIND = "health_check"
OTHER_THEME = "Other"


class _Scale(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min: int = Field(ge=0, le=20)
    max: int = Field(ge=1, le=20)
    favourable_from: int

    @model_validator(mode="after")
    def _in_order(self) -> _Scale:
        if not self.min < self.max:
            raise ValueError("min must be below max")
        if not self.min < self.favourable_from <= self.max:
            raise ValueError("favourable_from must be above min and at most max")
        return self


class _Columns(BaseModel):
    model_config = ConfigDict(extra="forbid")
    team: list[str] = Field(min_length=1)
    role: list[str] = []
    experience: list[str] = []


class _Questions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    pattern: str | None = None
    headers: list[str] = []

    @model_validator(mode="after")
    def _one_way(self) -> _Questions:
        if (self.pattern is None) == (not self.headers):
            raise ValueError("give either a pattern or a list of headers")
        if self.pattern is not None:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(f"the pattern is not a regular expression: {exc}") from None
        return self


class _Document(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    kind: str
    description: str = ""
    scale: _Scale
    columns: _Columns
    questions: _Questions
    themes: dict[str, list[str]] = {}
    answers: dict[str, int] = {}
    roles: dict[str, str] = {}


@dataclass(frozen=True)
class HealthCheckMapping:
    name: str
    source: str
    scale_min: int
    scale_max: int
    favourable_min: int
    team: tuple[str, ...]
    role: tuple[str, ...]
    experience: tuple[str, ...]
    pattern: str | None
    headers: tuple[str, ...]
    themes: dict[str, str]  # question code -> theme
    answers: dict[str, int]  # normalised answer word -> value
    roles: dict[str, str]  # normalised role word -> the role shown
    description: str = ""


def parse_health_check_mapping(document: Any, *, source: str) -> HealthCheckMapping:
    """Check a health check mapping; errors name the file and the entry to fix."""
    try:
        parsed = _Document.model_validate(document)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "top level"
        raise InvalidInputError(
            f"mapping {source}: {where}: {error['msg']}; see the built-in "
            "generic-health-check.yaml for the layout"
        ) from None
    if parsed.kind != KIND:
        raise InvalidInputError(f"mapping {source}: kind: must be {KIND}, not {parsed.kind!r}")
    themes: dict[str, str] = {}
    for theme, codes in parsed.themes.items():
        for code in codes:
            if code in themes:
                raise InvalidInputError(
                    f"mapping {source}: themes.{theme}: question {code} is already in theme "
                    f"{themes[code]}; give each question one theme"
                )
            themes[code] = theme
    for word, value in parsed.answers.items():
        if not parsed.scale.min <= value <= parsed.scale.max:
            raise InvalidInputError(
                f"mapping {source}: answers.{word}: {value} is off the scale "
                f"{parsed.scale.min} to {parsed.scale.max}"
            )
    return HealthCheckMapping(
        name=parsed.name,
        source=source,
        scale_min=parsed.scale.min,
        scale_max=parsed.scale.max,
        favourable_min=parsed.scale.favourable_from,
        team=tuple(parsed.columns.team),
        role=tuple(parsed.columns.role),
        experience=tuple(parsed.columns.experience),
        pattern=parsed.questions.pattern,
        headers=tuple(parsed.questions.headers),
        themes=themes,
        answers={normal(word): value for word, value in parsed.answers.items()},
        roles={normal(word): role for word, role in parsed.roles.items()},
        description=" ".join(parsed.description.split()),
    )


def load_health_check_mapping(name: str, *, mappings_dir: Path | None = None) -> HealthCheckMapping:
    path = mapping_path(name, mappings_dir)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        raise InvalidInputError(
            f"mapping {path}: not valid YAML; check the indentation and quotes"
        ) from None
    if isinstance(document, dict) and document.get("kind") != KIND:
        raise InvalidInputError(
            f"mapping {path} is for {document.get('kind')} extracts, not health_check; choose a "
            "mapping whose kind is health_check"
        )
    return parse_health_check_mapping(document, source=str(path))


@dataclass(frozen=True)
class HealthCheckExtract:
    file: str
    questions: pl.DataFrame  # code, text, theme, header
    responses: pl.DataFrame  # _row, team, role, experience_band
    answers: pl.DataFrame  # _row, code, value
    problems: pl.DataFrame
    rows: int
    dropped_columns: int
    team_header: str


def _find(headers: tuple[str, ...], candidates: tuple[str, ...]) -> str | None:
    wanted = [normal(c) for c in candidates]
    for candidate in wanted:
        for header in headers:
            if normal(header) == candidate:
                return header
    return None


def _question_columns(table: RawTable, mapping: HealthCheckMapping) -> list[tuple[str, str, str]]:
    """(header, code, text) of each question column, in the file's order."""
    found: list[tuple[str, str, str]] = []
    if mapping.pattern is not None:
        pattern = re.compile(mapping.pattern)
        for header in table.headers:
            match = pattern.match(header)
            if match is None:
                continue
            groups = match.groups()
            code = (groups[0] if groups and groups[0] else header).strip()
            text = (groups[1] if len(groups) > 1 and groups[1] else header).strip()
            found.append((header, code[:40], text[:400]))
    else:
        for wanted in mapping.headers:
            column = _find(table.headers, (wanted,))
            if column is None:
                raise InvalidInputError(
                    f"{table.name}: no column {wanted!r}, which the mapping {mapping.name} lists "
                    "as a question; correct the mapping or the file's header"
                )
            found.append((column, column[:40], column[:400]))
    return found


def check_health_check(table: RawTable, mapping: HealthCheckMapping) -> HealthCheckExtract:
    """The file's responses and answers and the problems in them, row by row."""
    file = table.name
    team = _find(table.headers, mapping.team)
    if team is None:
        raise InvalidInputError(
            f"{file}: no team column (looked for {', '.join(mapping.team)}); add it or correct "
            f"the mapping {mapping.name}"
        )
    role = _find(table.headers, mapping.role) if mapping.role else None
    band = _find(table.headers, mapping.experience) if mapping.experience else None
    questions = _question_columns(table, mapping)
    if not questions:
        raise InvalidInputError(
            f"{file}: no column matches the mapping's questions; check the mapping {mapping.name}"
        )
    codes = [code for _, code, _ in questions]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise InvalidInputError(
            f"{file}: question {repeated[0]} is in more than one column; give each question "
            "its own code"
        )
    used = {team, role, band, *(header for header, _, _ in questions)} - {None}
    dropped = len([h for h in table.headers if h not in used])
    frame = table.frame
    responses = frame.select(
        ROW,
        pl.col(team).alias("team"),
        (
            pl.col(role)
            .str.to_lowercase()
            .str.replace_all(r"\s+", " ")
            .replace_strict(mapping.roles, default=pl.col(role), return_dtype=pl.Utf8)
            if role and mapping.roles
            else (pl.col(role) if role else pl.lit(None, dtype=pl.Utf8))
        ).alias("role"),
        (pl.col(band) if band else pl.lit(None, dtype=pl.Utf8)).alias("experience_band"),
    )
    long = frame.select(
        ROW,
        *[pl.col(header).alias(code) for header, code, _ in questions],
    ).unpivot(index=ROW, variable_name="code", value_name="raw")
    words = {word: str(value) for word, value in mapping.answers.items()}
    cleaned = pl.col("raw").str.strip_chars()
    as_number = (
        cleaned.str.to_lowercase()
        .str.replace_all(r"\s+", " ")
        .replace(words)
        .str.replace(r"\.0+$", "")
        .cast(pl.Int64, strict=False)
    )
    long = long.filter(pl.col("raw").is_not_null()).with_columns(as_number.alias("value"))
    headers = {code: header for header, code, _ in questions}
    scale = f"{mapping.scale_min} to {mapping.scale_max}"
    off_scale = long.filter(
        pl.col("value").is_null()
        | (pl.col("value") < mapping.scale_min)
        | (pl.col("value") > mapping.scale_max)
    )
    problems = [
        problems_where(
            off_scale.filter(pl.col("code") == code),
            pl.lit(value=True),
            severity=Severity.ERROR,
            file=file,
            column=headers[code],
            value=pl.col("raw"),
            problem=f"the answer is not on the scale {scale}",
            action="correct the answer, leave it blank, or add the word to the mapping's answers",
        )
        for code in off_scale["code"].unique(maintain_order=True).to_list()
    ]
    problems.append(
        problems_where(
            responses,
            pl.col("team").is_null(),
            severity=Severity.ERROR,
            file=file,
            column=team,
            value=None,
            problem="no team",
            action="fill in the team the person works in",
        )
    )
    if dropped:
        problems.append(
            one_problem(
                severity=Severity.WARNING,
                file=file,
                problem=f"{dropped} column(s) not mapped to a question, team, role or experience "
                "band were dropped unread (free-text comments are never stored)",
                action="nothing to do; map a column in the mapping if it holds a question",
            )
        )
    question_frame = pl.DataFrame(
        {
            "code": codes,
            "text": [text for _, _, text in questions],
            "theme": [mapping.themes.get(code, OTHER_THEME) for code in codes],
        }
    )
    problem_frame = combine(*problems)
    return HealthCheckExtract(
        file=file,
        questions=question_frame,
        responses=responses,
        answers=long.filter(pl.col("value").is_not_null()).select(ROW, "code", "value"),
        problems=problem_frame,
        rows=table.height,
        dropped_columns=dropped,
        team_header=team,
    )


def plan_health_check(
    extract: HealthCheckExtract, *, teams: pl.DataFrame, held_responses: int
) -> LoadPlan:
    """Match team names to the council's teams (case and spaces ignored) and plan the survey's
    replacement: ``held_responses`` of the same year's survey are removed."""
    known = teams.filter(pl.col("kind") == "team").select(
        pl.col("id").alias("team_id"),
        pl.col("name").map_elements(normal, return_dtype=pl.Utf8).alias("_team_key"),
    )
    matched = extract.responses.with_columns(
        pl.col("team").map_elements(normal, return_dtype=pl.Utf8).alias("_team_key")
    ).join(known, on="_team_key", how="left")
    unknown = problems_where(
        matched,
        pl.col("team").is_not_null() & pl.col("team_id").is_null(),
        severity=Severity.ERROR,
        file=extract.file,
        column=extract.team_header,
        value=pl.col("team"),
        problem="the council has no team with this name",
        action="correct the team's name, or load the HR extract with the team first",
    )
    plan = LoadPlan()
    plan.add(
        TablePlan(
            "survey_response",
            matched.select(ROW, "team_id", "role", "experience_band"),
            pl.DataFrame(),
            added=matched.height,
            ended=held_responses,
        )
    )
    plan.problems = combine(extract.problems, unknown)
    return plan


def write_health_check(
    connection: Connection,
    authority: int,
    plan: LoadPlan,
    extract: HealthCheckExtract,
    *,
    survey: store.SurveyHeader,
) -> int:
    """Replace the year's survey with the file's; returns the new survey's id."""
    store.delete_survey(connection, authority, survey.year)
    survey_id = store.insert_survey(connection, authority, survey)
    question_ids = store.insert_questions(connection, survey_id, extract.questions)
    responses = plan.tables["survey_response"].inserts
    response_ids = store.insert_responses(
        connection, survey_id, responses.select("team_id", "role", "experience_band")
    )
    rows = responses.select(ROW).with_columns(pl.Series("response_id", response_ids))
    answers = (
        extract.answers.join(rows, on=ROW)
        .join(
            pl.DataFrame({"code": list(question_ids), "question_id": list(question_ids.values())}),
            on="code",
        )
        .select("response_id", "question_id", "value")
    )
    store.insert_answers(connection, answers)
    return survey_id

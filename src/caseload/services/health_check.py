"""The staff health check as a page, an API resource, a command and a board-pack section: one
context for all of them (:func:`health_check_view`).

Which groups a role sees (all of them already protected by
:func:`caseload.practice.health_check.summarise`, so a subset is safe): the service leader,
analyst and administrator every shown group and the team link; a team manager the council and
their own teams (when shown); an elected member the council and the service areas; a social
worker the council. Caseload has no HR role: the service leader holds the HR views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

import polars as pl
from sqlalchemy import Engine, select

from caseload.auth.principal import Principal
from caseload.auth.roles import AccountRole, Permission
from caseload.config import survey_minimum
from caseload.errors import NotFoundError
from caseload.practice.health_check import (
    COUNCIL,
    Summary,
    SurveyData,
    changes,
    group_changes,
    summarise,
    team_link,
    team_turnover,
)
from caseload.services import audit
from caseload.services.caseloads import CouncilData, caseload_report, council_data
from caseload.storage import health_check_frames as store
from caseload.storage.engine import session_scope
from caseload.storage.models import Team

FULL_ROLES = frozenset({AccountRole.ADMIN, AccountRole.LEADER, AccountRole.ANALYST})
DIMENSION_LABELS = {
    "service": "Service area",
    "team": "Team",
    "role": "Role",
    "experience": "Experience",
}
ASSOCIATION_CAVEAT = (
    "This shows whether teams with more favourable answers also tend to have lower turnover or "
    "caseloads. It is an association across teams, not proof that one causes the other: other "
    "things (the work a team does, its manager, its size) can explain both."
)


@dataclass(frozen=True)
class SurveyRecords:
    """The council's health checks, newest first (``surveys``: id, year, title, scale and
    closing day), and each one's questions, responses and answers by survey id."""

    surveys: pl.DataFrame
    data: dict[int, SurveyData]


def survey_records(engine: Engine, council: CouncilData) -> SurveyRecords:
    """Every health check the council holds, read once per state of its data (a health check
    import moves the fingerprint) into the council's snapshot."""

    def build() -> SurveyRecords:
        with session_scope(engine) as session:
            surveys = store.surveys_frame(session, council.authority.id)
            data = {
                int(survey["id"]): SurveyData(
                    year=int(survey["year"]),
                    title=str(survey["title"]),
                    scale_min=int(survey["scale_min"]),
                    scale_max=int(survey["scale_max"]),
                    favourable_min=int(survey["favourable_min"]),
                    questions=store.questions_frame(session, int(survey["id"])),
                    responses=store.responses_frame(session, int(survey["id"])),
                    answers=store.answers_frame(session, int(survey["id"])),
                )
                for survey in surveys.iter_rows(named=True)
            }
        return SurveyRecords(surveys, data)

    found: SurveyRecords = council.snapshots.council_data.get_or_build(
        (*council.key, "survey records"), build
    )
    return found


def _summary(
    council: CouncilData, records: SurveyRecords, survey: dict[str, Any], minimum: int
) -> Summary:
    """The survey summarised with suppression, once per state of the council's data."""
    key = (*council.key, "health_check", survey["id"], minimum)

    def build() -> Summary:
        return summarise(records.data[int(survey["id"])], minimum)

    return cast(Summary, council.snapshots.views.get_or_build(key, build))


def _percent(share: float | None) -> float | None:
    return None if share is None else round(100.0 * share, 1)


def _points(change: float | None) -> float | None:
    return None if change is None else round(change, 1)


def _hidden_note(reason: str | None, minimum: int) -> str | None:
    if reason == "small":
        return f"fewer than {minimum} responses"
    if reason == "protects":
        return "hidden so that a smaller group cannot be worked out"
    return None


def _team_measures(
    engine: Engine, authority_id: int, closed: date
) -> tuple[pl.DataFrame, dict[str, Any]]:
    """Each team's turnover in the 12 months after the survey closed (up to the data date) and its
    average caseload on the closing day (or the data date, if earlier)."""
    council = council_data(engine, authority_id=authority_id)
    latest = council.latest or closed
    end = min(closed + timedelta(days=365), latest)
    turnover = team_turnover(council.data.spells, closed, end)
    try:
        _, report = caseload_report(engine, as_at=min(closed, latest), authority_id=authority_id)
        caseloads = report.teams.select(
            "team",
            pl.when(pl.col("fte") > 0)
            .then(pl.col("cases") / pl.col("fte"))
            .otherwise(None)
            .alias("average_caseload"),
        )
    except NotFoundError:
        caseloads = pl.DataFrame(schema={"team": pl.Utf8, "average_caseload": pl.Float64})
    measures = turnover.select("team", "turnover").join(
        caseloads, on="team", how="full", coalesce=True
    )
    window = {
        "from": closed.isoformat(),
        "to": end.isoformat(),
        "months": round((end - closed).days / 30.44),
    }
    return measures, window


def _group_rows(
    summary: Summary, previous: Summary | None, dimension: str, keep: set[str] | None
) -> list[dict[str, Any]]:
    frame = summary.groups.filter(pl.col("dimension") == dimension)
    if previous is not None:
        moved = group_changes(summary, previous, dimension).select(
            "group", "previous_share", "change"
        )
        frame = frame.join(moved, on="group", how="left")
    else:
        frame = frame.with_columns(
            pl.lit(None, dtype=pl.Float64).alias("previous_share"),
            pl.lit(None, dtype=pl.Float64).alias("change"),
        )
    rows = []
    for row in frame.iter_rows(named=True):
        if keep is not None and row["group"] not in keep:
            continue
        hidden = row["hidden"] or row["share"] is None
        rows.append(
            {
                "group": row["group"],
                "responses": None if hidden else row["responses"],
                "share": None if hidden else _percent(row["share"]),
                "previous_share": None if hidden else _percent(row["previous_share"]),
                "change": None if hidden else _points(row["change"]),
                "hidden": hidden,
                "note": _hidden_note(row["reason"], summary.minimum)
                if row["hidden"]
                else ("a question answered by too few is hidden" if hidden else None),
            }
        )
    return rows


def _visible(principal: Principal, engine: Engine) -> dict[str, set[str] | None]:
    """The dimensions the role sees, each with the groups it may see (None: all shown)."""
    if principal.role in FULL_ROLES:
        return dict.fromkeys(DIMENSION_LABELS)
    if principal.role is AccountRole.MEMBER:
        return {"service": None}
    if principal.role is AccountRole.TEAM_MANAGER:
        with session_scope(engine) as session:
            names = set(
                session.scalars(select(Team.name).where(Team.id.in_(sorted(principal.team_ids))))
            )
        return {"team": names}
    return {}


def health_check_view(
    engine: Engine,
    principal: Principal,
    *,
    year: int | None = None,
    link: bool = True,
    closed_by: date | None = None,
) -> dict[str, Any]:
    """The year's survey (default: the latest, or with ``closed_by`` the latest closed by that
    day, as a report for a date reads it) as the principal's role may see it."""
    audit.require(engine, principal, Permission.VIEW_HEALTH_CHECK, "health check")
    minimum = survey_minimum()
    frames = council_data(engine, authority_id=principal.authority_id)
    authority = frames.authority
    records = survey_records(engine, frames)
    surveys = records.surveys
    if closed_by is not None:
        surveys = surveys.filter(pl.col("fielded_date") <= closed_by)
    context: dict[str, Any] = {
        "title": "Staff health check",
        "authority": {"code": authority.code, "name": authority.name},
        "minimum": minimum,
        "years": surveys["year"].to_list(),
        "year": None,
        "survey": None,
        "previous_year": None,
        "council": None,
        "themes": [],
        "questions": [],
        "groups": {},
        "link": None,
        "association_caveat": ASSOCIATION_CAVEAT,
    }
    if surveys.is_empty():
        if year is not None:
            raise NotFoundError(f"no staff health check for {year} has been loaded")
        return context
    chosen = surveys.filter(pl.col("year") == year) if year is not None else surveys.head(1)
    if chosen.is_empty():
        raise NotFoundError(
            f"no staff health check for {year}; loaded years: "
            + ", ".join(str(y) for y in surveys["year"].to_list())
        )
    survey = chosen.row(0, named=True)
    earlier = surveys.filter(pl.col("year") < survey["year"])
    current = _summary(frames, records, survey, minimum)
    previous = (
        _summary(frames, records, earlier.row(0, named=True), minimum)
        if not earlier.is_empty()
        else None
    )
    council = _group_rows(current, previous, "council", None)[0]
    questions = current.questions.filter(pl.col("dimension") == "council")
    texts = records.data[int(survey["id"])].questions.select("code", "text")
    by_question = (
        changes(current, previous).select("code", "previous_share", "change")
        if previous is not None
        else pl.DataFrame(
            schema={"code": pl.Utf8, "previous_share": pl.Float64, "change": pl.Float64}
        )
    )
    questions = questions.join(by_question, on="code", how="left").join(
        texts, on="code", how="left"
    )
    themes = current.themes.filter(pl.col("dimension") == "council")
    if previous is not None:
        before = previous.themes.filter(pl.col("dimension") == "council").select(
            "theme", pl.col("share").alias("previous_share")
        )
        themes = themes.join(before, on="theme", how="left")
    else:
        themes = themes.with_columns(pl.lit(None, dtype=pl.Float64).alias("previous_share"))
    visible = _visible(principal, engine)
    context.update(
        {
            "year": survey["year"],
            "survey": {
                "title": survey["title"],
                "year": survey["year"],
                "closed": survey["fielded_date"].isoformat(),
                "scale": f"{survey['scale_min']} to {survey['scale_max']}",
                "favourable_from": survey["favourable_min"],
            },
            "previous_year": previous.year if previous is not None else None,
            "council": council,
            "themes": [
                {
                    "theme": row["theme"],
                    "share": _percent(row["share"]),
                    "previous_share": _percent(row["previous_share"]),
                    "change": _points(
                        None
                        if row["share"] is None or row["previous_share"] is None
                        else 100.0 * (row["share"] - row["previous_share"])
                    ),
                }
                for row in themes.sort("theme").iter_rows(named=True)
            ],
            "questions": [
                {
                    "code": row["code"],
                    "text": row["text"],
                    "theme": row["theme"],
                    "answers": row["answers"],
                    "share": _percent(row["share"]),
                    "previous_share": _percent(row["previous_share"]),
                    "change": _points(row["change"]),
                }
                for row in questions.sort("code").iter_rows(named=True)
            ],
            "groups": {
                dimension: {
                    "label": DIMENSION_LABELS[dimension],
                    "rows": _group_rows(current, previous, dimension, keep),
                }
                for dimension, keep in visible.items()
            },
        }
    )
    if link and principal.role in FULL_ROLES:
        measures, window = _team_measures(engine, principal.authority_id, survey["fielded_date"])
        found = team_link(current, measures)
        context["link"] = {
            "teams": found.teams,
            "window": window,
            "turnover_correlation": None
            if found.turnover_correlation is None
            else round(found.turnover_correlation, 2),
            "caseload_correlation": None
            if found.caseload_correlation is None
            else round(found.caseload_correlation, 2),
            "rows": [
                {
                    "team": row["team"],
                    "share": _percent(row["share"]),
                    "turnover": _percent(row["turnover"]),
                    "average_caseload": None
                    if row["average_caseload"] is None
                    else round(row["average_caseload"], 1),
                }
                for row in found.rows.iter_rows(named=True)
            ],
        }
    return context


def association_words(correlation: float | None) -> str:
    """A correlation coefficient in plain words."""
    if correlation is None:
        return "too few teams to tell"
    size = abs(correlation)
    strength = (
        "no clear"
        if size < 0.2
        else "a weak"
        if size < 0.4
        else "a moderate"
        if size < 0.6
        else "a strong"
    )
    if strength == "no clear":
        return "no clear link"
    direction = "higher" if correlation > 0 else "lower"
    return f"{strength} link: teams with more favourable answers tend to have {direction} figures"


__all__ = ["COUNCIL", "association_words", "health_check_view"]

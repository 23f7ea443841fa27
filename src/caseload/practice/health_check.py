"""The staff health check: favourable shares by question, theme and group, the change since the
last survey, and the link between each team's results and its turnover and caseload.

**Favourable share** (``docs/metrics/favourable_share.md``): the answers in the favourable range
(from the survey's ``favourable_min`` to the top of the scale) divided by the answers given, for a
question, a theme (its questions together) or all questions, within a group of responses.

**Groups** are the council, each service area, each team, each role and each experience band
(one-way tables only: no cross of team and role is ever shown). A response with no role or band
counts in "Not recorded", so that every table adds up to the council.

**Suppression.** A group with fewer responses than ``minimum`` (default 10) is never shown, and
complementary suppression (:class:`caseload.domain.disclosure.Grid`) hides further groups so that
no hidden group can be worked out by subtracting shown groups from a shown total (the council is
the sum of its teams, of its service areas, of its roles and of its bands; a service area is the
sum of its teams). A hidden group hides every figure of it: responses, answers, favourable answers
and shares (a share times a count is a count). Whether a cell can be recovered through the sums
depends only on which cells are hidden, not on their values, so the same hidden groups protect the
favourable counts of every question. A question answered by fewer than ``minimum`` people in a
shown group is hidden in that group too, with its own complementary cells for that question; a
theme or overall figure built from a hidden question cell is hidden with it.

Nothing here reads a database: frames in, frames out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from math import sqrt

import polars as pl

from caseload.domain.disclosure import Grid

DEFAULT_MINIMUM = 10
COUNCIL = "Whole council"
NOT_RECORDED = "Not recorded"
DIMENSIONS = ("council", "service", "team", "role", "experience")
DIMENSION_COLUMNS = {
    "service": "service",
    "team": "team",
    "role": "role",
    "experience": "experience_band",
}
Cell = tuple[str, str]  # (dimension, group)


@dataclass(frozen=True)
class SurveyData:
    """One survey's frames. ``responses``: response_id, team, service, role, experience_band;
    ``answers``: response_id, code, value; ``questions``: code, text, theme."""

    year: int
    title: str
    scale_min: int
    scale_max: int
    favourable_min: int
    questions: pl.DataFrame
    responses: pl.DataFrame
    answers: pl.DataFrame


@dataclass(frozen=True)
class Summary:
    """A survey summarised with small groups hidden. Hidden cells have null figures.

    ``groups``: dimension, group, responses, hidden, reason ("small" or "protects"), answers,
    favourable, share (all questions); ``questions``: dimension, group, code, answers, favourable,
    share, hidden; ``themes``: dimension, group, theme, answers, favourable, share, hidden."""

    year: int
    title: str
    minimum: int
    groups: pl.DataFrame
    questions: pl.DataFrame
    themes: pl.DataFrame


def memberships(responses: pl.DataFrame) -> pl.DataFrame:
    """Each response once per dimension: response_id, dimension, group."""
    filled = responses.with_columns(
        [
            pl.col(column).fill_null(NOT_RECORDED).cast(pl.Utf8)
            for column in DIMENSION_COLUMNS.values()
        ]
    )
    parts = [
        filled.select(
            "response_id", pl.lit("council").alias("dimension"), pl.lit(COUNCIL).alias("group")
        )
    ]
    parts += [
        filled.select(
            "response_id", pl.lit(dimension).alias("dimension"), pl.col(column).alias("group")
        )
        for dimension, column in DIMENSION_COLUMNS.items()
    ]
    return pl.concat(parts)


def group_sizes(responses: pl.DataFrame) -> pl.DataFrame:
    """Responses per group, in the order the tables show them: dimension, group, responses."""
    order = pl.Enum(DIMENSIONS)
    return (
        memberships(responses)
        .group_by("dimension", "group")
        .agg(pl.len().alias("responses"))
        .sort(pl.col("dimension").cast(order), "group")
    )


def _grid(
    sizes: Sequence[tuple[Cell, int]], services: dict[str, str], shown: Iterable[Cell] = ()
) -> Grid[Cell]:
    """The groups as a grid of counts with the sums that hold between them."""
    grid: Grid[Cell] = Grid()
    for cell, value in sizes:
        grid.count(cell, value)
    for cell in shown:
        grid.keep(cell)
    council = ("council", COUNCIL)
    if council not in grid.values:
        return grid
    for dimension in DIMENSION_COLUMNS:
        parts = [cell for cell, _ in sizes if cell[0] == dimension]
        if parts:
            grid.add_sum(council, parts)
    for service in sorted(set(services.values())):
        teams = [("team", team) for team, own in services.items() if own == service]
        teams = [cell for cell in teams if cell in grid.values]
        if teams and ("service", service) in grid.values:
            grid.add_sum(("service", service), teams)
    return grid


def groups_grid(responses: pl.DataFrame) -> Grid[Cell]:
    """The groups as a grid of their sizes, with the sums between them."""
    sizes = group_sizes(responses)
    cells = [((d, g), n) for d, g, n in sizes.select("dimension", "group", "responses").rows()]
    return _grid(cells, _services(responses))


def _services(responses: pl.DataFrame) -> dict[str, str]:
    pairs = (
        responses.select(
            pl.col("team").fill_null(NOT_RECORDED), pl.col("service").fill_null(NOT_RECORDED)
        )
        .unique()
        .rows()
    )
    return {str(team): str(service) for team, service in pairs}


def protect_groups(responses: pl.DataFrame, minimum: int = DEFAULT_MINIMUM) -> dict[Cell, str]:
    """Hidden groups and why: "small" (fewer than ``minimum`` responses) or "protects" (hidden
    so that a small group cannot be worked out by subtraction)."""
    protection = groups_grid(responses).protect(minimum)
    return {
        cell: "small" if cell in protection.primary else "protects" for cell in protection.hidden
    }


def favourable_counts(survey: SurveyData) -> pl.DataFrame:
    """Answers and favourable answers per group and question: dimension, group, code, answers,
    favourable (every group, hidden or not: the caller must protect them)."""
    scored = survey.answers.select(
        "response_id",
        "code",
        (pl.col("value") >= survey.favourable_min).cast(pl.Int64).alias("favourable"),
    )
    per_response = memberships(survey.responses)
    return (
        scored.join(per_response, on="response_id")
        .group_by("dimension", "group", "code")
        .agg(pl.len().alias("answers"), pl.col("favourable").sum())
    )


def _question_hidden(
    counts: pl.DataFrame,
    sizes: list[tuple[Cell, int]],
    services: dict[str, str],
    hidden: dict[Cell, str],
    minimum: int,
) -> set[tuple[str, str, str]]:
    """(dimension, group, code) cells hidden: every question of a hidden group, and a question
    answered by fewer than ``minimum`` in a shown group, with its complementary cells."""
    few = counts.filter((pl.col("answers") > 0) & (pl.col("answers") < minimum))
    few_shown = {
        code
        for d, g, code in few.select("dimension", "group", "code").rows()
        if (d, g) not in hidden
    }
    extra: set[tuple[str, str, str]] = set()
    if not few_shown:
        return extra
    by_code = counts.filter(pl.col("code").is_in(sorted(few_shown))).partition_by(
        "code", as_dict=True
    )
    for (code,), part in sorted(by_code.items()):
        answered = {
            (d, g): int(n) for d, g, n in part.select("dimension", "group", "answers").rows()
        }
        cells = [(cell, answered.get(cell, 0)) for cell, _ in sizes]
        grid = _grid(cells, services)
        grid.unpublished.update(hidden)
        protection = grid.protect(minimum)
        extra |= {(d, g, code) for d, g in protection.hidden}
    return extra


def summarise(survey: SurveyData, minimum: int = DEFAULT_MINIMUM) -> Summary:
    """The survey's favourable shares by group, question and theme, with suppression."""
    sizes_frame = group_sizes(survey.responses)
    sizes = [
        ((d, g), int(n)) for d, g, n in sizes_frame.select("dimension", "group", "responses").rows()
    ]
    services = _services(survey.responses)
    hidden = protect_groups(survey.responses, minimum)
    counts = favourable_counts(survey)
    extra = _question_hidden(counts, sizes, services, hidden, minimum)
    hidden_frame = pl.DataFrame(
        {
            "dimension": [cell[0] for cell in hidden],
            "group": [cell[1] for cell in hidden],
            "reason": list(hidden.values()),
        },
        schema={"dimension": pl.Utf8, "group": pl.Utf8, "reason": pl.Utf8},
    )
    extra_frame = pl.DataFrame(
        {
            "dimension": [c[0] for c in extra],
            "group": [c[1] for c in extra],
            "code": [c[2] for c in extra],
            "few": [True] * len(extra),
        },
        schema={"dimension": pl.Utf8, "group": pl.Utf8, "code": pl.Utf8, "few": pl.Boolean},
    )
    questions = (
        counts.join(hidden_frame, on=["dimension", "group"], how="left")
        .join(extra_frame, on=["dimension", "group", "code"], how="left")
        .with_columns(
            (pl.col("reason").is_not_null() | pl.col("few").fill_null(False)).alias("hidden")
        )
        .join(survey.questions.select("code", "theme"), on="code", how="left")
    )
    themes = _rolled_up(questions, ["dimension", "group", "theme"])
    overall = _rolled_up(questions, ["dimension", "group"])
    groups = (
        sizes_frame.join(hidden_frame, on=["dimension", "group"], how="left")
        .join(overall.rename({"hidden": "any_hidden"}), on=["dimension", "group"], how="left")
        .with_columns(
            pl.col("reason").is_not_null().alias("hidden"),
        )
        .with_columns(
            [
                pl.when(pl.col("hidden") | pl.col("any_hidden").fill_null(False))
                .then(None)
                .otherwise(pl.col(c))
                .alias(c)
                for c in ("answers", "favourable", "share")
            ]
            + [
                pl.when(pl.col("hidden"))
                .then(None)
                .otherwise(pl.col("responses"))
                .alias("responses")
            ]
        )
        .select(
            "dimension", "group", "responses", "hidden", "reason", "answers", "favourable", "share"
        )
    )
    order = pl.Enum(DIMENSIONS)
    return Summary(
        year=survey.year,
        title=survey.title,
        minimum=minimum,
        groups=groups.sort(pl.col("dimension").cast(order), "group"),
        questions=_blank_hidden(
            questions.select(
                "dimension", "group", "code", "theme", "answers", "favourable", "hidden"
            ).with_columns(_share())
        ).sort(pl.col("dimension").cast(order), "group", "code"),
        themes=themes.sort(pl.col("dimension").cast(order), "group", "theme"),
    )


def _share() -> pl.Expr:
    return (
        pl.when(pl.col("answers") > 0)
        .then(pl.col("favourable") / pl.col("answers"))
        .otherwise(None)
        .alias("share")
    )


def _blank_hidden(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        [
            pl.when(pl.col("hidden")).then(None).otherwise(pl.col(c)).alias(c)
            for c in ("answers", "favourable", "share")
        ]
    )


def _rolled_up(questions: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Questions added up to ``keys`` (a theme, or all questions): hidden when any part is."""
    return _blank_hidden(
        questions.group_by(keys)
        .agg(pl.col("answers").sum(), pl.col("favourable").sum(), pl.col("hidden").any())
        .with_columns(_share())
    )


def changes(current: Summary, previous: Summary, *, dimension: str = "council") -> pl.DataFrame:
    """The change in favourable share between two surveys for the same question codes and
    groups of ``dimension``: group, code, share, previous_share, change (percentage points, null
    when either year's cell is hidden)."""
    now = current.questions.filter(pl.col("dimension") == dimension)
    before = previous.questions.filter(pl.col("dimension") == dimension).select(
        "group",
        "code",
        pl.col("share").alias("previous_share"),
        pl.col("hidden").alias("was_hidden"),
    )
    return (
        now.join(before, on=["group", "code"], how="inner")
        .with_columns(
            pl.when(pl.col("hidden") | pl.col("was_hidden"))
            .then(None)
            .otherwise((pl.col("share") - pl.col("previous_share")) * 100)
            .alias("change")
        )
        .select("group", "code", "share", "previous_share", "change")
        .sort("group", "code")
    )


def group_changes(current: Summary, previous: Summary, dimension: str) -> pl.DataFrame:
    """The change in each group's overall favourable share (percentage points): group, share,
    previous_share, change (null when either year hides the group)."""
    before = previous.groups.filter(pl.col("dimension") == dimension).select(
        "group", pl.col("share").alias("previous_share")
    )
    return (
        current.groups.filter(pl.col("dimension") == dimension)
        .select("group", "share")
        .join(before, on="group", how="left")
        .with_columns(((pl.col("share") - pl.col("previous_share")) * 100).alias("change"))
    )


@dataclass(frozen=True)
class TeamLink:
    """Each shown team's favourable share beside its turnover and average caseload, and the
    correlation across those teams (an association, not a cause)."""

    rows: pl.DataFrame  # team, share, turnover, average_caseload
    teams: int
    turnover_correlation: float | None
    caseload_correlation: float | None


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's correlation coefficient; None with fewer than 3 pairs or no spread."""
    n = len(xs)
    if n < 3 or len(ys) != n:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / sqrt(sxx * syy)


def team_link(summary: Summary, measures: pl.DataFrame) -> TeamLink:
    """Join shown teams' overall favourable share to ``measures`` (team, turnover,
    average_caseload) and correlate across teams. Hidden teams take no part."""
    rows = (
        summary.groups.filter((pl.col("dimension") == "team") & pl.col("share").is_not_null())
        .select(pl.col("group").alias("team"), "share")
        .join(measures, on="team", how="inner")
        .sort("team")
    )

    def correlation(column: str) -> float | None:
        pairs = rows.filter(pl.col(column).is_not_null())
        return pearson(pairs["share"].to_list(), pairs[column].to_list())

    return TeamLink(
        rows=rows,
        teams=rows.height,
        turnover_correlation=correlation("turnover"),
        caseload_correlation=correlation("average_caseload"),
    )


def team_turnover(spells: pl.DataFrame, start: date, end: date) -> pl.DataFrame:
    """Each team's own staff on ``start`` (headcount) and those who left the council from the team
    after ``start`` up to ``end``: team, headcount, leavers, turnover (leavers / headcount).
    ``spells``: worker_id, contract, team, start_date, end_date, end_reason."""
    own = spells.filter(pl.col("contract") == "own")
    on_day = own.filter(
        (pl.col("start_date") <= start)
        & (pl.col("end_date").is_null() | (pl.col("end_date") >= start))
    )
    headcount = on_day.group_by("team").agg(pl.col("worker_id").n_unique().alias("headcount"))
    leavers = (
        own.filter(
            (pl.col("end_reason") == "left")
            & (pl.col("end_date") > start)
            & (pl.col("end_date") <= end)
            & pl.col("worker_id").is_in(on_day["worker_id"].implode())
        )
        .group_by("team")
        .agg(pl.col("worker_id").n_unique().alias("leavers"))
    )
    return (
        headcount.join(leavers, on="team", how="left")
        .with_columns(pl.col("leavers").fill_null(0).cast(pl.Int64))
        .with_columns((pl.col("leavers") / pl.col("headcount")).alias("turnover"))
        .sort("team")
    )

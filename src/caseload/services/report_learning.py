"""The board pack's sections on the supported first year and on progression.

- **The supported first year** (internal board pack only: it is about a handful of named
  cohorts): programmes by cohort, where they stand on the reporting date, reviews overdue, and
  ASYEs above the protected caseload.
- **Progression** (both packs; the public one with small numbers hidden): people who moved up
  the ladder (the one definition of a progression), applications, approved and not approved,
  per census year; internally also how many are eligible for their next step on the day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
from sqlalchemy import Engine

from caseload.reports.model import Audience, Cell, Column, ColumnKind, Section, Table
from caseload.retention import progression
from caseload.services.asye import asye_day
from caseload.services.caseloads import CouncilData
from caseload.services.progression import applications_of, council_framework
from caseload.services.report_figures import ReportFigures
from caseload.services.report_people import protect_counts

COUNT = ColumnKind.COUNT


@dataclass(frozen=True)
class LearningFigures:
    """What the two sections read, gathered with the report's other figures."""

    programmes: pl.DataFrame  # asye_day programmes (every team)
    overdue_reviews: int
    counts: pl.DataFrame  # progression.yearly_counts
    eligible: int


def learning_figures(
    engine: Engine, council: CouncilData, day: date, years: list[int]
) -> LearningFigures:
    found = asye_day(engine, council, day)
    overdue = int((found.schedule["status"] == "overdue").sum())
    own = council.data.spells.filter(pl.col("contract") == "own")
    applications = applications_of(engine, council)
    counts = progression.yearly_counts(own, applications, years, day)
    eligible = progression.eligibility(own, council.data.workers, council_framework(council), day)
    return LearningFigures(found.programmes, overdue, counts, int(eligible["eligible"].sum()))


def first_year_section(figures: ReportFigures, learning: LearningFigures | None) -> Section | None:
    """The supported first year, for the internal board pack."""
    if learning is None or figures.audience is not Audience.INTERNAL or figures.as_at is None:
        return None
    programmes = learning.programmes
    if programmes.is_empty():
        return None
    statuses = programmes.group_by(
        (pl.col("start_date").dt.year() + (pl.col("start_date").dt.month() >= 10)).alias("cohort")
    ).agg(
        pl.len().alias("started"),
        *[
            (pl.col("status") == name).sum().alias(name)
            for name in ("in_programme", "extended", "passed", "failed")
        ],
    )
    rows: list[dict[str, Cell]] = [
        {
            "cohort": f"October {row['cohort'] - 1} to September {row['cohort']}",
            **{
                key: int(row[key])
                for key in ("started", "in_programme", "extended", "passed", "failed")
            },
        }
        for row in statuses.sort("cohort").iter_rows(named=True)
    ]
    running = programmes.filter(pl.col("status").is_in(["in_programme", "extended"]))
    over = int(running["over_cap"].fill_null(False).sum()) if "over_cap" in running.columns else 0
    commentary = (
        f"On {figures.as_at:%-d %B %Y}, {running.height} newly qualified social workers were in "
        f"their supported first year (ASYE); {learning.overdue_reviews} of their 3, 6 and "
        f"12-month reviews were overdue, and {over} held more cases than the protected ASYE "
        "caseload allows.",
    )
    table = Table(
        "ASYE programmes by the year they started, and where they stand",
        (
            Column("cohort", "Started in"),
            Column("started", "Started", COUNT),
            Column("in_programme", "In the programme", COUNT),
            Column("extended", "Extended", COUNT),
            Column("passed", "Passed", COUNT),
            Column("failed", "Did not pass", COUNT),
        ),
        tuple(rows),
    )
    return Section("first_year", "The supported first year", commentary, (table,))


def progression_section(figures: ReportFigures, learning: LearningFigures | None) -> Section | None:
    """Progression per census year; small numbers hidden in the public pack."""
    if learning is None or figures.as_at is None or learning.counts.is_empty():
        return None
    counts = learning.counts
    if int(counts.select(pl.exclude("census_year")).sum_horizontal().sum()) == 0:
        return None
    years = counts["census_year"].to_list()
    keys = [f"y{year}" for year in years]
    labels = {
        "progressed": "Moved up the ladder",
        "applications": "Applications made",
        "approved": "Applications approved",
        "refused": "Applications not approved",
    }
    rows: list[dict[str, Cell]] = [
        {"name": label, **{f"y{y}": int(v) for y, v in zip(years, counts[key], strict=True)}}
        for key, label in labels.items()
    ]
    public = figures.audience is Audience.PUBLIC
    if public:
        rows = protect_counts(rows, keys, total_row=False)
    table = Table(
        "Progression, by census year (October to September)",
        (Column("name", ""), *(Column(f"y{y}", str(y), COUNT) for y in years)),
        tuple(rows),
        "Small numbers (1 to 4) are hidden." if public else None,
    )
    commentary: tuple[str, ...] = ()
    if not public:
        commentary = (
            f"On {figures.as_at:%-d %B %Y}, {learning.eligible} practitioners had the time in "
            "role and the post-qualifying experience the progression framework asks for their "
            "next step.",
        )
    return Section("progression", "Progression", commentary, (table,))

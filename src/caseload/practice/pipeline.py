"""The pipeline of newly qualified social workers: students and apprentices on placement,
practice educators' capacity, conversions of learners to ASYE posts, and the intake the supply
model can expect (``docs/metrics/pipeline.md``).

A learner's **final placement** is a placement in the last year of the programme
(:data:`PROGRAMME_YEARS`: three years for an apprentice's degree and for a student's; a
placement without a study year is taken as final). A learner **converts** when the placement
records the worker and day of the learner's first ASYE post with the council."""

from __future__ import annotations

from datetime import date
from typing import Final

import polars as pl

PROGRAMME_YEARS: Final = {"student": 3, "apprentice": 3}


def on_placement(placements: pl.DataFrame, as_at: date) -> pl.DataFrame:
    """The placements running on ``as_at`` (start on or before it, end on or after it)."""
    return placements.filter((pl.col("start_date") <= as_at) & (pl.col("end_date") >= as_at)).sort(
        "start_date", "learner_ref"
    )


def learners_on(placements: pl.DataFrame, as_at: date) -> pl.DataFrame:
    """learner_kind, learners: students and apprentices on placement on ``as_at``."""
    running = on_placement(placements, as_at)
    counted = running.group_by("learner_kind").agg(
        pl.col("learner_ref").n_unique().alias("learners")
    )
    kinds = pl.DataFrame({"learner_kind": list(PROGRAMME_YEARS)})
    return kinds.join(counted, on="learner_kind", how="left").with_columns(
        pl.col("learners").fill_null(0).cast(pl.Int64)
    )


def educator_capacity(
    educators: pl.DataFrame, placements: pl.DataFrame, as_at: date
) -> pl.DataFrame:
    """worker_id, stage, capacity, in_use, free: each practice educator's places on ``as_at``
    (students placed with them that day against the students they can take at once; ``free`` is
    never below 0, an educator over capacity shows ``in_use`` above ``capacity``)."""
    used = (
        on_placement(placements, as_at)
        .filter(pl.col("educator_id").is_not_null())
        .group_by("educator_id")
        .agg(pl.len().alias("in_use"))
        .rename({"educator_id": "worker_id"})
    )
    return (
        educators.select("worker_id", "stage", "capacity")
        .join(used, on="worker_id", how="left")
        .with_columns(pl.col("in_use").fill_null(0).cast(pl.Int64))
        .with_columns((pl.col("capacity") - pl.col("in_use")).clip(lower_bound=0).alias("free"))
        .sort("worker_id")
    )


def capacity_summary(capacity: pl.DataFrame) -> dict[str, int]:
    """educators, capacity, in_use, free: the totals of :func:`educator_capacity`."""
    return {
        "educators": capacity.height,
        "capacity": int(capacity["capacity"].sum()),
        "in_use": int(capacity["in_use"].sum()),
        "free": int(capacity["free"].sum()),
    }


def _final(placements: pl.DataFrame) -> pl.Expr:
    years = pl.col("learner_kind").replace_strict(PROGRAMME_YEARS, default=3, return_dtype=pl.Int64)
    return pl.col("study_year").is_null() | (pl.col("study_year") >= years)


def conversions_by_year(placements: pl.DataFrame, as_at: date) -> pl.DataFrame:
    """year, qualified, converted, conversion_rate: by calendar year of the final placement's
    end (up to ``as_at``), the learners who passed their final placement and how many of them
    converted to an ASYE post with the council (per cent, one decimal)."""
    ended = placements.filter(
        _final(placements) & (pl.col("end_date") <= as_at) & (pl.col("outcome") == "passed")
    )
    converted = (pl.col("converted_date").is_not_null()) & (pl.col("converted_date") <= as_at)
    by_year = (
        ended.with_columns(pl.col("end_date").dt.year().cast(pl.Int64).alias("year"))
        .group_by("year")
        .agg(
            pl.col("learner_ref").n_unique().alias("qualified"),
            pl.col("learner_ref").filter(converted).n_unique().alias("converted"),
        )
        .sort("year")
    )
    return by_year.with_columns(
        pl.col("qualified", "converted").cast(pl.Int64),
        (100.0 * pl.col("converted") / pl.col("qualified")).round(1).alias("conversion_rate"),
    )


def conversion_rate(placements: pl.DataFrame, as_at: date) -> float | None:
    """The share (0 to 1) of learners who passed a final placement ending on or before ``as_at``
    and converted to an ASYE post (None when none has)."""
    history = conversions_by_year(placements, as_at)
    qualified = int(history["qualified"].sum())
    return int(history["converted"].sum()) / qualified if qualified else None


def pipeline_intake(
    placements: pl.DataFrame, as_at: date, *, rate: float | None = None
) -> pl.DataFrame:
    """year, learners, conversion_rate, expected_intake: the newly qualified workers the council
    can expect from its pipeline, by the calendar year they qualify in.

    The learners are those whose latest placement ends on or after ``as_at`` and did not fail or
    end in withdrawal, and who have not converted yet; each qualifies in the year of that
    placement's end plus the programme years left after it (:data:`PROGRAMME_YEARS` less the
    study year). The expected intake is the learners times the conversion rate: ``rate`` (0 to 1)
    when given, else the council's history (:func:`conversion_rate`); null without either. This
    is the "students and apprentices converting" input of the workforce supply model."""
    share = rate if rate is not None else conversion_rate(placements, as_at)
    latest = (
        placements.sort("end_date")
        .group_by("learner_ref", maintain_order=True)
        .last()
        .filter(
            (pl.col("end_date") >= as_at)
            & (pl.col("outcome").is_null() | (pl.col("outcome") == "passed"))
            & pl.col("converted_worker_id").is_null()
        )
    )
    years = pl.col("learner_kind").replace_strict(PROGRAMME_YEARS, default=3, return_dtype=pl.Int64)
    left = (years - pl.col("study_year").fill_null(years)).clip(lower_bound=0)
    counted = (
        latest.with_columns((pl.col("end_date").dt.year().cast(pl.Int64) + left).alias("year"))
        .group_by("year")
        .agg(pl.len().cast(pl.Int64).alias("learners"))
        .sort("year")
    )
    return counted.with_columns(
        pl.lit(share, dtype=pl.Float64).alias("conversion_rate"),
        (pl.col("learners") * pl.lit(share, dtype=pl.Float64)).round(1).alias("expected_intake"),
    )

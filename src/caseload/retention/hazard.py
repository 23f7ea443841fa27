"""The leaving hazard by length of service: how likely own social work staff are to leave in a
year, for each band of continuous service (the 2-3 year peak the councils watch).

For a window of days (``start`` to ``end``, both included) and each band of service
``(low, high)`` years (:data:`caseload.retention.flows.SERVICE_BANDS` unless given):

- *exposure* is the person-years the council's service episodes
  (:func:`caseload.retention.episodes.service_episodes`) spent in the band inside the window: an
  episode is in the band from the low-th anniversary of its start to the day before the high-th,
  and at risk from its first day to its last (or to ``end``);
- *leavers* are the episodes that ended inside the window while in the band;
- the *annual rate* is leavers / exposure (the central rate, per person-year), and the *chance of
  leaving within a year* is 1 - exp(-rate), the rate held constant through the year.

A rate needs exposure: a band with none has a null rate. Figures are not rounded here; pages round
them once to 1 decimal place (per cent)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import polars as pl

from caseload.retention.episodes import DAYS_A_YEAR
from caseload.retention.flows import SERVICE_BANDS, Band, band_label

HAZARD_COLUMNS = ("band", "low_years", "high_years", "exposure_years", "leavers", "annual_rate")


def _bands(bands: Sequence[Band]) -> pl.DataFrame:
    for low, high in bands:
        if high is not None and high <= low:
            raise ValueError(f"a band must end after it starts, not {low} to {high} years")
    return pl.DataFrame(
        {
            "_band": list(range(len(bands))),
            "band": [band_label(band) for band in bands],
            "low_years": [low for low, _ in bands],
            "high_years": [high for _, high in bands],
        },
        schema={
            "_band": pl.Int64,
            "band": pl.Utf8,
            "low_years": pl.Int64,
            "high_years": pl.Int64,
        },
    )


def leaving_hazard(
    episodes: pl.DataFrame,
    start: date,
    end: date,
    *,
    by: Sequence[str] = (),
    bands: Sequence[Band] = SERVICE_BANDS,
) -> pl.DataFrame:
    """Exposure, leavers and the annual leaving rate by service band (and ``by``, columns of
    ``episodes`` such as ``route`` or ``entry_service``) for the window ``start`` to ``end``.
    Columns: the ``by`` columns, band, low_years, high_years, exposure_years, leavers,
    annual_rate (null with no exposure), chance_within_year. Every band has a row for every
    group seen."""
    if end < start:
        raise ValueError(f"the window must end on or after its start, not {start} to {end}")
    grid = _bands(bands)
    after_end = end + timedelta(days=1)
    low_day = pl.col("started").dt.offset_by(pl.format("{}y", pl.col("low_years")))
    high_day = (
        pl.when(pl.col("high_years").is_null())
        .then(pl.lit(date(9999, 12, 31)))
        .otherwise(pl.col("started").dt.offset_by(pl.format("{}y", pl.col("high_years"))))
    )
    exit_day = pl.col("last_day").fill_null(date(9999, 12, 30)) + timedelta(days=1)
    from_day = pl.max_horizontal(low_day, pl.lit(start), pl.col("started"))
    to_day = pl.min_horizontal(high_day, pl.lit(after_end), exit_day)
    exposure = (to_day - from_day).dt.total_days().clip(lower_bound=0) / DAYS_A_YEAR
    left_here = (
        pl.col("left")
        & pl.col("last_day").is_between(start, end)
        & (pl.col("last_day") >= low_day)
        & (pl.col("last_day") < high_day)
    )
    keys = [*by, "_band"]
    counted = (
        episodes.join(grid, how="cross")
        .with_columns(exposure.alias("_exposure"), left_here.alias("_left"))
        .group_by(keys)
        .agg(
            pl.col("_exposure").sum().alias("exposure_years"),
            pl.col("_left").sum().cast(pl.Int64).alias("leavers"),
        )
    )
    groups = counted.select(*by).unique() if by else pl.DataFrame()
    full = groups.join(grid, how="cross") if by else grid
    rate = (
        pl.when(pl.col("exposure_years") > 0)
        .then(pl.col("leavers") / pl.col("exposure_years"))
        .otherwise(None)
    )
    return (
        full.join(counted, on=keys, how="left")
        .with_columns(
            pl.col("exposure_years").fill_null(0.0),
            pl.col("leavers").fill_null(0).cast(pl.Int64),
        )
        .with_columns(rate.alias("annual_rate"))
        .with_columns((1 - (-pl.col("annual_rate")).exp()).alias("chance_within_year"))
        .sort([*by, "_band"], nulls_last=True)
        .select(*by, *HAZARD_COLUMNS, "chance_within_year")
    )

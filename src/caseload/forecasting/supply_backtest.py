"""Trusting the supply model: forecast own staff FTE from a past day with what was known on that
day only, and compare it month by month with what happened.

From ``origin`` (default 12 months before ``as_at``), the spells and posts are cut back to what
was known then (:func:`caseload.forecasting.supply_inputs.as_known_on`: later starts unseen,
later endings and leaving reasons not yet known), the inputs are measured from them and the
baseline is run. Each month end up to ``as_at`` the forecast P10, P50 and P90 of own FTE (the
modelled roles) are set beside the own FTE actually in post that day. The error is P50 minus
actual; the summary gives the mean absolute error (FTE and % of actual) and the share of months
whose actual fell between P10 and P90 (about 8 in 10 if the ranges are right)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from caseload.forecasting.supply import simulate
from caseload.forecasting.supply_inputs import (
    add_months,
    as_known_on,
    build_supply_inputs,
    own_fte_by_role,
)

ENDING_COLUMNS = ("end_reason", "reason_leave", "leaver_destination")


@dataclass(frozen=True)
class Backtest:
    origin: date
    as_at: date
    months: pl.DataFrame
    """month, day, actual_fte, p10, p50, p90, error, inside."""

    @property
    def mean_absolute_error(self) -> float:
        errors = self.months["error"].abs().to_numpy()
        return float(errors.mean()) if errors.size else 0.0

    @property
    def mean_absolute_percent(self) -> float:
        frame = self.months.filter(pl.col("actual_fte") > 0)
        shares = (frame["error"].abs() / frame["actual_fte"]).to_numpy()
        return float(shares.mean()) * 100 if shares.size else 0.0

    @property
    def inside_share(self) -> float:
        inside = self.months["inside"].to_numpy()
        return float(inside.mean()) if inside.size else 0.0


def supply_backtest(
    *,
    spells: pl.DataFrame,
    workers: pl.DataFrame,
    posts: pl.DataFrame,
    services: pl.DataFrame,
    as_at: date,
    months: int = 12,
    paths: int = 1_000,
    seed: int = 2026,
) -> Backtest:
    """The forecast from ``months`` before ``as_at`` against what happened (see the module)."""
    origin = add_months(as_at, -months)
    known = as_known_on(spells, origin, reasons=ENDING_COLUMNS)
    known_posts = as_known_on(posts, origin)
    inputs, _ = build_supply_inputs(
        spells=known,
        workers=workers,
        posts=known_posts,
        services=services,
        as_at=origin,
        months=months,
    )
    result = simulate(inputs, paths=paths, seed=seed)
    totals = result.own_fte.sum(axis=1)
    levels = np.quantile(totals, (0.1, 0.5, 0.9), axis=0)
    days = [add_months(origin, month) for month in range(1, months + 1)]
    actual = [sum(own_fte_by_role(spells, day).values()) for day in days]
    frame = pl.DataFrame(
        {
            "month": list(range(1, months + 1)),
            "day": days,
            "actual_fte": actual,
            "p10": levels[0, 1:],
            "p50": levels[1, 1:],
            "p90": levels[2, 1:],
        }
    ).with_columns(
        (pl.col("p50") - pl.col("actual_fte")).alias("error"),
        pl.col("actual_fte").is_between(pl.col("p10"), pl.col("p90")).alias("inside"),
    )
    return Backtest(origin, as_at, frame)

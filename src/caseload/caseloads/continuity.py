"""Continuity: how many different social workers (allocated workers, not co-workers) each open child
has had in the 12 months to the day (the year ending on it, inclusive)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import polars as pl

from caseload.caseloads.position import ALLOCATED


def workers_per_child(allocations: pl.DataFrame, cases: pl.DataFrame, day: date) -> pl.DataFrame:
    """child_id, child_ref, case_type, workers_12m for every open child (0 if never allocated)."""
    first = day - timedelta(days=364)
    counted = (
        allocations.filter(
            (pl.col("role") == ALLOCATED)
            & (pl.col("start_date") <= day)
            & (pl.col("end_date").is_null() | (pl.col("end_date") >= first))
        )
        .group_by("child_id")
        .agg(pl.col("worker_id").n_unique().cast(pl.Int64).alias("workers_12m"))
    )
    return (
        cases.select("child_id", "child_ref", "case_type")
        .join(counted, on="child_id", how="left")
        .with_columns(pl.col("workers_12m").fill_null(0))
        .sort("workers_12m", "child_ref", descending=[True, False])
    )


def continuity_summary(per_child: pl.DataFrame) -> dict[str, Any]:
    """Children by number of workers in the year (0, 1, 2, 3+), the mean over children who had
    one, and the share with three or more."""
    counts = per_child["workers_12m"]
    total = per_child.height
    had = counts.filter(counts > 0)
    three_plus = int((counts >= 3).sum())
    return {
        "children": total,
        "by_workers": {
            "0": int((counts == 0).sum()),
            "1": int((counts == 1).sum()),
            "2": int((counts == 2).sum()),
            "3+": three_plus,
        },
        "mean_workers": round(float(had.mean()), 2) if had.len() else None,  # type: ignore[arg-type]
        "share_three_or_more": round(100.0 * three_plus / total, 1) if total else None,
    }

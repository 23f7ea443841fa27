"""Decisions made since the data date, as the allocation meeting sees them.

A decision is dated the day it is made, which is often after the council's data date (the last
day its loaded data covers). The meeting works on the position of the data date, so a child
allocated since must leave the list of children waiting and count in the new worker's caseload,
or the next recommendation would offer the child again and fill the worker past their cap."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl

from caseload.caseloads.position import ALLOCATED, CaseloadData


def with_decisions_since(data: CaseloadData, day: date) -> CaseloadData:
    """The data with each allocation that starts after ``day``, for a child who had no allocated
    worker on ``day``, counted from ``day`` (a planned move, whose child is still held on the
    day, keeps its own start)."""
    allocations = data.allocations
    held_on_day = allocations.filter(
        (pl.col("role") == ALLOCATED)
        & (pl.col("start_date") <= day)
        & (pl.col("end_date").is_null() | (pl.col("end_date") >= day))
    )["child_id"]
    later = (pl.col("start_date") > day) & ~pl.col("child_id").is_in(held_on_day.implode())
    if allocations.filter(later).is_empty():
        return data
    counted = allocations.with_columns(
        pl.when(later).then(pl.lit(day)).otherwise(pl.col("start_date")).alias("start_date")
    )
    return replace(data, allocations=counted)

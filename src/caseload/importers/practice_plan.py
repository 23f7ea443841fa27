"""The re-import rule of supervision records and case file audits: a file replaces what the
council holds for the period it covers.

Each row has a key: ``id:`` and its record id when the file gives one, else ``row:`` and the
row's natural key (the worker, day, type and supervisor of a supervision; the child, day,
auditor and instrument of an audit). The file's **period** runs from its first date to its last.
Against the rows held for the council:

- a file row whose key is held updates that row where anything differs (a held row with the same
  record id is found wherever it is dated), else it is added;
- a held row dated in the period (or holding one of the file's record ids) whose key is not in
  the file is removed: the file is the source's word for its period.

Held rows outside the period are never touched, so loading the same file twice leaves the same
rows, and a monthly file adds a month."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from caseload.importers.plan import same
from caseload.importers.problems import Severity, no_problems, one_problem

KEY = "_key"


def record_key(external_id: str, natural: Sequence[pl.Expr]) -> pl.Expr:
    """``id:ID`` when the row has a record id, else ``row:`` and its natural key's parts."""
    parts = [part.cast(pl.Utf8).fill_null("") for part in natural]
    return (
        pl.when(pl.col(external_id).is_not_null())
        .then(pl.lit("id:") + pl.col(external_id))
        .otherwise(pl.concat_str([pl.lit("row:"), *parts], separator="/"))
        .alias(KEY)
    )


@dataclass(frozen=True)
class Replacement:
    """What a file does to the held rows: ``new`` file rows, ``updates`` (``id`` and the file's
    values of the compared columns, for held rows that differ), ``matched`` (``id`` and ``_key``
    of every held row the file keeps) and ``removed`` (``id``)."""

    new: pl.DataFrame
    updates: pl.DataFrame
    matched: pl.DataFrame
    removed: pl.DataFrame


def replace_period(
    rows: pl.DataFrame, held: pl.DataFrame, *, date_column: str, compared: Sequence[str]
) -> Replacement:
    """Match the file's ``rows`` to the ``held`` rows by ``_key`` (both frames carry it, and
    ``date_column`` and the ``compared`` columns; ``held`` also ``id``)."""
    first, last = rows[date_column].min(), rows[date_column].max()
    in_period = pl.col(date_column).is_between(first, last) if first is not None else pl.lit(False)
    candidates = held.filter(in_period | pl.col(KEY).is_in(rows[KEY].implode())).sort("id")
    ranked = candidates.with_columns(pl.col("id").rank("ordinal").over(KEY).alias("_copy"))
    kept = ranked.filter(pl.col("_copy") == 1)
    held_cols = kept.select("id", KEY, *(pl.col(c).alias(f"{c}_db") for c in compared))
    joined = rows.join(held_cols, on=KEY, how="left")
    new = joined.filter(pl.col("id").is_null()).drop("id", *(f"{c}_db" for c in compared))
    matched = joined.filter(pl.col("id").is_not_null())
    differs = pl.any_horizontal([~same(c, f"{c}_db") for c in compared])
    updates = matched.filter(differs).select("id", *compared)
    file_keys = rows[KEY].implode()
    removed = ranked.filter((pl.col("_copy") > 1) | ~pl.col(KEY).is_in(file_keys)).select("id")
    return Replacement(new, updates, matched.select("id", KEY), removed)


def removed_warning(removed: int, rows: pl.DataFrame, date_column: str, file: str) -> pl.DataFrame:
    """One warning when a load removes held records of its period that the file no longer has."""
    if not removed:
        return no_problems()
    span = rows.select(
        pl.col(date_column).min().cast(pl.Utf8).alias("first"),
        pl.col(date_column).max().cast(pl.Utf8).alias("last"),
    ).row(0)
    first, last = str(span[0]), str(span[1])
    held = "record held" if removed == 1 else "records held"
    verb = "is" if removed == 1 else "are"
    return one_problem(
        severity=Severity.WARNING,
        file=file,
        problem=f"{removed} {held} from {first} to {last} {verb} not in this file",
        action="removed: the file replaces the records of the period it covers; if the file "
        "is not complete for the period, load one that is",
    )

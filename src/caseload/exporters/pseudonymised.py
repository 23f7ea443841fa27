"""The pseudonymised export for analysts: the day-to-day records with people replaced by keyed
pseudonyms (the same as on the analyst's pages: :func:`caseload.domain.disclosure.pseudonym`),
no names, staff numbers, SWE numbers, child references or birth dates (age bands on the as-at
date instead), ethnicity as its broad group, and small groups suppressed.

Small groups: a row is at risk when fewer than ``k`` rows share its context (for workers: their
authority and latest role) and its personal characteristics. For each characteristic in turn
(ethnicity group, then age band, then gender), rows in groups smaller than ``k`` have that
characteristic replaced by ``c``. ``k`` is at least the threshold of
:mod:`caseload.domain.disclosure` (5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from caseload.domain.disclosure import SUPPRESSED, pseudonym
from caseload.exporters.bands import CHILD_BANDS, WORKER_BANDS, age_band, ethnic_group

GENDERS = {0: "not known", 1: "male", 2: "female", 9: "not specified"}


@dataclass(frozen=True)
class SourceFrames:
    """What the export reads (see :mod:`caseload.storage.quality_queries`)."""

    workers: pl.DataFrame
    spells: pl.DataFrame  # spells_frame plus team name
    absences: pl.DataFrame
    teams: pl.DataFrame
    children: pl.DataFrame
    referrals: pl.DataFrame
    statuses: pl.DataFrame
    allocations: pl.DataFrame


@dataclass(frozen=True)
class Export:
    files: dict[str, pl.DataFrame]
    suppressed: dict[str, int]


def pseudonyms(frame: pl.DataFrame, secret: bytes, kind: str, identifier: str) -> pl.Series:
    """A pseudonym for each row from its ``authority`` and ``identifier`` columns (null stays
    null). Each distinct pair is keyed once."""
    pairs = frame.select("authority", identifier).unique().drop_nulls()
    keys = {
        (authority, value): pseudonym(secret, kind, authority, value)
        for authority, value in pairs.iter_rows()
    }
    return pl.Series(
        [
            None if value is None else keys[(authority, value)]
            for authority, value in frame.select("authority", identifier).iter_rows()
        ],
        dtype=pl.Utf8,
    )


def suppress_small_groups(
    frame: pl.DataFrame, *, context: list[str], characteristics: list[str], k: int
) -> tuple[pl.DataFrame, dict[str, int]]:
    """Returns the frame with small groups' characteristics suppressed, and how many values of
    each characteristic were suppressed."""
    counts: dict[str, int] = {}
    for column in characteristics:
        size = (
            pl.len().over([*context, *characteristics]) if context or characteristics else pl.len()
        )
        small = (size < k) & (pl.col(column) != SUPPRESSED)
        counts[column] = int(frame.select(small.sum()).item())
        frame = frame.with_columns(
            pl.when(small).then(pl.lit(SUPPRESSED)).otherwise(pl.col(column)).alias(column)
        )
    return frame, counts


def build_export(source: SourceFrames, *, secret: bytes, as_at: date, min_group: int) -> Export:
    workers = source.workers.with_columns(
        pseudonyms(source.workers, secret, "worker", "staff_number").alias("worker_key")
    )
    worker_keys = workers.select("worker_id", "worker_key")
    children = source.children.with_columns(
        pseudonyms(source.children, secret, "child", "child_ref").alias("child_key"),
        pseudonyms(source.children, secret, "family", "sibling_group").alias("sibling_group_key"),
    )
    child_keys = children.select("child_id", "child_key")
    latest = (
        source.spells.sort("start_date")
        .group_by("worker_id")
        .agg(pl.col("team").last(), pl.col("role").last())
    )
    people = workers.join(latest, on="worker_id", how="left").select(
        "worker_key",
        "authority",
        pl.col("team").fill_null("none"),
        pl.col("role").fill_null("none"),
        pl.col("gender")
        .replace_strict(GENDERS, default="not known", return_dtype=pl.Utf8)
        .alias("gender"),
        age_band(pl.col("birth_date"), as_at, WORKER_BANDS).alias("age_band"),
        ethnic_group(pl.col("ethnicity")).alias("ethnic_group"),
        pl.col("qualification_level"),
        pl.col("swe_number").is_not_null().alias("has_swe_number"),
        "step_up",
        "frontline",
    )
    people, worker_suppressed = suppress_small_groups(
        people,
        context=["authority", "role"],
        characteristics=["ethnic_group", "age_band", "gender"],
        k=min_group,
    )
    kids = children.select(
        "child_key",
        "authority",
        age_band(pl.col("birth_date"), as_at, CHILD_BANDS).alias("age_band"),
        "sibling_group_key",
    )
    kids, child_suppressed = suppress_small_groups(
        kids, context=["authority"], characteristics=["age_band"], k=min_group
    )
    files = {
        "workers": people.drop("team", "role").sort("authority", "worker_key"),
        "spells": source.spells.join(worker_keys, on="worker_id")
        .select(
            "worker_key",
            "contract",
            "role",
            "fte",
            "team",
            "start_date",
            "end_date",
            "end_reason",
            "start_origin",
            "reason_leave",
            "leaver_destination",
        )
        .sort("worker_key", "start_date"),
        "absences": source.absences.join(worker_keys, on="worker_id")
        .select("worker_key", "start_date", "end_date", "reason", "working_days_lost")
        .sort("worker_key", "start_date"),
        "teams": source.teams.select("authority", "team", "kind", "parent").sort(
            "authority", "team"
        ),
        "children": kids.sort("authority", "child_key"),
        "referrals": source.referrals.join(child_keys, on="child_id")
        .select("child_key", "referral_date", "source", "led_to_assessment")
        .sort("child_key", "referral_date"),
        "child_statuses": source.statuses.join(child_keys, on="child_id")
        .select("child_key", "status", "start_date", "end_date")
        .sort("child_key", "start_date"),
        "allocations": source.allocations.join(child_keys, on="child_id")
        .join(worker_keys, on="worker_id")
        .select("child_key", "worker_key", "role", "start_date", "end_date", "change_reason")
        .sort("child_key", "start_date"),
    }
    suppressed = {f"workers.{k}": v for k, v in worker_suppressed.items()}
    suppressed |= {f"children.{k}": v for k, v in child_suppressed.items()}
    return Export(files, suppressed)

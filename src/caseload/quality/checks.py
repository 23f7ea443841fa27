"""Data-quality checks across the whole database. Each check takes frames and returns findings,
one row per record to fix, naming the record (Caseload id and link, and the source system's
reference: staff number, child reference or involvement id) and what is wrong. Checks about the
present use each authority's data date (``as_at``): the last day its data covers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import polars as pl

from caseload.caseloads.definitions import CENSUS_ROLES, waiting_days
from caseload.caseloads.position import CASE_LABELS
from caseload.caseloads.queue import waiting_since
from caseload.domain import AllocationRole, ContractType, SpellEndReason

FINDING_SCHEMA = pl.Schema(
    {
        "check": pl.Utf8,
        "authority": pl.Utf8,
        "record": pl.Utf8,
        "record_id": pl.Int64,
        "reference": pl.Utf8,
        "detail": pl.Utf8,
        "days": pl.Int64,
        "link": pl.Utf8,
    }
)
REGISTERED_ROLES = list(CENSUS_ROLES)


@dataclass(frozen=True)
class Check:
    name: str
    title: str
    why: str
    fix: str


CHECKS = {
    c.name: c
    for c in (
        Check(
            "missing_swe_number",
            "Social workers in post with no SWE number",
            "the census needs every registered social worker's SWE number, and the case system "
            "is matched to HR by it",
            "add the Social Work England number to the HR record",
        ),
        Check(
            "missing_census_items",
            "Own staff in post missing census items",
            "own staff must carry birth date, gender, ethnicity, qualification and start origin",
            "fill in the items named in the HR system",
        ),
        Check(
            "leaver_missing_reason",
            "Leavers with no leaving reason or destination",
            "the census needs both for every leaver",
            "record the reason and destination in the HR system",
        ),
        Check(
            "overlapping_spells",
            "Overlapping spells on the same post",
            "a person cannot hold the same post twice on one day",
            "end the earlier spell the day before the later starts",
        ),
        Check(
            "fte_above_one",
            "People whose spells add up to more than 1 FTE",
            "FTE is a share of full time; a person's posts add up to at most 1",
            "check the FTE of each post the person holds",
        ),
        Check(
            "unallocated_children",
            "Open children with no allocated worker",
            "every open child should have an allocated worker; days show how long",
            "allocate a worker (review weekly; escalate after 4 weeks)",
        ),
        Check(
            "allocation_to_worker_not_in_post",
            "Allocations to workers not in post",
            "a child allocated to someone who has left, or who has no HR record, has no "
            "worker in practice",
            "reallocate the child, or add the worker to the HR extract",
        ),
        Check(
            "in_post_without_team",
            "Workers in post with no team",
            "without a team they count in no team's figures",
            "set the team in the HR system",
        ),
        Check(
            "shared_swe_number",
            "SWE numbers held by more than one worker",
            "one person with two records is counted twice (or a number was mistyped)",
            "merge the records or correct the number",
        ),
    )
}


@dataclass(frozen=True)
class QualityData:
    """``authorities``: authority_id, authority, as_at. The other frames as in
    :mod:`caseload.storage.quality_queries`."""

    authorities: pl.DataFrame
    workers: pl.DataFrame
    spells: pl.DataFrame
    statuses: pl.DataFrame
    allocations: pl.DataFrame


def _active(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter(
        (pl.col("start_date") <= pl.col("as_at"))
        & (pl.col("end_date").is_null() | (pl.col("end_date") >= pl.col("as_at")))
    )


def _findings(frame: pl.DataFrame, check: str, record: str, **columns: pl.Expr) -> pl.DataFrame:
    base: dict[str, pl.Expr] = {
        "check": pl.lit(check),
        "authority": pl.col("authority"),
        "record": pl.lit(record),
        "record_id": pl.col("record_id"),
        "reference": pl.col("reference"),
        "detail": pl.lit(None, dtype=pl.Utf8),
        "days": pl.lit(None, dtype=pl.Int64),
        "link": pl.lit(None, dtype=pl.Utf8),
    }
    base |= columns
    return frame.select(*(expr.alias(name) for name, expr in base.items())).cast(FINDING_SCHEMA)


def _people(data: QualityData) -> pl.DataFrame:
    return data.workers.join(data.authorities, on="authority_id")


def _spells(data: QualityData) -> pl.DataFrame:
    return data.spells.join(_people(data), on="worker_id")


def missing_swe_number(data: QualityData) -> pl.DataFrame:
    in_post = _active(_spells(data)).filter(pl.col("role").is_in(REGISTERED_ROLES))
    missing = in_post.filter(pl.col("swe_number").is_null()).unique(subset=["worker_id"])
    return _findings(
        missing.with_columns(
            pl.col("worker_id").alias("record_id"), pl.col("staff_number").alias("reference")
        ),
        "missing_swe_number",
        "worker",
        detail=pl.format("{} in post, no SWE number", pl.col("role")),
    )


def missing_census_items(data: QualityData) -> pl.DataFrame:
    own = _active(_spells(data)).filter(
        (pl.col("contract") == ContractType.OWN.value) & pl.col("role").is_in(CENSUS_ROLES)
    )
    items = {
        "birth date": pl.col("birth_date").is_null(),
        "gender": pl.col("gender").is_null(),
        "ethnicity": pl.col("ethnicity").is_null(),
        "qualification level": pl.col("qualification_level").is_null(),
        "qualification institution": pl.col("qualification_institution").is_null(),
        "start origin": pl.col("start_origin").is_null(),
    }
    listed = pl.concat_list(
        [pl.when(missing).then(pl.lit(name)) for name, missing in items.items()]
    ).list.drop_nulls()
    found = (
        own.with_columns(listed.alias("_missing"))
        .filter(pl.col("_missing").list.len() > 0)
        .unique(subset=["worker_id"], keep="first")
    )
    return _findings(
        found.with_columns(
            pl.col("worker_id").alias("record_id"), pl.col("staff_number").alias("reference")
        ),
        "missing_census_items",
        "worker",
        detail=pl.lit("missing: ") + pl.col("_missing").list.join(", "),
    )


def leaver_missing_reason(data: QualityData) -> pl.DataFrame:
    leavers = _spells(data).filter(
        (pl.col("end_reason") == SpellEndReason.LEFT.value)
        & (pl.col("contract") == ContractType.OWN.value)
        & (pl.col("reason_leave").is_null() | pl.col("leaver_destination").is_null())
    )
    return _findings(
        leavers.with_columns(
            pl.col("spell_id").alias("record_id"), pl.col("staff_number").alias("reference")
        ),
        "leaver_missing_reason",
        "spell",
        detail=pl.format(
            "left on {}; missing {}",
            pl.col("end_date"),
            pl.when(pl.col("reason_leave").is_null() & pl.col("leaver_destination").is_null())
            .then(pl.lit("reason and destination"))
            .when(pl.col("reason_leave").is_null())
            .then(pl.lit("reason"))
            .otherwise(pl.lit("destination")),
        ),
    )


def overlapping_spells(data: QualityData) -> pl.DataFrame:
    spells = _spells(data).with_columns(pl.col("post_id").fill_null(-1).alias("_post"))
    ordered = spells.sort("worker_id", "_post", "start_date")
    reach = pl.col("end_date").fill_null(date.max).cum_max().shift(1).over("worker_id", "_post")
    clash = ordered.with_columns(reach.alias("_reach")).filter(
        pl.col("_reach").is_not_null() & (pl.col("start_date") <= pl.col("_reach"))
    )
    return _findings(
        clash.with_columns(
            pl.col("spell_id").alias("record_id"), pl.col("staff_number").alias("reference")
        ),
        "overlapping_spells",
        "spell",
        detail=pl.format(
            "spell from {} overlaps an earlier spell on the same post", pl.col("start_date")
        ),
    )


def fte_above_one(data: QualityData) -> pl.DataFrame:
    spells = _spells(data)
    days = spells.select("worker_id", pl.col("start_date").alias("day")).unique()
    totals = (
        days.join(spells, on="worker_id")
        .filter(
            (pl.col("start_date") <= pl.col("day"))
            & (pl.col("end_date").is_null() | (pl.col("end_date") >= pl.col("day")))
        )
        .group_by("worker_id", "day")
        .agg(pl.col("fte").sum().round(6).alias("total"))
        .filter(pl.col("total") > 1)
        .sort("total", "day", descending=[True, False])
        .unique(subset=["worker_id"], keep="first")
        .join(_people(data), on="worker_id")
    )
    return _findings(
        totals.with_columns(
            pl.col("worker_id").alias("record_id"), pl.col("staff_number").alias("reference")
        ),
        "fte_above_one",
        "worker",
        detail=pl.format("{} FTE from {}", pl.col("total"), pl.col("day")),
    )


def unallocated_children(data: QualityData) -> pl.DataFrame:
    statuses = data.statuses.join(data.authorities, on="authority_id")
    open_now = (
        _active(statuses)
        .group_by("child_id")
        .agg(
            pl.col("authority").first(),
            pl.col("child_ref").first(),
            pl.col("as_at").first(),
            pl.col("status").sort_by("start_date").last(),
        )
    )
    allocated = data.allocations.filter(pl.col("role") == AllocationRole.ALLOCATED_WORKER.value)
    held = _active(allocated.join(open_now.select("child_id", "as_at"), on="child_id"))
    waiting = open_now.join(held.select("child_id").unique(), on="child_id", how="anti")
    # The unallocated queue's own definitions: waiting since and whole days waited.
    since = waiting_since(data.statuses, data.allocations, waiting.select("child_id", "as_at"))
    waiting = (
        waiting.join(since, on="child_id", how="left")
        .rename({"waiting_since": "_since"})
        .with_columns(waiting_days(pl.col("_since"), pl.col("as_at")).alias("_days"))
        .sort("_days", descending=True)
    )
    return _findings(
        waiting.with_columns(
            pl.col("child_id").alias("record_id"), pl.col("child_ref").alias("reference")
        ),
        "unallocated_children",
        "child",
        detail=pl.format(
            "{} case, unallocated since {}",
            pl.col("status").replace_strict(CASE_LABELS, default=pl.col("status")),
            pl.col("_since"),
        ),
        days=pl.col("_days"),
    )


def allocation_to_worker_not_in_post(data: QualityData) -> pl.DataFrame:
    people = _people(data)
    allocations = data.allocations.join(
        people.select("worker_id", "authority", "as_at", "staff_number"), on="worker_id"
    )
    current = _active(allocations)
    in_post = (
        _active(data.spells.join(people.select("worker_id", "as_at"), on="worker_id"))
        .select("worker_id")
        .unique()
    )
    stray = current.join(in_post, on="worker_id", how="anti")
    return _findings(
        stray.with_columns(
            pl.col("allocation_id").alias("record_id"),
            pl.coalesce(
                "external_id", pl.lit("allocation ") + pl.col("allocation_id").cast(pl.Utf8)
            ).alias("reference"),
        ),
        "allocation_to_worker_not_in_post",
        "allocation",
        detail=pl.format(
            "{} worker staff number {} is not in post on {}",
            pl.col("role"),
            pl.col("staff_number"),
            pl.col("as_at"),
        ),
    )


def in_post_without_team(data: QualityData) -> pl.DataFrame:
    found = _active(_spells(data)).filter(pl.col("team_id").is_null()).unique(subset=["worker_id"])
    return _findings(
        found.with_columns(
            pl.col("worker_id").alias("record_id"), pl.col("staff_number").alias("reference")
        ),
        "in_post_without_team",
        "worker",
        detail=pl.format("{} in post with no team", pl.col("role")),
    )


def shared_swe_number(data: QualityData) -> pl.DataFrame:
    people = _people(data).filter(pl.col("swe_number").is_not_null())
    shared = people.filter(pl.len().over("authority_id", "swe_number") > 1).sort(
        "swe_number", "staff_number"
    )
    return _findings(
        shared.with_columns(
            pl.col("worker_id").alias("record_id"), pl.col("staff_number").alias("reference")
        ),
        "shared_swe_number",
        "worker",
        detail=pl.format("SWE number {} is on more than one record", pl.col("swe_number")),
    )


ALL_CHECKS: tuple[Callable[[QualityData], pl.DataFrame], ...] = (
    missing_swe_number,
    missing_census_items,
    leaver_missing_reason,
    overlapping_spells,
    fte_above_one,
    unallocated_children,
    allocation_to_worker_not_in_post,
    in_post_without_team,
    shared_swe_number,
)
LINKS = {"worker": "workers", "child": "children", "spell": "spells", "allocation": "allocations"}


def run_checks(data: QualityData, *, link_base: str = "") -> pl.DataFrame:
    """Every check's findings, with a link to each record (``{base}/workers/{id}`` ...)."""
    findings = pl.concat([check(data) for check in ALL_CHECKS])
    order = {name: index for index, name in enumerate(CHECKS)}
    findings = findings.sort(
        pl.col("check").replace_strict(order, return_dtype=pl.Int64),
        pl.col("days"),
        "authority",
        "reference",
        "record_id",
        descending=[False, True, False, False, False],
        nulls_last=True,
    )
    return findings.with_columns(
        (
            pl.lit(link_base.rstrip("/") + "/")
            + pl.col("record").replace_strict(LINKS, default="records")
            + pl.lit("/")
            + pl.col("record_id").cast(pl.Utf8)
        ).alias("link")
    )

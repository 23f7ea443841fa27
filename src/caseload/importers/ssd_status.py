"""Child statuses from the SSD status tables (see :mod:`caseload.importers.ssd` for the rules)."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from caseload.domain import CaseType
from caseload.importers.problems import combine

SCHEMA = pl.Schema(
    {
        "external_id": pl.Utf8,
        "child_ref": pl.Utf8,
        "status": pl.Utf8,
        "start_date": pl.Date,
        "end_date": pl.Date,
        "_row": pl.Int64,
        "_file": pl.Utf8,
    }
)
PLANS = (
    ("ssd_cin_plans", "cin", CaseType.CHILD_IN_NEED, "cinp_cin_plan_id", "cinp_person_id",
     "cinp_cin_plan_start", "cinp_cin_plan_end"),
    ("ssd_cp_plans", "cp", CaseType.CHILD_PROTECTION, "cppl_cp_plan_id", "cppl_person_id",
     "cppl_cp_plan_start_date", "cppl_cp_plan_end_date"),
)  # fmt: skip


def _valid(frame: pl.DataFrame, *required: str) -> pl.DataFrame:
    return frame.filter(pl.all_horizontal(pl.col(c).is_not_null() for c in required))


def _plans(typed: dict[str, pl.DataFrame], files: dict[str, str]) -> list[pl.DataFrame]:
    found = []
    for table, prefix, status, id_col, person, start, end in PLANS:
        if table not in typed:
            continue
        rows = _valid(typed[table], id_col, person, start).filter(
            ~(pl.col(end) < pl.col(start)).fill_null(False)
        )
        found.append(
            rows.select(
                (pl.lit(f"{prefix}:") + pl.col(id_col)).alias("external_id"),
                pl.col(person).alias("child_ref"),
                pl.lit(status.value).alias("status"),
                pl.col(start).alias("start_date"),
                pl.col(end).alias("end_date"),
                "_row",
                pl.lit(files[table]).alias("_file"),
            )
        )
    return found


def _periods_of_care(frame: pl.DataFrame, file: str) -> pl.DataFrame:
    """CLA episodes that follow on (or overlap) make one period of care."""
    rows = _valid(frame, "clae_cla_episode_id", "clae_person_id", "clae_cla_episode_start_date")
    rows = rows.filter(
        ~(pl.col("clae_cla_episode_ceased") < pl.col("clae_cla_episode_start_date")).fill_null(
            False
        )
    ).sort("clae_person_id", "clae_cla_episode_start_date", "_row")
    reach = (
        pl.col("clae_cla_episode_ceased")
        .fill_null(date.max)
        .cum_max()
        .shift(1)
        .over("clae_person_id")
    )
    day_before = pl.col("clae_cla_episode_start_date") - pl.duration(days=1)
    new_period = reach.is_null() | (day_before > reach).fill_null(False)
    marked = rows.with_columns(new_period.cum_sum().over("clae_person_id").alias("_period"))
    return (
        marked.group_by("clae_person_id", "_period", maintain_order=True)
        .agg(
            pl.col("clae_cla_episode_id").first(),
            pl.col("clae_cla_episode_start_date").min().alias("start_date"),
            pl.when(pl.col("clae_cla_episode_ceased").is_null().any())
            .then(pl.lit(None, dtype=pl.Date))
            .otherwise(pl.col("clae_cla_episode_ceased").max())
            .alias("end_date"),
            pl.col("_row").first(),
        )
        .select(
            (pl.lit("cla:") + pl.col("clae_cla_episode_id")).alias("external_id"),
            pl.col("clae_person_id").alias("child_ref"),
            pl.lit(CaseType.LOOKED_AFTER.value).alias("status"),
            "start_date",
            "end_date",
            "_row",
            pl.lit(file).alias("_file"),
        )
    )


def _care_leavers(
    frame: pl.DataFrame, care: pl.DataFrame | None, file: str, as_at: date
) -> pl.DataFrame:
    rows = _valid(frame, "clea_table_id", "clea_person_id").unique(
        subset=["clea_person_id"], keep="last", maintain_order=True
    )
    if care is not None and care.height:
        left_care = (
            care.filter(pl.col("end_date").is_not_null() & (pl.col("end_date") <= as_at))
            .group_by("child_ref")
            .agg((pl.col("end_date").max() + timedelta(days=1)).alias("_after_care"))
        )
    else:
        left_care = pl.DataFrame(schema={"child_ref": pl.Utf8, "_after_care": pl.Date})
    start = pl.min_horizontal(
        pl.coalesce(
            "_after_care",
            "clea_pathway_plan_review_date",
            "clea_care_leaver_latest_contact",
            pl.lit(as_at),
        ),
        pl.lit(as_at),
    )
    return rows.join(
        left_care.rename({"child_ref": "clea_person_id"}), on="clea_person_id", how="left"
    ).select(
        (pl.lit("care_leaver:") + pl.col("clea_table_id")).alias("external_id"),
        pl.col("clea_person_id").alias("child_ref"),
        pl.lit(CaseType.CARE_LEAVER.value).alias("status"),
        start.alias("start_date"),
        pl.lit(None, dtype=pl.Date).alias("end_date"),
        "_row",
        pl.lit(file).alias("_file"),
    )


def _trim_handovers(statuses: pl.DataFrame) -> pl.DataFrame:
    """A status ending on the day the child's next status starts ends the day before."""
    ordered = statuses.sort("child_ref", "start_date", "_row")
    following = pl.col("start_date").shift(-1).over("child_ref")
    return ordered.with_columns(
        pl.when((pl.col("end_date") == following) & (pl.col("start_date") < following))
        .then(following - pl.duration(days=1))
        .otherwise(pl.col("end_date"))
        .alias("end_date")
    )


def _assessments(episodes: pl.DataFrame, plans: pl.DataFrame, file: str) -> pl.DataFrame:
    """From each referral that led to an assessment to the day before the next plan, or to the
    episode's close; none when a plan is already running on the referral day."""
    referrals = (
        _valid(episodes, "cine_referral_id", "cine_person_id", "cine_referral_date")
        .filter(
            ~pl.col("cine_referral_nfa").fill_null(False)
            & ~(pl.col("cine_close_date") < pl.col("cine_referral_date")).fill_null(False)
        )
        .unique(subset=["cine_referral_id"], keep="first", maintain_order=True)
    )
    base = referrals.select(
        pl.col("cine_referral_id").alias("referral"),
        pl.col("cine_person_id").alias("child_ref"),
        pl.col("cine_referral_date").alias("start_date"),
        pl.col("cine_close_date").alias("close"),
        "_row",
    )
    pairs = base.join(
        plans.select(
            "child_ref", pl.col("start_date").alias("p_start"), pl.col("end_date").alias("p_end")
        ),
        on="child_ref",
        how="left",
    )
    running = (
        pairs.filter(
            (pl.col("p_start") < pl.col("start_date"))
            & (pl.col("p_end").is_null() | (pl.col("p_end") >= pl.col("start_date")))
        )
        .select("referral")
        .unique()
    )
    following = (
        pairs.filter(
            (pl.col("p_start") >= pl.col("start_date"))
            & (pl.col("close").is_null() | (pl.col("p_start") <= pl.col("close")))
        )
        .group_by("referral")
        .agg(pl.col("p_start").min().alias("next_plan"))
    )
    return (
        base.join(running, on="referral", how="anti")
        .join(following, on="referral", how="left")
        .with_columns(
            pl.coalesce(pl.col("next_plan") - pl.duration(days=1), pl.col("close")).alias(
                "end_date"
            )
        )
        .filter(pl.col("end_date").is_null() | (pl.col("end_date") >= pl.col("start_date")))
        .select(
            (pl.lit("assessment:") + pl.col("referral")).alias("external_id"),
            "child_ref",
            pl.lit(CaseType.ASSESSMENT.value).alias("status"),
            "start_date",
            "end_date",
            "_row",
            pl.lit(file).alias("_file"),
        )
    )


def derive_statuses(
    typed: dict[str, pl.DataFrame], files: dict[str, str], as_at: date
) -> tuple[pl.DataFrame, tuple[str, ...], pl.DataFrame]:
    parts = _plans(typed, files)
    kinds = [status.value for table, _, status, *_ in PLANS if table in typed]
    care = None
    if "ssd_cla_episodes" in typed:
        care = _periods_of_care(typed["ssd_cla_episodes"], files["ssd_cla_episodes"])
        parts.append(care)
        kinds.append(CaseType.LOOKED_AFTER.value)
    if "ssd_care_leavers" in typed:
        parts.append(
            _care_leavers(typed["ssd_care_leavers"], care, files["ssd_care_leavers"], as_at)
        )
        kinds.append(CaseType.CARE_LEAVER.value)
    plans = (
        _trim_handovers(pl.concat([p.cast(SCHEMA) for p in parts]))
        if parts
        else pl.DataFrame(schema=SCHEMA)
    )
    if "ssd_cin_episodes" in typed:
        assessments = _assessments(typed["ssd_cin_episodes"], plans, files["ssd_cin_episodes"])
        plans = pl.concat([plans, assessments.cast(SCHEMA)])
        kinds.append(CaseType.ASSESSMENT.value)
    statuses = plans.unique(subset=["external_id"], keep="first", maintain_order=True)
    return statuses.sort("child_ref", "start_date"), tuple(kinds), combine()

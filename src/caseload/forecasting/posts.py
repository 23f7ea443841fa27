"""Posts needed: the case-holding FTE a number of open cases needs at the caseload policy's
targets, set beside the establishment (funded FTE) and the FTE in post.

The conversion uses the policy's own definition of a caseload (children a worker is the
allocated worker for, per FTE) and its weights (points per case):

1. the cases of each type are shared between roles as they are held on the day
   (``mix``): if 60% of child protection cases sit with senior social workers today, 60% of the
   forecast ones do too. A type nobody holds today is shared like all cases together;
2. a role's points are its cases times the points its cases of that type carry today (so the
   share in proceedings stays as it is);
3. FTE needed = the higher of cases / target cases and points / target points, where the target
   cases are the policy's ``target_cases`` for the role (its case cap when it sets none) and the
   target points are the points cap scaled the same way (points cap x target cases / case cap);
4. roles are gathered by the post they fill (the HR grade: a newly qualified social worker in
   the supported first year fills a social worker post but is counted at the ASYE target).

Frames in, frames out."""

from __future__ import annotations

import polars as pl

from caseload.caseloads.policy import CASE_HOLDING_ROLES, CaseloadPolicy
from caseload.domain import Role

POST_ROLES = (
    Role.SOCIAL_WORKER.value,
    Role.SENIOR_SOCIAL_WORKER.value,
    Role.ADVANCED_PRACTITIONER.value,
)
"""The case-holding posts: newly qualified workers fill social worker posts."""
POST_LABELS = {
    Role.SOCIAL_WORKER.value: "Social worker (with newly qualified)",
    Role.SENIOR_SOCIAL_WORKER.value: "Senior social worker",
    Role.ADVANCED_PRACTITIONER.value: "Advanced practitioner",
}


def targets(policy: CaseloadPolicy) -> pl.DataFrame:
    """role, target_cases, target_points for each case-holding role (see the module's step 3)."""
    rows = []
    for role in CASE_HOLDING_ROLES:
        cap = policy.caps[role]
        target = cap.target_cases if cap.target_cases is not None else cap.cases
        points = cap.points * target / cap.cases if cap.cases else 0.0
        rows.append((role, float(target), points))
    return pl.DataFrame(
        rows,
        schema={"role": pl.Utf8, "target_cases": pl.Float64, "target_points": pl.Float64},
        orient="row",
    )


def case_mix(held: pl.DataFrame, workers: pl.DataFrame) -> pl.DataFrame:
    """The cases held on a day by role, post and case type. ``held``: worker_id, case_type,
    points (:func:`caseload.caseloads.position.held_on`); ``workers``: worker_id, role (the role
    caps apply to, ASYE included), hr_role (the grade). Columns: role, post, case_type, cases,
    points. Children without an open status and workers outside the case-holding roles are left
    out; a grade outside the case-holding posts counts in the post of its role."""
    joined = held.filter(pl.col("case_type").is_not_null()).join(
        workers.select("worker_id", "role", "hr_role"), on="worker_id", how="inner"
    )
    post = (
        pl.when(pl.col("hr_role").is_in(POST_ROLES))
        .then(pl.col("hr_role"))
        .when(pl.col("role") == Role.ASYE.value)
        .then(pl.lit(Role.SOCIAL_WORKER.value))
        .otherwise(pl.col("role"))
    )
    return (
        joined.filter(pl.col("role").is_in(CASE_HOLDING_ROLES))
        .with_columns(post.alias("post"))
        .group_by("role", "post", "case_type")
        .agg(pl.len().cast(pl.Float64).alias("cases"), pl.col("points").sum())
        .sort("role", "post", "case_type")
    )


def posts_needed(
    cases: pl.DataFrame,
    mix: pl.DataFrame,
    policy: CaseloadPolicy,
    funded: pl.DataFrame,
    in_post: pl.DataFrame,
) -> pl.DataFrame:
    """The FTE ``cases`` (case_type, cases: open cases of each type) need, by post.

    ``mix``: :func:`case_mix` on the day the shares are taken from; ``funded``: role, funded_fte
    (the establishment's posts open that day); ``in_post``: role, fte, agency_fte. Columns:
    post, label, cases, points, fte_needed, funded_fte, in_post_fte, agency_fte,
    gap_to_funded (needed - funded: positive means more posts are needed), gap_to_in_post
    (needed - own staff in post). Unrounded; one row per :data:`POST_ROLES`."""
    totals = mix.group_by("case_type").agg(pl.col("cases").sum().alias("_type_cases"))
    overall = mix.group_by("role", "post").agg(pl.col("cases").sum(), pl.col("points").sum())
    all_cases = float(mix["cases"].sum()) if mix.height else 0.0
    shares = mix.join(totals, on="case_type").select(
        "role",
        "post",
        "case_type",
        (pl.col("cases") / pl.col("_type_cases")).alias("share"),
        (pl.col("points") / pl.col("cases")).alias("points_per_case"),
    )
    unheld = cases.join(totals, on="case_type", how="anti").select("case_type")
    if unheld.height and all_cases > 0:
        fallback = unheld.join(
            overall.select(
                "role",
                "post",
                (pl.col("cases") / all_cases).alias("share"),
                (pl.col("points") / pl.col("cases")).alias("points_per_case"),
            ),
            how="cross",
        ).select("role", "post", "case_type", "share", "points_per_case")
        shares = pl.concat([shares, fallback])
    by_role = (
        cases.select("case_type", pl.col("cases").cast(pl.Float64).alias("_forecast"))
        .join(shares, on="case_type", how="inner")
        .group_by("role", "post")
        .agg(
            (pl.col("_forecast") * pl.col("share")).sum().alias("cases"),
            (pl.col("_forecast") * pl.col("share") * pl.col("points_per_case"))
            .sum()
            .alias("points"),
        )
        .join(targets(policy), on="role", how="left")
        .with_columns(
            pl.max_horizontal(
                pl.when(pl.col("target_cases") > 0).then(pl.col("cases") / pl.col("target_cases")),
                pl.when(pl.col("target_points") > 0).then(
                    pl.col("points") / pl.col("target_points")
                ),
            )
            .fill_null(0.0)
            .alias("fte_needed")
        )
    )
    by_post = by_role.group_by("post").agg(
        pl.col("cases").sum(), pl.col("points").sum(), pl.col("fte_needed").sum()
    )
    grid = pl.DataFrame(
        {"post": list(POST_ROLES), "label": [POST_LABELS[r] for r in POST_ROLES]},
        schema={"post": pl.Utf8, "label": pl.Utf8},
    )
    return (
        grid.join(by_post, on="post", how="left")
        .join(funded.select(pl.col("role").alias("post"), "funded_fte"), on="post", how="left")
        .join(
            in_post.select(
                pl.col("role").alias("post"), pl.col("fte").alias("in_post_fte"), "agency_fte"
            ),
            on="post",
            how="left",
        )
        .with_columns(
            pl.col("cases", "points", "fte_needed", "funded_fte", "in_post_fte", "agency_fte")
            .cast(pl.Float64)
            .fill_null(0.0)
        )
        .with_columns(
            (pl.col("fte_needed") - pl.col("funded_fte")).alias("gap_to_funded"),
            (pl.col("fte_needed") - pl.col("in_post_fte")).alias("gap_to_in_post"),
        )
    )

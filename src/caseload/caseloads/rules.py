"""The caseload rules and every place they are broken on a day.

Each breach names its rule, severity (red: act now; amber: act soon), the worker, team or child it
is about, and a message a team manager can act on. Rules (codes as they appear in output):

- ``over_case_cap`` / ``asye_over_cap``: more cases than the role's cap x FTE;
- ``over_points_cap``: more weighted points than the role's points cap x FTE;
- ``asye_sole_protected``: an ASYE holds a protected case (child protection, proceedings) with no
  co-worker in a protecting role;
- ``siblings_split``: open siblings are allocated to different workers (care leavers are adults
  supported by the leaving care service, so a care leaver is not split from a sibling in care);
- ``allocated_while_absent``: an allocation started while the worker was absent;
- ``cases_during_long_absence``: a worker on long absence still holds cases;
- ``allocated_after_leaving``: a worker no longer in post still holds cases;
- ``not_case_holding_role``: a worker in a role without a caseload (a manager) holds cases;
- ``closed_case_allocated``: an allocation is still open for a child with no open case;
- ``over_span_of_control`` / ``no_team_manager``: a team has more case holders than its managers
  may supervise, or none;
- ``asye_support``: a team has more ASYEs than its advanced practitioners may support."""

from __future__ import annotations

from typing import Any

import polars as pl

from caseload.caseloads.policy import CaseloadPolicy
from caseload.caseloads.position import case_label

RED = "red"
AMBER = "amber"
BREACH_SCHEMA: dict[str, Any] = {
    "rule": pl.Utf8,
    "severity": pl.Utf8,
    "team_id": pl.Int64,
    "team": pl.Utf8,
    "worker_id": pl.Int64,
    "worker": pl.Utf8,
    "child_id": pl.Int64,
    "child_ref": pl.Utf8,
    "message": pl.Utf8,
}
RULE_ORDER = (
    "asye_sole_protected",
    "asye_over_cap",
    "over_case_cap",
    "over_points_cap",
    "cases_during_long_absence",
    "allocated_after_leaving",
    "siblings_split",
    "allocated_while_absent",
    "not_case_holding_role",
    "closed_case_allocated",
    "over_span_of_control",
    "no_team_manager",
    "asye_support",
)


def cases_text(count: int) -> str:
    return f"{count} case" if count == 1 else f"{count} cases"


def role_label(role: str) -> str:
    """'advanced practitioner', 'ASYE': a role as a manager says it."""
    return role.replace("_", " ").replace("asye", "ASYE")


def _label(row: dict[str, Any]) -> str:
    name = row.get("name") or "unknown worker"
    number = row.get("staff_number")
    return f"{name} ({number})" if number else str(name)


def _breach(rule: str, severity: str, message: str, **about: Any) -> dict[str, Any]:
    row = dict.fromkeys(BREACH_SCHEMA)
    row.update(rule=rule, severity=severity, message=message, **about)
    return row


def _fte_text(row: dict[str, Any]) -> str:
    phased = ", phased return" if row["phased_return"] else ""
    return f"{row['fte']:g} FTE{phased}"


def worker_breaches(caseloads: pl.DataFrame, policy: CaseloadPolicy) -> list[dict[str, Any]]:
    """Cap, absence, leaving and role rules, one breach per worker and rule."""
    found: list[dict[str, Any]] = []
    for row in caseloads.iter_rows(named=True):
        who = {
            "worker_id": row["worker_id"],
            "worker": _label(row),
            "team_id": row["team_id"],
            "team": row["team"],
        }
        cases, points = row["cases"], row["points"]
        if row["in_post"] and row["case_holding"]:
            cap = policy.caps[row["role"]]
            # The same tests as the worker's red band (caseloads.definitions.over_*_cap).
            if row["over_case_cap"]:
                asye = row["role"] == "asye"
                what = "protected ASYE caseload" if asye else "case cap"
                found.append(
                    _breach(
                        "asye_over_cap" if asye else "over_case_cap",
                        RED,
                        f"{who['worker']} holds {cases_text(cases)}, above the {what} of "
                        f"{row['cap_cases']:g} ({cap.cases} x {_fte_text(row)})",
                        **who,
                    )
                )
            if row["over_points_cap"]:
                found.append(
                    _breach(
                        "over_points_cap",
                        RED,
                        f"{who['worker']} carries {points:g} points, above the cap of "
                        f"{row['cap_points']:g} ({cap.points:g} x {_fte_text(row)})",
                        **who,
                    )
                )
        if row["long_absence"] and cases > 0:
            found.append(
                _breach(
                    "cases_during_long_absence",
                    RED,
                    f"{who['worker']} has been absent since {row['absent_since']} and still holds "
                    f"{cases_text(cases)}; plan the move of the caseload",
                    **who,
                )
            )
        if not row["in_post"] and cases > 0:
            found.append(
                _breach(
                    "allocated_after_leaving",
                    RED,
                    f"{who['worker']} is no longer in post and still holds {cases_text(cases)}",
                    **who,
                )
            )
        if row["in_post"] and not row["case_holding"] and cases > 0:
            role = role_label(str(row["role"]))
            found.append(
                _breach(
                    "not_case_holding_role",
                    AMBER,
                    f"{who['worker']} is a {role}, a role without a caseload, and holds "
                    f"{cases_text(cases)}",
                    **who,
                )
            )
    return found


def case_breaches(
    held: pl.DataFrame,
    caseloads: pl.DataFrame,
    absences: pl.DataFrame,
    policy: CaseloadPolicy,
) -> list[dict[str, Any]]:
    """ASYE protection, allocations started during absence, closed cases still allocated."""
    people = caseloads.select(
        "worker_id", "name", "staff_number", "role", "in_post", "long_absence", "team_id", "team"
    )
    protecting = set(
        people.filter(
            pl.col("role").is_in(sorted(policy.co_worker_roles))
            & pl.col("in_post")
            & ~pl.col("long_absence")
        )["worker_id"].to_list()
    )
    rows = held.join(people, on="worker_id", how="left")
    spells = absences.select(
        "worker_id",
        pl.col("start_date").alias("absence_start"),
        pl.col("end_date").alias("absence_end"),
    )
    during = (
        held.select("allocation_id", "worker_id", "start_date")
        .join(spells, on="worker_id")
        .filter(
            (pl.col("start_date") >= pl.col("absence_start"))
            & (pl.col("absence_end").is_null() | (pl.col("start_date") <= pl.col("absence_end")))
        )
    )
    started_absent = set(during["allocation_id"].to_list())
    rows = rows.filter(
        ((pl.col("role") == "asye") & pl.col("protected"))
        | pl.col("allocation_id").is_in(sorted(started_absent))
        | pl.col("case_type").is_null()
    )
    found: list[dict[str, Any]] = []
    for row in rows.iter_rows(named=True):
        about = {
            "worker_id": row["worker_id"],
            "worker": _label(row),
            "team_id": row["team_id"],
            "team": row["team"],
            "child_id": row["child_id"],
            "child_ref": row["child_ref"],
        }
        sole = not protecting.intersection(row["co_workers"] or [])
        if row["role"] == "asye" and row["protected"] and sole:
            found.append(
                _breach(
                    "asye_sole_protected",
                    RED,
                    f"{about['worker']} is an ASYE holding {row['child_ref']} "
                    f"({case_label(row['case_type'], row['proceedings'])}) with no co-worker from "
                    f"{', '.join(role_label(r) for r in sorted(policy.co_worker_roles))}",
                    **about,
                )
            )
        if row["allocation_id"] in started_absent:
            found.append(
                _breach(
                    "allocated_while_absent",
                    AMBER,
                    f"{row['child_ref']} was allocated to {about['worker']} on {row['start_date']} "
                    "while they were absent",
                    **about,
                )
            )
        if row["case_type"] is None:
            found.append(
                _breach(
                    "closed_case_allocated",
                    AMBER,
                    f"{row['child_ref']} has no open case but is still allocated to "
                    f"{about['worker']}; end the allocation",
                    **about,
                )
            )
    return found


def sibling_breaches(cases: pl.DataFrame, caseloads: pl.DataFrame) -> list[dict[str, Any]]:
    """One breach per sibling group whose open children (care leavers aside) have more than one
    allocated worker."""
    names = {row["worker_id"]: _label(row) for row in caseloads.iter_rows(named=True)}
    teams = {
        row["worker_id"]: (row["team_id"], row["team"]) for row in caseloads.iter_rows(named=True)
    }
    groups = (
        cases.filter(
            pl.col("sibling_group").is_not_null()
            & pl.col("worker_id").is_not_null()
            & (pl.col("case_type").fill_null("") != "care_leaver")
        )
        .group_by("sibling_group")
        .agg(
            pl.col("worker_id").n_unique().alias("workers"),
            pl.col("child_ref").sort().alias("refs"),
            pl.col("worker_id").unique().sort().alias("worker_ids"),
        )
        .filter(pl.col("workers") > 1)
        .sort("sibling_group")
    )
    found = []
    for row in groups.iter_rows(named=True):
        held_by = ", ".join(names.get(w, str(w)) for w in row["worker_ids"])
        team_id, team = teams.get(row["worker_ids"][0], (None, None))
        found.append(
            _breach(
                "siblings_split",
                AMBER,
                f"siblings {', '.join(row['refs'])} (group {row['sibling_group']}) are split "
                f"between {held_by}",
                child_ref=row["refs"][0],
                team_id=team_id,
                team=team,
            )
        )
    return found


def team_breaches(teams: pl.DataFrame, policy: CaseloadPolicy) -> list[dict[str, Any]]:
    """Span of control and ASYE support per team."""
    found = []
    for row in teams.filter(pl.col("team_id").is_not_null()).iter_rows(named=True):
        about = {"team_id": row["team_id"], "team": row["team"]}
        holders = row["case_holders"]
        if holders and row["managers"] == 0:
            found.append(
                _breach(
                    "no_team_manager",
                    AMBER,
                    f"{row['team']} has {holders} case holder(s) and no team manager",
                    **about,
                )
            )
        elif holders > row["span"]:
            found.append(
                _breach(
                    "over_span_of_control",
                    AMBER,
                    f"{row['team']} has {holders} case holders for {row['managers']} manager(s); "
                    f"the span of control is {policy.span_of_control} each",
                    **about,
                )
            )
        supported = row["advanced"] * policy.asye_per_advanced_practitioner
        if row["asye"] > supported:
            found.append(
                _breach(
                    "asye_support",
                    AMBER,
                    f"{row['team']} has {row['asye']} ASYEs and {row['advanced']} advanced "
                    f"practitioner(s), who may support {supported}",
                    **about,
                )
            )
    return found


def as_frame(breaches: list[dict[str, Any]]) -> pl.DataFrame:
    """Breaches as a frame, most serious rule first."""
    order = {rule: index for index, rule in enumerate(RULE_ORDER)}
    frame = pl.DataFrame(breaches, schema=BREACH_SCHEMA)
    return (
        frame.with_columns(
            pl.col("rule")
            .replace_strict(order, default=len(order), return_dtype=pl.Int64)
            .alias("_o")
        )
        .sort("_o", "team", "worker", "child_ref", nulls_last=True)
        .drop("_o")
    )

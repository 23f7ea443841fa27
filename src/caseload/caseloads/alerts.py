"""Alerts a manager acts on: every rule breach, children unallocated past the review or escalation
age, and workers about to leave or start a long absence while holding cases. Each alert says what
is wrong and what to do; red first."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from caseload.caseloads.policy import CaseloadPolicy
from caseload.caseloads.position import case_label
from caseload.caseloads.rules import AMBER, RED, RULE_ORDER, cases_text

ALERT_SCHEMA: dict[str, Any] = {
    "severity": pl.Utf8,
    "kind": pl.Utf8,
    "team": pl.Utf8,
    "subject": pl.Utf8,
    "message": pl.Utf8,
    "action": pl.Utf8,
    # What the alert is about, for links: the worker, the child, and the first day of a move.
    "worker_id": pl.Int64,
    "child_ref": pl.Utf8,
    "move_from": pl.Date,
}
KIND_ORDER = (
    *RULE_ORDER[:2],
    "unallocated_escalate",
    *RULE_ORDER[2:],
    "leaving_with_cases",
    "long_absence_with_cases",
    "unallocated_review",
)

ALERT_LABELS = {  # each kind of alert as a manager names it
    "asye_sole_protected": "ASYE holding a protected case without a co-worker",
    "asye_over_cap": "ASYE above the protected caseload",
    "over_case_cap": "Worker above the case cap",
    "over_points_cap": "Worker above the workload points cap",
    "unallocated_escalate": "Child waiting past the escalation age",
    "cases_during_long_absence": "Worker on long absence still holding cases",
    "allocated_after_leaving": "Worker who has left still holding cases",
    "siblings_split": "Siblings allocated to different workers",
    "allocated_while_absent": "Case allocated while the worker was absent",
    "not_case_holding_role": "Cases held by someone in a role without a caseload",
    "closed_case_allocated": "Allocation still open on a closed case",
    "over_span_of_control": "Team above its managers' span of control",
    "no_team_manager": "Team without a manager",
    "asye_support": "Too few advanced practitioners for the team's ASYEs",
    "leaving_with_cases": "Worker leaving soon while holding cases",
    "long_absence_with_cases": "Worker starting a long absence while holding cases",
    "unallocated_review": "Child waiting past the review age",
}

ACTIONS = {
    "asye_sole_protected": "add a co-worker in a protecting role, or move the case",
    "asye_over_cap": "move cases to bring the ASYE within the protected caseload",
    "over_case_cap": "move cases; no new case is recommended to this worker meanwhile",
    "over_points_cap": "move cases; no new case is recommended to this worker meanwhile",
    "cases_during_long_absence": "plan the move of {staff}'s caseload from {day}",
    "allocated_after_leaving": "plan the move of {staff}'s caseload from {day}",
    "siblings_split": "bring the siblings to one worker",
    "allocated_while_absent": "check the child has been seen; consider reallocating",
    "not_case_holding_role": "allocate the cases to case holders",
    "closed_case_allocated": "end the allocation in the case management system",
    "over_span_of_control": "add a manager or split the team",
    "no_team_manager": "name the team's manager",
    "asye_support": "arrange advanced practitioner support for the ASYEs",
}


def build_alerts(
    breaches: pl.DataFrame,
    queue: pl.DataFrame,
    caseloads: pl.DataFrame,
    day: date,
    policy: CaseloadPolicy,
) -> pl.DataFrame:
    """Alerts from the day's breaches, unallocated queue and worker caseloads."""
    staff = dict(caseloads.select("worker_id", "staff_number").iter_rows())
    rows: list[dict[str, Any]] = []
    for breach in breaches.iter_rows(named=True):
        subject = breach["worker"] or breach["child_ref"] or breach["team"]
        template = ACTIONS.get(breach["rule"], "")
        action = template.format(staff=staff.get(breach["worker_id"], "STAFF_NUMBER"), day=day)
        rows.append(
            {
                "severity": breach["severity"],
                "kind": breach["rule"],
                "team": breach["team"],
                "subject": subject,
                "message": breach["message"],
                "action": action,
                "worker_id": breach["worker_id"],
                "child_ref": breach["child_ref"],
                "move_from": day if "{day}" in template else None,
            }
        )
    overdue = queue.filter(pl.col("escalation") != "new")
    for child in overdue.iter_rows(named=True):
        escalate = child["escalation"] == "escalate"
        what = case_label(child["case_type"], child["proceedings"])
        rows.append(
            {
                "severity": RED if escalate else AMBER,
                "kind": "unallocated_escalate" if escalate else "unallocated_review",
                "team": child["home_team"],
                "subject": child["child_ref"],
                "message": f"{child['child_ref']} ({what}) has waited {child['days_waiting']} "
                f"days for a worker, since {child['waiting_since']}",
                "action": "escalate to the service manager and allocate"
                if escalate
                else "review at the weekly allocation meeting",
                "worker_id": None,
                "child_ref": child["child_ref"],
                "move_from": None,
            }
        )
    rows.extend(_departures(caseloads, day, policy))
    order = {kind: index for index, kind in enumerate(KIND_ORDER)}
    frame = pl.DataFrame(rows, schema=ALERT_SCHEMA)
    return (
        frame.with_columns(
            (pl.col("severity") != RED).alias("_s"),
            pl.col("kind")
            .replace_strict(order, default=len(order), return_dtype=pl.Int64)
            .alias("_k"),
        )
        .sort("_s", "_k", "team", "subject", nulls_last=True)
        .drop("_s", "_k")
    )


def _departures(caseloads: pl.DataFrame, day: date, policy: CaseloadPolicy) -> list[dict[str, Any]]:
    """Workers holding cases who leave the role, or start a long absence, within the policy's
    notice window."""
    window = policy.exclude_leaving_within_days
    soon = caseloads.filter(
        (pl.col("cases") > 0)
        & (
            (
                pl.col("holding_until").is_not_null()
                & ((pl.col("holding_until") - pl.lit(day)).dt.total_days() < window)
            )
            | (pl.col("long_absence_from").is_not_null() & ~pl.col("long_absence"))
        )
    )
    rows = []
    for worker in soon.iter_rows(named=True):
        label = f"{worker['name']} ({worker['staff_number']})"
        leaving = worker["holding_until"] is not None and (
            (worker["holding_until"] - day).days < window
        )
        if leaving:
            message = (
                f"{label} leaves the role after {worker['holding_until']} and holds "
                f"{cases_text(worker['cases'])}"
            )
            move_from = worker["holding_until"]
        else:
            message = (
                f"{label} starts a long absence on {worker['long_absence_from']} and holds "
                f"{cases_text(worker['cases'])}"
            )
            move_from = worker["long_absence_from"]
        if leaving:
            move_from = date.fromordinal(move_from.toordinal() + 1)
        rows.append(
            {
                "severity": AMBER,
                "kind": "leaving_with_cases" if leaving else "long_absence_with_cases",
                "team": worker["team"],
                "subject": label,
                "message": message,
                "action": f"plan the move of {worker['staff_number']}'s caseload from {move_from}",
                "worker_id": worker["worker_id"],
                "child_ref": None,
                "move_from": move_from,
            }
        )
    return rows

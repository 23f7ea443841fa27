"""What each role may see of people on the caseload, allocation and people pages, and the plain
rows those pages (and the API) are built from.

Detail levels:

- ``named`` (service leader; team manager within their teams): names, staff numbers and child
  references, with links to the worker pages;
- ``pseudonymised`` (analyst): one row per worker or child with a keyed pseudonym (``W-7F3K9Q2M``,
  ``C-...``: :mod:`caseload.services.pseudonyms`, never a database id) in place of names, staff
  numbers and child references, no links to named records, and rules broken described by rule
  rather than by the message (which names people);
- ``aggregate`` (elected member, administrator): team, service and council figures only, never a
  row per person. For elected members every count from 1 to 4 is shown as ``c``, with every
  figure built from it and every figure that would give it away by subtraction
  (:mod:`caseload.services.caseload_disclosure`)."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from typing import Any, cast
from urllib.parse import quote

import polars as pl
from typing_extensions import TypedDict

from caseload.auth.principal import Principal
from caseload.auth.roles import Permission
from caseload.caseloads.position import case_label
from caseload.domain import Role
from caseload.services.caseload_disclosure import Shield, rule_cell, service_cell, team_cell
from caseload.services.pseudonyms import Pseudonyms

RULE_TEXT = {
    "asye_sole_protected": "ASYE holding a protected case with no protecting co-worker",
    "asye_over_cap": "ASYE above the protected caseload",
    "over_case_cap": "Above the case cap",
    "over_points_cap": "Above the points cap",
    "cases_during_long_absence": "Holding cases during a long absence",
    "allocated_after_leaving": "Holding cases after leaving",
    "siblings_split": "Siblings split between workers",
    "allocated_while_absent": "Allocated while absent",
    "not_case_holding_role": "Holding cases in a role without a caseload",
    "closed_case_allocated": "Still allocated after the case closed",
    "over_span_of_control": "More case holders than the managers can supervise",
    "no_team_manager": "No team manager",
    "asye_support": "Too few advanced practitioners for the ASYEs",
}
ESCALATION_TEXT = {"escalate": "Escalate", "review": "Review", "new": "New"}
HISTORY_MONTHS = 24


Count = int | str | None  # a count, or "c" where suppressed
Rate = float | str | None  # a figure, or "c" where suppressed


class Crumb(TypedDict):
    label: str
    href: str | None


class Choice(TypedDict):
    """One option of a page's filter: the value sent and the words shown."""

    value: str
    label: str


class WorkerRow(TypedDict):
    """A worker's caseload on the day (as in the council's report). Pseudonymised rows have
    ``label`` the worker's pseudonym (W-...) and no id, name, staff number or link."""

    worker_id: int | None
    label: str | None
    name: str | None
    staff_number: str | None
    href: str | None
    team: str | None
    service: str | None
    role: str
    contract: str | None
    fte: float | None
    cases: int
    points: float
    co_working: int
    cap_cases: float
    cap_points: float
    caseload: float | None
    utilisation: float | None
    band: str | None
    flags: list[str]
    rules: list[str]


class BreachRow(TypedDict):
    """A rule broken; ``message`` (which names people) only on named pages."""

    rule: str
    label: str
    severity: str
    team: str | None
    worker: str | None
    worker_href: str | None
    child: str | None
    message: str | None


class QueueRow(TypedDict):
    child: str | None
    case: str
    points: float
    waiting_since: str | None
    days_waiting: int | None
    escalation: str
    escalation_label: str
    home_team: str


class TeamRow(TypedDict):
    team_id: int | None
    team: str
    href: str | None
    service: str | None
    case_holders: Count
    fte: Rate
    cases: Count
    points: Rate
    utilisation: Rate
    dfe_caseload: Rate
    red: Count
    amber: Count
    green: Count
    absent: Count
    asye: Count
    advanced: Count
    managers: Count
    span: Count
    rules_broken: Count


class ServiceRow(TypedDict):
    service: str
    href: str | None
    case_holders: Count
    fte: Rate
    cases: Count
    points: Rate
    utilisation: Rate
    red: Count
    amber: Count
    green: Count
    absent: Count


class RuleCount(TypedDict):
    rule: str
    label: str
    severity: str
    count: Count


class HistoryPoint(TypedDict):
    month_end: str
    month: str
    cases: Count


class Detail(StrEnum):
    NAMED = "named"
    PSEUDONYMISED = "pseudonymised"
    AGGREGATE = "aggregate"


def detail_for(principal: Principal) -> Detail:
    if principal.can(Permission.VIEW_PEOPLE):
        return Detail.NAMED
    if principal.can(Permission.VIEW_PSEUDONYMISED):
        return Detail.PSEUDONYMISED
    return Detail.AGGREGATE


def _names(detail: Detail, names: Pseudonyms | None) -> Pseudonyms:
    if names is None:
        raise ValueError(f"{detail.value} rows need the council's pseudonyms")
    return names


def child_ref_for(
    detail: Detail, child_id: int | None, child_ref: str | None, names: Pseudonyms | None
) -> str | None:
    if detail is Detail.NAMED:
        return child_ref
    return _names(detail, names).child(child_id)


def plain(value: Any) -> Any:
    """A value as JSON holds it: dates as ISO text, floats rounded for reading."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def role_text(role: str | None) -> str:
    if not role:
        return "no post"
    try:
        return Role(role).label
    except ValueError:
        return role.replace("_", " ")


def flags(row: dict[str, Any]) -> list[str]:
    """Absent, on long absence, phased return, leaving: without any reason (health data)."""
    found = []
    if row.get("absent"):
        found.append("long absence" if row.get("long_absence") else "absent")
    if row.get("phased_return"):
        found.append("phased return")
    if row.get("holding_until") is not None:
        found.append(f"holds cases until {plain(row['holding_until'])}")
    return found


def worker_row(row: dict[str, Any], detail: Detail, names: Pseudonyms | None = None) -> WorkerRow:
    """A worker's caseload as a page row; ``detail`` is named or pseudonymised (with
    ``names``, the council's pseudonyms)."""
    named = detail is Detail.NAMED
    worker_id = int(row["worker_id"])
    return {
        "worker_id": worker_id if named else None,
        "label": (
            f"{row['name']} ({row['staff_number']})"
            if named
            else _names(detail, names).worker(worker_id)
        ),
        "name": row["name"] if named else None,
        "staff_number": row["staff_number"] if named else None,
        "href": f"/workers/{worker_id}" if named else None,
        "team": row["team"],
        "service": row["service"],
        "role": role_text(row["role"]),
        "contract": row["contract"],
        "fte": plain(row["fte"]),
        "cases": int(row["cases"]),
        "points": plain(float(row["points"])),
        "co_working": int(row["co_working"]),
        "cap_cases": plain(float(row["cap_cases"])),
        "cap_points": plain(float(row["cap_points"])),
        "caseload": plain(row["caseload"]),
        "utilisation": plain(row["utilisation"]),
        "band": row["band"],
        "flags": flags(row),
        "rules": [rule for rule in (row["rules"] or "").split(", ") if rule],
    }


def breach_row(row: dict[str, Any], detail: Detail, names: Pseudonyms | None = None) -> BreachRow:
    named = detail is Detail.NAMED
    return {
        "rule": row["rule"],
        "label": RULE_TEXT.get(row["rule"], row["rule"].replace("_", " ")),
        "severity": row["severity"],
        "team": row["team"],
        "worker": (row["worker"] if named else _names(detail, names).worker(row["worker_id"])),
        "worker_href": (
            f"/workers/{row['worker_id']}" if named and row["worker_id"] is not None else None
        ),
        "child": child_ref_for(detail, row["child_id"], row["child_ref"], names),
        "message": row["message"] if named else None,
    }


def queue_row(row: dict[str, Any], detail: Detail, names: Pseudonyms | None = None) -> QueueRow:
    return {
        "child": child_ref_for(detail, row["child_id"], row["child_ref"], names),
        "case": case_label(row["case_type"], row["proceedings"]),
        "points": plain(float(row["points"])),
        "waiting_since": plain(row["waiting_since"]),
        "days_waiting": row["days_waiting"],
        "escalation": row["escalation"],
        "escalation_label": ESCALATION_TEXT.get(row["escalation"], row["escalation"]),
        "home_team": row["home_team"] or "any team",
    }


def rate(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def team_row(row: dict[str, Any], shield: Shield, rules_broken: int) -> TeamRow:
    """A team's figures, through the shield of the council's caseload grid
    (:mod:`caseload.services.caseload_disclosure`)."""
    team_id = row["team_id"]

    def show(column: str, value: Any) -> Any:
        return shield.show(team_cell(team_id, column), value)

    return {
        "team_id": team_id,
        "team": row["team"] or "(no team)",
        "href": f"/teams/{team_id}" if team_id is not None else None,
        "service": row["service"],
        "case_holders": show("case_holders", row["case_holders"]),
        "fte": show("fte", rate(row["fte"])),
        "cases": show("cases", row["cases"]),
        "points": show("points", rate(row["points"])),
        "utilisation": show("utilisation", rate(row["utilisation"])),
        "dfe_caseload": show("dfe_caseload", rate(row.get("dfe_caseload"))),
        "red": show("red", row["red"]),
        "amber": show("amber", row["amber"]),
        "green": show("green", row["green"]),
        "absent": show("absent", row["absent"]),
        "asye": show("asye", row["asye"]),
        "advanced": show("advanced", row["advanced"]),
        "managers": show("managers", row["managers"]),
        "span": show("span", row["span"]),
        "rules_broken": show("rules_broken", rules_broken),
    }


def service_row(row: dict[str, Any], shield: Shield) -> ServiceRow:
    service = row["service"]

    def show(column: str, value: Any) -> Any:
        return shield.show(service_cell(service, column), value)

    return {
        "service": service or "(no service)",
        "href": f"/caseloads?service={quote(service)}" if service else None,
        "case_holders": show("case_holders", row["case_holders"]),
        "fte": show("fte", rate(row["fte"])),
        "cases": show("cases", row["cases"]),
        "points": show("points", rate(row["points"])),
        "utilisation": show("utilisation", rate(row["utilisation"])),
        "red": show("red", row["red"]),
        "amber": show("amber", row["amber"]),
        "green": show("green", row["green"]),
        "absent": show("absent", row["absent"]),
    }


def rule_counts(
    breaches: pl.DataFrame, shield: Shield, service: str | None = None
) -> list[RuleCount]:
    """Rules broken, counted by rule (most serious first, as the breaches are ordered): the
    council's, or those in a service area's teams (``service``)."""
    counted: dict[str, int] = {}
    severities: dict[str, str] = {}
    for rule, severity in breaches.select("rule", "severity").iter_rows():
        counted[rule] = counted.get(rule, 0) + 1
        severities.setdefault(rule, severity)
    return [
        {
            "rule": rule,
            "label": RULE_TEXT.get(rule, rule.replace("_", " ")),
            "severity": severities[rule],
            "count": cast(Count, shield.show(rule_cell(rule, service), n)),
        }
        for rule, n in counted.items()
    ]


def month_ends(day: date, months: int = HISTORY_MONTHS) -> list[date]:
    """The last ``months`` month-ends on or before ``day``, oldest first."""
    ends: list[date] = []
    cursor = day.replace(day=1) - timedelta(days=1)
    if (day + timedelta(days=1)).day == 1:
        cursor = day
    while len(ends) < months:
        ends.append(cursor)
        cursor = cursor.replace(day=1) - timedelta(days=1)
    return sorted(ends)


def _active_at_month_end() -> pl.Expr:
    return (pl.col("start_date") <= pl.col("month_end")) & (
        pl.col("end_date").is_null() | (pl.col("end_date") >= pl.col("month_end"))
    )


def month_end_cases(
    allocations: pl.DataFrame, day: date, memberships: pl.DataFrame | None = None
) -> list[HistoryPoint]:
    """Allocated-worker cases held at each month end (the DfE count). ``allocations`` has
    worker_id, start_date and end_date; with ``memberships`` (worker_id, start_date, end_date:
    the spells in a team) only cases held while the worker was in the team count."""
    ends = pl.DataFrame({"month_end": month_ends(day)}, schema={"month_end": pl.Date})
    rows = ends.join(allocations.select("worker_id", "start_date", "end_date"), how="cross")
    rows = rows.filter(_active_at_month_end())
    if memberships is not None:
        spells = ends.join(memberships.select("worker_id", "start_date", "end_date"), how="cross")
        members = spells.filter(_active_at_month_end()).select("month_end", "worker_id")
        rows = rows.join(members.unique(), on=["month_end", "worker_id"], how="semi")
    held = rows.group_by("month_end").len()
    counts = dict(held.iter_rows())
    return [
        {"month_end": end.isoformat(), "month": end.strftime("%b %Y"), "cases": counts.get(end, 0)}
        for end in ends["month_end"].to_list()
    ]

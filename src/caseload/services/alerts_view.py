"""The alerts page (/alerts) and its downloads: every alert in the principal's teams on the
reporting date, filtered by team, kind and severity, a page at a time, each linked to the record
it is about and to where the action is taken.

Alerts name workers and children, so only the roles that open named records see them (the
service leader: every team; a team manager: their teams); each view and download is recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import Engine
from typing_extensions import TypedDict

from caseload.auth.principal import Principal
from caseload.auth.roles import Permission
from caseload.caseloads.alerts import ALERT_LABELS, KIND_ORDER
from caseload.errors import InvalidInputError
from caseload.services import audit
from caseload.services.caseload_views import ScopeFields, scope_dict, scoped_for
from caseload.services.paging import Page, PageFields
from caseload.services.table_download import TableFile, table_file
from caseload.services.view_rows import Choice

PAGE_SIZE = 50
SEVERITIES = {"red": "Red: act now", "amber": "Amber: act soon"}
MOVE_KINDS = frozenset(
    {
        "cases_during_long_absence",
        "allocated_after_leaving",
        "leaving_with_cases",
        "long_absence_with_cases",
    }
)
WAITING_KINDS = frozenset({"unallocated_escalate", "unallocated_review"})


class AlertRow(TypedDict):
    severity: str
    kind: str
    label: str
    team: str | None
    subject: str | None
    subject_href: str | None
    message: str
    action: str
    action_href: str | None


class AlertsContext(ScopeFields, PageFields):
    title: str
    filters: dict[str, str]
    teams: list[Choice]
    kinds: list[Choice]
    severities: list[Choice]
    rows: list[AlertRow]
    total: int
    matching: int


@dataclass(frozen=True)
class AlertFilter:
    """Which alerts: one team (by name), one kind of alert, one severity; empty means any."""

    team: str = ""
    kind: str = ""
    severity: str = ""

    def checked(self, teams: list[str]) -> AlertFilter:
        if self.team and self.team not in teams:
            raise InvalidInputError(f"{self.team!r} is not one of your teams; choose a team")
        if self.kind and self.kind not in ALERT_LABELS:
            raise InvalidInputError(f"there is no kind of alert called {self.kind!r}")
        if self.severity and self.severity not in SEVERITIES:
            raise InvalidInputError("the severity must be red or amber")
        return self

    def apply(self, frame: pl.DataFrame) -> pl.DataFrame:
        if self.team:
            frame = frame.filter(pl.col("team") == self.team)
        if self.kind:
            frame = frame.filter(pl.col("kind") == self.kind)
        if self.severity:
            frame = frame.filter(pl.col("severity") == self.severity)
        return frame

    def as_dict(self) -> dict[str, str]:
        return {"team": self.team, "kind": self.kind, "severity": self.severity}


def _links(row: dict[str, Any]) -> tuple[str | None, str | None]:
    """Where the alert's subject is shown, and where its action is taken."""
    worker_id, child_ref, kind = row["worker_id"], row["child_ref"], row["kind"]
    subject = None
    if worker_id is not None:
        subject = f"/workers/{worker_id}" + (f"#child-{child_ref}" if child_ref else "")
    elif child_ref and kind in WAITING_KINDS:
        subject = f"/caseloads/queue#child-{child_ref}"
    action = None
    if kind in MOVE_KINDS and worker_id is not None and row["move_from"] is not None:
        action = f"/allocation/moves?worker_id={worker_id}&from={row['move_from'].isoformat()}"
    elif kind in WAITING_KINDS:
        action = "/allocation"
    return subject, action


def alert_rows(frame: pl.DataFrame) -> list[AlertRow]:
    rows: list[AlertRow] = []
    for row in frame.iter_rows(named=True):
        subject_href, action_href = _links(row)
        rows.append(
            {
                "severity": row["severity"],
                "kind": row["kind"],
                "label": ALERT_LABELS.get(row["kind"], row["kind"]),
                "team": row["team"],
                "subject": row["subject"],
                "subject_href": subject_href,
                "message": row["message"],
                "action": row["action"][:1].upper() + row["action"][1:],
                "action_href": action_href,
            }
        )
    return rows


def filtered_alerts(
    engine: Engine, principal: Principal, wanted: AlertFilter, *, as_at: date | None = None
) -> tuple[Any, pl.DataFrame, list[str]]:
    """The scope, the principal's alerts matching ``wanted`` (red first) and their team names."""
    audit.require(engine, principal, Permission.VIEW_PEOPLE, "alerts")
    scoped = scoped_for(engine, principal, as_at)
    everything = scoped.report.alerts
    teams = sorted({team for team in everything["team"].to_list() if team})
    return scoped, wanted.checked(teams).apply(everything), teams


def alerts_view(
    engine: Engine,
    principal: Principal,
    wanted: AlertFilter,
    *,
    page: int = 1,
    as_at: date | None = None,
) -> AlertsContext:
    scoped, matching, teams = filtered_alerts(engine, principal, wanted, as_at=as_at)
    where = Page.of(matching.height, page, PAGE_SIZE, "alerts")
    shown = matching.slice(where.start, PAGE_SIZE)
    present = set(scoped.report.alerts["kind"].to_list())
    audit.record(
        engine,
        principal,
        "view",
        "alerts",
        None,
        {"page": "alerts", "alerts_shown": shown.height, **wanted.as_dict()},
    )
    return {
        "title": "Alerts",
        **scope_dict(scoped.scope, principal),
        "filters": wanted.as_dict(),
        "teams": [{"value": team, "label": team} for team in teams],
        "kinds": [
            {"value": kind, "label": ALERT_LABELS[kind]}
            for kind in KIND_ORDER
            if kind in present and kind in ALERT_LABELS
        ],
        "severities": [{"value": key, "label": label} for key, label in SEVERITIES.items()],
        "rows": alert_rows(shown),
        "total": scoped.report.alerts.height,
        "matching": matching.height,
        **where.bounds(shown.height),
    }


DOWNLOAD_COLUMNS = ("Severity", "Alert", "Team", "About", "What is wrong", "What to do")


def alerts_download(
    engine: Engine,
    principal: Principal,
    wanted: AlertFilter,
    file_format: str,
    *,
    as_at: date | None = None,
) -> TableFile:
    """Every alert matching ``wanted`` (all pages) as the alerts page shows them, as a file."""
    scoped, matching, _ = filtered_alerts(engine, principal, wanted, as_at=as_at)
    rows = [
        [
            SEVERITIES[row["severity"]].split(":")[0],
            row["label"],
            row["team"],
            row["subject"],
            row["message"],
            row["action"],
        ]
        for row in alert_rows(matching)
    ]
    return table_file(
        engine,
        principal,
        what="alerts",
        title="Alerts",
        day=scoped.scope.day,
        columns=DOWNLOAD_COLUMNS,
        rows=rows,
        file_format=file_format,
        detail=wanted.as_dict(),
    )

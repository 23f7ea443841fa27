"""Finding a worker, a child or a team by typing part of a name or number (the search box in
every page's header).

Who may search: the roles that see named records (the service leader and team managers). What
they find is what they may open: workers in post in their teams on the reporting date (by name,
staff number or Social Work England number), teams they cover (by name) and children allocated
to those workers or waiting for one of their teams (by case reference). Each result links to the
page that shows it, which records its own view as always; the search itself is recorded too,
with how many of each kind it found."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
from sqlalchemy import Engine
from typing_extensions import TypedDict

from caseload.auth.principal import Principal
from caseload.auth.roles import Permission
from caseload.caseloads.position import active_on
from caseload.errors import InvalidInputError
from caseload.services import audit
from caseload.services.caseload_views import ScopeFields, scope_dict, scoped_for

MIN_LENGTH = 2
MAX_LENGTH = 60
MAX_RESULTS = 20
"""At most this many results of each kind; the page says when there were more."""


class Found(TypedDict):
    label: str
    detail: str
    href: str


class FoundKind(TypedDict):
    kind: str
    results: list[Found]
    more: int


class SearchContext(ScopeFields):
    title: str
    query: str
    groups: list[FoundKind]
    total: int


@dataclass(frozen=True)
class Query:
    """What was typed, checked: 2 to 60 characters of text, matched without regard to case."""

    text: str

    @classmethod
    def of(cls, typed: str | None) -> Query:
        text = " ".join((typed or "").split())
        if len(text) < MIN_LENGTH:
            raise InvalidInputError(
                f"type at least {MIN_LENGTH} letters or digits of a name, number or reference"
            )
        if len(text) > MAX_LENGTH or any(ord(c) < 32 for c in text):
            raise InvalidInputError(
                f"type up to {MAX_LENGTH} characters of a name, number or reference"
            )
        return cls(text)

    def matches(self, column: str) -> pl.Expr:
        return (
            pl.col(column)
            .fill_null("")
            .str.to_lowercase()
            .str.contains(self.text.lower(), literal=True)
        )


def _kind(kind: str, rows: list[Found]) -> FoundKind:
    return {"kind": kind, "results": rows[:MAX_RESULTS], "more": max(0, len(rows) - MAX_RESULTS)}


def search(
    engine: Engine, principal: Principal, typed: str | None, *, as_at: date | None = None
) -> SearchContext:
    """Workers, children and teams matching ``typed`` within the principal's scope."""
    audit.require(engine, principal, Permission.VIEW_PEOPLE, "search")
    query = Query.of(typed)
    scoped = scoped_for(engine, principal, as_at)
    data, report, day = scoped.council.data, scoped.report, scoped.scope.day
    teams = data.teams.select("team_id", "team")
    team_ids = principal.visible_team_ids()
    if team_ids is not None:
        teams = teams.filter(pl.col("team_id").is_in(list(team_ids)))

    workers = (
        report.workers.select("worker_id", "name", "staff_number", "team", "role", "cases")
        .join(data.workers.select("worker_id", "swe_number"), on="worker_id", how="left")
        .join(teams, on="team", how="left")
    )
    found_workers = workers.filter(
        query.matches("name") | query.matches("staff_number") | query.matches("swe_number")
    ).sort("name", "staff_number")
    worker_rows: list[Found] = [
        {
            "label": f"{row['name']} ({row['staff_number']})",
            "detail": f"{row['role']}, {row['team'] or 'no team'}: {row['cases']} cases",
            "href": f"/workers/{row['worker_id']}",
        }
        for row in found_workers.iter_rows(named=True)
    ]

    held = (
        active_on(data.allocations.filter(pl.col("role") == "allocated"), day)
        .select("child_id", "worker_id")
        .join(workers.select("worker_id", "name"), on="worker_id")
        .join(data.children.select("child_id", "child_ref"), on="child_id")
        .filter(query.matches("child_ref"))
        .sort("child_ref")
    )
    child_rows: list[Found] = [
        {
            "label": row["child_ref"],
            "detail": f"allocated to {row['name']}",
            "href": f"/workers/{row['worker_id']}#child-{row['child_ref']}",
        }
        for row in held.iter_rows(named=True)
    ]
    waiting = report.queue.filter(query.matches("child_ref")).sort("child_ref")
    child_rows += [
        {
            "label": row["child_ref"],
            "detail": f"waiting for a worker for {row['days_waiting']} days",
            "href": f"/caseloads/queue#child-{row['child_ref']}",
        }
        for row in waiting.iter_rows(named=True)
    ]

    team_rows: list[Found] = [
        {"label": row["team"], "detail": "team", "href": f"/teams/{row['team_id']}"}
        for row in teams.filter(query.matches("team")).sort("team").iter_rows(named=True)
    ]
    groups = [
        _kind("Workers", worker_rows),
        _kind("Children", child_rows),
        _kind("Teams", team_rows),
    ]
    audit.record(
        engine,
        principal,
        "search",
        "people",
        None,
        {
            "workers": len(worker_rows),
            "children": len(child_rows),
            "teams": len(team_rows),
        },
    )
    return {
        "title": "Search",
        **scope_dict(scoped.scope, principal),
        "query": query.text,
        "groups": [group for group in groups if group["results"]],
        "total": len(worker_rows) + len(child_rows) + len(team_rows),
    }

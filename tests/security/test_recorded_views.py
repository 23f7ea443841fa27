"""Probe: every page and API endpoint that shows people by name records the view.

The walk visits every GET route of the application (pages and ``/api/v1``), signed in as each role
that may see names, with the path's ids filled in from a small synthetic council. Whenever the
answer contains a worker's name or a child's reference, an event of that person viewing (or
exporting) must have been written during the request. A new route is walked as soon as it
exists; one that cannot be walked here must be listed in ``NOT_WALKED`` with the reason."""

from __future__ import annotations

import html
from typing import Any

import fastapi.routing
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, func, select

from caseload.auth.roles import AccountRole
from caseload.services import allocation
from caseload.storage.engine import session_scope
from caseload.storage.models import Child, Worker
from caseload.storage.operations_models import ImportRun
from caseload.web import create_app
from web.council import PASSWORD, USERNAMES, WebCouncil, populate, sign_in

from .councils import events, last_event_id

# Routes that show no person-level data whoever asks, or that cannot be reached in a walk.
NOT_WALKED = {
    "/data/uploads/{token}": "needs a file staged by an upload in the same session",
    "/api/docs": "the API's documentation page, no data",
    "/docs/oauth2-redirect": "part of the API documentation page",
    "/api/v1/openapi.json": "the API's description, no data",
}
ROLES = (
    AccountRole.LEADER,
    AccountRole.TEAM_MANAGER,
    AccountRole.SOCIAL_WORKER,
    AccountRole.ADMIN,
    AccountRole.ANALYST,
)


@pytest.fixture
def walked_council(engine: Engine) -> WebCouncil:
    return populate(engine)


def person_markers(engine: Engine) -> set[str]:
    """Every worker's name (as text and as HTML) and every child's reference."""
    with session_scope(engine) as session:
        names = {
            f"{first} {last}"
            for first, last in session.execute(select(Worker.first_name, Worker.last_name))
        }
        refs = set(session.scalars(select(Child.child_ref)))
    return names | {html.escape(n) for n in names} | refs


def served_routes(app: FastAPI) -> list[Any]:
    """The routes as served: FastAPI 0.137+ keeps each included router as one lazy entry in
    ``app.routes``, which ``iter_route_contexts`` flattens; older versions list them all."""
    flatten = getattr(fastapi.routing, "iter_route_contexts", None)
    return list(flatten(app.routes)) if flatten else list(app.routes)


def _latest_run(council: WebCouncil) -> int:
    """The council's latest load (1 when the synthetic council records none)."""
    with session_scope(council.engine) as session:
        found = session.scalar(select(func.max(ImportRun.id)))
    return int(found or 1)


def get_paths(council: WebCouncil) -> list[str]:
    """Every GET route with its path filled in (and, for the moves form, with a worker
    chosen too)."""
    run = allocation.recommend(council.engine, authority_code=council.code)
    ids = {
        "{worker_id}": str(council.own_worker_id),
        "{team_id}": str(council.own_team_id),
        "{username}": "analyst",
        "{child_ref}": run.plan.recommendations[0].child_ref,
        "{run_id}": str(_latest_run(council)),
    }
    paths: list[str] = []
    for route in served_routes(create_app(council.engine)):
        if "GET" not in (getattr(route, "methods", None) or set()):
            continue
        if route.path in NOT_WALKED:
            continue
        path = route.path
        for placeholder, value in ids.items():
            path = path.replace(placeholder, value)
        assert "{" not in path, f"{route.path}: say how to walk it, or why not in NOT_WALKED"
        paths.append(path)
        if route.path == "/allocation/moves":
            paths.append(f"{path}?worker_id={council.own_worker_id}&reason=ABSENC")
    return paths


def test_every_route_showing_people_records_the_view(walked_council: WebCouncil) -> None:
    engine = walked_council.engine
    markers = person_markers(engine)
    paths = get_paths(walked_council)
    unrecorded: list[str] = []
    showing: set[str] = set()
    for role in ROLES:
        client = walked_council.client()
        sign_in(client, USERNAMES[role], PASSWORD)
        for path in paths:
            before = last_event_id(engine)
            response = client.get(path)
            if not any(marker in response.text for marker in markers):
                continue
            showing.add(path.split("?")[0])
            recorded = [
                e
                for e in events(engine, before)
                if e["actor"] == USERNAMES[role]
                and e["action"] in ("view", "export")
                and e["outcome"] == "allowed"
            ]
            if not recorded:
                unrecorded.append(f"{role.value} GET {path} ({response.status_code})")
    assert unrecorded == []
    # the walk saw the pages that name people, so it is not passing by seeing nothing
    assert {
        "/allocation/moves",
        f"/workers/{walked_council.own_worker_id}",
        f"/api/v1/workers/{walked_council.own_worker_id}",
        "/caseloads/queue",
    } <= showing

"""Response headers on every route, and no page that loads a script or style from another site
(issue 11, item 8 and "security headers tests for every route").

The walk visits every route the application serves (pages, the JSON API, static files, the
health check, the API's description) signed in as the administrator and as the leader and
signed out, and the error answers (400, 403, 404, 405, a redirect); every answer must carry the
headers ``caseload.web.app.SecurityHeaders`` sets, and every answer but a static file must say
``Cache-Control: no-store`` (pages and API answers hold personal data)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from caseload.auth.roles import AccountRole
from caseload.web import create_app
from caseload.web.app import CONTENT_SECURITY_POLICY, STATIC
from security.routes import served_routes
from web.council import WebCouncil

HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}
OFF_SITE = re.compile(
    r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", re.I
)
STYLE_IMPORT = re.compile(r"@import\s+(?:url\()?[\"']?\s*(?:https?:)?//", re.I)


def _addresses(council: WebCouncil) -> list[str]:
    """A GET address for every served route, its path parameters filled in."""
    filled = {
        "worker_id": str(council.own_worker_id),
        "team_id": str(council.own_team_id),
        "username": "leader",
        "token": "A" * 43,
    }
    found = [f"/static/{asset.name}" for asset in STATIC.iterdir() if asset.is_file()]
    for route in served_routes(create_app(council.engine)):
        if route.path == "/static":
            continue  # the mount: its files are listed above
        methods = getattr(route, "methods", None) or {"GET"}
        if "GET" not in methods:
            continue
        path = re.sub(r"\{([^}:]+)(?::[^}]*)?\}", lambda m: filled.get(m.group(1), "x"), route.path)
        found.append(path)
    return sorted(set(found))


def _check(answer: Response, address: str) -> None:
    for name, value in HEADERS.items():
        assert answer.headers.get(name) == value, (address, answer.status_code, name)
    if not address.startswith("/static/"):
        assert answer.headers.get("cache-control") == "no-store", (address, answer.status_code)
    if answer.headers.get("content-type", "").startswith(("text/html", "text/css")):
        assert not OFF_SITE.search(answer.text), address
        assert not STYLE_IMPORT.search(answer.text), address


def test_the_walk_reaches_pages_api_static_and_docs(probed_council: WebCouncil) -> None:
    addresses = _addresses(probed_council)
    for expected in (
        "/",
        "/api/v1/workers",
        "/static/caseload.css",
        "/static/tables.js",
        "/api/docs",
        "/health",
    ):
        assert expected in addresses, expected


@pytest.mark.parametrize("role", [AccountRole.ADMIN, AccountRole.LEADER, None], ids=str)
def test_every_route_answers_with_the_security_headers(
    probed_council: WebCouncil, role: AccountRole | None
) -> None:
    client = probed_council.client(role)
    statuses = set()
    for address in _addresses(probed_council):
        answer = client.get(address)
        statuses.add(answer.status_code)
        assert answer.status_code < 500, (address, answer.text[:300])
        _check(answer, address)
    # Signed out every page is a redirect to sign in; signed in, pages and refusals.
    assert (303 in statuses) if role is None else ({200, 403} <= statuses), statuses


def test_error_answers_carry_the_security_headers(probed_council: WebCouncil) -> None:
    leader = probed_council.client(AccountRole.LEADER)
    answers = {
        "/?as_at=9999-12-31": (leader.get("/?as_at=9999-12-31"), 400),
        "/admin/users": (leader.get("/admin/users"), 403),
        "/no-such-page": (leader.get("/no-such-page"), 404),
        "/api/v1/nothing": (leader.get("/api/v1/nothing"), 404),
        "PUT /": (leader.put("/"), 405),
        "/api/v1/workers (no token)": (TestClient(leader.app).get("/api/v1/workers"), 401),
        "/static/none.css": (leader.get("/static/none.css"), 404),
    }
    for address, (answer, status) in answers.items():
        assert answer.status_code == status, address
        _check(answer, address.split()[-1] if address.startswith("PUT") else address)


def test_no_page_loads_anything_from_another_site(probed_council: WebCouncil) -> None:
    """The API's description is a page of the site's own: Swagger UI from a CDN was blocked by
    the site's own Content-Security-Policy."""
    client = probed_council.client()
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert '<a href="/api/v1/openapi.json">/api/v1/openapi.json</a>' in docs.text
    assert "<td>GET</td>" in docs.text and "<td>/api/v1/workers</td>" in docs.text
    assert "swagger" not in docs.text.lower()
    _check(docs, "/api/docs")
    assert client.get("/api/v1/openapi.json").json()["paths"]

"""Probe: the sign-in form's pre-session token must be one the server issued, in the last hour.
A pair of cookie and form field made up by an attacker (who can set a cookie for the site, e.g.
from a neighbouring sub-domain) is refused with a page asking to try again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine

from caseload.services import sign_in_forms
from caseload.web import create_app

from .councils import PASSWORD, Councils

PRESIGN_COOKIE = "caseload_presign"
TRY_AGAIN = "The sign-in form has expired or did not come from this site. Please try again."


def client_for(councils: Councils) -> TestClient:
    return TestClient(create_app(councils.engine), follow_redirects=False)


def post_with(client: TestClient, token: str, *, cookie: str | None = None) -> Response:
    client.cookies.set(PRESIGN_COOKIE, token if cookie is None else cookie)
    return client.post(
        "/sign-in",
        data={"username": "ana", "password": PASSWORD, "presign": token, "next": "/"},
    )


def refused(response: Response) -> bool:
    """Refused with the page asking to try again, and no session opened."""
    return (
        response.status_code == 400
        and TRY_AGAIN in response.text
        and "caseload_session=" not in response.headers.get("set-cookie", "")
    )


@pytest.mark.parametrize(
    "forged",
    ["forged-by-the-attacker", "a" * 43, "1767225600.abc.0123456789abcdef", "1.2.3"],
)
def test_a_made_up_cookie_and_field_pair_is_refused(councils: Councils, forged: str) -> None:
    assert refused(post_with(client_for(councils), forged))


def test_a_token_issued_over_an_hour_ago_is_refused(councils: Councils) -> None:
    stale = sign_in_forms.issue(councils.engine, at=datetime.now(UTC) - timedelta(minutes=61))
    assert refused(post_with(client_for(councils), stale))


def test_a_token_with_its_issue_time_changed_is_refused(councils: Councils) -> None:
    stale = sign_in_forms.issue(councils.engine, at=datetime.now(UTC) - timedelta(minutes=61))
    _, nonce, mac = stale.split(".")
    fresh_time = str(int(datetime.now(UTC).timestamp()))
    assert refused(post_with(client_for(councils), f"{fresh_time}.{nonce}.{mac}"))


def test_a_token_from_another_installation_is_refused(
    councils: Councils, engine_of_another_installation: Engine
) -> None:
    foreign = sign_in_forms.issue(engine_of_another_installation)
    assert refused(post_with(client_for(councils), foreign))


def test_the_issued_token_must_also_be_the_browsers_cookie(councils: Councils) -> None:
    """A token the server issued to the attacker, posted from a victim's browser (which has no
    such cookie, or another one), is refused: the sign-in cannot be forged across sites."""
    client = client_for(councils)
    attackers = sign_in_forms.issue(councils.engine)
    victims = sign_in_forms.issue(councils.engine)
    assert refused(post_with(client, attackers, cookie=victims))


def test_the_form_the_server_issued_signs_in(councils: Councils) -> None:
    client = client_for(councils)
    page = client.get("/sign-in")
    token = page.text.split('name="presign" value="', 1)[1].split('"', 1)[0]
    assert client.cookies.get(PRESIGN_COOKIE) == token
    form = {"username": "ana", "password": PASSWORD, "presign": token, "next": "/"}
    response = client.post("/sign-in", data=form)
    assert response.status_code == 303
    assert "caseload_session=" in response.headers["set-cookie"]


def test_a_token_lives_one_hour(councils: Councils) -> None:
    issued = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    token = sign_in_forms.issue(councils.engine, at=issued)
    for later, valid in ((0, True), (59 * 60 + 59, True), (3600, False), (-120, False)):
        moment = issued + timedelta(seconds=later)
        assert sign_in_forms.is_valid(councils.engine, token, token, at=moment) is valid, later

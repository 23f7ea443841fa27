"""Signing in and out, lock-out, CSRF and security headers."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from caseload.auth.roles import AccountRole
from caseload.web import create_app

from .council import PASSWORD, WebCouncil, sign_in


def test_pages_need_sign_in(shared_council: WebCouncil) -> None:
    client = shared_council.client()
    response = client.get("/workforce?year=2026")
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in?next=/workforce%3Fyear%3D2026"
    assert client.get("/api/v1/workers").status_code == 401


def test_health_is_open_and_static(shared_council: WebCouncil) -> None:
    response = shared_council.client().get("/health")
    assert response.json() == {"status": "ok"}


def test_security_headers_and_cookie_flags(shared_council: WebCouncil) -> None:
    client = shared_council.client()
    page = client.get("/sign-in")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"
    presign = page.text.split('name="presign" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        "/sign-in",
        data={"username": "leader", "password": PASSWORD, "presign": presign, "next": "/"},
    )
    cookie = response.headers["set-cookie"]
    assert "caseload_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http in tests; https requests get Secure


def test_sign_in_refuses_a_form_without_its_presign_token(shared_council: WebCouncil) -> None:
    client = shared_council.client()
    client.get("/sign-in")
    response = client.post(
        "/sign-in", data={"username": "leader", "password": PASSWORD, "presign": "forged"}
    )
    assert response.status_code == 400
    assert "caseload_session" not in response.headers.get("set-cookie", "")


def test_sign_out_needs_the_csrf_token(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.LEADER)
    assert client.post("/sign-out", data={"csrf_token": "wrong"}).status_code == 403
    page = client.get("/account/password")
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 303
    assert client.get("/account/password").status_code == 303


def test_next_cannot_leave_the_site(shared_council: WebCouncil) -> None:
    client = shared_council.client()
    page = client.get("/sign-in?next=//evil.example/x")
    presign = page.text.split('name="presign" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        "/sign-in",
        data={
            "username": "analyst",
            "password": PASSWORD,
            "presign": presign,
            "next": "https://evil.example/",
        },
    )
    assert response.headers["location"] == "/"


def test_five_wrong_passwords_lock_the_account(council: WebCouncil) -> None:
    client = council.client()
    for _ in range(5):
        page = client.get("/sign-in")
        presign = page.text.split('name="presign" value="', 1)[1].split('"', 1)[0]
        response = client.post(
            "/sign-in",
            data={"username": "member", "password": "not the password", "presign": presign},
        )
        assert response.status_code == 401
    page = client.get("/sign-in")
    presign = page.text.split('name="presign" value="', 1)[1].split('"', 1)[0]
    locked = client.post(
        "/sign-in", data={"username": "member", "password": PASSWORD, "presign": presign}
    )
    assert locked.status_code == 401
    other = council.client()
    sign_in(other, "analyst", PASSWORD)


def test_an_unexpected_error_is_a_plain_page_and_logs_no_personal_data(
    shared_council: WebCouncil, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(shared_council.engine)

    @app.get("/api/v1/broken")
    def broken() -> None:
        raise RuntimeError("Jane Example, born 2011-04-05")

    with caplog.at_level(logging.ERROR):
        response = TestClient(app).get("/api/v1/broken")
    assert response.status_code == 500
    assert response.json()["error"] == "Something went wrong"
    assert "Jane" not in response.text
    assert "unexpected RuntimeError on GET /api/v1/broken" in caplog.text
    assert "Jane" not in caplog.text

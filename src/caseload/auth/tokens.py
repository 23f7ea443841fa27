"""Random tokens for sessions, CSRF and API access. Only a token's SHA-256 digest is stored, so
a copy of the database cannot be used to sign in."""

from __future__ import annotations

import hashlib
import hmac
import secrets

API_TOKEN_PREFIX = "cl_"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_api_token() -> str:
    return API_TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_token(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())

"""The sign-in form's token, issued by the server: ``ISSUED.NONCE.MAC``, where ``ISSUED`` is the
issue time (whole seconds since 1970, UTC), ``NONCE`` random, and ``MAC`` the HMAC-SHA256 of
``ISSUED.NONCE`` under the installation's secret ``sign_in_forms`` (made at random the first time
it is needed and kept in the database, so every server worker checks alike; a key of its own,
apart from the pseudonyms' key).

The page puts the token in the form and in a ``SameSite=Strict`` cookie. A posted form passes
only when the two match (so another site cannot post it from a victim's browser), the MAC is the
server's (so a pair made up by someone who can set the cookie is refused) and it was issued less
than an hour ago."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from caseload.auth.tokens import same_token
from caseload.storage.secret_queries import installation_secret

SECRET_NAME = "sign_in_forms"
FORM_LIFETIME = timedelta(hours=1)
# A token dated this far ahead of the checking worker's clock is still taken (clocks drift).
CLOCK_SLACK = timedelta(minutes=1)
MAX_TOKEN_CHARS = 200


def _key(engine: Engine) -> bytes:
    return installation_secret(engine, SECRET_NAME).encode("ascii")


def _mac(key: bytes, body: str) -> str:
    return hmac.new(key, body.encode("ascii"), hashlib.sha256).hexdigest()


def issue(engine: Engine, *, at: datetime | None = None) -> str:
    """A new token for a sign-in form, issued at ``at`` (default now)."""
    issued = int((at or datetime.now(UTC)).timestamp())
    body = f"{issued}.{secrets.token_urlsafe(16)}"
    return f"{body}.{_mac(_key(engine), body)}"


def is_valid(
    engine: Engine, given: str | None, cookie: str | None, *, at: datetime | None = None
) -> bool:
    """True when the posted token ``given`` is the browser's ``cookie``, was issued by this
    installation and is less than ``FORM_LIFETIME`` old at ``at`` (default now)."""
    if not given or not cookie or len(given) > MAX_TOKEN_CHARS or not same_token(given, cookie):
        return False
    issued_text, _, rest = given.partition(".")
    nonce, _, mac = rest.partition(".")
    if not issued_text.isdigit() or len(issued_text) > 12 or not nonce or not mac:
        return False
    if not hmac.compare_digest(mac, _mac(_key(engine), f"{issued_text}.{nonce}")):
        return False
    age = (at or datetime.now(UTC)) - datetime.fromtimestamp(int(issued_text), UTC)
    return -CLOCK_SLACK <= age < FORM_LIFETIME

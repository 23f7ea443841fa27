"""Passwords: argon2id hashes, the rules a new password must meet, and one-time passwords."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from caseload.errors import InvalidInputError

MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 200
# argon2id with the library's RFC 9106 "low memory" profile: 64 MiB, 3 passes.
_HASHER = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4, type=Type.ID)
# Verifying against this when the account does not exist keeps timings alike.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def check_password_rules(password: str, *, username: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidInputError(
            f"the password is too short: use at least {MIN_PASSWORD_CHARS} characters "
            "(a few unrelated words work well)"
        )
    if len(password) > MAX_PASSWORD_CHARS:
        raise InvalidInputError(f"the password is longer than {MAX_PASSWORD_CHARS} characters")
    if username.casefold() in password.casefold():
        raise InvalidInputError("the password must not contain the user name")
    if len(set(password)) < 5:
        raise InvalidInputError("the password repeats too few characters; choose another")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; always spends the time of one verification."""
    try:
        return _HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _HASHER.check_needs_rehash(stored_hash)


def one_time_password() -> str:
    """A random 16-character password for a new or reset account, to be changed at first use."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(16))

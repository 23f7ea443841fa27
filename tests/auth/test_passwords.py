"""Passwords: argon2id hashes, the rules a new password must meet, one-time passwords, tokens."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from caseload.auth import passwords, tokens
from caseload.errors import InvalidInputError


def test_hashes_are_argon2id_with_the_chosen_cost() -> None:
    stored = passwords.hash_password("correct horse battery staple")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.verify_password(stored, "correct horse battery staple")
    assert not passwords.verify_password(stored, "correct horse battery stapler")
    assert not passwords.needs_rehash(stored)


def test_the_same_password_hashes_differently_each_time() -> None:
    first = passwords.hash_password("correct horse battery staple")
    assert first != passwords.hash_password("correct horse battery staple")


def test_a_weaker_stored_hash_needs_rehashing() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("long enough pass")
    assert passwords.verify_password(weak, "long enough pass")
    assert passwords.needs_rehash(weak)


@pytest.mark.parametrize("stored", [None, "", "not a hash", "$argon2id$v=19$broken"])
def test_a_missing_or_broken_hash_never_matches(stored: str | None) -> None:
    assert passwords.verify_password(stored, "anything at all") is False


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short one", "the password is too short: use at least 12 characters"),
        ("x" * 201, "the password is longer than 200 characters"),
        ("my name is jsmith!", "the password must not contain the user name"),
        ("MY NAME IS JSMITH!", "the password must not contain the user name"),
        ("abababababababab", "the password repeats too few characters; choose another"),
    ],
)
def test_password_rules(password: str, message: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        passwords.check_password_rules(password, username="jsmith")
    assert str(caught.value).startswith(message)


def test_a_good_password_passes_the_rules() -> None:
    passwords.check_password_rules("violet kettle 42 harbour", username="jsmith")


def test_one_time_passwords_are_long_random_and_unambiguous() -> None:
    made = {passwords.one_time_password() for _ in range(50)}
    assert len(made) == 50
    for password in made:
        assert len(password) == 16
        assert not set(password) & set("0O1lI")
        passwords.check_password_rules(password, username="someone")


def test_tokens_are_stored_as_digests_and_compared_in_constant_time() -> None:
    token = tokens.new_api_token()
    assert token.startswith("cl_")
    assert len(token) == 46
    digest = tokens.token_digest(token)
    assert len(digest) == 64
    assert token not in digest
    assert tokens.same_token(token, token)
    assert not tokens.same_token(None, token)
    assert not tokens.same_token(token[:-1], token)

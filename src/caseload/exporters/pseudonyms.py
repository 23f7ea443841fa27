"""Keyed pseudonyms: HMAC-SHA256 of the kind, authority and source identifier under a secret
key, cut to 16 hex characters (64 bits). The same secret always gives the same pseudonym, so
exports can be linked over time; without the secret a pseudonym cannot be reversed or recomputed
by hashing guessed staff numbers."""

from __future__ import annotations

import hashlib
import hmac

import polars as pl

LENGTH = 16


def pseudonym(secret: bytes, kind: str, authority: str, identifier: str) -> str:
    message = f"{kind}\x1f{authority}\x1f{identifier}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:LENGTH]


def pseudonyms(frame: pl.DataFrame, secret: bytes, kind: str, identifier: str) -> pl.Series:
    """A pseudonym for each row from its ``authority`` and ``identifier`` columns (null stays
    null). Each distinct pair is keyed once."""
    pairs = frame.select("authority", identifier).unique().drop_nulls()
    keys = {
        (authority, value): pseudonym(secret, kind, authority, value)
        for authority, value in pairs.iter_rows()
    }
    return pl.Series(
        [
            None if value is None else keys[(authority, value)]
            for authority, value in frame.select("authority", identifier).iter_rows()
        ],
        dtype=pl.Utf8,
    )

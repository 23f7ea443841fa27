"""The pseudonyms analysts see people by, on pages, in the API and in exports.

The key is ``CASELOAD_PSEUDONYM_SECRET`` when it is set (validated, failing closed on a weak
value), else the installation's own secret, made at random when the database was set up
(migration 0005, table ``installation_secret``) and reused ever after, so a person keeps their
pseudonym from one run, page or export to the next. Each pseudonym is keyed on the council and a
natural key (staff number, child reference), never a database id
(:func:`caseload.domain.disclosure.pseudonym`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl
from sqlalchemy import Engine

from caseload import config
from caseload.domain.disclosure import pseudonym
from caseload.storage.secret_queries import installation_secret

SECRET_NAME = "pseudonyms"


def pseudonym_key(engine: Engine, environ: Mapping[str, str] | None = None) -> bytes:
    """The key of every pseudonym: the configured secret, or the installation's own."""
    configured = config.pseudonym_secret(environ)
    if configured is not None:
        return configured
    return installation_secret(engine, SECRET_NAME).encode("ascii")


@dataclass(frozen=True)
class Pseudonyms:
    """Pseudonyms for one council's workers and children, looked up by record id (the ids are
    only the way in: each pseudonym is keyed on the staff number or child reference)."""

    secret: bytes
    authority: str
    staff_numbers: Mapping[int, str]
    child_refs: Mapping[int, str]
    _made: dict[tuple[str, int], str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(
        cls, secret: bytes, authority: str, workers: pl.DataFrame, children: pl.DataFrame
    ) -> Pseudonyms:
        """From frames with ``worker_id``, ``staff_number`` and ``child_id``, ``child_ref``."""
        staff = dict(workers.select("worker_id", "staff_number").iter_rows())
        refs = dict(children.select("child_id", "child_ref").iter_rows())
        return cls(secret, authority, staff, refs)

    def worker(self, worker_id: int | None) -> str | None:
        return None if worker_id is None else self._label("worker", worker_id, self.staff_numbers)

    def child(self, child_id: int | None) -> str | None:
        return None if child_id is None else self._label("child", child_id, self.child_refs)

    def _label(self, kind: str, record_id: int, keys: Mapping[int, str]) -> str:
        made = self._made.get((kind, record_id))
        if made is None:
            # A record without its natural key (none should lack one) is keyed on its id with a
            # marker, so it can never match another record's natural key.
            key = keys.get(record_id) or f"\x00record {record_id}"
            made = pseudonym(self.secret, kind, self.authority, key)
            self._made[(kind, record_id)] = made
        return made

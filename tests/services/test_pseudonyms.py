"""The council's pseudonyms: keyed on the natural key, stable, never a database id."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine, delete

from caseload.domain.disclosure import pseudonym
from caseload.services.pseudonyms import SECRET_NAME, Pseudonyms, pseudonym_key
from caseload.storage import schema
from caseload.storage.account_models import InstallationSecret
from caseload.storage.engine import session_scope

SECRET = b"7c2e9a41f0b36d58e1a4c7f92b0d3e6a"
WORKERS = pl.DataFrame({"worker_id": [23, 24], "staff_number": ["E023", "E024"]})
CHILDREN = pl.DataFrame({"child_id": [2301], "child_ref": ["C8020002301"]})


def test_keyed_on_the_staff_number_and_child_reference_not_the_id() -> None:
    names = Pseudonyms.of(SECRET, "802", WORKERS, CHILDREN)
    assert names.worker(23) == pseudonym(SECRET, "worker", "802", "E023")
    assert names.child(2301) == pseudonym(SECRET, "child", "802", "C8020002301")
    assert names.worker(23) != "W-23"
    # the same person under another id (a reload) keeps the pseudonym
    moved = Pseudonyms.of(
        SECRET, "802", pl.DataFrame({"worker_id": [99], "staff_number": ["E023"]}), CHILDREN
    )
    assert moved.worker(99) == names.worker(23)
    # stable across calls, different with another secret or council
    assert names.worker(23) == Pseudonyms.of(SECRET, "802", WORKERS, CHILDREN).worker(23)
    other = Pseudonyms.of(b"another-secret-of-enough-length-42", "802", WORKERS, CHILDREN)
    assert other.worker(23) != names.worker(23)
    assert Pseudonyms.of(SECRET, "803", WORKERS, CHILDREN).worker(23) != names.worker(23)
    assert names.worker(None) is None and names.child(None) is None
    # a record without a natural key is keyed on a marker that no real key can equal
    assert names.worker(25) == pseudonym(SECRET, "worker", "802", "\x00record 25")


def test_the_installations_secret_is_stable_and_made_again_if_lost(empty_engine: Engine) -> None:
    schema.upgrade(empty_engine)
    first = pseudonym_key(empty_engine, {})
    assert first == pseudonym_key(empty_engine, {})
    with session_scope(empty_engine) as session:
        session.execute(delete(InstallationSecret).where(InstallationSecret.name == SECRET_NAME))
    again = pseudonym_key(empty_engine, {})
    assert again != first and len(again) == 64
    assert again == pseudonym_key(empty_engine, {})

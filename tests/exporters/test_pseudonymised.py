"""The pseudonymised export and the pseudonyms: stable keyed pseudonyms, no names or birth dates,
small groups suppressed, and a secret that fails closed (or is the installation's own)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine

from caseload.config import pseudonym_secret
from caseload.domain.disclosure import PSEUDONYM_ALPHABET, pseudonym
from caseload.errors import ConfigurationError, InvalidInputError
from caseload.exporters.pseudonymised import suppress_small_groups
from caseload.services.pseudonymised_export import export_pseudonymised, read_manifest
from caseload.services.pseudonyms import pseudonym_key
from caseload.storage.secret_queries import installation_secret

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from importers.import_support import load_first

SECRET = b"3f9c1e0b7a6d4c2e8f1a9b0c7d6e5f4a3b2c1d0e9f8a"


def test_pseudonyms_are_keyed_and_stable() -> None:
    first = pseudonym(SECRET, "worker", "301", "E001")
    assert first == pseudonym(SECRET, "worker", "301", "E001")
    # HMAC-SHA256 of "worker\x1f301\x1fE001", its first 40 bits in Crockford's base 32
    assert first == "W-K5CS5QCP"
    assert len(first) == 10 and first[:2] == "W-"
    assert set(first[2:]) <= set(PSEUDONYM_ALPHABET)
    assert pseudonym(SECRET, "child", "301", "C1").startswith("C-")
    assert first != pseudonym(SECRET, "worker", "302", "E001")
    assert first != pseudonym(SECRET, "child", "301", "E001")[2:]
    assert first != pseudonym(
        b"another secret of enough length 0123456789", "worker", "301", "E001"
    )
    with pytest.raises(ValueError, match="needs a secret"):
        pseudonym(b"", "worker", "301", "E001")


def test_an_unset_secret_means_the_installations_own(engine: Engine) -> None:
    """Made when the database was set up, the same on every call, different from another
    installation's, and replaced by CASELOAD_PSEUDONYM_SECRET when that is set."""
    assert pseudonym_secret({}) is None
    own = pseudonym_key(engine, {})
    assert len(own) == 64  # 32 random bytes as hex
    assert pseudonym_key(engine, {}) == own
    assert installation_secret(engine, "pseudonyms").encode() == own
    configured = "9b1f0c3e7a2d4f6b8c0e1a3d5f7b9c2e"
    assert pseudonym_key(engine, {"CASELOAD_PSEUDONYM_SECRET": configured}) == configured.encode()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("short-but-random-9f2", "is 20 characters; use at least 32"),
        ("changeme-changeme-changeme-changeme", "looks like a placeholder"),
        ("abababababababababababababababababab", "too repetitive"),
    ],
)
def test_the_secret_fails_closed(value: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        pseudonym_secret({"CASELOAD_PSEUDONYM_SECRET": value})


def test_small_groups_lose_their_characteristics() -> None:
    frame = pl.DataFrame(
        {
            "role": ["sw"] * 6 + ["tm"],
            "ethnic_group": ["White"] * 5 + ["Black", "White"],
            "gender": ["female"] * 6 + ["male"],
        }
    )
    result, counts = suppress_small_groups(
        frame, context=["role"], characteristics=["ethnic_group", "gender"], k=5
    )
    assert result.rows() == [
        ("sw", "White", "female"), ("sw", "White", "female"), ("sw", "White", "female"),
        ("sw", "White", "female"), ("sw", "White", "female"),
        # The only Black social worker: ethnicity suppressed, and then gender too, since
        # "the one whose ethnicity is hidden" is itself a group of one.
        ("sw", "c", "c"),
        ("tm", "c", "c"),  # a group of one: everything personal suppressed
    ]  # fmt: skip
    assert counts == {"ethnic_group": 2, "gender": 2}


def test_the_export_has_no_names_birth_dates_or_source_ids(engine: Engine, tmp_path: Path) -> None:
    load_first(engine)
    out = tmp_path / "export"
    result = export_pseudonymised(
        engine, out=out, secret=SECRET, exported_by="analyst", min_group=5
    )
    assert result.as_at == date(2025, 3, 31)
    assert result.rows == {
        "workers": 6, "spells": 7, "absences": 3, "teams": 6, "children": 4, "referrals": 2,
        "child_statuses": 7, "allocations": 4,
    }  # fmt: skip
    text = "".join(p.read_text() for p in out.glob("*.csv"))
    for private in ("Asha", "Khan", "E001", "SW100001", "C1,", "1985-03-12", "X900"):
        assert private not in text
    workers = pl.read_csv(out / "workers.csv")
    assert workers.columns == [
        "worker_key", "authority", "gender", "age_band", "ethnic_group", "qualification_level",
        "has_swe_number", "step_up", "frontline",
    ]  # fmt: skip
    # Six people, each in a role group under five: every characteristic is suppressed.
    assert set(workers["ethnic_group"]) == {"c"}
    expected = pseudonym(SECRET, "worker", "301", "E001")
    assert expected in workers["worker_key"].to_list()
    manifest = read_manifest(out)
    assert manifest["min_group"] == 5
    assert manifest["exported_by"] == "analyst"
    assert SECRET.decode() not in (out / "manifest.json").read_text()
    # The same secret gives the same pseudonyms next time.
    again = tmp_path / "again"
    export_pseudonymised(engine, out=again, secret=SECRET, exported_by="analyst")
    assert (again / "allocations.csv").read_text() == (out / "allocations.csv").read_text()


def test_the_threshold_cannot_be_lowered_and_folders_are_not_overwritten(
    engine: Engine, tmp_path: Path
) -> None:
    load_first(engine)
    with pytest.raises(InvalidInputError, match="--min-group must be at least 5"):
        export_pseudonymised(
            engine, out=tmp_path / "x", secret=SECRET, exported_by="a", min_group=3
        )
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "old.csv").write_text("x")
    with pytest.raises(InvalidInputError, match="is not empty"):
        export_pseudonymised(engine, out=tmp_path / "used", secret=SECRET, exported_by="a")

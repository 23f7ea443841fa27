"""``caseload export parquet`` as run: what it prints, and its errors on one line without a
traceback."""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine

from caseload.auth.roles import AccountRole
from caseload.cli.app import main
from caseload.services import accounts
from caseload.services.audit import cli_actor
from caseload.storage import schema
from caseload.storage.engine import make_engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from importers.import_support import load_first

SECRET = "k3y-for-tests-0123456789abcdefghijklmnop"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Engine:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    schema.upgrade(engine)
    load_first(engine)
    for name, role in (("leader", AccountRole.LEADER), ("admin", AccountRole.ADMIN)):
        accounts.add_user(engine, cli_actor("tester"), username=name, display_name=name, role=role)
    monkeypatch.setenv("CASELOAD_DATABASE_URL", url)
    monkeypatch.setenv("CASELOAD_USER", "Operator")
    monkeypatch.setenv("CASELOAD_PSEUDONYM_SECRET", SECRET)
    monkeypatch.setenv("COLUMNS", "160")
    return engine


def test_the_operator_gets_pseudonyms(
    database: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "share"
    code, printed, err = run(capsys, "export", "parquet", "--out", str(out))
    assert (code, err) == (0, "")
    assert "Parquet export, data as at 2025-03-31" in printed
    assert "│ worker.parquet " in printed
    assert (
        f"Wrote {out} for the command-line operator (no account), as for the performance "
        "analyst, without names (keyed pseudonyms):"
    ) in " ".join(printed.split())
    assert "Asha" not in printed
    assert "first_name" not in pl.read_parquet(out / "worker.parquet").columns
    assert sorted(p.name for p in out.iterdir() if p.suffix != ".parquet") == [
        "README.txt",
        "data_dictionary.csv",
        "data_dictionary.md",
        "manifest.json",
    ]


def test_a_leader_gets_names(
    database: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "named"
    code, printed, err = run(
        capsys, "export", "parquet", "--out", str(out), "--user", "leader", "--authority", "301"
    )
    assert (code, err) == (0, "")
    assert "for Service leader, with names:" in " ".join(printed.split())
    workers = pl.read_parquet(out / "worker.parquet")
    assert "Asha" in workers["first_name"].to_list()
    code, printed, _ = run(
        capsys, "export", "parquet", "--out", str(tmp_path / "asked"), "--user", "leader",
        "--pseudonymise",
    )  # fmt: skip
    assert code == 0
    assert "for Service leader, without names" in " ".join(printed.split())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--out", "{used}"],
            "error: {used} is not empty; export into a new or empty folder",
        ),
        (
            ["--out", "{new}", "--user", "admin"],
            "error: you do not have access to this: the administrator role cannot export rows "
            "about people",
        ),
        (
            ["--out", "{new}", "--authority", "999"],
            "error: no authority with code '999' in the database; known codes include 301",
        ),
        (
            ["--out", "{new}", "--min-group", "2"],
            "error: --min-group must be a whole number from 5 to 1000, not 2",
        ),
    ],
)
def test_errors_are_one_line(
    database: Engine,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    args: list[str],
    message: str,
) -> None:
    used = tmp_path / "used"
    used.mkdir()
    (used / "old.parquet").write_text("x")
    places = {"used": str(used), "new": str(tmp_path / "new")}
    code, printed, err = run(capsys, "export", "parquet", *(a.format(**places) for a in args))
    assert code == 2
    assert printed == ""
    assert err.startswith(message.format(**places))
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert not (tmp_path / "new").exists()

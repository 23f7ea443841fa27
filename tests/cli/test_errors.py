"""User errors print one line on stderr, exit non-zero and never show a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseload.cli.app import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("nonsense", "error: CASELOAD_DATABASE_URL is not a database URL"),
        ("oracle://scott@db/x", "error: CASELOAD_DATABASE_URL uses 'oracle'"),
        ("sqlite:////no/such/folder/caseload.db", "error: cannot connect to the database"),
        ("postgresql://nobody@127.0.0.1:1/none", "error: cannot connect to the database"),
    ],
)
def test_bad_database_url(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str, message: str
) -> None:
    monkeypatch.setenv("CASELOAD_DATABASE_URL", url)
    code, _out, err = run(capsys, "db", "upgrade")
    assert code == 2
    assert err.startswith(message)
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_unknown_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "summary", "--colour", "red")
    assert code == 2
    assert err.strip() == "error: No such option: --colour (see 'caseload summary --help')"


def test_bad_date(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("CASELOAD_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    code, _out, err = run(capsys, "summary", "--as-at", "31/03/2025")
    assert code == 2
    assert err.strip() == "error: --as-at must be a date written YYYY-MM-DD, not '31/03/2025'"


def test_summary_before_setup(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("CASELOAD_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    code, _out, err = run(capsys, "summary")
    assert code == 2
    assert "is not set up or is out of date; run 'caseload db upgrade' first" in err


def test_db_upgrade_twice(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("CASELOAD_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    code, out, _err = run(capsys, "db", "upgrade")
    assert code == 0 and "upgraded from empty" in out
    code, out, _err = run(capsys, "db", "upgrade")
    assert code == 0 and "already at revision" in out


def test_no_arguments_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, "db")
    assert code == 0
    assert "upgrade" in out

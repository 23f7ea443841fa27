"""``caseload report`` end to end on a SQLite file: the files are written, wrong options stop with
one line and exit 2, and a stored scorecard is not overwritten by accident."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from caseload.cli.app import main
from caseload.services.benchmarks import import_published
from caseload.services.generation import build_council
from caseload.storage import schema
from caseload.storage.engine import make_engine
from caseload.synthetic import CouncilSpec

SPEC = CouncilSpec(
    code="999",
    name="Smallshire Council (synthetic)",
    region="North West",
    size_fte=40.0,
    preset="typical",
)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli-reports') / 'cli.db'}"
    engine = make_engine(url)
    schema.upgrade(engine)
    build_council(engine, SPEC, years=2, seed=4)
    import_published(engine)
    engine.dispose()
    return url


@pytest.fixture
def env(database: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("CASELOAD_DATABASE_URL", database)
    monkeypatch.setenv("CASELOAD_USER", "analyst")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_each_format_is_written_where_asked(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "board-pack", "--format", "xlsx", "--out", str(env / "pack.xlsx")]) == 0
    assert "Wrote" in capsys.readouterr().out
    book = load_workbook(env / "pack.xlsx")
    assert book.sheetnames[0] == "Contents"
    assert main(["report", "scrutiny", "--format", "html"]) == 0
    written = list(env.glob("scrutiny-999-*-public.html"))
    assert len(written) == 1
    assert "<html" in written[0].read_text()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report", "board-pack", "--baseline-year", "2019"], "baseline year 2019"),
        (["report", "board-pack", "--baseline-year", "19"], "--baseline-year"),
        (["report", "board-pack", "--as-at", "2026-02-30"], "--as-at"),
        (["report", "board-pack", "--format", "docx"], "docx"),
        (["report", "board-pack", "--authority", "998"], "council 998 holds no data"),
        (["report", "scrutiny", "--audience", "public", "--as-at", "2026-01-31"], "data date"),
    ],
)
def test_a_wrong_option_is_one_line_and_exit_2(
    env: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert not list(env.glob("*.pdf"))


def test_a_stored_scorecard_is_kept_unless_replaced(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "snapshot", "--as-at", "2026-03-31"]) == 0
    assert "Stored the scorecard of 2026-03-31" in capsys.readouterr().out
    assert main(["report", "snapshot", "--as-at", "2026-03-31"]) == 2
    assert "already stored" in capsys.readouterr().err
    assert main(["report", "snapshot", "--as-at", "2026-03-31", "--replace"]) == 0
    assert "Stored again" in capsys.readouterr().out

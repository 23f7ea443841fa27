"""Helpers for the import tests: the fixture files and reading back what was loaded."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from caseload.services.imports import (
    AuthorityChoice,
    import_absences,
    import_hr,
    import_ssd,
    read_ssd,
)

FIXTURES = Path(__file__).parent / "fixtures"
FIRST = date(2025, 3, 31)
SECOND = date(2025, 4, 30)
COUNCIL = AuthorityChoice(code="301", name="Testshire Council", region="North West")


def plain(value: Any) -> Any:
    """Values as SQLite returns them, so tests read the same on PostgreSQL."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == int(value) else float(value)
    if isinstance(value, bool):
        return int(value)
    return value


def rows(engine: Engine, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(plain(v) for v in row) for row in connection.execute(text(sql))]


def counts(engine: Engine) -> dict[str, int]:
    tables = [
        "team",
        "post",
        "worker",
        "employment_spell",
        "absence",
        "child",
        "referral",
        "child_status",
        "allocation",
        "import_run",
    ]
    return {t: int(rows(engine, f"SELECT COUNT(*) FROM {t}")[0][0]) for t in tables}


def load_first(engine: Engine) -> None:
    """The awkward HR extract, its absences and the SSD folder, as at 31 March 2025."""
    import_hr(
        engine,
        path=FIXTURES / "hr_awkward.csv",
        mapping="generic",
        as_at=FIRST,
        loaded_by="tester",
        authority=COUNCIL,
    )
    import_absences(
        engine,
        path=FIXTURES / "absences.csv",
        mapping="generic-absences",
        as_at=FIRST,
        loaded_by="tester",
    )
    import_ssd(engine, source=read_ssd(folder=FIXTURES / "ssd"), as_at=FIRST, loaded_by="tester")


def copy_with(
    tmp_path: Path, name: str, replace: dict[str, str] | None = None, add: str = ""
) -> Path:
    """A copy of a fixture file with text replaced and lines added."""
    source = FIXTURES / name
    content = source.read_text()
    for old, new in (replace or {}).items():
        assert old in content, old
        content = content.replace(old, new)
    target = tmp_path / source.name
    target.write_text(content + add)
    return target


def ssd_copy(tmp_path: Path, table: str, add: str) -> Path:
    """A copy of the SSD fixture folder with lines added to one table."""
    folder = tmp_path / "ssd"
    folder.mkdir()
    for path in (FIXTURES / "ssd").iterdir():
        content = path.read_text()
        if path.stem == table:
            content += add
        (folder / path.name).write_text(content)
    return folder

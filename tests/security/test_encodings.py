"""Mixed encodings: a UTF-8 extract with one stray Latin-1 byte was read as Windows-1252, which
mangled every accented name and moved workers to a new team "Ã‰quipe Un". Such a file is now
refused with its line, offset and byte; a file that is all UTF-8, or all Windows-1252, still
loads, and ``--encoding`` names the encoding when the detection cannot."""

from __future__ import annotations

import codecs
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from caseload.cli.app import main
from caseload.errors import InvalidInputError
from caseload.importers.encodings import decode_text
from caseload.importers.tables import read_bytes
from caseload.services.imports import AuthorityChoice, import_hr
from caseload.storage import schema
from caseload.storage.engine import make_engine

FIXTURE = Path(__file__).parents[1] / "importers" / "fixtures" / "hr_awkward.csv"
AS_AT = date(2025, 3, 31)
COUNCIL = AuthorityChoice(code="301", name="Testshire Council", region="North West")


def french_teams() -> str:
    """The awkward HR extract with its assessment team called "Équipe Un"."""
    return FIXTURE.read_text(encoding="utf-8").replace("Assessment Team 1", "Équipe Un")


def mixed_extract(folder: Path) -> tuple[Path, int]:
    """The extract in UTF-8 but for one name typed in Latin-1 on line 3 ("Renée", é as 0xE9)."""
    content = (
        french_teams().encode("utf-8").replace(b"E002,SW100002,Ben,", b"E002,SW100002,Ren\xe9e,", 1)
    )
    path = folder / "hr_mixed.csv"
    path.write_bytes(content)
    return path, content.index(b"\xe9e,")


def teams(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return sorted(row[0] for row in connection.execute(text("SELECT name FROM team")))


def workers(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT COUNT(*) FROM worker")).scalar_one())


def load(engine: Engine, path: Path, encoding: str | None = None) -> None:
    import_hr(
        engine,
        path=path,
        mapping="generic",
        as_at=AS_AT,
        loaded_by="tester",
        authority=COUNCIL,
        encoding=encoding,
    )


def test_utf8_with_one_stray_latin1_byte_is_refused_and_nothing_loads(
    engine: Engine, tmp_path: Path
) -> None:
    path, offset = mixed_extract(tmp_path)
    with pytest.raises(InvalidInputError) as refused:
        load(engine, path)
    assert str(refused.value) == (
        f"hr_mixed.csv: line 3 has the byte 0xE9 (at byte offset {offset:,} of the file), which "
        "is not UTF-8, though the rest of the file is, so nothing was loaded; save the file as "
        "UTF-8 (in Excel: Save As, 'CSV UTF-8') and load it again"
    )
    assert (
        refused.value.hint == "or give the file's encoding with --encoding, e.g. --encoding cp1252"
    )
    assert (teams(engine), workers(engine)) == ([], 0)


def test_the_same_extract_all_in_utf8_or_all_in_windows_1252_loads_its_teams(
    engine: Engine, tmp_path: Path
) -> None:
    utf8 = tmp_path / "hr_utf8.csv"
    utf8.write_bytes(french_teams().encode("utf-8"))
    load(engine, utf8)
    assert teams(engine) == ["Child Protection Team", "Front Door", "Safeguarding", "Équipe Un"]
    legacy = tmp_path / "hr_legacy.csv"
    legacy.write_bytes(french_teams().replace("Ben,Ode", "Renée,Ode").encode("cp1252"))
    load(engine, legacy)
    assert teams(engine) == ["Child Protection Team", "Front Door", "Safeguarding", "Équipe Un"]
    with engine.connect() as connection:
        names = connection.execute(text("SELECT first_name FROM worker ORDER BY first_name"))
        assert "Renée" in [row[0] for row in names]


def test_a_named_encoding_is_used_strictly(engine: Engine, tmp_path: Path) -> None:
    path, offset = mixed_extract(tmp_path)
    with pytest.raises(InvalidInputError) as refused:
        load(engine, path, encoding="utf-8")
    assert str(refused.value).startswith(
        f"hr_mixed.csv: line 3 has the byte 0xE9 (at byte offset {offset:,} of the file), which "
        "is not utf-8, so nothing was loaded;"
    )
    with pytest.raises(InvalidInputError) as refused:
        load(engine, path, encoding="klingon")
    assert str(refused.value) == (
        "the encoding 'klingon' is not one Caseload knows; give a name such as utf-8, cp1252 or "
        "latin-1"
    )
    with pytest.raises(InvalidInputError) as refused:
        load(engine, path, encoding="rot13")
    assert str(refused.value) == (
        "'rot13' is not a character encoding; give a name such as utf-8, cp1252 or latin-1"
    )
    assert workers(engine) == 0
    latin1 = tmp_path / "hr_latin1.csv"
    latin1.write_bytes(french_teams().encode("latin-1"))
    load(engine, latin1, encoding="latin-1")
    assert "Équipe Un" in teams(engine)


@pytest.fixture
def cli_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    path = tmp_path / "caseload.db"
    engine = make_engine(f"sqlite:///{path}")
    schema.upgrade(engine)
    engine.dispose()
    monkeypatch.setenv("CASELOAD_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("CASELOAD_USER", "analyst")
    monkeypatch.setenv("COLUMNS", "400")
    monkeypatch.delenv("CASELOAD_MAPPINGS_DIR", raising=False)
    return path


def test_the_command_refuses_in_one_line_and_takes_encoding(
    cli_database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, offset = mixed_extract(tmp_path)
    command = ["import", "hr", str(path), "--mapping", "generic", "--as-at", "2025-03-31"]
    assert main([*command, "--authority", "301", "--authority-name", "Testshire"]) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        f"error: hr_mixed.csv: line 3 has the byte 0xE9 (at byte offset {offset:,} of the file), "
        "which is not UTF-8, though the rest of the file is, so nothing was loaded; save the file "
        "as UTF-8 (in Excel: Save As, 'CSV UTF-8') and load it again. Or give the file's encoding "
        "with --encoding, e.g. --encoding cp1252\n"
    )
    legacy = tmp_path / "hr_legacy.csv"
    legacy.write_bytes(french_teams().encode("cp1252"))
    command[2] = str(legacy)
    # Loaded, with the extract's own warnings (exit 3).
    assert (
        main([*command, "--encoding", "cp1252", "--authority", "301", "--authority-name", "T"]) == 3
    )
    engine = make_engine(f"sqlite:///{cli_database}")
    assert teams(engine) == ["Child Protection Team", "Front Door", "Safeguarding", "Équipe Un"]
    engine.dispose()


# --- the detector -----------------------------------------------------------------------------

TEXT = st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=200)


@settings(max_examples=300)
@given(TEXT, st.booleans())
def test_any_utf8_text_reads_back_exactly(value: str, with_bom: bool) -> None:
    content = value.encode("utf-8")
    if with_bom or value.startswith("\ufeff"):
        content = codecs.BOM_UTF8 + content
    assert decode_text(content, name="x.csv") == value


NON_ASCII = st.characters(min_codepoint=0x80, exclude_categories=("Cs",))


@settings(max_examples=300)
@given(
    before=TEXT,
    accented=NON_ASCII,
    after=TEXT,
    stray=st.integers(0x80, 0xFF),
    data=st.data(),
)
def test_utf8_text_with_one_stray_byte_is_refused_at_that_byte(
    before: str, accented: str, after: str, stray: int, data: st.DataObject
) -> None:
    """A byte 0x80-0xFF put between two characters of UTF-8 text that has at least one
    non-ASCII character is refused, naming the stray byte's own line, offset and value."""
    value = before + accented + after
    cut = data.draw(st.integers(0, len(value)), label="cut")
    head, tail = value[:cut].encode("utf-8"), value[cut:].encode("utf-8")
    content = head + bytes([stray]) + tail
    with pytest.raises(InvalidInputError) as refused:
        decode_text(content, name="x.csv")
    line = value[:cut].count("\n") + 1
    assert str(refused.value).startswith(
        f"x.csv: line {line} has the byte 0x{stray:02X} (at byte offset {len(head):,} of the "
        "file), which is not UTF-8, though the rest of the file is, so nothing was loaded"
    )


def test_a_legacy_file_with_a_byte_windows_1252_leaves_undefined_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        read_bytes(b"Name,Team\nZo\xeb,Caf\x81\n", name="x.csv")
    assert str(refused.value).startswith(
        "x.csv: line 2 has the byte 0x81 (at byte offset 17 of the file), which is neither UTF-8 "
        "nor Windows-1252, so nothing was loaded;"
    )


def test_a_stray_byte_just_after_the_byte_order_mark_is_named_where_it_is() -> None:
    """The case hypothesis found: the mark, then a stray byte, then UTF-8."""
    with pytest.raises(InvalidInputError) as refused:
        decode_text(b"\xef\xbb\xbf\x80\xc3\xa9", name="x.csv")
    assert str(refused.value).startswith(
        "x.csv: line 1 has the byte 0x80 (at byte offset 3 of the file), which is not UTF-8"
    )

"""Crafted CSWW returns: thousands of workers sharing one SWE number, files over the caps, and XML
tricks (entities, external files, deep nesting). Each is refused or handled in bounded memory,
with a one-line error naming the file, never a crash."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from caseload.census import xml_return
from caseload.census.validation import validate_return
from caseload.census.xml_return import MAX_RETURN_BYTES, MAX_RETURN_WORKERS, read_return
from caseload.cli.app import main
from caseload.errors import InvalidInputError
from caseload.storage import schema
from caseload.storage.engine import make_engine
from security.crafted_census import crafted_return

HERE = Path(__file__).parent
ADDRESS_SPACE_MB = 1536  # the child may map no more: the old self-join needed several GB
PEAK_MB = 800  # measured: about 350 MB for the import, 210 MB for the validation


def bounded(url: str, report: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    environment = os.environ | {"CASELOAD_DATABASE_URL": url, "COLUMNS": "400"}
    finished = subprocess.run(
        [sys.executable, str(HERE / "bounded_run.py"), str(ADDRESS_SPACE_MB), str(report), *args],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    measured = json.loads(report.read_text()) if report.exists() else {}
    print(f"{' '.join(args[:2])}: peak {measured.get('peak_mb')} MB")  # shown with pytest -s
    return finished, measured


def test_twenty_thousand_workers_sharing_one_swe_number_import_in_bounded_memory(
    database_url: str, tmp_path: Path
) -> None:
    """The probe's 13 MB return: 20,000 workers, one SWE number. It loads (it is under the caps)
    and every worker gets one warning naming five others, in a few hundred MB."""
    crafted = crafted_return(tmp_path / "crafted.xml", 20_000)
    assert 13_000_000 < crafted.stat().st_size < MAX_RETURN_BYTES
    finished, measured = bounded(
        database_url, tmp_path / "import.json", "census", "import", str(crafted)
    )
    assert (finished.returncode, finished.stderr) == (0, "")
    assert finished.stdout == (
        f"{crafted}: added - authority 301, census year 2025, 20000 workers; 0 errors and 20000 "
        "warnings, see 'caseload census validate --year 2025 --authority 301'\n"
    )
    assert measured["peak_mb"] < PEAK_MB
    finished, measured = bounded(
        database_url,
        tmp_path / "validate.json",
        *("census", "validate", "--year", "2025", "--authority", "301", "--format", "json"),
    )
    assert finished.returncode == 0, finished.stderr
    result = json.loads(finished.stdout)
    assert (result["errors"], result["warnings"]) == (0, 20_000)
    first, last = result["problems"][0], result["problems"][-1]
    assert (first["worker"], last["worker"]) == (1, 20_000)
    assert first["problem"] == (
        "is also on worker 2, 3, 4, 5, 6 and 19,994 more; check these are separate employments "
        "(e.g. a leaver who came back) and not a duplicated record"
    )
    assert last["problem"].startswith("is also on worker 1, 2, 3, 4, 5 and 19,994 more;")
    assert measured["peak_mb"] < PEAK_MB


def test_a_shared_number_warning_names_every_other_worker_up_to_five(tmp_path: Path) -> None:
    parsed = read_return(
        crafted_return(tmp_path / "seven.xml", 7).read_bytes(), source_name="seven.xml"
    )
    problems = validate_return(parsed.records, parsed.vacancies, census_year=2025)
    assert [(p.worker, p.message.split(";")[0]) for p in problems] == [
        (1, "is also on worker 2, 3, 4, 5, 6 and 1 more"),
        (2, "is also on worker 1, 3, 4, 5, 6 and 1 more"),
        (3, "is also on worker 1, 2, 4, 5, 6 and 1 more"),
        (4, "is also on worker 1, 2, 3, 5, 6 and 1 more"),
        (5, "is also on worker 1, 2, 3, 4, 6 and 1 more"),
        (6, "is also on worker 1, 2, 3, 4, 5 and 1 more"),
        (7, "is also on worker 1, 2, 3, 4, 5 and 1 more"),
    ]
    two = read_return(crafted_return(tmp_path / "two.xml", 2).read_bytes(), source_name="two.xml")
    problems = validate_return(two.records, two.vacancies, census_year=2025)
    assert [(p.worker, p.message.split(";")[0]) for p in problems] == [
        (1, "is also on worker 2"),
        (2, "is also on worker 1"),
    ]


@pytest.fixture
def cli_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    schema.upgrade(engine)
    engine.dispose()
    monkeypatch.setenv("CASELOAD_DATABASE_URL", url)
    monkeypatch.setenv("COLUMNS", "400")


def test_a_file_over_the_size_cap_is_refused_without_being_read(
    cli_database: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = tmp_path / "huge.xml"
    with huge.open("wb") as file:
        file.truncate(MAX_RETURN_BYTES + 1)  # sparse: no disk used, and never read whole
    assert main(["census", "import", str(huge)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "error: nothing was imported: 1 of 1 files have problems; fix them and import the batch "
        "again\nhuge.xml: the file is over 20 MB, more than a return may be; check it is one "
        "council's CSWW return for one year\n"
    )


def test_a_return_with_more_workers_than_the_cap_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert MAX_RETURN_WORKERS == 25_000
    monkeypatch.setattr(xml_return, "MAX_RETURN_WORKERS", 3)
    assert (
        read_return(
            crafted_return(tmp_path / "three.xml", 3).read_bytes(), source_name="three.xml"
        ).records.height
        == 3
    )
    with pytest.raises(InvalidInputError) as refused:
        read_return(crafted_return(tmp_path / "four.xml", 4).read_bytes(), source_name="four.xml")
    assert str(refused.value) == (
        "four.xml: the return lists 4 workers, more than the 3 a return may hold; check it is one "
        "council's return for one year"
    )


def _with_doctype(doctype: str, body: str = "&lol9;") -> bytes:
    return (
        f"<?xml version='1.0' encoding='UTF-8'?>\n{doctype}\n<Message><Header>{body}</Header>"
        "</Message>\n"
    ).encode()


LAUGHS = "\n".join(
    ['<!DOCTYPE Message [', '<!ENTITY lol "lol">']
    + [f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
       for i in range(1, 10)]
    + [']>']
)  # fmt: skip


def test_entity_expansion_is_refused_not_expanded() -> None:
    """A billion laughs: nine levels of ten entities each would be 3 GB of text. libxml2 stops
    the parse itself (entity amplification); were it not to, the DOCTYPE is refused."""
    with pytest.raises(InvalidInputError) as refused:
        read_return(_with_doctype(LAUGHS), source_name="laughs.xml")
    assert str(refused.value) == (
        "laughs.xml is not well-formed XML; check that it is the XML return and was not cut short "
        "or edited by hand:\nlaughs.xml: line 1: Maximum entity amplification factor exceeded, see "
        "xmlCtxtSetMaxAmplification."
    )
    few = "\n".join(LAUGHS.splitlines()[:5]) + "\n]>"  # three levels: a thousand 'lol's
    with pytest.raises(InvalidInputError) as refused:
        read_return(_with_doctype(few, "&lol3;"), source_name="few.xml")
    assert str(refused.value) == (
        "few.xml: the file has a DOCTYPE declaration; a CSWW return has none"
    )
    tree = etree.fromstring(_with_doctype(few, "&lol3;"), xml_return._parser())
    assert etree.tostring(tree) == b"<Message><Header>&lol3;</Header></Message>"


def test_external_entities_and_dtds_are_never_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("PRIVATE-CONTENT")
    external = f'<!DOCTYPE Message [<!ENTITY leak SYSTEM "file://{secret}">]>'
    with pytest.raises(InvalidInputError) as refused:
        read_return(_with_doctype(external, "&leak;"), source_name="xxe.xml")
    assert "PRIVATE-CONTENT" not in str(refused.value)
    assert str(refused.value).endswith("the file has a DOCTYPE declaration; a CSWW return has none")
    remote = '<!DOCTYPE Message SYSTEM "http://127.0.0.1:9/return.dtd">'
    with pytest.raises(InvalidInputError) as refused:
        read_return(_with_doctype(remote, ""), source_name="remote.xml")
    assert str(refused.value) == (
        "remote.xml: the file has a DOCTYPE declaration; a CSWW return has none"
    )
    # Behind the DOCTYPE refusal, the parser itself neither expands nor fetches entities.
    tree = etree.fromstring(_with_doctype(external, "&leak;"), xml_return._parser())
    assert b"PRIVATE-CONTENT" not in etree.tostring(tree)


def test_deep_nesting_is_refused_as_not_well_formed() -> None:
    """lxml without huge_tree stops at a depth of 256: a return is four levels deep."""
    depth = 5_000
    body = "<a>" * depth + "</a>" * depth
    with pytest.raises(InvalidInputError) as refused:
        read_return(
            f"<?xml version='1.0'?>\n<Message>{body}</Message>".encode(), source_name="deep.xml"
        )
    assert str(refused.value).startswith(
        "deep.xml is not well-formed XML; check that it is the XML return and was not cut short "
        "or edited by hand:\ndeep.xml: line 2: "
    )

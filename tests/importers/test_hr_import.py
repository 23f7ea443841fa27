# ruff: noqa: E501  (expected rows are easier to read one per line)
"""HR extracts with the awkward cases councils have, re-imports and newer extracts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from caseload.importers.problems import ImportRejectedError
from caseload.services.imports import import_hr
from importers.import_support import COUNCIL, FIRST, FIXTURES, SECOND, copy_with, counts, rows

SPELLS = """
    SELECT w.staff_number, s.contract, s.role, s.fte, t.name, p.reference, s.start_date,
           s.end_date, s.end_reason, s.reason_leave
    FROM employment_spell s JOIN worker w ON w.id = s.worker_id
    LEFT JOIN team t ON t.id = s.team_id LEFT JOIN post p ON p.id = s.post_id
    ORDER BY w.staff_number, s.start_date, p.reference
"""


def load(engine: Engine, path: Path, as_at: date = FIRST, **options: object):  # type: ignore[no-untyped-def]
    return import_hr(
        engine,
        path=path,
        mapping=str(options.pop("mapping", "generic")),
        as_at=as_at,
        loaded_by="tester",
        authority=COUNCIL,
        **options,  # type: ignore[arg-type]
    )


def test_awkward_extract_loads_exactly(engine: Engine) -> None:
    result = load(engine, FIXTURES / "hr_awkward.csv")
    assert result.counts == {
        "team": {"added": 4, "changed": 0, "ended": 0},
        "post": {"added": 8, "changed": 0, "ended": 0},
        "worker": {"added": 5, "changed": 0, "ended": 0},
        "employment_spell": {"added": 7, "changed": 0, "ended": 0},
    }
    # The repeated row (trailing spaces aside) is loaded once and reported.
    assert result.problems.select("row", "problem").rows() == [(7, "the row repeats row 5")]
    assert rows(engine, SPELLS) == [
        ("AG01", "agency", "social_worker", 1, "Assessment Team 1", "P007", "2025-01-06", None, None, None),
        ("E001", "own", "social_worker", 1, "Assessment Team 1", "P001", "2019-04-01", None, None, None),
        # A leaver re-joining: two spells, the first ended as leaving with the census reason.
        ("E002", "own", "senior_social_worker", 1, "Assessment Team 1", "P002", "2018-09-01", "2021-03-31", "left", 1),
        ("E002", "own", "senior_social_worker", 1, "Child Protection Team", "P003", "2023-06-01", None, None, None),
        # A part-time worker on two posts (one FTE written as a percentage).
        ("E003", "own", "social_worker", 0.5, "Child Protection Team", "P004", "2020-01-06", None, None, None),
        ("E003", "own", "social_worker", 0.5, "Assessment Team 1", "P005", "2021-02-01", None, None, None),
        ("E004", "own", "team_manager", 1, "Child Protection Team", "P006", "2015-05-01", None, None, None),
    ]  # fmt: skip
    # Mixed date formats and codes mapped through the value maps.
    assert rows(
        engine, "SELECT staff_number, birth_date, gender, ethnicity FROM worker ORDER BY 1"
    ) == [
        ("AG01", None, None, None),
        ("E001", "1985-03-12", 2, "WBRI"),
        ("E002", "1979-07-30", 1, "BAFR"),
        ("E003", "1990-11-05", 2, "MWBA"),
        ("E004", "1970-02-22", 1, "WIRI"),
    ]
    teams = "SELECT t.name, t.kind, p.name FROM team t LEFT JOIN team p ON p.id = t.parent_id ORDER BY 1"
    assert rows(engine, teams) == [
        ("Assessment Team 1", "team", "Front Door"),
        ("Child Protection Team", "team", "Safeguarding"),
        ("Front Door", "service_area", None),
        ("Safeguarding", "service_area", None),
    ]
    # The vacant post (no staff number) is in the establishment from the as-at date.
    assert rows(
        engine, "SELECT reference, role, funded_fte, start_date FROM post WHERE reference = 'P008'"
    ) == [("P008", "social_worker", 1, "2025-03-31")]
    assert rows(engine, "SELECT code, data_as_at FROM authority") == [("301", "2025-03-31")]
    run = rows(
        engine,
        "SELECT kind, source_name, mapping_name, loaded_by, added, changed, ended, warnings FROM import_run",
    )
    assert run == [("hr", "hr_awkward.csv", "generic", "tester", 24, 0, 0, 1)]


def test_the_same_extract_twice_changes_nothing(engine: Engine) -> None:
    load(engine, FIXTURES / "hr_awkward.csv")
    before = (
        rows(engine, SPELLS),
        rows(engine, "SELECT * FROM worker"),
        rows(engine, "SELECT * FROM post"),
    )
    again = load(engine, FIXTURES / "hr_awkward.csv")
    assert (again.added, again.changed, again.ended) == (0, 0, 0)
    assert again.same_content_as_run == 1
    after = (
        rows(engine, SPELLS),
        rows(engine, "SELECT * FROM worker"),
        rows(engine, "SELECT * FROM post"),
    )
    assert after == before


def test_a_newer_extract_updates_changes_and_ends_what_stopped(engine: Engine) -> None:
    load(engine, FIXTURES / "hr_awkward.csv")
    result = load(engine, FIXTURES / "hr_newer.csv", SECOND)
    assert result.counts["employment_spell"] == {"added": 1, "changed": 2, "ended": 2}
    assert result.warnings == 0
    assert rows(engine, SPELLS) == [
        # The agency worker is missing from the newer extract: the contract ends the day before.
        ("AG01", "agency", "social_worker", 1, "Assessment Team 1", "P007", "2025-01-06", "2025-04-29", "contract_ended", None),
        # An FTE change ends the spell (history kept) and starts a new one on the as-at date.
        ("E001", "own", "social_worker", 1, "Assessment Team 1", "P001", "2019-04-01", "2025-04-29", "fte_change", None),
        ("E001", "own", "social_worker", 0.8, "Assessment Team 1", "P001", "2025-04-30", None, None, None),
        ("E002", "own", "senior_social_worker", 1, "Assessment Team 1", "P002", "2018-09-01", "2021-03-31", "left", 1),
        ("E002", "own", "senior_social_worker", 1, "Child Protection Team", "P003", "2023-06-01", None, None, None),
        ("E003", "own", "social_worker", 0.5, "Child Protection Team", "P004", "2020-01-06", None, None, None),
        # One of two posts stopped while the other goes on: hours reduced, not a leaver.
        ("E003", "own", "social_worker", 0.5, "Assessment Team 1", "P005", "2021-02-01", "2025-04-29", "fte_change", None),
        ("E004", "own", "team_manager", 1, "Child Protection Team", "P006", "2015-05-01", "2025-04-30", "left", 5),
        ("E005", "own", "asye", 1, "Child Protection Team", "P008", "2025-04-14", None, None, None),
    ]  # fmt: skip
    assert rows(engine, "SELECT data_as_at FROM authority") == [("2025-04-30",)]
    # Loading the newer extract again changes nothing more.
    again = load(engine, FIXTURES / "hr_newer.csv", SECOND)
    assert (again.added, again.changed, again.ended, again.warnings) == (0, 0, 0, 0)


def test_history_is_never_rewritten(engine: Engine, tmp_path: Path) -> None:
    load(engine, FIXTURES / "hr_awkward.csv")
    changed = copy_with(
        tmp_path, "hr_awkward.csv", {"01-Sep-2018,31/03/2021": "01-Sep-2018,30/04/2021"}
    )
    result = load(engine, changed, SECOND)
    assert result.problems.select("row", "problem").rows() == [
        (
            3,
            "the row changes staff number E002's spell from 2018-09-01 that has already ended in "
            "Caseload (on 2021-03-31); history is not rewritten",
        ),
        (7, "the row repeats row 5"),
    ]
    assert ("E002", "2018-09-01", "2021-03-31") in rows(
        engine,
        "SELECT w.staff_number, start_date, end_date FROM employment_spell s JOIN worker w ON w.id = s.worker_id",
    )


def test_own_staff_missing_from_an_extract_leave_with_a_warning(
    engine: Engine, tmp_path: Path
) -> None:
    load(engine, FIXTURES / "hr_awkward.csv")
    lines = (FIXTURES / "hr_awkward.csv").read_text().splitlines()
    without = tmp_path / "hr.csv"
    without.write_text("\n".join(line for line in lines if not line.startswith("E001")) + "\n")
    result = load(engine, without, SECOND)
    assert result.counts["employment_spell"]["ended"] == 1
    messages = result.problems.filter(result.problems["row"].is_null())["problem"].to_list()
    assert messages == [
        "staff number E001 has an open spell in Caseload but is not in this extract; they are "
        "recorded as leaving on 2025-04-29"
    ]


def test_an_extract_that_would_end_most_spells_is_refused(engine: Engine, tmp_path: Path) -> None:
    load(engine, FIXTURES / "hr_awkward.csv")
    lines = (FIXTURES / "hr_awkward.csv").read_text().splitlines()
    partial = tmp_path / "hr.csv"
    partial.write_text("\n".join(lines[:2]) + "\n")
    with pytest.raises(ImportRejectedError, match="would end 5 of the 6 open spells as leavers"):
        load(engine, partial, SECOND)
    assert rows(engine, "SELECT COUNT(*) FROM employment_spell WHERE end_date IS NOT NULL") == [
        (1,)
    ]
    result = load(engine, partial, SECOND, allow_mass_ending=True)
    assert result.counts["employment_spell"]["ended"] == 5


def test_an_older_extract_is_refused(engine: Engine) -> None:
    load(engine, FIXTURES / "hr_newer.csv", SECOND)
    with pytest.raises(Exception, match="is as at 2025-03-31, but one as at 2025-04-30 was loaded"):
        load(engine, FIXTURES / "hr_awkward.csv", FIRST)


def test_dry_run_writes_nothing(engine: Engine) -> None:
    result = load(engine, FIXTURES / "hr_awkward.csv", dry_run=True)
    assert (result.added, result.dry_run, result.run_id) == (24, True, None)
    assert counts(engine)["worker"] == 0
    assert rows(engine, "SELECT COUNT(*) FROM authority") == [(0,)]


ERRORS = [
    (
        {"Social Worker,1,Permanent,2019-04-01": "Snr Practitioner,1,Permanent,2019-04-01"},
        "",
        (2, "Job Title", "Snr Practitioner", "is not mapped to a Caseload role code"),
    ),
    (
        {"Team Manager,1,Permanent": "Team Manager,1.5,Permanent"},
        "",
        (8, "FTE", "1.5", "FTE above 1"),
    ),
    (
        {"01-Sep-2018,31/03/2021": "01-Sep-2018,31/03/2017"},
        "",
        (3, "End Date", "31/03/2017", "end date before start date"),
    ),
    (
        {"Permanent,2019-04-01": "Permanent,2019-13-01"},
        "",
        (2, "Start Date", "2019-13-01", "is not a date"),
    ),
    (
        {},
        "E001,SW100001,Asha,Khan,12/03/1985,Female,WBRI,P001,1,Assessment Team 1,Front Door,"
        "Social Worker,1,Permanent,2020-01-01,,\n",
        (12, "Start Date", "2020-01-01", "staff number E001 has two overlapping spells"),
    ),
    (
        {
            "E003,SW100003,Cara,Lee,05/11/1990,F,MWBA,P005": "E003,SW100009,Cara,Lee,05/11/1990,F,MWBA,P005"
        },
        "",
        (6, "SWE Number", "SW100009", "staff number E003 has a different swe number in row 5"),
    ),
]


@pytest.mark.parametrize(("replace", "add", "expected"), ERRORS)
def test_each_error_names_file_row_and_column_and_loads_nothing(
    engine: Engine,
    tmp_path: Path,
    replace: dict[str, str],
    add: str,
    expected: tuple[int, str, str, str],
) -> None:
    broken = copy_with(tmp_path, "hr_awkward.csv", replace, add)
    with pytest.raises(ImportRejectedError) as caught:
        load(engine, broken)
    row, column, value, problem = expected
    message = str(caught.value)
    assert message.startswith(
        f"hr_awkward.csv was not loaded: 1 error; first: hr_awkward.csv, row {row}, column {column!r} (value {value!r}): {problem}"
    )
    assert counts(engine)["worker"] == 0


def test_a_missing_column_names_the_columns_the_file_has(engine: Engine, tmp_path: Path) -> None:
    broken = copy_with(tmp_path, "hr_awkward.csv", {",Job Title,": ",Grade Title,"})
    with pytest.raises(
        ImportRejectedError, match="column \"'Job Title' or 'Grade'\": no such column for role"
    ):
        load(engine, broken)


def test_an_unknown_team_is_an_error_when_the_mapping_says_so(
    engine: Engine, tmp_path: Path
) -> None:
    load(engine, FIXTURES / "hr_awkward.csv")
    strict = tmp_path / "strict.yaml"
    strict.write_text(
        (Path("src/caseload/reference/mappings/generic.yaml"))
        .read_text()
        .replace("unknown: warn", "unknown: error")
    )
    renamed = copy_with(
        tmp_path,
        "hr_newer.csv",
        {
            "E005,SW100005,Fay,Ng,14/08/1996,Female,CHNE,P008,1,Child Protection Team": "E005,SW100005,Fay,Ng,14/08/1996,Female,CHNE,P008,1,Child Protection Tema"
        },
    )
    with pytest.raises(ImportRejectedError) as caught:
        load(engine, renamed, SECOND, mapping=str(strict))
    assert (
        "hr_newer.csv, row 7, column 'Team' (value 'Child Protection Tema'): a team Caseload does not know yet"
        in str(caught.value)
    )
    # With the default mapping the new team is created and reported.
    result = load(engine, renamed, SECOND)
    assert result.problems.filter(result.problems["row"] == 7)["problem"].to_list() == [
        "a team Caseload does not know yet; it is created"
    ]

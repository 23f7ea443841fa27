"""The analysts' Parquet export on both databases: the files hold the database's rows, without
names unless the role sees named records, with the same pseudonyms as the pseudonymised export;
a team manager gets their teams only; refusals and exports are written to the audit trail."""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from sqlalchemy import Engine, text

from caseload.auth.roles import AccountRole
from caseload.domain.disclosure import pseudonym
from caseload.errors import AccessDeniedError, InvalidInputError, NotFoundError
from caseload.exporters.table_rules import TABLES
from caseload.services import accounts
from caseload.services.access import worker_team_ids
from caseload.services.audit import cli_actor
from caseload.services.census_returns import import_returns
from caseload.services.generation import build_council
from caseload.services.parquet_export import export_parquet, read_manifest
from caseload.services.pseudonymised_export import export_pseudonymised
from caseload.storage import audit_writes
from caseload.storage.engine import session_scope
from caseload.synthetic import CouncilSpec

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from importers.import_support import load_first
from services.test_census_returns import AGENCY, LEAVER, OWN, return_file

SECRET = b"3f9c1e0b7a6d4c2e8f1a9b0c7d6e5f4a3b2c1d0e9f8a"
SMALL = CouncilSpec(code="801", name="Small 801", region="London", size_fte=25.0, preset="typical")
# Columns whose values the export changes even with names: birth dates become age bands.
BANDED = {"birth_date": "age_band", "person_birth_date": "age_band"}


def sql(engine: Engine, statement: str) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(statement))]


def add_account(engine: Engine, name: str, role: AccountRole, **extra: Any) -> None:
    accounts.add_user(
        engine, cli_actor("tester"), username=name, display_name=name, role=role, **extra
    )


def events(engine: Engine) -> list[dict[str, Any]]:
    with session_scope(engine) as session:
        return list(audit_writes.all_events(session))


def cells(folder: Path) -> set[str]:
    """Every value of every Parquet file, as text."""
    found: set[str] = set()
    for path in folder.glob("*.parquet"):
        frame = pl.read_parquet(path)
        for column in frame.columns:
            found |= set(frame[column].cast(pl.Utf8).drop_nulls().to_list())
    return found


@pytest.fixture
def council(engine: Engine) -> Engine:
    """A small synthetic council (801) with every kind of record, and its service leader."""
    build_council(engine, SMALL, years=1, seed=1)
    add_account(engine, "leader", AccountRole.LEADER)
    return engine


@pytest.fixture
def testshire(engine: Engine, tmp_path: Path) -> Engine:
    """The import fixtures' council (301), with a census return naming two of its workers."""
    load_first(engine)
    import_returns(engine, [return_file(tmp_path, "return.xml", OWN, LEAVER, AGENCY)])
    return engine


def test_a_named_export_holds_every_row_and_column(council: Engine, tmp_path: Path) -> None:
    out = tmp_path / "named"
    result = export_parquet(council, out=out, exported_by="leader", secret=SECRET)
    assert not result.pseudonymised
    assert result.audience.role == "leader"
    assert set(result.rows) == set(TABLES)
    for table in TABLES:
        frame = pl.read_parquet(out / f"{table}.parquet")
        columns = [name for (name,) in _columns(council, table)]
        assert frame.columns == [BANDED.get(c, c) for c in columns], table
        ids = [row[0] for row in sql(council, f"SELECT id FROM {table} ORDER BY id")]
        assert frame["id"].to_list() == ids, table
        assert result.rows[table] == frame.height
    workers = pl.read_parquet(out / "worker.parquet").sort("id")
    named = sql(council, "SELECT first_name, last_name, staff_number FROM worker ORDER BY id")
    assert workers.select("first_name", "last_name", "staff_number").rows() == named
    visits = pl.read_parquet(out / "visit.parquet")
    stored = sql(council, "SELECT COUNT(*), COUNT(worker_id), MIN(visit_date) FROM visit")[0]
    assert (visits.height, visits["worker_id"].count()) == stored[:2]
    assert str(visits["visit_date"].min()) == str(stored[2])[:10]
    manifest = read_manifest(out)
    assert manifest["made_for"] == {
        "user": "leader",
        "account": True,
        "role": "leader",
        "role_label": "Service leader",
        "names": True,
    }
    assert manifest["rows"] == sum(result.rows.values())
    assert manifest["data_date"] == result.data_date.isoformat()
    assert set(manifest["not_exported"]) >= {"audit_event", "user_account", "survey_answer"}
    # Every column of every file is in the dictionary with its type.
    dictionary = pl.read_csv(out / "data_dictionary.csv", infer_schema=False)
    for table in TABLES:
        frame = pl.read_parquet(out / f"{table}.parquet")
        described = dictionary.filter(pl.col("file") == f"{table}.parquet")
        written = described.filter(pl.col("column").is_not_null())
        assert written["column"].to_list() == frame.columns
        assert written["type"].to_list() == [str(t) for t in frame.dtypes]


def _columns(engine: Engine, table: str) -> list[tuple[str]]:
    from caseload.storage.table_frames import table_of

    return [(column.name,) for column in table_of(table).c]


def test_without_names_nothing_identifies_a_person(testshire: Engine, tmp_path: Path) -> None:
    add_account(testshire, "analyst", AccountRole.ANALYST)
    out = tmp_path / "pseudonymised"
    result = export_parquet(testshire, out=out, exported_by="analyst", secret=SECRET)
    assert result.pseudonymised
    private = {
        str(value)
        for row in sql(
            testshire,
            "SELECT first_name, last_name, staff_number, swe_number, birth_date, "
            "qualification_institution FROM worker",
        )
        for value in row
        if value is not None
    }
    private |= {
        str(value)
        for row in sql(testshire, "SELECT child_ref, birth_date FROM child")
        for value in row
        if value is not None
    }
    private |= {
        str(value)
        for row in sql(testshire, "SELECT swe_no, person_birth_date, qual_inst FROM census_record")
        for value in row
        if value is not None
    }
    private = {value[:10] if value[:4].isdigit() else value for value in private}
    assert {"Asha", "Khan", "E001", "SW100001", "1985-03-12", "University of Leeds"} <= private
    found = cells(out)
    assert not private & found
    texts = [p.read_text() for p in out.iterdir() if p.suffix != ".parquet"]
    for value in private:
        word = re.compile(rf"\b{re.escape(value)}\b")
        assert not any(word.search(t) for t in texts), value
    worker = pl.read_parquet(out / "worker.parquet")
    assert worker.columns == [
        "worker_key", "authority_id", "has_swe_number", "age_band", "gender", "ethnic_group",
        "qualification_year", "qualification_level", "step_up", "frontline",
    ]  # fmt: skip
    assert pl.read_parquet(out / "child.parquet").columns == [
        "child_key",
        "authority_id",
        "age_band",
        "sibling_group_key",
    ]
    manifest = read_manifest(out)
    assert manifest["pseudonymised"] is True
    assert manifest["made_for"]["role"] == "analyst"
    assert manifest["min_group"] == 5
    assert SECRET.decode() not in (out / "manifest.json").read_text()
    dictionary = pl.read_csv(out / "data_dictionary.csv", infer_schema=False)
    dropped = dictionary.filter(pl.col("treatment") == "dropped")["source"].to_list()
    assert {"worker.first_name", "worker.last_name", "worker.staff_number", "child.child_ref"} <= (
        set(dropped)
    )
    health = dictionary.filter(pl.col("source") == "survey_answer").row(0, named=True)
    assert health["treatment"] == "not exported"
    assert "never exported response by response" in health["note"]


def test_census_records_name_workers_by_pseudonym(testshire: Engine, tmp_path: Path) -> None:
    out = tmp_path / "census"
    export_parquet(testshire, out=out, exported_by="operator", secret=SECRET)
    records = pl.read_parquet(out / "census_record.parquet").sort("position")
    workers = pl.read_parquet(out / "worker.parquet")
    asha = sql(testshire, "SELECT staff_number FROM worker WHERE swe_number = 'SW100001'")
    assert asha == [("E001",)]
    expected = pseudonym(SECRET, "worker", "301", "E001")
    assert records["worker_key"].to_list()[0] == expected
    assert expected in workers["worker_key"].to_list()
    # The agency worker of the return (SW100003) is Cara Lee (E003) in the HR extract.
    assert records["worker_key"].to_list()[2] == pseudonym(SECRET, "worker", "301", "E003")
    assert "person_birth_date" not in records.columns and "age_band" not in records.columns
    assert "qual_inst" not in records.columns


def test_the_same_worker_has_the_same_pseudonym_as_in_the_csv_export(
    testshire: Engine, tmp_path: Path
) -> None:
    export_pseudonymised(testshire, out=tmp_path / "csv", secret=SECRET, exported_by="a")
    export_parquet(testshire, out=tmp_path / "pq", exported_by="operator", secret=SECRET)
    csv_workers = pl.read_csv(tmp_path / "csv" / "workers.csv", infer_schema=False)
    workers = pl.read_parquet(tmp_path / "pq" / "worker.parquet")
    assert sorted(workers["worker_key"]) == sorted(csv_workers["worker_key"])
    # The same characteristics, suppressed the same way.
    columns = ["worker_key", "gender", "age_band", "ethnic_group"]
    assert (
        workers.select(columns).sort("worker_key").rows()
        == csv_workers.select(columns).sort("worker_key").rows()
    )
    csv_allocations = pl.read_csv(tmp_path / "csv" / "allocations.csv", infer_schema=False)
    allocations = pl.read_parquet(tmp_path / "pq" / "allocation.parquet")
    pairs = ["child_key", "worker_key", "start_date"]
    assert sorted(allocations.select(pl.col(pairs).cast(pl.Utf8)).rows()) == sorted(
        csv_allocations.select(pairs).rows()
    )
    children = pl.read_csv(tmp_path / "csv" / "children.csv", infer_schema=False)
    assert sorted(pl.read_parquet(tmp_path / "pq" / "child.parquet")["child_key"]) == sorted(
        children["child_key"]
    )


def test_files_join_with_scan_parquet(council: Engine, tmp_path: Path) -> None:
    add_account(council, "analyst", AccountRole.ANALYST)
    out = tmp_path / "joins"
    export_parquet(council, out=out, exported_by="analyst", secret=SECRET)
    caseloads = (
        pl.scan_parquet(out / "allocation.parquet")
        .filter(pl.col("end_date").is_null() & (pl.col("role") == "allocated"))
        .join(pl.scan_parquet(out / "worker.parquet"), on="worker_key", how="inner")
        .group_by("worker_key")
        .len()
        .collect()
    )
    open_cases = sql(
        council,
        "SELECT COUNT(*), COUNT(DISTINCT worker_id) FROM allocation "
        "WHERE end_date IS NULL AND role = 'allocated'",
    )[0]
    assert (int(caseloads["len"].sum()), caseloads.height) == open_cases


def test_a_team_manager_gets_their_teams_only(council: Engine, tmp_path: Path) -> None:
    team_id, team = sql(
        council,
        "SELECT t.id, t.name FROM team t JOIN employment_spell s ON s.team_id = t.id "
        "WHERE t.kind = 'team' GROUP BY t.id, t.name ORDER BY COUNT(*) DESC, t.id LIMIT 1",
    )[0]
    add_account(council, "manager", AccountRole.TEAM_MANAGER, teams=[team])
    out = tmp_path / "team"
    result = export_parquet(council, out=out, exported_by="manager", secret=SECRET)
    assert not result.pseudonymised
    assert set(result.not_exported) >= {"census_return", "census_record"}
    assert not (out / "census_record.parquet").exists()
    day = result.data_date
    with session_scope(council) as session:
        expected = sorted(
            worker_id
            for (worker_id,) in session.execute(text("SELECT id FROM worker"))
            if team_id in worker_team_ids(session, worker_id, day)
        )
    workers = pl.read_parquet(out / "worker.parquet")
    assert expected and workers["id"].sort().to_list() == expected
    assert "first_name" in workers.columns
    assert pl.read_parquet(out / "team.parquet")["id"].to_list() == [team_id]
    spells = pl.read_parquet(out / "employment_spell.parquet")
    assert set(spells["worker_id"]) == set(expected)
    # Each child kept has (or last had) an allocated worker in the team on the day.
    children = set(pl.read_parquet(out / "child.parquet")["id"])
    allocations = pl.read_parquet(out / "allocation.parquet")
    assert children and set(allocations["child_id"]) == children
    holders = allocations.filter(
        (pl.col("role") == "allocated")
        & (pl.col("start_date") <= day)
        & (pl.col("end_date").is_null() | (pl.col("end_date") >= day))
    )
    assert set(holders["worker_id"]) <= set(expected)
    total_children = sql(council, "SELECT COUNT(*) FROM child")[0][0]
    assert len(children) < total_children
    assert read_manifest(out)["made_for"]["teams"] == [team]
    (event,) = [e for e in events(council) if e["target_type"] == "parquet_export"]
    assert json.loads(event["detail"])["team_ids"] == [team_id]
    # Asked for pseudonyms: the same rows, and someone outside the team (a child's earlier
    # worker) still has their pseudonym.
    hidden = tmp_path / "team-pseudonymised"
    export_parquet(council, out=hidden, exported_by="manager", pseudonymise=True, secret=SECRET)
    keyed = pl.read_parquet(hidden / "allocation.parquet")
    assert keyed.height == allocations.height
    assert keyed["worker_key"].null_count() == 0
    staff = sql(council, "SELECT id, staff_number FROM worker")
    keys = {
        pseudonym(SECRET, "worker", "801", number) for worker_id, number in staff
        if worker_id in expected
    }  # fmt: skip
    assert set(pl.read_parquet(hidden / "worker.parquet")["worker_key"]) == keys


def test_a_leader_can_ask_for_pseudonyms(council: Engine, tmp_path: Path) -> None:
    out = tmp_path / "asked"
    result = export_parquet(
        council, out=out, exported_by="leader", pseudonymise=True, secret=SECRET
    )
    assert result.pseudonymised
    assert "first_name" not in pl.read_parquet(out / "worker.parquet").columns


@pytest.mark.parametrize(
    ("role", "extra", "why"),
    [
        (AccountRole.ADMIN, {}, "the administrator role cannot export rows about people"),
        (AccountRole.MEMBER, {}, "the elected member role cannot export rows about people"),
        (
            AccountRole.SOCIAL_WORKER,
            {"staff_number": "E001"},
            "the social worker role cannot export rows about people",
        ),
    ],
)
def test_roles_without_rows_about_people_are_refused(
    testshire: Engine, tmp_path: Path, role: AccountRole, extra: dict[str, Any], why: str
) -> None:
    add_account(testshire, "someone", role, **extra)
    with pytest.raises(AccessDeniedError, match=why):
        export_parquet(testshire, out=tmp_path / "no", exported_by="someone", secret=SECRET)
    assert not (tmp_path / "no").exists()
    refused = events(testshire)[-1]
    assert (refused["actor"], refused["outcome"], refused["target_type"]) == (
        "someone",
        "refused",
        "parquet_export",
    )


def test_an_account_exports_its_own_council_only(testshire: Engine, tmp_path: Path) -> None:
    build_council(testshire, SMALL, years=1, seed=1)
    add_account(testshire, "analyst", AccountRole.ANALYST, authority_code="301")
    with pytest.raises(AccessDeniedError, match="your account is council 301's; it cannot"):
        export_parquet(
            testshire, out=tmp_path / "x", exported_by="analyst", authority_codes=["301,801"]
        )
    result = export_parquet(testshire, out=tmp_path / "own", exported_by="analyst", secret=SECRET)
    assert set(pl.read_parquet(tmp_path / "own" / "authority.parquet")["code"]) == {"301"}
    assert result.rows["worker"] == 6
    # The operator (no account) chooses: one council, a list, or all.
    every = export_parquet(testshire, out=tmp_path / "all", exported_by="operator", secret=SECRET)
    assert set(pl.read_parquet(tmp_path / "all" / "authority.parquet")["code"]) == {"301", "801"}
    one = export_parquet(
        testshire, out=tmp_path / "801", exported_by="operator", authority_codes=["801"]
    )
    assert one.rows["worker"] + result.rows["worker"] == every.rows["worker"]
    with pytest.raises(NotFoundError, match="no authority with code '999'"):
        export_parquet(testshire, out=tmp_path / "y", exported_by="op", authority_codes=["999"])


def test_a_disabled_account_is_refused(testshire: Engine, tmp_path: Path) -> None:
    add_account(testshire, "analyst", AccountRole.ANALYST)
    accounts.disable_user(testshire, cli_actor("tester"), "analyst")
    with pytest.raises(AccessDeniedError, match="the account is disabled"):
        export_parquet(testshire, out=tmp_path / "x", exported_by="analyst")


def test_a_used_folder_or_a_file_is_refused(testshire: Engine, tmp_path: Path) -> None:
    before = len(events(testshire))
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "notes.txt").write_text("mine")
    with pytest.raises(InvalidInputError, match="used is not empty; export into a new or empty"):
        export_parquet(testshire, out=tmp_path / "used", exported_by="operator")
    (tmp_path / "file").write_text("x")
    with pytest.raises(InvalidInputError, match="file is a file; give --out a new or empty folder"):
        export_parquet(testshire, out=tmp_path / "file", exported_by="operator")
    assert [p.name for p in (tmp_path / "used").iterdir()] == ["notes.txt"]
    with pytest.raises(InvalidInputError, match="--min-group must be at least 5"):
        export_parquet(testshire, out=tmp_path / "x", exported_by="operator", min_group=4)
    assert len(events(testshire)) == before
    (tmp_path / "empty").mkdir()
    export_parquet(testshire, out=tmp_path / "empty", exported_by="operator", secret=SECRET)
    assert (tmp_path / "empty" / "README.txt").exists()


def test_the_export_is_recorded_without_personal_data(testshire: Engine, tmp_path: Path) -> None:
    add_account(testshire, "analyst", AccountRole.ANALYST)
    result = export_parquet(testshire, out=tmp_path / "share", exported_by="analyst")
    event = events(testshire)[-1]
    assert (event["actor"], event["role"], event["action"], event["target_type"]) == (
        "analyst",
        "analyst",
        "export",
        "parquet_export",
    )
    assert (event["target_id"], event["outcome"], event["source"]) == ("share", "allowed", "cli")
    detail = json.loads(event["detail"])
    assert detail["authorities"] == ["301"]
    assert detail["pseudonymised"] is True
    assert detail["role"] == "analyst"
    assert detail["rows"] == sum(result.rows.values())
    assert detail["files"]["worker.parquet"] == 6
    assert detail["data_date"] == date(2025, 3, 31).isoformat()
    for private in ("Asha", "Khan", "E001", "SW100001", "1985-03-12"):
        assert private not in event["detail"]
    export_parquet(testshire, out=tmp_path / "op", exported_by="Operator")
    operator = events(testshire)[-1]
    assert (operator["actor"], operator["role"]) == ("operator", "cli")
    assert json.loads(operator["detail"])["role"] == "operator"

"""The analysts' tables from frames: every column of every exported table has a rule, every
other table a reason; a team manager's workers and children on the day; columns treated and
described in the data dictionary."""

from __future__ import annotations

from datetime import date

import polars as pl

from caseload.domain.disclosure import pseudonym
from caseload.exporters.analyst_files import dictionary_markdown
from caseload.exporters.analyst_tables import analyst_tables
from caseload.exporters.table_rules import NOT_DESCRIBED, NOT_EXPORTED, TABLES, reason_not_exported
from caseload.exporters.team_scope import children_of_workers, workers_in_teams
from caseload.storage.table_frames import polars_type, table_names, table_of

SECRET = b"3f9c1e0b7a6d4c2e8f1a9b0c7d6e5f4a3b2c1d0e9f8a"
DAY = date(2025, 3, 31)


def test_every_column_of_every_exported_table_has_a_rule() -> None:
    for table, rules in TABLES.items():
        assert list(rules.columns) == [c.name for c in table_of(table).c], table


def test_every_other_table_says_why_it_is_not_exported() -> None:
    others = [name for name in table_names() if name not in TABLES]
    assert sorted(others) == sorted(NOT_EXPORTED)
    assert all(reason_not_exported(name) != NOT_DESCRIBED for name in others)
    assert reason_not_exported("a_new_table") == NOT_DESCRIBED
    for secret in ("user_account", "api_token", "user_session", "audit_event", "survey_answer"):
        assert secret not in TABLES


def spell(ident: int, worker: int, team: int, start: date, end: date | None) -> dict[str, object]:
    return {"id": ident, "worker_id": worker, "team_id": team, "start_date": start, "end_date": end}


def test_a_team_managers_workers_and_children_on_the_day() -> None:
    spells = pl.DataFrame(
        [
            spell(1, 1, 10, date(2020, 1, 1), None),  # in team 10 on the day
            spell(2, 2, 10, date(2020, 1, 1), date(2024, 12, 31)),  # moved to 11: out
            spell(3, 2, 11, date(2025, 1, 1), None),
            spell(4, 3, 11, date(2020, 1, 1), date(2023, 6, 30)),  # left from 10 at the end
            spell(5, 3, 10, date(2023, 7, 1), date(2024, 3, 31)),
            spell(6, 4, 11, date(2020, 1, 1), None),  # never in 10
            # Starts after the day: no spell on the day, so the last one counts (as on the
            # worker's page).
            spell(7, 5, 10, date(2025, 4, 1), None),
        ]
    )
    workers = workers_in_teams(spells, [10], DAY)
    assert workers.to_list() == [1, 3, 5]
    allocations = pl.DataFrame(
        [
            (1, 100, 1, "allocated", date(2024, 1, 1), None),  # with worker 1 now
            (2, 101, 4, "allocated", date(2024, 1, 1), None),  # with worker 4 now
            (3, 101, 1, "co_worker", date(2024, 1, 1), None),  # co-working does not count
            (4, 102, 3, "allocated", date(2023, 1, 1), date(2024, 3, 31)),  # last with 3
            (5, 103, 1, "allocated", date(2023, 1, 1), date(2023, 12, 31)),  # then with 4
            (6, 103, 4, "allocated", date(2024, 1, 1), None),
        ],
        schema=["id", "child_id", "worker_id", "role", "start_date", "end_date"],
        orient="row",
    )
    assert children_of_workers(allocations, workers, DAY).to_list() == [100, 102]


def frames() -> dict[str, pl.DataFrame]:
    """One council, two workers (one with a column the rules do not know), one child."""

    def empty(table: str) -> pl.DataFrame:
        return pl.DataFrame(schema={c.name: polars_type(c) for c in table_of(table).c})

    found = {table: empty(table) for table in TABLES}
    found["authority"] = pl.DataFrame(
        {"id": [1], "code": ["301"], "name": ["Testshire"], "region": [None], "data_as_at": [DAY]},
        schema=found["authority"].schema,
    )
    rows = [
        (1, 1, "E001", "SW1", "Asha", "Khan", date(1985, 3, 12), 2, "WBRI", date(2010, 7, 1),
         1, "Leeds", "P1", False, True),
        (2, 1, "E002", None, "Ben", "Ode", None, 1, "BAFR", None, None, None, None, False, False),
    ]  # fmt: skip
    found["worker"] = pl.DataFrame(rows, schema=found["worker"].schema, orient="row").with_columns(
        pl.lit("x").alias("nickname")
    )
    found["child"] = pl.DataFrame(
        [(7, 1, "C1", date(2015, 4, 1), "S1")], schema=found["child"].schema, orient="row"
    )
    return found


def test_columns_are_treated_and_described() -> None:
    source = frames()
    named = analyst_tables(
        source, pseudonymised=False, secret=SECRET, as_at=DAY, min_group=5,
        every_table=("worker", "survey_answer", "a_new_table"),
    )  # fmt: skip
    worker = named.files["worker"]
    assert worker.columns == [
        "id", "authority_id", "staff_number", "swe_number", "first_name", "last_name", "age_band",
        "gender", "ethnicity", "qualification_date", "qualification_level",
        "qualification_institution", "case_system_id", "step_up", "frontline",
    ]  # fmt: skip
    assert worker["age_band"].to_list() == ["40-44", "not known"]
    assert named.suppressed == {}
    assert named.not_exported == {
        "survey_answer": reason_not_exported("survey_answer"),
        "a_new_table": NOT_DESCRIBED,
    }
    without = analyst_tables(source, pseudonymised=True, secret=SECRET, as_at=DAY, min_group=5)
    worker = without.files["worker"]
    keys = [pseudonym(SECRET, "worker", "301", n) for n in ("E001", "E002")]
    assert worker.rows() == [
        (keys[0], 1, True, "c", "c", "c", 2010, 1, False, True),
        (keys[1], 1, False, "c", "c", "c", None, None, False, False),
    ]
    # Two workers in no role: a group under five, so every characteristic is suppressed.
    assert without.suppressed == {
        "worker.ethnic_group": 2, "worker.age_band": 2, "worker.gender": 2, "child.age_band": 1,
    }  # fmt: skip
    assert without.files["child"].rows() == [
        (pseudonym(SECRET, "child", "301", "C1"), 1, "c", pseudonym(SECRET, "family", "301", "S1"))
    ]
    described = without.dictionary.filter(pl.col("file") == "worker.parquet")
    assert described.select("column", "type", "treatment", "source").rows() == [
        ("worker_key", "String", "pseudonymised", "worker.id"),
        ("authority_id", "Int64", "kept", "worker.authority_id"),
        (None, None, "dropped", "worker.staff_number"),
        ("has_swe_number", "Boolean", "replaced by whether one is held", "worker.swe_number"),
        (None, None, "dropped", "worker.first_name"),
        (None, None, "dropped", "worker.last_name"),
        ("age_band", "String", "banded, small groups suppressed", "worker.birth_date"),
        ("gender", "String", "recoded as a word, small groups suppressed", "worker.gender"),
        ("ethnic_group", "String", "banded, small groups suppressed", "worker.ethnicity"),
        ("qualification_year", "Int16", "banded", "worker.qualification_date"),
        ("qualification_level", "Int16", "kept", "worker.qualification_level"),
        (None, None, "dropped", "worker.qualification_institution"),
        (None, None, "dropped", "worker.case_system_id"),
        ("step_up", "Boolean", "kept", "worker.step_up"),
        ("frontline", "Boolean", "kept", "worker.frontline"),
        (None, None, "dropped", "worker.nickname"),
    ]
    unknown = described.filter(pl.col("source") == "worker.nickname").row(0, named=True)
    assert unknown["note"] == NOT_DESCRIBED
    markdown = dictionary_markdown(without.dictionary, {"worker": 2})
    assert "## worker.parquet" in markdown
    assert "People who work or worked for the council, own staff or agency: 2 rows." in markdown
    assert "- `worker.first_name` (first name): a person's name" in markdown

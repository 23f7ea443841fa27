# ruff: noqa: E501  (SQL and rows are easier to read on one line)
"""Supervision records and case file audits survive export and import: a few rows inserted for a
small synthetic council are written as the supervision and audit logs (the example mappings'
layout) and imported into an empty copy of the council, which then holds the same records."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl
from sqlalchemy import Engine, text

from caseload.importers.mapping import load_mapping
from caseload.services.generation import build_council
from caseload.services.imports import AuthorityChoice, import_audits, import_supervision
from caseload.storage import import_writes, schema
from caseload.storage.engine import make_engine, session_scope
from caseload.storage.models import Base
from caseload.storage.practice_frames import (
    audit_grades_frame,
    audits_frame,
    supervisions_frame,
)
from caseload.synthetic import CouncilSpec
from caseload.synthetic.practice_extracts import AUDIT_DOMAIN_COLUMNS, write_practice_extracts

SPEC = CouncilSpec(
    code="908", name="Practice Council", region="London", size_fte=20.0, preset="typical"
)
YEARS, SEED = 1, 3


def _insert_practice(engine: Engine, authority: int, end: date) -> None:
    """Sessions of three workers (one with a supervisor, one without a duration) and audits of
    three allocated children, graded in some domains."""
    with engine.begin() as connection:
        workers = [
            r[0] for r in connection.execute(text("SELECT id FROM worker ORDER BY id LIMIT 4"))
        ]
        allocations = connection.execute(
            text(
                "SELECT child_id, worker_id, start_date FROM allocation WHERE role = 'allocated' ORDER BY id LIMIT 3"
            )
        ).all()
        sessions = [
            (workers[0], workers[3], end - timedelta(days=40), "formal", 60, None),
            (workers[0], None, end - timedelta(days=12), "group", None, None),
            (workers[1], workers[3], end - timedelta(days=12), "ad_hoc", 15, None),
            (workers[2], workers[3], end - timedelta(days=3), "reflective", 90, None),
        ]
        connection.execute(
            text(
                "INSERT INTO supervision (authority_id, worker_id, supervisor_id, supervision_date,"
                " kind, duration_minutes) VALUES (:a, :w, :s, :d, :k, :m)"
            ),
            [
                {"a": authority, "w": w, "s": s, "d": d, "k": k, "m": m}
                for w, s, d, k, m, _ in sessions
            ],
        )
        grades = ("good", "requires_improvement", "outstanding")
        for number, (child, worker, start) in enumerate(allocations):
            audit = connection.execute(
                text(
                    "INSERT INTO case_audit (authority_id, child_id, worker_id, auditor, audit_date,"
                    " instrument, overall_grade, moderated_grade, moderator, themes) VALUES (:a, :c,"
                    " :w, :who, :d, 'Case file audit', :g, :m, :mod, :t) RETURNING id"
                ),
                {
                    "a": authority,
                    "c": child,
                    "w": worker,
                    "who": f"Auditor {number}",
                    "d": start,
                    "g": grades[number],
                    "m": "good" if number == 1 else None,
                    "mod": "Moderator One" if number == 1 else None,
                    "t": "voice of the child; planning" if number != 2 else None,
                },
            ).scalar_one()
            connection.execute(
                text("INSERT INTO case_audit_grade (audit_id, domain, grade) VALUES (:a, :d, :g)"),
                [
                    {"a": audit, "d": d, "g": grades[(number + i) % 3]}
                    for i, d in enumerate(list(AUDIT_DOMAIN_COLUMNS)[: number + 2])
                ],
            )


def _records(engine: Engine, code: str) -> dict[str, pl.DataFrame]:
    """The council's practice records with staff numbers and child references for ids."""
    with engine.connect() as connection:
        authority = import_writes.authority_id(connection, code)
        assert authority is not None
        staff = import_writes.workers_frame(connection, authority).select("id", "staff_number")
        children = import_writes.children_frame(connection, authority).select("id", "child_ref")
    with session_scope(engine) as session:
        sessions = supervisions_frame(session, [authority])
        audits = audits_frame(session, [authority])
        grades = audit_grades_frame(session, [authority])
    named = staff.rename({"id": "worker_id", "staff_number": "worker"})
    supervisor = staff.rename({"id": "supervisor_id", "staff_number": "supervisor"})
    child = children.rename({"id": "child_id"})
    audits = audits.join(named, on="worker_id", how="left").join(child, on="child_id")
    grades = grades.join(audits.select("audit_id", "child_ref", "audit_date"), on="audit_id")
    return {
        "supervision": sessions.join(named, on="worker_id")
        .join(supervisor, on="supervisor_id", how="left")
        .drop("supervision_id", "worker_id", "supervisor_id")
        .sort(pl.all()),
        "audits": audits.drop("audit_id", "worker_id", "child_id").sort("child_ref", "audit_date"),
        "grades": grades.drop("audit_id").sort(pl.all()),
    }


def _clear_generated(engine: Engine) -> None:
    """Remove the supervision records and audits the generator made, so the test's own rows are
    the only ones (the SSD round trip covers the generated visits)."""
    with engine.begin() as connection:
        for table in ("case_audit_grade", "case_audit", "supervision"):
            connection.execute(Base.metadata.tables[table].delete())


def test_practice_records_survive_export_and_import(engine: Engine, tmp_path: Path) -> None:
    built = build_council(engine, SPEC, years=YEARS, seed=SEED)
    _clear_generated(engine)
    with engine.connect() as connection:
        authority = import_writes.authority_id(connection, built.code)
        end = import_writes.data_as_at(connection, authority or 0)
    assert authority is not None and end is not None
    _insert_practice(engine, authority, end)
    with engine.connect() as connection:
        staff = import_writes.workers_frame(connection, authority).select("id", "staff_number")
        children = import_writes.children_frame(connection, authority).select("id", "child_ref")
    with session_scope(engine) as session:
        files = write_practice_extracts(
            tmp_path / "extracts",
            supervisions=supervisions_frame(session, [authority]),
            audits=audits_frame(session, [authority]),
            audit_grades=audit_grades_frame(session, [authority]),
            workers=staff,
            children=children,
        )

    copy = make_engine(f"sqlite:///{tmp_path / 'copy.db'}")
    schema.upgrade(copy)
    build_council(copy, SPEC, years=YEARS, seed=SEED)
    _clear_generated(copy)
    council = AuthorityChoice(SPEC.code)
    supervision = import_supervision(
        copy,
        path=files.supervision,
        mapping="generic-supervision",
        as_at=end,
        loaded_by="t",
        authority=council,
    )
    audits = import_audits(
        copy,
        path=files.audits,
        mapping="generic-audits",
        as_at=end,
        loaded_by="t",
        authority=council,
    )
    assert (supervision.added, supervision.warnings) == (4, 0)
    assert (audits.counts["case_audit"]["added"], audits.warnings) == (3, 0)

    original, loaded = _records(engine, SPEC.code), _records(copy, SPEC.code)
    for name in ("supervision", "audits", "grades"):
        assert loaded[name].equals(original[name]), (name, original[name], loaded[name])
    assert original["grades"].height == 2 + 3 + 4
    # And a second import of the same files changes nothing.
    again = import_audits(
        copy, path=files.audits, mapping="generic-audits", as_at=end, loaded_by="t"
    )
    assert (again.added, again.changed, again.ended) == (0, 0, 0)
    copy.dispose()


def test_the_audit_layout_is_the_example_mappings() -> None:
    mapping = load_mapping("generic-audits")
    assert {d: mapping.columns[f"domain: {d}"][0] for d in mapping.domains} == AUDIT_DOMAIN_COLUMNS

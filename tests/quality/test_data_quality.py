# ruff: noqa: E501
"""The data-quality report on the loaded fixture council: every finding names its record."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from caseload.cli.app import main
from caseload.quality import render_html
from caseload.services.data_quality import data_quality
from caseload.services.imports import import_hr
from caseload.storage.account_models import AuditEvent
from caseload.storage.engine import session_scope

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from importers.import_support import FIXTURES, SECOND, load_first


@pytest.fixture
def council(engine: Engine) -> Engine:
    load_first(engine)
    import_hr(
        engine, path=FIXTURES / "hr_newer.csv", mapping="generic", as_at=SECOND, loaded_by="t"
    )
    return engine


def test_findings_name_the_records_to_fix(council: Engine) -> None:
    report = data_quality(council, link_base="https://caseload.example")
    found = report.findings.select("check", "record", "reference", "detail", "days").rows()
    assert found == [
        ("missing_swe_number", "worker", "E004", "team_manager in post, no SWE number", None),
        *[
            ("missing_census_items", "worker", staff, "missing: qualification level, qualification institution, start origin", None)
            for staff in ("E001", "E002", "E003", "E004", "E005")
        ],
        ("leaver_missing_reason", "spell", "E002", "left on 2021-03-31; missing destination", None),
        ("leaver_missing_reason", "spell", "E004", "left on 2025-04-30; missing destination", None),
        # The care leaver has had no allocated worker since their case opened: looked after from
        # 1 Jan 2019, a care leaver from 1 Apr 2022 with no break. Days waiting as the queue counts
        # them (caseloads.definitions.waiting_days): 30 Apr 2025 - 1 Jan 2019 = 2311.
        ("unallocated_children", "child", "C4", "care leaver case, unallocated since 2019-01-01", 2311),
        # The worker created from the SSD has no employment spell.
        ("allocation_to_worker_not_in_post", "allocation", "I5", "allocated worker staff number X900 is not in post on 2025-04-30", None),
    ]  # fmt: skip
    first = report.findings.row(0, named=True)
    assert first["link"] == f"https://caseload.example/workers/{first['record_id']}"
    summary = {item["check"]: item["findings"] for item in report.summary()}
    assert summary["overlapping_spells"] == 0
    assert summary["fte_above_one"] == 0


def test_html_is_self_contained_and_has_no_names(council: Engine) -> None:
    page = render_html(data_quality(council))
    assert page.startswith("<!doctype html>")
    assert "<script" not in page and "http" not in page
    assert "href='/children/" in page
    for name in ("Asha", "Khan", "Ben", "Cara", "Gil"):
        assert name not in page


def test_the_command_writes_json_and_html(
    council: Engine,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("CASELOAD_DATABASE_URL", council.url.render_as_string(hide_password=False))
    if council.dialect.name != "sqlite":
        pytest.skip("the CLI reads CASELOAD_DATABASE_URL, which cannot name a test schema")
    assert main(["data-quality", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["total"] == 10
    out = tmp_path / "dq.html"
    assert (
        main(["data-quality", "--format", "html", "--out", str(out), "--user", "Dq Analyst"]) == 0
    )
    assert "Open children with no allocated worker (1)" in out.read_text()
    # printing the report is not an export; writing it to a file is, and is recorded
    with session_scope(council) as session:
        exports = [
            (e.actor, e.action, e.target_type, e.target_id, json.loads(e.detail))
            for e in session.scalars(select(AuditEvent).where(AuditEvent.action == "export"))
        ]
    assert exports == [
        (
            "dq analyst",
            "export",
            "data_quality",
            "all",
            {"file": "dq.html", "format": "html", "findings": 10},
        )
    ]

"""Frames match the storage tables: same columns (without ``authority_id``) and suitable types."""

from __future__ import annotations

import polars as pl
import pytest

from caseload.storage.models import Base
from caseload.synthetic import SyntheticCouncil

INSERT_ORDER = [
    "team",
    "worker",
    "team_management",
    "post",
    "employment_spell",
    "absence",
    "child",
    "referral",
    "child_status",
    "proceedings",
    "allocation",
    "visit",
    "review",
    "supervision",
    "case_audit",
    "case_audit_grade",
    "survey",
    "survey_question",
    "survey_response",
    "survey_answer",
    "agency_engagement",
    "asye_programme",
    "asye_review",
    "progression_application",
    "course",
    "training_record",
    "learning_item",
    "attendance",
    "practice_educator",
    "placement",
]


def test_frames_in_foreign_key_order(small_council: SyntheticCouncil) -> None:
    assert list(small_council.frames()) == INSERT_ORDER


@pytest.mark.parametrize("table", INSERT_ORDER)
def test_columns_match_the_table(small_council: SyntheticCouncil, table: str) -> None:
    expected = [c.name for c in Base.metadata.tables[table].columns if c.name != "authority_id"]
    assert small_council.frames()[table].columns == expected


SOURCE_IDS = ("external_id", "case_system_id")


def test_column_types(small_council: SyntheticCouncil) -> None:
    for name, frame in small_council.frames().items():
        for column, dtype in frame.schema.items():
            if column in SOURCE_IDS:
                assert dtype == pl.Utf8, (name, column)
                assert frame[column].is_null().all(), (name, column)
            elif column == "id" or column.endswith("_id"):
                assert dtype == pl.Int64, (name, column)
            if column.endswith("_date"):
                assert dtype == pl.Date, (name, column)
    spells = small_council.employment_spells
    for column in ("fte", "agency_contract_weeks"):
        assert spells.schema[column] == pl.Float64
    for column in ("start_origin", "reason_leave", "leaver_destination"):
        assert spells.schema[column] == pl.Int64
    workers = small_council.workers
    assert workers.schema["gender"] == pl.Int64
    assert workers.schema["qualification_level"] == pl.Int64
    assert workers.schema["step_up"] == pl.Boolean
    assert small_council.referrals.schema["led_to_assessment"] == pl.Boolean
    assert small_council.absences.schema["working_days_lost"] == pl.Float64


def test_rounding(small_council: SyntheticCouncil) -> None:
    spells = small_council.employment_spells
    assert (spells["fte"] == spells["fte"].round(6)).all()
    weeks = spells["agency_contract_weeks"].drop_nulls()
    assert (weeks == weeks.round(1)).all()
    lost = small_council.absences["working_days_lost"]
    assert (lost == lost.round(2)).all()
    posts = small_council.posts
    assert posts["funded_fte"].is_between(0.0, 1.0, closed="right").all()

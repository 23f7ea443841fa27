"""The practice standards YAML: the defaults, what a council may write and the messages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from caseload.errors import ConfigurationError
from caseload.practice.calendar import working_calendar
from caseload.practice.standards import (
    Interval,
    PracticeStandards,
    SupervisionStep,
    default_standards,
    default_standards_text,
    load_standards,
    parse_interval,
    parse_standards,
)


def test_the_defaults_are_domain_section_5() -> None:
    standards = default_standards()
    assert standards.version == 1
    cp, cla, cin = (standards.visit_rule(c) for c in ("cp", "cla", "cin"))
    assert cp is not None and cla is not None and cin is not None
    assert (cp.first_within, cp.every) == (Interval(10, "working_days"),) * 2
    assert cla.first_within == Interval(7, "days")
    assert cla.every == Interval(6, "weeks")
    assert cla.every_after_first_year == Interval(3, "months")
    assert cin.every == Interval(20, "working_days")
    assert standards.recording_within == Interval(5, "working_days")
    review = standards.review_rule("cla")
    assert review is not None and review.first_within == Interval(20, "working_days")
    asye = standards.supervision_for("asye")
    assert asye is not None
    assert asye.steps == (
        SupervisionStep(42, 7),
        SupervisionStep(182, 14),
        SupervisionStep(None, 31),
    )
    other = standards.supervision_for("social_worker")
    assert other is not None and other.role == "default"
    assert standards.audit_instruments[0].name == "Case file audit"
    assert "Voice of the child" in standards.audit_instruments[0].domains
    assert default_standards() is standards  # parsed once


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10 working days", Interval(10, "working_days")),
        ("1 working day", Interval(1, "working_days")),
        ("7 days", Interval(7, "days")),
        ("6 Weeks", Interval(6, "weeks")),
        (" 3  months ", Interval(3, "months")),
    ],
)
def test_intervals(text: str, expected: Interval) -> None:
    assert parse_interval(text) == expected
    assert parse_interval(str(expected)) == expected


@pytest.mark.parametrize("text", ["10", "ten days", "10 wd", "0 days", "25 months", "-1 days"])
def test_bad_intervals(text: str) -> None:
    with pytest.raises(ValueError):
        parse_interval(text)


def _with(old: str, new: str) -> str:
    text = default_standards_text()
    assert old in text
    return text.replace(old, new, 1)


def test_a_bad_interval_names_the_file_line_and_field() -> None:
    text = _with("    every: 10 working days", "    every: fortnightly")
    line = text.splitlines().index("    every: fortnightly") + 1
    with pytest.raises(ConfigurationError) as caught:
        parse_standards(text, source="council.yaml")
    message = str(caught.value)
    assert f"council.yaml, line {line}, field 'visits.cp.every'" in message
    assert "'fortnightly' is not an interval; write a number and a unit" in message


def test_every_problem_is_reported_at_once() -> None:
    text = _with("version: 1", "version: 2\nvisting: true")
    text = text.replace("  default:\n    - {every_days: 31}", "  director:\n    - {every_days: 31}")
    text = text.replace("- {until_days: 182, every_days: 14}", "- {every_days: 14}")
    with pytest.raises(ConfigurationError) as caught:
        parse_standards(text, source="council.yaml")
    message = str(caught.value)
    assert "field 'version': input should be 1; write 'version: 1'" in message
    assert "field 'visting': is not a standard; remove it or check its spelling" in message


def test_semantic_problems_once_the_layout_is_right() -> None:
    text = default_standards_text()
    text = text.replace("  default:\n    - {every_days: 31}", "  director:\n    - {every_days: 31}")
    text = text.replace("- {until_days: 182, every_days: 14}", "- {every_days: 14}")
    with pytest.raises(ConfigurationError) as caught:
        parse_standards(text, source="council.yaml")
    message = str(caught.value)
    assert "field 'supervision.director': is not a role" in message
    assert "field 'supervision.default': is missing" in message
    assert "field 'supervision.asye.1.until_days': is needed on every step but the last" in message


def test_not_yaml_and_not_a_mapping() -> None:
    with pytest.raises(ConfigurationError, match=r"council.yaml, line 1: not valid YAML"):
        parse_standards("visits: [1, 2", source="council.yaml")
    with pytest.raises(ConfigurationError, match="must be a YAML mapping"):
        parse_standards("- 1\n- 2\n", source="council.yaml")
    with pytest.raises(ConfigurationError, match="a value cannot be read"):
        parse_standards("extra_closure_days: [2025-02-30]", source="council.yaml")


def test_extra_closure_days_reach_the_calendar(tmp_path: Path) -> None:
    path = tmp_path / "standards.yaml"
    path.write_text(_with("extra_closure_days: []", "extra_closure_days: [2025-12-29]"))
    standards = load_standards(path)
    assert standards.extra_closure_days == (date(2025, 12, 29),)
    assert standards.source == str(path)
    assert not working_calendar(standards).is_working_day(date(2025, 12, 29))
    with pytest.raises(ConfigurationError, match="cannot read the practice standards file"):
        load_standards(tmp_path / "missing.yaml")


def _parses_or_explains(text: str) -> None:
    """Any input either parses or raises a ConfigurationError naming the source."""
    try:
        result = parse_standards(text, source="fuzz.yaml")
    except ConfigurationError as error:
        assert "fuzz.yaml" in str(error) or "practice standards have" in str(error)
    else:
        assert isinstance(result, PracticeStandards)


_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 400),
    st.text(max_size=12),
    st.sampled_from(["10 working days", "3 months", "0 days", "asye", "default", "cp"]),
    st.dates(),
)
_keys = st.sampled_from(
    [
        "version", "visits", "cp", "cla", "cin", "first_within", "every", "second_within",
        "recording", "within", "reviews", "supervision", "asye", "default", "until_days",
        "every_days", "audit_instruments", "name", "domains", "extra_closure_days", "x",
    ]
)  # fmt: skip
_documents = st.recursive(
    _leaves,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=6)),
    max_leaves=25,
)


@settings(max_examples=200, deadline=None)
@given(document=_documents)
def test_the_parser_raises_nothing_but_configuration_errors(document: object) -> None:
    text = yaml.safe_dump(document)
    _parses_or_explains(text)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("abc:-[]{}, \n\t'\"&*!|>#%@0129.")), max_size=60))
def test_the_parser_survives_any_text(text: str) -> None:
    _parses_or_explains(text)

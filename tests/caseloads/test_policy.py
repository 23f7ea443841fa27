"""The caseload policy: the default, optional settings, clear errors, and the policy in force."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from caseload.caseloads.policy import default_policy, default_policy_text, parse_policy
from caseload.errors import InvalidInputError
from caseload.services.caseloads import caseload_report
from caseload.services.policy import (
    POLICY_ENV,
    policies_in_force,
    policy_versions,
    set_policy,
    show_policy,
)
from caseload.storage import queries
from caseload.storage.engine import session_scope
from caseloads.caseload_council import Council


def test_the_default_policy() -> None:
    policy = default_policy()
    assert (policy.caps["asye"].cases, policy.caps["social_worker"].cases) == (15, 20)
    assert policy.caps["social_worker"].target_cases == 18
    assert policy.case_points("cp", proceedings=True) == 2.5
    assert policy.protected("cin", proceedings=True)
    assert not policy.protected("cin", proceedings=False)
    assert [policy.priority_rank(t, False) for t in ("cp", "cla", "assessment", "cin")] == [
        0,
        1,
        2,
        3,
    ]
    assert policy.priority_rank("care_leaver", proceedings=True) == 0
    assert [policy.band(c) for c in (18, 18.5, 20, 20.5)] == ["green", "amber", "amber", "red"]


def test_settings_added_later_are_optional() -> None:
    text = default_policy_text()
    for line in ("phased_return_days: 28\n", "long_absence_days: 28\n"):
        text = text.replace(line, "")
    text = text.replace("  priority: [cp, cla, assessment, cin, care_leaver]\n", "")
    policy = parse_policy(text, source="old.yaml")
    assert (policy.phased_return_days, policy.long_absence_days) == (28, 28)
    assert policy.priority == ("cp", "cla", "assessment", "cin", "care_leaver")


def test_every_problem_is_reported_with_its_line() -> None:
    text = (
        default_policy_text()
        .replace("asye:                  {cases: 15", "asye:                  {cases: -1")
        .replace("priority: [cp, cla, assessment, cin, care_leaver]", "priority: [cp, cp]")
        .replace("allow_cross_team: false", "allow_cross_team: false\n  allow_overtime: true")
    )
    text += "colour: red\n"
    with pytest.raises(InvalidInputError) as problem:
        parse_policy(text, source="council.yaml")
    lines = str(problem.value).splitlines()
    assert lines[0] == "the caseload policy has 4 problem(s):"
    assert lines[1:] == [
        "council.yaml, line 68, field 'colour': is not a policy setting; remove it or check its "
        "spelling",
        "council.yaml, line 19, field 'caps.asye.cases': must be between 0 and 100, not -1",
        "council.yaml, line 66, field 'allocation.allow_overtime': is not an allocation setting; "
        "check its spelling",
        "council.yaml, line 67, field 'allocation.priority': must list every case type once, most "
        "urgent first (assessment, cin, cp, cla, care_leaver)",
    ]


def test_not_yaml() -> None:
    with pytest.raises(InvalidInputError, match=r"^x.yaml, line 1: not valid YAML"):
        parse_policy("caps: [", source="x.yaml")


def write(tmp_path: Path, name: str, asye_cap: int) -> Path:
    path = tmp_path / name
    path.write_text(
        default_policy_text().replace(
            "asye:                  {cases: 15", f"asye:                  {{cases: {asye_cap}"
        )
    )
    return path


def asye_caps_in_force(engine: Engine) -> dict[str, int]:
    """The ASYE case cap of every council's policy in force, as many councils' figures read it."""
    with session_scope(engine) as session:
        found = policies_in_force(session, queries.authorities_in(session))
    return {code: policy.caps["asye"].cases for code, policy in found.items()}


def test_the_policy_in_force(
    engine: Engine, north: Council, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(POLICY_ENV, raising=False)
    assert show_policy(engine).source == "the default policy"
    assert asye_caps_in_force(engine) == {"301": 15}
    monkeypatch.setenv(POLICY_ENV, str(write(tmp_path, "env.yaml", 14)))
    in_force = show_policy(engine, authority_code="301")
    assert in_force.source == f"the file {tmp_path / 'env.yaml'} ({POLICY_ENV})"
    assert in_force.policy.caps["asye"].cases == 14
    assert asye_caps_in_force(engine) == {"301": 14}
    set_policy(engine, path=write(tmp_path, "all.yaml", 13), user="alice")
    assert show_policy(engine, authority_code="301").policy.caps["asye"].cases == 13
    assert asye_caps_in_force(engine) == {"301": 13}
    mine = set_policy(engine, path=write(tmp_path, "301.yaml", 1), user="bob", authority_code="301")
    assert mine.source.startswith("set for authority 301 by bob at ")
    assert asye_caps_in_force(engine) == {"301": 1}
    assert [(v["for"], v["set_by"]) for v in policy_versions(engine, authority_code="301")] == [
        ("301", "bob"),
        ("every authority", "alice"),
    ]
    # The council's own policy is what its caseloads are measured against.
    _, report = caseload_report(engine)
    ash = report.workers.filter(report.workers["staff_number"] == "A1").row(0, named=True)
    assert ash["rules"] == "asye_over_cap, asye_sole_protected"


def test_a_bad_policy_is_never_set(engine: Engine, north: Council, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 2\n")
    with pytest.raises(InvalidInputError, match="problem"):
        set_policy(engine, path=bad, user="alice")
    assert policy_versions(engine) == []


def test_an_unreadable_policy_setting(
    engine: Engine, north: Council, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(POLICY_ENV, "/no/such/policy.yaml")
    with pytest.raises(InvalidInputError, match=r"CASELOAD_POLICY names /no/such/policy\.yaml"):
        show_policy(engine)

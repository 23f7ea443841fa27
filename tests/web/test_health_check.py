"""The staff health check page, API and command on the web test council: the same figures on
all three, the groups each role may see, and hidden groups said in words."""

from __future__ import annotations

import json

import pytest

from caseload.auth.roles import AccountRole
from caseload.cli.app import main
from caseload.web.templating import visible_text

from .council import WebCouncil


def test_page_api_and_command_agree(
    shared_council: WebCouncil, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    client = shared_council.client(AccountRole.LEADER)
    data = client.get("/api/v1/health-check").json()
    assert data["survey"] is not None and data["council"]["share"] is not None
    page = client.get("/health-check")
    assert page.status_code == 200
    text = visible_text(page.text)
    assert f"{data['council']['share']:.1f}%" in text
    for theme in data["themes"]:
        row = page.text.split(f'<th scope="row">{theme["theme"]}</th>', 1)[1].split("</tr>", 1)[0]
        assert f"{theme['share']:.1f}%" in row
    for block in data["groups"].values():
        for group in block["rows"]:
            if group["hidden"]:
                assert f"Not shown: {group['note']}" in text
    monkeypatch.setenv("CASELOAD_DATABASE_URL", str(shared_council.engine.url))
    assert main(["health-check", "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["council"] == data["council"]
    assert printed["themes"] == data["themes"]
    assert printed["groups"] == data["groups"]


def test_each_role_sees_its_groups(shared_council: WebCouncil) -> None:
    seen = {
        role: shared_council.client(role).get("/api/v1/health-check").json() for role in AccountRole
    }
    assert set(seen[AccountRole.LEADER]["groups"]) == {"service", "team", "role", "experience"}
    assert set(seen[AccountRole.MEMBER]["groups"]) == {"service"}
    assert seen[AccountRole.SOCIAL_WORKER]["groups"] == {}
    manager = seen[AccountRole.TEAM_MANAGER]["groups"]["team"]["rows"]
    assert [row["group"] for row in manager] == [shared_council.own_team]
    assert seen[AccountRole.MEMBER]["link"] is None
    assert seen[AccountRole.LEADER]["link"] is not None
    council = seen[AccountRole.LEADER]["council"]
    assert all(seen[role]["council"] == council for role in AccountRole)


def test_an_unknown_year_is_refused_in_words(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.LEADER)
    answer = client.get("/api/v1/health-check?year=2001")
    assert answer.status_code == 404
    assert "no staff health check for 2001" in answer.text

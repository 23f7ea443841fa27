"""The /asye and /progression pages against their API resources and the command line: one
context each, so the figures shown agree; the page's plain words; a social worker's own view,
and a newly qualified worker's own page linking to their programme with the reviews due."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import text

from caseload.auth.roles import AccountRole
from caseload.cli.app import main
from caseload.services import accounts
from caseload.services.audit import cli_actor
from caseload.web.formatting import day
from caseload.web.templating import visible_text

from .council import PASSWORD, WebCouncil, sign_in


def test_asye_page_api_and_cli_agree(
    shared_council: WebCouncil,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    client = shared_council.client(AccountRole.LEADER)
    data = client.get("/api/v1/asye").json()
    page = client.get(f"/asye?as_at={data['as_at']}")
    assert page.status_code == 200
    text = visible_text(page.text)
    assert f"{data['in_programme']} in the programme" in text
    assert "in every team" in text and data["every_team"] is True
    assert f"{len(data['overdue'])} review" in text
    for row in data["programmes"]:
        assert row["worker"] in text
    monkeypatch.setenv("CASELOAD_DATABASE_URL", str(shared_council.engine.url))
    assert main(["asye", "--format", "json", "--as-at", data["as_at"]]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert cli["cohorts"] == data["cohorts"]
    assert cli["overdue"] == data["overdue"]
    assert cli["in_programme"] == data["in_programme"]


def test_progression_page_api_and_cli_agree(
    shared_council: WebCouncil,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    client = shared_council.client(AccountRole.LEADER)
    data = client.get("/api/v1/progression").json()
    page = client.get("/progression")
    assert page.status_code == 200
    text = visible_text(page.text)
    assert "Social worker to senior social worker" in text
    for row in data["counts"]:
        year = f"October {row['census_year'] - 1} to September {row['census_year']}"
        assert year in text
    monkeypatch.setenv("CASELOAD_DATABASE_URL", str(shared_council.engine.url))
    assert main(["progression", "--format", "json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert cli["counts"] == data["counts"]
    assert len(cli["eligible"]) == len(data["eligible"])


def test_a_social_worker_sees_only_their_own_programme(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.SOCIAL_WORKER)
    data = client.get("/api/v1/asye").json()
    assert data["audience"] == "own"
    assert len(data["programmes"]) <= 1


def test_a_worker_in_their_asye_year_finds_it_and_their_reviews_on_their_own_page(
    council: WebCouncil,
) -> None:
    leader = council.client(AccountRole.LEADER)
    data = leader.get("/api/v1/asye").json()
    running = [p for p in data["programmes"] if p["status"] in ("in_programme", "extended")]
    assert running, "the web council has a newly qualified worker in their year"
    chosen = running[0]
    with council.engine.connect() as connection:
        staff_number = connection.execute(
            text("SELECT staff_number FROM worker WHERE id = :id"), {"id": chosen["worker_id"]}
        ).scalar_one()
    accounts.add_user(
        council.engine,
        cli_actor("tests"),
        username="newly-qualified",
        display_name="Newly qualified",
        role=AccountRole.SOCIAL_WORKER,
        staff_number=staff_number,
        authority_code=council.code,
        password=PASSWORD,
    )
    client = council.client()
    sign_in(client, "newly-qualified", PASSWORD)
    page = client.get("/me")
    assert page.status_code == 200
    section = page.text.split('<section aria-labelledby="asye-heading" id="asye">')[1]
    section = section.split("</section>")[0]
    words = visible_text(section)
    assert "Your ASYE year" in words
    due = [r for r in chosen["reviews"] if r["status"] in ("due", "overdue")]
    # The next review is the first not yet held, which the table lists first.
    assert due and chosen["next_due"] == due[0]["due_date"]
    sentence = f"Your next review is the {chosen['next_review']}, due {day(chosen['next_due'])}."
    assert sentence in words
    rows = re.findall(r'<th scope="row">([^<]*)</th><td>([^<]*)</td><td>([^<]*)</td>', section)
    assert rows == [
        (
            r["label"],
            day(r["due_date"]),
            r["status_label"] + (f" ({r['days_overdue']} days)" if r["days_overdue"] else ""),
        )
        for r in due
    ]
    assert '<a href="/asye">Your ASYE programme</a>' in section
    # The link leads to their own programme, and only theirs.
    own = client.get("/api/v1/asye").json()
    assert own["audience"] == "own"
    assert [p["programme_id"] for p in own["programmes"]] == [chosen["programme_id"]]
    assert client.get("/asye").status_code == 200
    # A social worker not in their ASYE year has no such section.
    other = council.client(AccountRole.SOCIAL_WORKER).get("/me")
    assert other.status_code == 200
    assert 'id="asye-heading"' not in other.text

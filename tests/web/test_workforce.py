"""The workforce page and the census API: indicators by year, team and role equal the census
engine's, members see small numbers suppressed, benchmarks with comparators, and the census
return's report and download (audited; refused without the permission or while it has errors)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy import select, update

from caseload.auth.roles import AccountRole
from caseload.census.definitions import INDICATOR_COLUMNS
from caseload.services import accounts
from caseload.services.audit import cli_actor
from caseload.services.caseloads import caseload_report
from caseload.services.census import Breakdown, census_indicators
from caseload.services.census_view import SUPPRESSED_COUNTS, SUPPRESSED_WITH
from caseload.services.snapshot import snapshots
from caseload.storage import bulk, schema
from caseload.storage.account_models import AuditEvent
from caseload.storage.engine import make_engine, session_scope
from caseload.storage.models import Worker
from caseload.web import create_app

from .census_support import COMPARATOR, import_benchmarks
from .council import PASSWORD, WebCouncil, sign_in

YEAR = 2026
LINK = "Download the census return (XML)"


def _engine_rows(council: WebCouncil, by: Breakdown) -> dict[str, dict[str, Any]]:
    table = census_indicators(council.engine, census_year=YEAR, authority_code=council.code, by=by)
    return {row[by.value]: row for row in table.frame.drop("LEA", "Year").iter_rows(named=True)}


def test_indicators_by_year_team_and_role_are_the_engines(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.LEADER)
    council_row = census_indicators(
        shared_council.engine, census_year=YEAR, authority_code=shared_council.code
    ).frame.row(0, named=True)
    by_year = client.get("/api/v1/census/indicators").json()
    assert by_year["breakdown"] is None
    assert [row["year"] for row in by_year["rows"]] == [YEAR]
    assert {name: by_year["rows"][0][name] for name in INDICATOR_COLUMNS} == {
        name: council_row[name] for name in INDICATOR_COLUMNS
    }
    for by in Breakdown:
        data = client.get(f"/api/v1/census/indicators?year={YEAR}&by={by.value}").json()
        expected = _engine_rows(shared_council, by)
        assert data["breakdown"] == by.value
        assert data["suppressed"] is False
        assert {row[by.value] for row in data["rows"]} == set(expected)
        for row in data["rows"]:
            assert {name: row[name] for name in INDICATOR_COLUMNS} == {
                name: expected[row[by.value]][name] for name in INDICATOR_COLUMNS
            }


def test_the_page_and_the_api_show_the_same_figures(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.ANALYST)
    page = client.get(f"/workforce?year={YEAR}")
    assert page.status_code == 200
    context = client.get(f"/api/v1/workforce?year={YEAR}").json()
    by_team = client.get(f"/api/v1/census/indicators?year={YEAR}&by=team").json()
    assert context["by_team"] == by_team
    assert context["year"] == YEAR
    assert context["source"] == "derived"
    for row in by_team["rows"]:
        assert f'<th scope="row">{row["label"]}</th>' in page.text
    first = by_team["rows"][0]
    assert f'<td class="num">{first["inpost_fte"]:.1f}</td>' in page.text
    assert 'class="data sortable breakdown"' in page.text


def _small(value: object) -> bool:
    return isinstance(value, int | float) and 0 < value < 5


def test_member_sees_small_numbers_suppressed_in_team_and_role_figures(
    shared_council: WebCouncil,
) -> None:
    client = shared_council.client(AccountRole.MEMBER)
    hidden = 0
    for by in Breakdown:
        expected = _engine_rows(shared_council, by)
        data = client.get(f"/api/v1/census/indicators?year={YEAR}&by={by.value}").json()
        assert data["suppressed"] is True
        for row in data["rows"]:
            actual = expected[row[by.value]] | {
                "_staff": expected[row[by.value]]["inpost_headcount"]
                + expected[row[by.value]]["agency_headcount"]
            }
            # a count of 1 to 4 is hidden, a shown figure is the true one (others may be hidden
            # so that the hidden ones cannot be worked out from the council's totals)
            for name in SUPPRESSED_COUNTS:
                assert row[name] in ("c", actual[name]), name
                if _small(actual[name]):
                    assert row[name] == "c", name
            # a figure built from a hidden count (own staff and agency staff: "_staff") is hidden
            for name, counts in SUPPRESSED_WITH.items():
                sources = [
                    source
                    for count in counts
                    for source in (
                        ("inpost_headcount", "agency_headcount") if count == "_staff" else (count,)
                    )
                ]
                assert row[name] in ("c", actual[name]), name
                if any(row[source] == "c" for source in sources):
                    assert row[name] == "c", name
                    hidden += 1
            assert row["vacancy_fte"] == actual["vacancy_fte"]
        # no hidden count is the council's total less the shown rows
        council = client.get(f"/api/v1/census/indicators?year={YEAR}").json()["rows"][0]
        for name in SUPPRESSED_COUNTS:
            values = [expected[row[by.value]][name] or 0 for row in data["rows"]]
            if sum(values) == council[name]:
                assert sum(row[name] == "c" for row in data["rows"]) != 1, name
    assert hidden  # the small test council has small teams
    # a team of 1 to 4 in post: its headcount, FTE and turnover rate are all hidden
    teams = client.get(f"/api/v1/census/indicators?year={YEAR}&by=team").json()["rows"]
    tiny = next(row for row in teams if row["inpost_headcount"] == "c")
    assert tiny["inpost_fte"] == tiny["turnover_rate_fte"] == tiny["absence_rate_fte"] == "c"
    # council totals are not suppressed
    totals = client.get("/api/v1/census/indicators").json()
    assert totals["suppressed"] is False
    assert all(row[name] != "c" for row in totals["rows"] for name in INDICATOR_COLUMNS)
    page = client.get("/workforce").text
    assert '<td class="num">c</td>' in page
    assert "Small numbers are hidden" in page


def test_unknown_year_and_bad_breakdown(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.LEADER)
    missing = client.get("/workforce?year=2019")
    assert missing.status_code == 404
    assert "years with figures: 2026" in missing.text
    api = client.get("/api/v1/census/indicators?year=2019")
    assert api.status_code == 404
    assert client.get("/api/v1/census/indicators?by=service").status_code == 422
    assert client.get("/workforce?year=banana").status_code == 400


def test_social_worker_is_refused_the_workforce(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.SOCIAL_WORKER)
    assert client.get("/workforce").status_code == 403
    assert client.get("/api/v1/census/indicators").status_code == 403
    assert client.get("/api/v1/workforce").status_code == 403


@pytest.mark.parametrize(
    ("role", "report", "link"),
    [
        (AccountRole.LEADER, True, True),
        (AccountRole.ADMIN, True, True),
        (AccountRole.ANALYST, True, False),
        (AccountRole.TEAM_MANAGER, False, False),
        (AccountRole.MEMBER, False, False),
    ],
)
def test_the_return_report_and_link_are_for_roles_that_may_see_them(
    shared_council: WebCouncil, role: AccountRole, report: bool, link: bool
) -> None:
    """The report for the leader, the administrator and the analyst; the download (the XML holds
    SWE numbers and birth dates) for the leader and the administrator only."""
    client = shared_council.client(role)
    data = client.get("/api/v1/workforce").json()
    page = client.get("/workforce").text
    if report:
        assert data["census_return"]["year"] == YEAR
        assert data["census_return"]["errors"] == 0
        assert data["census_return"]["can_download"] is link
        url = f"/workforce/return.xml?year={YEAR}"
        assert data["census_return"]["download_url"] == (url if link else None)
        assert (f">{LINK}</a>" in page) is link
    else:
        assert data["census_return"] is None
        assert LINK not in page


def _events(council: WebCouncil, **wanted: str) -> list[AuditEvent]:
    with session_scope(council.engine) as session:
        query = select(AuditEvent).order_by(AuditEvent.id)
        for name, value in wanted.items():
            query = query.where(getattr(AuditEvent, name) == value)
        events = list(session.scalars(query))
        session.expunge_all()
    return events


def test_download_is_audited_and_refused_to_the_member(council: WebCouncil) -> None:
    leader = council.client(AccountRole.LEADER)
    response = leader.get(f"/workforce/return.xml?year={YEAR}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert f'filename="csww_{council.code}_{YEAR}.xml"' in response.headers["content-disposition"]
    root = etree.fromstring(response.content, etree.XMLParser(resolve_entities=False))
    assert root.tag == "Message"
    assert len(root.findall("CSWWWorker")) > 0
    exports = _events(council, actor="leader", action="export", target_type="census_return")
    assert [event.outcome for event in exports] == ["allowed"]
    assert str(YEAR) in str(exports[0].target_id)
    assert json.loads(exports[0].detail)["census_year"] == YEAR

    member = council.client(AccountRole.MEMBER)
    refused = member.get(f"/workforce/return.xml?year={YEAR}")
    assert refused.status_code == 403
    assert LINK not in refused.text
    events = _events(council, actor="member", action="export", target_type="census_return")
    assert [event.outcome for event in events] == ["refused"]
    assert "cannot download the census return" in json.loads(events[0].detail)["why"]


def test_a_return_with_errors_shows_them_instead_of_a_file(council: WebCouncil) -> None:
    _, report = caseload_report(council.engine, authority_code=council.code)
    own = int(report.workers.filter(pl.col("contract") == "own")["worker_id"][0])
    with session_scope(council.engine) as session:
        session.execute(update(Worker).where(Worker.id == own).values(birth_date=None))
    # Cached figures follow imports and decisions, which every real change goes through; a direct
    # UPDATE moves no fingerprint, so the snapshot read above is dropped as an import would.
    snapshots(council.engine).clear()
    client = council.client(AccountRole.ANALYST)
    data = client.get(f"/api/v1/workforce?year={YEAR}").json()["census_return"]
    assert data["errors"] == 1
    assert data["can_download"] is False
    assert data["download_url"] is None
    assert data["problems"][0]["item"] == "PersonBirthDate"
    # the analyst's report names the worker by position only, never by SWE number
    assert data["problems"][0]["where"].startswith("worker ")
    assert "SWENo" not in data["problems"][0]["where"]
    leader_report = council.client(AccountRole.LEADER).get(f"/api/v1/workforce?year={YEAR}")
    assert "SWENo" in leader_report.json()["census_return"]["problems"][0]["where"]
    page = client.get(f"/workforce?year={YEAR}").text
    assert LINK not in page
    assert "PersonBirthDate" in page
    assert client.get(f"/workforce/return.xml?year={YEAR}").status_code == 403

    response = council.client(AccountRole.LEADER).get(f"/workforce/return.xml?year={YEAR}")
    assert response.status_code == 409
    assert "application/xml" not in response.headers["content-type"]
    assert "PersonBirthDate" in response.text
    assert "1 error" in response.text
    refused = _events(council, actor="analyst", action="export", target_type="census_return")
    assert [event.outcome for event in refused] == ["refused"]
    failed = _events(council, actor="leader", action="export", target_type="census_return")
    assert [event.outcome for event in failed] == ["failed"]


def test_benchmarks_with_comparators(
    council: WebCouncil, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = census_indicators(
        council.engine, census_year=YEAR, authority_code=council.code
    ).frame.row(0, named=True)
    vacancy = float(own["vacancy_rate_fte"])
    import_benchmarks(
        council.engine,
        tmp_path,
        YEAR,
        england={"vacancy_rate_fte": round(vacancy - 5, 1), "caseload_fte": 15.2},
        region={"vacancy_rate_fte": round(vacancy + 1, 1), "caseload_fte": 15.8},
        comparator={"vacancy_rate_fte": 12.5, "caseload_fte": 14.0},
    )
    monkeypatch.setenv("CASELOAD_COMPARATORS", f"{COMPARATOR},999")  # 999: not in the file
    client = council.client(AccountRole.LEADER)
    data = client.get(f"/api/v1/workforce?year={YEAR}").json()["benchmark"]
    assert data["loaded"] is True
    assert "999" in data["message"]  # the missing comparator is named, the rest still shown
    monkeypatch.setenv("CASELOAD_COMPARATORS", COMPARATOR)
    data = client.get(f"/api/v1/workforce?year={YEAR}").json()["benchmark"]
    assert data["message"] is None
    assert data["comparators"] == [{"code": COMPARATOR, "name": "Comparaton (synthetic)"}]
    rows = {row["name"]: row for row in data["indicators"]}
    vacancy_row = rows["vacancy_rate_fte"]
    assert vacancy_row["council"] == own["vacancy_rate_fte"]
    assert vacancy_row["england"] == round(vacancy - 5, 1)
    assert vacancy_row["comparators"] == {COMPARATOR: 12.5}
    assert vacancy_row["comparator_median"] == 12.5
    assert vacancy_row["rag_england"] == "red"
    assert vacancy_row["rag_region"] == "green"
    page = client.get(f"/workforce?year={YEAR}").text
    assert "Comparaton (synthetic)" in page
    assert "No England or regional comparison" not in page


def test_a_council_with_no_data_yet(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    schema.upgrade(engine)
    with engine.begin() as connection:
        bulk.insert_authority(
            connection, code="804", name="Newtown", region="North West", data_as_at=None
        )
    accounts.add_user(
        engine,
        cli_actor("tests"),
        username="leader",
        display_name="Leader",
        role=AccountRole.LEADER,
        authority_code="804",
        password=PASSWORD,
    )
    client = TestClient(create_app(engine), follow_redirects=False)
    sign_in(client, "leader", PASSWORD)
    overview = client.get("/overview")  # the leader lands on the scorecard
    assert overview.status_code == 200
    assert "There are no census figures yet" in overview.text
    assert "There are no caseload figures yet" in overview.text
    workforce = client.get("/workforce")
    assert workforce.status_code == 200
    assert "the data does not cover a census year" in workforce.text
    data = client.get("/api/v1/census/indicators").json()
    assert data["years"] == []
    assert data["rows"] == []
    engine.dispose()

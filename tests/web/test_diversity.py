"""Workforce diversity through every surface: the page, its API, the command line (JSON and CSV)
and the scrutiny report show the same figures for the same day, on each database; an elected
member sees no small number, and only on the data date; the workforce page links to it."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from markupsafe import escape

from caseload.auth.roles import AccountRole
from caseload.cli.app import main
from caseload.domain.disclosure import SUPPRESSED, is_small
from caseload.reports.model import Audience, ReportKind
from caseload.services.report_figures import gather
from caseload.services.reports import compose
from caseload.web.templating import visible_text

from .council import WebCouncil
from .test_one_number import database_url

PRODUCED = datetime(2026, 10, 1, 9, 0)


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    code = main(["diversity", *args])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def _numbers(context: dict[str, Any]) -> list[Any]:
    """Every figure of the context, in order."""
    found: list[Any] = []
    for table in context["profile"]:
        for row in table["rows"]:
            for cell in row["grades"].values():
                found += [cell["headcount"], cell["share"]]
    for row in (context["community"] or {"rows": []})["rows"]:
        found += [row["headcount"], row["workforce_share"], row["difference"]]
    for table in context["rates"]:
        for row in table["rows"]:
            found += [row[k] for k in ("in_post", "starters", "leavers", "leaver_rate")]
    return found


def test_page_api_and_command_line_agree(
    council: WebCouncil,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CASELOAD_DATABASE_URL", database_url(council.engine))
    monkeypatch.setenv("COLUMNS", "200")
    client = council.client(AccountRole.LEADER)
    data_date = date.fromisoformat(client.get("/api/v1/diversity").json()["data_date"])
    for day in (data_date, data_date - timedelta(days=61)):
        api = client.get("/api/v1/diversity", params={"as_at": day.isoformat()}).json()
        assert api["as_at"] == day.isoformat()
        cli = json.loads(_cli(capsys, "--as-at", day.isoformat(), "--format", "json"))
        assert cli == api
        rows = list(
            csv.DictReader(io.StringIO(_cli(capsys, "--as-at", day.isoformat(), "--format", "csv")))
        )
        everyone = next(
            row
            for row in rows
            if row["table"] == "in post"
            and row["dimension"] == "sex"
            and row["category"] == "All"
            and row["grade"] == "All grades"
            and row["figure"] == "headcount"
        )
        sex = api["profile"][1]
        assert sex["dimension"] == "sex"
        total = sex["rows"][-1]["grades"]["All grades"]["headcount"]
        assert int(everyone["value"]) == total > 0
        page = client.get("/workforce/diversity", params={"as_at": day.isoformat()})
        assert page.status_code == 200
        text = visible_text(page.text)
        for table in api["profile"]:
            last = table["rows"][-1]
            cells = " ".join(str(last["grades"][g]["headcount"]) for g in api["grades"])
            assert f"All staff {cells}" in " ".join(text.split()), table["title"]
        comparison = api["community"]
        assert comparison is not None and comparison["area"]
        for row in comparison["rows"]:
            line = page.text.split(f">{escape(row['label'])}</th>", 1)[1].split("</tr>", 1)[0]
            assert f">{row['community_share']:.1f}%<" in line
            assert f">{row['workforce_share']:.1f}%<" in line
        if day == data_date:  # the end of the council's one census year
            assert api["rates_year"] == data_date.year
            assert f"Joining, leaving and promotion by group, {api['rates_year']}" in text
        else:  # two months before it: no census year is covered yet
            assert api["rates_year"] is None and api["rates"] == []
            assert "no joining and leaving rates by group" in text


def test_the_all_staff_leaving_rate_is_the_census_turnover(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.LEADER)
    context = client.get("/api/v1/diversity").json()
    year = context["rates_year"]
    census = client.get("/api/v1/census/indicators", params={"year": year}).json()
    indicators = next(row for row in census["rows"] if row["year"] == year)
    everyone = context["rates"][0]["rows"][-1]
    assert everyone["leaver_rate"] == indicators["turnover_rate_headcount"]
    assert everyone["in_post"] == indicators["inpost_headcount"]


def test_a_member_sees_no_small_number(shared_council: WebCouncil) -> None:
    member = shared_council.client(AccountRole.MEMBER)
    context = member.get("/api/v1/diversity").json()
    assert context["suppressed"] is True
    counts = [
        cell["headcount"]
        for table in context["profile"]
        for row in table["rows"]
        for cell in row["grades"].values()
    ]
    assert SUPPRESSED in counts
    assert not any(is_small(value) for value in counts if isinstance(value, int))
    page = member.get("/workforce/diversity")
    assert "shown as c" in visible_text(page.text)
    earlier = date.fromisoformat(context["data_date"]) - timedelta(days=7)
    refused = member.get("/api/v1/diversity", params={"as_at": earlier.isoformat()})
    assert refused.status_code == 400


def test_the_workforce_page_links_to_it(shared_council: WebCouncil) -> None:
    page = shared_council.client(AccountRole.LEADER).get("/workforce")
    assert '<a href="/workforce/diversity?as_at=' in page.text


def test_the_scrutiny_report_shows_the_pages_figures(shared_council: WebCouncil) -> None:
    for audience, role in ((Audience.PUBLIC, AccountRole.MEMBER), (Audience.INTERNAL, None)):
        figures = gather(
            shared_council.engine,
            authority_code=shared_council.code,
            audience=audience,
            as_at=None,
            baseline_year=None,
        )
        report = compose(figures, ReportKind.SCRUTINY, PRODUCED)
        section = next(s for s in report.sections if s.key == "diversity")
        assert section.title == "Reducing inequalities: who works for us"
        context = shared_council.client(role or AccountRole.LEADER).get("/api/v1/diversity").json()
        comparison = section.tables[0]
        assert [row["headcount"] for row in comparison.rows] == [
            row["headcount"] for row in context["community"]["rows"]
        ]
        assert [row["workforce_share"] for row in comparison.rows] == [
            row["workforce_share"] for row in context["community"]["rows"]
        ]
        sex = section.tables[2]
        assert [row["g5"] for row in sex.rows] == [
            row["grades"]["All grades"]["headcount"] for row in context["profile"][1]["rows"]
        ]
        leaving = section.tables[-1]
        assert [row["leaver_rate"] for row in leaving.rows] == [
            row["leaver_rate"] for row in context["rates"][2]["rows"]
        ]
    board = compose(figures, ReportKind.BOARD_PACK, PRODUCED)
    assert "diversity" not in [s.key for s in board.sections]

"""One date, one number: each figure computed through every surface (the page, its JSON API, the
command line's JSON, the CSV export and the board pack) on the same day must agree, on two days,
on each database.

The page and its API render one context (the API returns it, the page prints it), so the page is
checked by finding the API's value printed on it."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from caseload.auth.roles import AccountRole
from caseload.cli.app import main

from .council import WebCouncil


def database_url(engine: Engine) -> str:
    """A URL the command line can open for the engine's database (a PostgreSQL test schema is in
    the engine's address, as its search path)."""
    return engine.url.render_as_string(hide_password=False)


class Surfaces:
    """One council's figures on one day, read through the API, the pages and the command line."""

    def __init__(self, council: WebCouncil, client: TestClient, day: date) -> None:
        self.council = council
        self.client = client
        self.day = day

    def api(self, path: str) -> dict[str, Any]:
        response = self.client.get(f"/api/v1/{path}", params={"as_at": self.day.isoformat()})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        assert body.get("as_at") in (None, self.day.isoformat())
        return body

    def page(self, path: str) -> str:
        response = self.client.get(path, params={"as_at": self.day.isoformat()})
        assert response.status_code == 200, response.text
        return response.text

    def cli(self, capsys: pytest.CaptureFixture[str], *args: str, dated: bool = True) -> str:
        capsys.readouterr()
        code = main([*args, "--as-at", self.day.isoformat()] if dated else list(args))
        captured = capsys.readouterr()
        assert code == 0, captured.err
        return captured.out


def printed(number: float | int, places: int) -> str:
    return f"{number:,.{places}f}"


@pytest.mark.parametrize("days_back", [0, 61])
def test_every_surface_shows_the_same_figures(
    council: WebCouncil,
    backend: str,
    days_back: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CASELOAD_DATABASE_URL", database_url(council.engine))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("CASELOAD_POLICY", raising=False)
    client = council.client(AccountRole.LEADER)
    data_date = date.fromisoformat(client.get("/api/v1/caseloads").json()["data_date"])
    day = data_date - timedelta(days=days_back)
    at = Surfaces(council, client, day)

    overview = at.api("overview")
    caseloads_api = at.api("caseloads")
    queue_api = at.api("caseloads/queue")
    cli_caseloads = json.loads(at.cli(capsys, "caseloads", "--format", "json"))
    cli_alerts = json.loads(at.cli(capsys, "alerts", "--format", "json"))
    assert overview["as_at"] == caseloads_api["as_at"] == cli_caseloads["as_at"] == day.isoformat()
    assert overview["data_date"] == caseloads_api["data_date"] == data_date.isoformat()

    position = overview["caseloads"]
    summary = caseloads_api["summary"]
    average = cli_caseloads["dfe_average"]
    waiting = overview["unallocated"]
    queue = cli_caseloads["unallocated"]
    severities = [row["severity"] for row in cli_alerts["alerts"]]
    # figure: (overview, other surfaces...), every value the same.
    figures: dict[str, tuple[Any, ...]] = {
        "cases": (position["cases"], summary["cases"], average["cases"]),
        "case-holding FTE": (
            position["case_holders_fte"],
            summary["fte"],
            average["case_holders_fte"],
        ),
        "average caseload": (position["average"], summary["dfe_average"], average["caseload_fte"]),
        "case holders": (
            position["case_holders"],
            summary["case_holders"],
            sum(row["workers"] for row in cli_caseloads["distribution"]),
        ),
        "case holders by band": (
            [row["workers"] for row in position["bands"]],
            [row["workers"] for row in caseloads_api["distribution"]],
            [row["workers"] for row in cli_caseloads["distribution"]],
        ),
        "children waiting": (
            waiting["children"],
            queue_api["summary"]["children"],
            summary["unallocated"],
            len(queue),
        ),
        "longest wait": (
            waiting["longest_wait_days"],
            queue_api["summary"]["longest_wait"],
            max((row["days_waiting"] for row in queue), default=None),
        ),
        "waiting past the escalation age": (
            waiting["escalate"],
            queue_api["summary"]["escalate"],
            summary["escalate"],
            sum(1 for row in queue if row["escalation"] == "escalate"),
        ),
        "red alerts": (overview["alerts"]["red"], severities.count("red")),
        "amber alerts": (overview["alerts"]["amber"], severities.count("amber")),
    }
    teams_api = at.api("teams")["teams"]
    figures["points"] = (
        round(sum(row["points"] for row in teams_api), 1),
        round(sum(row["points"] for row in caseloads_api["teams"]), 1),
        round(sum(row["points"] for row in cli_caseloads["teams"]), 1),
    )
    if days_back == 0:
        assert (day.month, day.day) == (9, 30)  # the council's data ends on a census date
    if (day.month, day.day) == (9, 30):
        # A census reference date: the census indicators, the overview's latest year, the
        # caseloads and the summary's own social work staff answer alike.
        census = json.loads(
            at.cli(
                capsys,
                "census",
                "indicators",
                "--year",
                str(day.year),
                "--format",
                "json",
                dated=False,
            )
        )[0]
        headline = {row["name"]: row["latest"] for row in overview["indicators"]}
        own = {
            row["group"]: row["fte"]
            for row in json.loads(at.cli(capsys, "summary", "--format", "json"))["in_post_fte"]
        }
        assert overview["latest_year"] == day.year
        figures["in-post FTE"] = (
            headline["inpost_fte"],
            census["inpost_fte"],
            own["social_workers"],
        )
        figures["census cases"] = (census["cases"], average["cases"])
        figures["census caseload"] = (
            headline["caseload_fte"],
            census["caseload_fte"],
            average["caseload_fte"],
        )
    # The board pack (its Excel workbook, downloaded from the Reports page) for the same day.
    pack = client.get(
        "/reports/download",
        params={"kind": "board-pack", "audience": "internal", "format": "xlsx", "as_at": day},
    )
    assert pack.status_code == 200, pack.text
    book = openpyxl.load_workbook(io.BytesIO(pack.content))
    in_pack: dict[str, Any] = {}  # the first row of each label: the caseloads sheet's table
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            if len(row) > 1 and isinstance(row[0], str):
                in_pack.setdefault(row[0], row[1])
    figures["cases"] += (in_pack["Cases held"],)
    figures["case-holding FTE"] += (in_pack["Case holders' FTE"],)
    figures["average caseload"] += (in_pack["Average caseload (DfE: cases per case-holding FTE)"],)
    figures["case holders"] += (in_pack["Case holders"],)
    figures["children waiting"] += (in_pack["Children waiting for a social worker"],)
    figures["waiting past the escalation age"] += (
        in_pack["Children waiting past the escalation point"],
    )
    differing = {
        name: values for name, values in figures.items() if len(set(map(repr, values))) > 1
    }
    assert differing == {}

    # The CSV export of the workers' caseloads holds the same cases as the JSON.
    rows = list(csv.DictReader(io.StringIO(at.cli(capsys, "caseloads", "--format", "csv"))))
    assert sum(int(row["cases"]) for row in rows) == sum(
        int(row["cases"]) for row in cli_caseloads["workers"]
    )

    # The pages print the API's figures.
    overview_page = at.page("/overview")
    caseloads_page = at.page("/caseloads")
    for text in (overview_page, caseloads_page):
        assert f'name="as_at" value="{day.isoformat()}"' in text
    if position["average"] is not None:
        assert printed(position["average"], 1) in overview_page
        assert printed(summary["dfe_average"], 1) in caseloads_page
    assert re.search(rf"\b{waiting['children']}\b", overview_page)

    # The alerts page, the workers' table and the downloads count the same as the API and CLI.
    alerts_total = len(cli_alerts["alerts"])
    assert overview["alerts"]["total"] == alerts_total
    alerts_page = at.page("/alerts")
    assert f"{alerts_total:,} alert{'s' if alerts_total != 1 else ''} in every team" in alerts_page
    workers_file = at.client.get(
        "/caseloads/workers/download", params={"format": "csv", "as_at": day.isoformat()}
    )
    workers = list(csv.DictReader(io.StringIO(workers_file.text.lstrip("\ufeff"))))
    assert sum(int(row["Cases"]) for row in workers) == sum(
        int(row["cases"]) for row in cli_caseloads["workers"]
    )
    queue_file = at.client.get(
        "/caseloads/queue/download", params={"format": "csv", "as_at": day.isoformat()}
    )
    assert len(queue_file.text.strip().splitlines()) - 1 == waiting["children"] == len(queue)

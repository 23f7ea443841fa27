"""The scorecard of many councils on one date: each council's exactly as its own scorecard on
that date, for every council, a list or a region, through the service and the command."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, select

from caseload.cli.app import main
from caseload.errors import InvalidInputError
from caseload.services.council_scorecards import council_scorecards
from caseload.services.generation import build_national
from caseload.services.report_scorecard import AREAS
from caseload.services.scorecard import council_principal, scorecard_view
from caseload.storage.engine import session_scope
from caseload.storage.models import Authority
from caseload.storage.queries import authority_regions, data_spans


@pytest.fixture
def councils(engine: Engine) -> Engine:
    build_national(engine, authorities=3, years=1, seed=5)
    return engine


def _data_dates(engine: Engine) -> dict[str, date | None]:
    with session_scope(engine) as session:
        authorities = list(session.scalars(select(Authority).order_by(Authority.code)))
        spans = data_spans(session, [authority.id for authority in authorities])
    return {authority.code: spans[authority.id][1] for authority in authorities}


def test_every_council_equals_its_own_scorecard_on_the_same_date(councils: Engine) -> None:
    dates = _data_dates(councils)
    many = council_scorecards(councils)
    assert many.as_at == min(day for day in dates.values() if day is not None)
    assert [c["authority"]["code"] for c in many.councils] == ["001", "002", "003"]
    for council in many.councils:
        code = council["authority"]["code"]
        alone = scorecard_view(
            councils, council_principal(councils, code), as_at=many.as_at, people=False
        )
        assert council == alone
        assert [area["area"] for area in council["areas"]] == list(AREAS)
        assert council["as_at"] == many.as_at.isoformat()
    rows = many.rows()
    measures = sum(len(area["measures"]) for c in many.councils for area in c["areas"])
    assert len(rows) == measures > 0
    assert {row["LEA"] for row in rows} == {"001", "002", "003"}
    values = {code: [row["value"] for row in rows if row["LEA"] == code] for code in ("001", "002")}
    assert values["001"] != values["002"]  # each council's own figures, not one council's thrice
    # A list and a region choose their councils, on a date of the caller's choosing.
    day = many.as_at
    earlier = day - timedelta(days=30)
    listed = council_scorecards(councils, as_at=earlier, authority_code="003, 001")
    assert listed.as_at == earlier
    assert [c["authority"]["code"] for c in listed.councils] == ["001", "003"]
    with session_scope(councils) as session:
        regions = authority_regions(session, ["001", "002", "003"])
    name = regions["002"]
    assert name is not None
    in_region = council_scorecards(councils, region=name.lower())
    assert [c["authority"]["code"] for c in in_region.councils] == sorted(
        code for code, held in regions.items() if held == name
    )
    latest = max(day for day in dates.values() if day is not None)
    with pytest.raises(InvalidInputError, match="is after the data date of authority"):
        council_scorecards(councils, as_at=latest + timedelta(days=1))


def test_the_command_shows_every_council(
    councils: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CASELOAD_DATABASE_URL", councils.url.render_as_string(False))
    monkeypatch.setenv("CASELOAD_USER", "analyst")
    assert main(["scorecard", "--authority", "all", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [c["authority"]["code"] for c in data["councils"]] == ["001", "002", "003"]
    assert data["as_at"] == data["councils"][0]["as_at"]
    assert (
        main(["scorecard", "--authority", "002", "--as-at", data["as_at"], "--format", "json"]) == 0
    )
    assert json.loads(capsys.readouterr().out) == data["councils"][1]
    assert main(["scorecard", "--authority", "001,002"]) == 0
    table = capsys.readouterr().out
    assert f"Scorecards on {data['as_at']}" in table
    assert "001 " in table and "002 " in table and "003 " not in table
    assert main(["scorecard", "--authority", "all", "--service", "Anything"]) == 2
    assert "--service is for one council's scorecard" in capsys.readouterr().err

"""Census figures for many councils at once: one read and one derivation for all of them, equal
to each council's own figures exactly, and regional and national totals rebuilt from them."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import Engine

from caseload.census.definitions import RATE_BY_NAME, STOCKS
from caseload.cli.app import main
from caseload.errors import InvalidInputError, NotFoundError
from caseload.services.census import census_indicators, load_census
from caseload.services.census_totals import census_totals
from caseload.services.generation import build_national
from caseload.storage import caseload_queries

YEARS = (2025, 2026)


@pytest.fixture
def councils(engine: Engine) -> Engine:
    build_national(engine, authorities=4, years=2, seed=11)
    return engine


def _codes(engine: Engine) -> list[str]:
    frame = load_census(engine, census_year=YEARS[-1]).records
    return sorted(frame["LEA"].unique().to_list())


def test_every_council_at_once_equals_each_council_alone(councils: Engine) -> None:
    codes = _codes(councils)
    assert codes == ["001", "002", "003", "004"]
    for year in YEARS:
        together = census_indicators(councils, census_year=year, authority_code="all").frame
        alone = pl.concat(
            [
                census_indicators(councils, census_year=year, authority_code=code).frame
                for code in codes
            ]
        )
        assert together["LEA"].to_list() == codes
        assert_frame_equal(together, alone)
        records = load_census(councils, census_year=year).records
        for code in codes:
            own = load_census(councils, census_year=year, authority_code=code).records
            assert_frame_equal(
                records.filter(pl.col("LEA") == code).sort("SWENo", "OrgRole", "RoleStartDate"),
                own.sort("SWENo", "OrgRole", "RoleStartDate"),
            )


def test_every_year_at_once_equals_each_year_alone(councils: Engine) -> None:
    together = census_indicators(councils, census_year=2025, last_year=2026).frame
    alone = pl.concat(census_indicators(councils, census_year=year).frame for year in YEARS)
    assert_frame_equal(together, alone.sort("LEA", "Year"))
    with pytest.raises(InvalidInputError, match="--to-year must not be before --year 2026"):
        census_indicators(councils, census_year=2026, last_year=2025)


def test_a_list_and_a_region_choose_their_councils(councils: Engine) -> None:
    listed = census_indicators(councils, census_year=2026, authority_code="001, 003").frame
    assert listed["LEA"].to_list() == ["001", "003"]
    everyone = census_indicators(councils, census_year=2026).frame
    assert_frame_equal(listed, everyone.filter(pl.col("LEA").is_in(["001", "003"])))
    region = load_census(councils, census_year=2026, authority_code="001").records
    assert region.height > 0
    from caseload.storage.engine import session_scope
    from caseload.storage.queries import authority_regions

    with session_scope(councils) as session:
        regions = authority_regions(session, ["001", "002", "003", "004"])
    name = regions["001"]
    assert name is not None
    expected = sorted(code for code, held in regions.items() if held == name)
    in_region = census_indicators(councils, census_year=2026, region=name.upper()).frame
    assert in_region["LEA"].to_list() == expected


def test_unknown_councils_and_regions_are_named(councils: Engine) -> None:
    with pytest.raises(NotFoundError, match=r"no authority with code '999'"):
        census_indicators(councils, census_year=2026, authority_code="001,999")
    with pytest.raises(NotFoundError, match=r"no authority in the region 'Atlantis'; regions held"):
        census_indicators(councils, census_year=2026, region="Atlantis")
    with pytest.raises(InvalidInputError, match="--authority must be"):
        census_indicators(councils, census_year=2026, authority_code=" , ")


def test_national_totals_are_rebuilt_from_the_councils_the_dfe_way(councils: Engine) -> None:
    totals = census_totals(councils, census_year=2026, level="national")
    assert totals.release is None and totals.compared is None
    (area,) = totals.areas.iter_rows(named=True)
    assert area["councils"] == 4
    from caseload.census.indicators import compute_indicators

    census = load_census(councils, census_year=2026)
    per_council = compute_indicators(census.records, census.vacancies)
    for stock in STOCKS:
        assert area[stock.name] == pytest.approx(per_council[stock.name].sum(), abs=1e-9)
    turnover = RATE_BY_NAME["turnover_rate_fte"]
    numerator = sum(per_council[name].sum() for name in turnover.numerator)
    denominator = sum(per_council[name].sum() for name in turnover.denominator)
    assert area["turnover_rate_fte"] == pytest.approx(turnover.scale * numerator / denominator)
    regional = census_totals(councils, census_year=2026, level="regional")
    assert sum(row["councils"] for row in regional.rows()) == 4
    assert regional.rows()[0]["area"] != "England"


def test_the_command_gives_the_same_figures(
    councils: Engine, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASELOAD_DATABASE_URL", councils.url.render_as_string(hide_password=False))
    assert (
        main(["census", "indicators", "--year", "2026", "--authority", "all", "--format", "json"])
        == 0
    )
    shown = json.loads(capsys.readouterr().out)
    frame = census_indicators(councils, census_year=2026).frame
    assert [row["LEA"] for row in shown] == frame["LEA"].to_list()
    assert [row["inpost_fte"] for row in shown] == frame["inpost_fte"].to_list()
    assert main(["census", "totals", "--year", "2026", "--format", "json"]) == 0
    totals = json.loads(capsys.readouterr().out)
    assert totals["areas"] == census_totals(councils, census_year=2026, level="national").rows()
    assert main(["census", "indicators", "--year", "2026", "--region", "Atlantis"]) != 0
    assert "no authority in the region 'Atlantis'" in capsys.readouterr().err


def test_each_councils_caseloads_and_queue_equal_its_own_report(
    councils: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import date

    from caseload.caseloads.policy import default_policy_text
    from caseload.services.caseloads import caseload_report
    from caseload.services.council_caseloads import council_caseloads
    from caseload.services.policy import set_policy

    # Council 002 escalates after 3 days' wait, the others after the default policy's 28.
    own = tmp_path / "policy.yaml"
    own.write_text(
        default_policy_text()
        .replace("review_days: 7", "review_days: 1")
        .replace("escalate_days: 28", "escalate_days: 3"),
        encoding="utf-8",
    )
    set_policy(councils, path=own, user="test", authority_code="002")
    # The waiting children's records are read a few ids at a time, as a national set's are.
    monkeypatch.setattr(caseload_queries, "WAITING_IDS_PER_READ", 7)
    escalated = 0
    for day in (None, date(2025, 12, 31)):
        together = council_caseloads(councils, as_at=day, authority_code="all")
        assert together.frame["LEA"].to_list() == ["001", "002", "003", "004"]
        for row in together.rows():
            scope, report = caseload_report(
                councils, as_at=together.as_at, authority_code=row["LEA"]
            )
            assert scope.day == together.as_at
            assert {key: row[key] for key in report.dfe_average} == report.dfe_average
            assert row["cases"] > 0
            queue = report.queue
            assert row["children_waiting"] == queue.height
            assert row["escalate"] == queue.filter(pl.col("escalation") == "escalate").height
            assert row["longest_wait"] == (queue["days_waiting"].max() if queue.height else None)
            escalated += row["escalate"] if row["LEA"] == "002" else 0
    assert escalated > 0  # the council's own escalation age, not the default
    with pytest.raises(InvalidInputError, match="is after the data date of authority"):
        council_caseloads(councils, as_at=date(2030, 1, 1))


def test_benchmarks_for_many_councils_equal_each_councils_own(
    councils: Engine, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from caseload.services.benchmarks import compare, compare_many, import_published

    import_published(councils)
    many = compare_many(councils, year=2025)
    assert [c.authority["code"] for c in many.councils] == ["001", "002", "003", "004"]
    assert many.not_compared == {}
    for together in many.councils:
        alone = compare(councils, year=2025, authority_code=str(together.authority["code"]))
        assert together.source == alone.source == "census"
        assert together.indicators() == alone.indicators()
        assert together.authority == alone.authority
    # A published council beside one held: the held one on its census figures, the other on its
    # DfE row; a code in neither is listed with the reason.
    listed = compare_many(councils, year=2025, authority="002,316,999")
    assert [(c.authority["code"], c.source) for c in listed.councils] == [
        ("002", "census"),
        ("316", "published"),
    ]
    assert list(listed.not_compared) == ["999"]
    assert "no council row in release 2025" in listed.not_compared["999"]
    published = compare(councils, year=2025, authority_code="316")
    assert listed.councils[1].indicators() == published.indicators()
    region = many.councils[0].authority["region_name"]
    assert region is not None
    in_region = compare_many(councils, year=2025, region=str(region))
    assert {c.authority["code"] for c in in_region.councils} <= {"001", "002", "003", "004"}
    assert all(c.authority["region_name"] == region for c in in_region.councils)
    monkeypatch.setenv("CASELOAD_DATABASE_URL", councils.url.render_as_string(hide_password=False))
    assert main(["benchmarks", "compare", "--year", "2025", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["councils"][2]["indicators"] == many.councils[2].indicators()
    assert main(["benchmarks", "compare", "--year", "2025", "--indicator", "caseload_fte"]) == 0
    table = capsys.readouterr().out
    assert "caseload_fte" in table and "turnover_rate_fte" not in table
    assert main(["benchmarks", "compare", "--year", "2025", "--indicator", "nope"]) != 0
    assert "--indicator 'nope' is not a DfE indicator" in capsys.readouterr().err

"""What an elected member can work out from the JSON they are given.

The member's answers from ``/api/v1/teams``, ``/api/v1/caseloads`` (the council and each service
area), the queue and the overview are put side by side, with the true figures from the service
leader's answers to the same requests. Every way the figures add up (a team's case holders are
its red, amber and green workers; a service area is the sum of its teams; the council is the sum
of its service areas, its bands, its rules; the queue by status and by home team) is then used to
attack the hidden cells, by subtraction and by combining sums. Nothing hidden may come out, every
count from 1 to 4 must be hidden, and nothing built from a hidden count may be shown."""

from __future__ import annotations

import json
import re
from collections.abc import Hashable
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import select

from caseload.auth.roles import AccountRole
from caseload.errors import AccessDeniedError
from caseload.services import accounts
from caseload.services.census_view import SUPPRESSED_COUNTS as CENSUS_COUNTS
from caseload.services.census_view import SUPPRESSED_WITH
from caseload.services.workforce_view import census_return_download
from caseload.storage.engine import session_scope
from caseload.storage.models import Allocation, Child, ChildStatus, Referral, Team, Worker
from caseload.web.formatting import day as day_text
from disclosure_attack import solvable, subtract

from .council import PASSWORD, WebCouncil

Key = tuple[Hashable, ...]
ADDITIVE = ("case_holders", "cases", "red", "amber", "green", "absent", "fte", "points")
TEAM_COUNTS = (
    "case_holders",
    "cases",
    "red",
    "amber",
    "green",
    "absent",
    "asye",
    "advanced",
    "managers",
    "rules_broken",
)
TEAM_FIGURES = ("fte", "points", "utilisation", "dfe_caseload")


class Figures:
    """The figures one account was given, by a key naming what each one is."""

    def __init__(self) -> None:
        self.values: dict[Key, Any] = {}

    def put(self, key: Key, value: Any) -> None:
        if key in self.values:
            assert self.values[key] == value, (key, self.values[key], value)
        self.values[key] = value


def gather(council: WebCouncil, role: AccountRole) -> tuple[Figures, list[str], dict[str, Any]]:
    client = council.client(role)
    figures = Figures()
    teams = client.get("/api/v1/teams").json()["teams"]
    caseloads = client.get("/api/v1/caseloads").json()
    services = [row["service"] for row in caseloads["services"]]
    for row in [*teams, *caseloads["teams"]]:
        for column in (*TEAM_COUNTS, *TEAM_FIGURES, "span"):
            figures.put(("team", row["team_id"], column), row[column])
    for row in caseloads["services"]:
        for column in ("case_holders", "cases", "red", "amber", "green", "absent", "fte", "points"):
            figures.put(("service", row["service"], column), row[column])
        figures.put(("service", row["service"], "utilisation"), row["utilisation"])
    for column, value in caseloads["summary"].items():
        figures.put(("council", column), value)
    for row in caseloads["distribution"]:
        figures.put(("band", row["band"], "workers"), row["workers"])
        figures.put(("band", row["band"], "share"), row["share"])
    for row in caseloads["rules"]:
        figures.put(("rule", row["rule"]), row["count"])
    for service in services:
        if service == "(no service)":
            continue
        page = client.get("/api/v1/caseloads", params={"service": service}).json()
        for column, value in page["summary"].items():
            key = ("council", "dfe_average") if column == "dfe_average" else None
            figures.put(key or ("service", service, column), value)
        for row in page["rules"]:
            figures.put(("service_rule", service, row["rule"]), row["count"])
        for row in page["teams"]:
            for column in (*TEAM_COUNTS, *TEAM_FIGURES, "span"):
                figures.put(("team", row["team_id"], column), row[column])
    queue = client.get("/api/v1/caseloads/queue").json()
    for column in ("escalate", "review", "new"):
        figures.put(("queue", column), queue["summary"][column])
    figures.put(("council", "unallocated"), queue["summary"]["children"])
    for row in queue["by_home_team"]:
        figures.put(("home", row["home_team"], "children"), row["children"])
        figures.put(("home", row["home_team"], "escalate"), row["escalate"])
    for team_id, _, _ in _all_teams(council):
        page = client.get(f"/api/v1/teams/{team_id}").json()
        for point in page["history"]:
            figures.put(("history", team_id, point["month_end"]), point["cases"])
        figures.put(("waiting", team_id), page["waiting"])
        for row in page["teams"]:
            for column in (*TEAM_COUNTS, *TEAM_FIGURES, "span"):
                figures.put(("team", row["team_id"], column), row[column])
    by_year = client.get("/api/v1/census/indicators").json()
    for row in by_year["rows"]:
        for column in CENSUS_COUNTS:
            figures.put(("census", row["year"], "council", column), row[column])
        for by in ("team", "role"):
            table = client.get(
                "/api/v1/census/indicators", params={"year": row["year"], "by": by}
            ).json()
            for line in table["rows"]:
                for column in (*CENSUS_COUNTS, *SUPPRESSED_WITH):
                    figures.put(("census", row["year"], by, line["label"], column), line[column])
    overview = client.get("/api/v1/overview").json()
    position = overview["caseloads"]
    figures.put(("council", "case_holders"), position["case_holders"])
    for row in position["bands"]:
        figures.put(("band", row["band"], "workers"), row["workers"])
        figures.put(("band", row["band"], "share"), row["share"])
    waiting = overview["unallocated"]
    figures.put(("council", "unallocated"), waiting["children"])
    # the overview's "past the review age" counts the escalated children too
    figures.put(("queue", "past_review"), waiting["review"])
    figures.put(("queue", "escalate"), waiting["escalate"])
    alerts = overview["alerts"]
    for name in ("total", "red", "amber"):
        figures.put(("alerts", name), alerts[name])
    for row in alerts["by_kind"]:
        figures.put(("alert", row["kind"], row["severity"]), row["count"])
    return figures, services, {"teams": caseloads["teams"], "alerts": alerts["by_kind"]}


def _all_teams(council: WebCouncil) -> list[tuple[int, int | None, str]]:
    """Every team with a page (service areas too): id, parent id, name."""
    with session_scope(council.engine) as session:
        return [tuple(row) for row in session.execute(select(Team.id, Team.parent_id, Team.name))]


def sums(
    truth: dict[Key, Any], services: list[str], shape: dict[str, Any], council: WebCouncil
) -> list[list[Key]]:
    """Every sum the member can know of, as [total, part, part...], kept where it holds."""
    found: list[list[Key]] = []
    teams_all = _all_teams(council)
    by_name = {name: team_id for team_id, _, name in teams_all}
    census_rows = {key[:4] for key in truth if key[0] == "census" and key[2] != "council"}
    for year in {key[1] for key in census_rows}:
        for by in ("team", "role"):
            labels = [key[3] for key in census_rows if key[1] == year and key[2] == by]
            for column in CENSUS_COUNTS:
                found.append(
                    [("census", year, "council", column)]
                    + [("census", year, by, label, column) for label in labels]
                )
        for label in [key[3] for key in census_rows if key[1] == year and key[2] == "team"]:
            if label in by_name:
                history = ("history", by_name[label], f"{year}-09-30")
                found.append([("census", year, "team", label, "cases"), history])
    for team_id, _, name in teams_all:
        kids = [kid for kid, parent, _ in teams_all if parent == team_id]
        months = sorted(key[2] for key in truth if key[0] == "history" and key[1] == team_id)
        for month in months:
            if kids:
                found.append([("history", team_id, month), *(("history", k, month) for k in kids)])
        if kids:
            found.append([("waiting", team_id), *(("waiting", k) for k in kids)])
        if months:
            found.append([("team", team_id, "cases"), ("history", team_id, months[-1])])
            found.append([("service", name, "cases"), ("history", team_id, months[-1])])
        found.append([("service", name, "unallocated"), ("waiting", team_id)])
    teams = shape["teams"]
    team_ids = [row["team_id"] for row in teams]
    for key_of in [lambda c, t=t: ("team", t, c) for t in team_ids] + [
        lambda c, s=s: ("service", s, c) for s in services
    ]:
        found.append([key_of("case_holders"), key_of("red"), key_of("amber"), key_of("green")])
    for service in services:
        name = None if service == "(no service)" else service
        members = [row["team_id"] for row in teams if row["service"] == name]
        for column in ADDITIVE:
            found.append([("service", service, column), *(("team", t, column) for t in members)])
        found.append(
            [("service", service, "rules_broken"), *(("team", t, "rules_broken") for t in members)]
        )
        rules = [key for key in truth if key[0] == "service_rule" and key[1] == service]
        found.append([("service", service, "rules_broken"), *rules])
    for column in ("case_holders", "cases", "fte"):
        found.append([("council", column), *(("service", s, column) for s in services)])
        found.append([("council", column), *(("team", t, column) for t in team_ids)])
    found.append([("council", "rules_broken"), *(("team", t, "rules_broken") for t in team_ids)])
    found.append([("council", "rules_broken"), *(k for k in truth if k[0] == "rule")])
    for rule in [key[1] for key in truth if key[0] == "rule"]:
        found.append(
            [("rule", rule), *(k for k in truth if k[0] == "service_rule" and k[2] == rule)]
        )
    found.append(
        [("council", "case_holders"), *(k for k in truth if k[0] == "band" and k[2] == "workers")]
    )
    found.append(
        [("council", "unallocated"), *(("queue", s) for s in ("escalate", "review", "new"))]
    )
    found.append(
        [("council", "unallocated"), *(k for k in truth if k[0] == "home" and k[2] == "children")]
    )
    found.append(
        [("council", "escalate"), *(k for k in truth if k[0] == "home" and k[2] == "escalate")]
    )
    found.append([("council", "escalate"), ("queue", "escalate")])
    found.append([("queue", "past_review"), ("queue", "review"), ("queue", "escalate")])
    found.append([("council", "unallocated"), *(("service", s, "unallocated") for s in services)])
    found.append([("council", "escalate"), *(("service", s, "escalate") for s in services)])
    alerts = [("alert", row["kind"], row["severity"]) for row in shape["alerts"]]
    found.append([("alerts", "total"), *alerts])
    for severity in ("red", "amber"):
        found.append([("alerts", severity), *(a for a in alerts if a[2] == severity)])
    for alert in alerts:
        if ("rule", alert[1]) in truth:
            found.append([alert, ("rule", alert[1])])
    return [
        relation
        for relation in found
        if all(key in truth and _number(truth[key]) for key in relation)
        and abs(truth[relation[0]] - sum(truth[key] for key in relation[1:])) < 1e-6
    ]


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def test_no_hidden_figure_can_be_worked_out_from_the_members_json(
    shared_council: WebCouncil,
) -> None:
    member, services, shape = gather(shared_council, AccountRole.MEMBER)
    leader, leader_services, _ = gather(shared_council, AccountRole.LEADER)
    assert services == leader_services
    shown, truth = member.values, leader.values
    assert shown.keys() == truth.keys()
    hidden = {key for key, value in shown.items() if value == "c"}
    # every shown figure is the true one
    for key, value in shown.items():
        assert value == "c" or value == truth[key], (key, value, truth[key])
    # every count from 1 to 4 is hidden
    counts = {
        key
        for key in truth
        if key[-1] not in (*TEAM_FIGURES, *SUPPRESSED_WITH, "share", "span", "dfe_average")
        and isinstance(truth[key], int)
        and key[:3] != ("census", key[1], "council")
    }
    small = {key for key in counts if 1 <= truth[key] <= 4}
    assert small, "the council has small numbers to hide"
    assert small <= hidden, sorted(map(repr, small - hidden))
    # nothing built from a hidden count is shown
    for key in [k for k in truth if k[0] == "team" and k[2] in ("case_holders", "cases")]:
        if key in hidden:
            for figure in TEAM_FIGURES:
                assert ("team", key[1], figure) in hidden, (key, figure)
    for key in [k for k in truth if k[0] == "band" and k[2] == "workers"]:
        if key in hidden:
            assert ("band", key[1], "share") in hidden
    # and nothing hidden comes back
    relations = sums(truth, services, shape, shared_council)
    assert len(relations) > 40
    recovered = subtract({k: float(v) for k, v in shown.items() if _number(v)}, relations)
    assert recovered == {}, recovered
    fixed = {key for key in solvable(hidden, relations) if truth[key] != 0}
    assert fixed == set(), fixed
    # complementary suppression did hide figures that are not small themselves
    assert any(not (1 <= truth[key] <= 4) for key in hidden if isinstance(truth[key], int))


def test_a_team_with_few_cases_shows_nothing_built_from_them(shared_council: WebCouncil) -> None:
    """In this council three teams have 1, 2 and 3 case holders: their FTE, points, caseload and
    utilisation are hidden on every page the member opens, and the leader sees them."""
    member = shared_council.client(AccountRole.MEMBER)
    leader = shared_council.client(AccountRole.LEADER)
    true_rows = {row["team_id"]: row for row in leader.get("/api/v1/teams").json()["teams"]}
    small = [row for row in true_rows.values() if 1 <= row["case_holders"] <= 4]
    assert sorted(row["case_holders"] for row in small) == [1, 2, 3]
    for row in small:
        shown_list = {r["team_id"]: r for r in member.get("/api/v1/teams").json()["teams"]}
        page = member.get(f"/api/v1/teams/{row['team_id']}").json()
        on_page = next(r for r in page["teams"] if r["team_id"] == row["team_id"])
        for shown in (shown_list[row["team_id"]], on_page):
            for column in ("case_holders", "fte", "points", "utilisation", "dfe_caseload"):
                assert shown[column] == "c", column
        assert isinstance(row["points"], float) and row["points"] > 0
    # and every page a member opens renders its hidden figures
    pages = ["/", "/workforce", "/caseloads", "/caseloads/queue"]
    pages += [f"/teams/{team_id}" for team_id, _, _ in _all_teams(shared_council)]
    services = member.get("/api/v1/caseloads").json()["services"]
    pages += [f"/caseloads?service={quote(s['service'])}" for s in services if s["href"]]
    for path in pages:
        response = member.get(path)
        assert response.status_code == 200, path
    assert '<td class="num">c</td>' in member.get("/caseloads").text


# --- the performance analyst: pseudonyms, no SWE numbers, no birth dates, no XML ---------------


def _private_values(council: WebCouncil) -> dict[str, set[str]]:
    """Every SWE number, birth date (as ISO, as UK numerals and as pages write dates), staff
    number, child reference and name in the council. A child's birth date is left out when it is
    also a date the pages legitimately show (a case, referral or allocation date, a month end)."""
    with session_scope(council.engine) as session:
        workers = session.execute(
            select(Worker.swe_number, Worker.birth_date, Worker.staff_number, Worker.last_name)
        ).all()
        children = session.execute(select(Child.child_ref, Child.birth_date)).all()
        shown_dates = {
            day
            for column in (
                Allocation.start_date,
                Allocation.end_date,
                ChildStatus.start_date,
                ChildStatus.end_date,
                Referral.referral_date,
            )
            for day in session.scalars(select(column))
            if day is not None
        }
    births = {born for _, born, _, _ in workers if born is not None}
    births |= {born for _, born in children if born is not None and born not in shown_dates}
    return {
        "SWE numbers": {swe for swe, _, _, _ in workers if swe},
        "birth dates": {
            text
            for born in births
            for text in (born.isoformat(), born.strftime("%d/%m/%Y"), day_text(born))
        },
        "staff numbers": {staff for _, _, staff, _ in workers},
        "child references": {ref for ref, _ in children},
    }


def _analyst_answers(council: WebCouncil) -> dict[str, str]:
    client = council.client(AccountRole.ANALYST)
    teams = client.get("/api/v1/teams").json()["teams"]
    services = [row["service"] for row in client.get("/api/v1/caseloads").json()["services"]]
    paths = [
        "/",
        "/api/v1/overview",
        "/workforce",
        "/api/v1/workforce",
        "/api/v1/census/indicators",
        "/api/v1/census/indicators?by=team",
        "/api/v1/census/indicators?by=role",
        "/caseloads",
        "/api/v1/caseloads",
        "/caseloads/queue",
        "/api/v1/caseloads/queue",
        "/api/v1/workers",
        "/api/v1/teams",
        "/data/quality",
        *(f"/caseloads?service={quote(s)}" for s in services if s != "(no service)"),
        *(f"/api/v1/caseloads?service={quote(s)}" for s in services if s != "(no service)"),
        *(f"/teams/{row['team_id']}" for row in teams if row["team_id"] is not None),
        *(f"/api/v1/teams/{row['team_id']}" for row in teams if row["team_id"] is not None),
    ]
    answers = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        answers[path] = response.text
    return answers


def test_the_analyst_sees_no_swe_number_birth_date_or_source_identifier(
    shared_council: WebCouncil,
) -> None:
    private = _private_values(shared_council)
    assert private["SWE numbers"] and private["birth dates"]
    # (the check can see them: the leader's worker list carries staff numbers)
    leader = shared_council.client(AccountRole.LEADER).get("/api/v1/workers").text
    assert any(staff in leader for staff in private["staff numbers"])
    answers = _analyst_answers(shared_council)
    for path, text in answers.items():
        for what, values in private.items():
            found = sorted(value for value in values if value in text)
            assert not found, (path, what, found[:5])
    # people are there, under keyed pseudonyms
    workers = json.loads(answers["/api/v1/workers"])["workers"]
    assert workers and all(re.fullmatch(r"W-[0-9A-HJKMNP-TV-Z]{8}", w["label"]) for w in workers)
    assert all(w["worker_id"] is None and w["href"] is None for w in workers)


def test_the_analyst_cannot_download_the_census_return(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.ANALYST)
    refused = client.get("/workforce/return.xml")
    assert refused.status_code == 403
    assert "<Message" not in refused.text
    analyst = accounts.sign_in(shared_council.engine, "analyst", PASSWORD, source="t").principal
    with pytest.raises(AccessDeniedError, match="cannot download the census return"):
        census_return_download(shared_council.engine, analyst)
    leader = accounts.sign_in(shared_council.engine, "leader", PASSWORD, source="t").principal
    assert census_return_download(shared_council.engine, leader).data
    admin = accounts.sign_in(shared_council.engine, "admin", PASSWORD, source="t").principal
    assert census_return_download(shared_council.engine, admin).data

"""Far-future and out-of-range dates and numbers (issue 11, item 3).

Two walks prove that every day and number from outside is range-checked where it enters:

- every route of the web application: each query or path parameter that holds a day or a number
  must be declared with the shared checks of ``caseload.web.deps`` (the walk reads the declared
  parameters), and sending it ``9999-12-31``, ``99999999999999999999``, ``-1`` or ``abc`` as the
  leader and as the administrator is answered 400 (404 for a record id in the path) with the
  usual error page or JSON body, never FastAPI's 422 or a 500;
- every command of the command line: each option of a number type must use the shared
  ``WholeNumber`` type (or click's own range), and each number or date option given those values
  exits 2 with one line naming the option, never a traceback.

A new route or command that skips the checks fails one of these walks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, get_args

import click
import pytest
from fastapi.dependencies.models import Dependant
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BeforeValidator

from caseload.auth.roles import AccountRole
from caseload.cli.app import COMMANDS, load_command, main
from caseload.cli.options import WholeNumber
from caseload.domain.numbers import CENSUS_YEARS, parse_whole_number
from caseload.errors import InvalidInputError
from caseload.storage import schema
from caseload.storage.engine import make_engine
from caseload.web import create_app
from caseload.web.deps import RANGE_CHECKS
from security.routes import Route, served_routes
from web.council import WebCouncil

HR = Path(__file__).resolve().parents[1] / "importers" / "fixtures" / "hr_awkward.csv"
BAD_VALUES = ("9999-12-31", "99999999999999999999", "-1", "abc")
# Names that hold a day or a number, whatever type a route or command declares them with.
DAY_OR_NUMBER = re.compile(
    r"(^|[_-])(as[_-]at|from|to|date|day|since|until|page|year|limit|offset|count|days|size|"
    r"id|ids|decided|seed|years|group)$"
)
# Audit-trail filters that are left out of the search with a note, never used as they are.
LEFT_OUT_WITH_A_NOTE = {("/admin/audit", "date_from"), ("/admin/audit", "date_to")}
# Named like a number but holding text: the audit trail's target ids are user names, tokens, ...
TEXT_NOT_A_NUMBER = {("/admin/audit", "target_id"), ("/admin/audit/download", "target_id")}
LEFT_OUT_NOTE = "must be a date; it was left out of the search."


# --- the web -----------------------------------------------------------------------------------


def _annotation_types(annotation: Any) -> set[Any]:
    found = {annotation}
    for argument in get_args(annotation):
        found |= _annotation_types(argument)
    return found


def _holds_day_or_number(name: str, annotation: Any) -> bool:
    types = _annotation_types(annotation)
    return bool(types & {int, float, date}) or bool(DAY_OR_NUMBER.search(name))


def _is_checked(field: Any) -> bool:
    return any(
        isinstance(item, BeforeValidator) and isinstance(item.func, RANGE_CHECKS)
        for item in field.field_info.metadata
    )


def _parameters(dependant: Dependant, where: str) -> Iterator[Any]:
    """The query or path parameters of a route and of every dependency it uses."""
    yield from dependant.query_params if where == "query" else dependant.path_params
    for sub in dependant.dependencies:
        yield from _parameters(sub, where)


def day_and_number_parameters() -> Iterator[tuple[Route, str, Any]]:
    """(route, where, parameter) for every GET route's query and path parameters that hold a
    day or a number, read from the application's own declarations."""
    for route in served_routes(create_app(make_engine("sqlite://"))):
        if getattr(route, "dependant", None) is None or "GET" not in (route.methods or ()):
            continue
        for where in ("query", "path"):
            for field in _parameters(route.dependant, where):
                if (route.path, field.alias) in TEXT_NOT_A_NUMBER:
                    continue
                if _holds_day_or_number(field.alias, field.field_info.annotation):
                    yield route, where, field


WALKED = sorted(
    {(route.path, where, field.alias) for route, where, field in day_and_number_parameters()}
)


def test_the_walk_finds_the_parameters_it_should() -> None:
    found = set(WALKED)
    for expected in (
        ("/", "query", "as_at"),
        ("/", "query", "baseline_year"),
        ("/workforce", "query", "year"),
        ("/allocation/moves", "query", "from"),
        ("/allocation/moves", "query", "worker_id"),
        ("/allocation", "query", "decided"),
        ("/admin/audit", "query", "page"),
        ("/workers/{worker_id}", "path", "worker_id"),
        ("/api/v1/census/indicators", "query", "year"),
        ("/api/v1/teams/{team_id}", "path", "team_id"),
    ):
        assert expected in found, expected


def test_every_day_or_number_parameter_is_declared_with_the_shared_checks() -> None:
    unchecked = sorted(
        f"{route.path} {field.alias}"
        for route, _where, field in day_and_number_parameters()
        if not _is_checked(field) and (route.path, field.alias) not in LEFT_OUT_WITH_A_NOTE
    )
    assert unchecked == []


def _address(path: str, council: WebCouncil, where: str, name: str, value: str) -> str:
    filled = {"worker_id": council.own_worker_id, "team_id": council.own_team_id}

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        return value if (where == "path" and key == name) else str(filled.get(key, "x"))

    address = re.sub(r"\{([^}:]+)(?::[^}]*)?\}", fill, path)
    return address if where == "path" else f"{address}?{name}={value}"


@pytest.mark.parametrize("role", [AccountRole.LEADER, AccountRole.ADMIN], ids=str)
@pytest.mark.parametrize(("path", "where", "name"), WALKED)
def test_an_out_of_range_value_is_refused_where_it_enters(
    probed_council: WebCouncil, role: AccountRole, path: str, where: str, name: str
) -> None:
    client = probed_council.client(role)
    for value in BAD_VALUES:
        address = _address(path, probed_council, where, name, value)
        answer = client.get(address)
        if (path, name) in LEFT_OUT_WITH_A_NOTE:
            assert answer.status_code in (200, 403), address
            if answer.status_code == 200:
                assert LEFT_OUT_NOTE in answer.text.replace("&#39;", "'"), address
            continue
        expected = 404 if where == "path" else 400
        assert answer.status_code == expected, (address, answer.status_code, answer.text[:300])
        if path.startswith("/api/"):
            body = answer.json()
            assert set(body) == {"error", "detail"}, address
            if where == "query":
                assert name in body["detail"], (address, body)
        else:
            assert answer.headers["content-type"].startswith("text/html"), address
            assert '<p class="message">' in answer.text, address
            if where == "query":
                assert name in answer.text, address


def test_far_future_reporting_dates_and_huge_page_numbers_get_plain_answers(
    probed_council: WebCouncil,
) -> None:
    """The probe's own requests: each was a 500 or was accepted."""
    admin = probed_council.client(AccountRole.ADMIN)
    leader = probed_council.client(AccountRole.LEADER)
    page = admin.get("/admin/audit?page=99999999999999999999")
    assert page.status_code == 400
    assert "page must be a whole number from 1 to 1000000, not 99999999999999999999" in page.text
    moves = leader.get("/allocation/moves?from=9999-12-31")
    assert moves.status_code == 400
    assert "from 9999-12-31 is after 2099-12-31; choose an earlier date" in moves.text
    late = admin.get("/admin/audit?date_to=9999-12-31")
    assert late.status_code == 200
    assert "'To' must be a date; it was left out of the search." in late.text.replace("&#39;", "'")
    typed = leader.get("/workforce?year=banana")
    assert typed.status_code == 400
    assert "year must be a whole number from 2000 to 2100, not &#39;banana&#39;" in typed.text


def test_a_form_field_out_of_range_is_refused(probed_council: WebCouncil) -> None:
    leader = probed_council.client(AccountRole.LEADER)
    html = leader.get("/allocation/moves").text
    token = re.findall(r'name="csrf_token" value="([^"]*)"', html)[0]
    moved = leader.post(
        "/allocation/moves",
        data={
            "csrf_token": token,
            "worker_id": str(probed_council.own_worker_id),
            "from": "9999-12-31",
        },
    )
    assert moved.status_code == 400
    assert "after 2099-12-31" in moved.text
    decided = leader.post(
        "/allocation/decisions",
        data={
            "csrf_token": token,
            "child_ref": "C1",
            "action": "override",
            "worker_id": "99999999999",
        },
    )
    assert decided.status_code == 400
    assert "worker_id must be a whole number from 1 to 2147483647, not 99999999999" in decided.text


def _upload_hr(site: Any, as_at: str) -> Any:
    admin = site.client("admin")
    return admin, admin.post(
        "/data/upload",
        data={
            "csrf_token": site.csrf(admin, "/data"),
            "kind": "hr",
            "mapping": "generic",
            "as_at": as_at,
        },
        files=[("files", ("hr.csv", HR.read_bytes(), "text/csv"))],
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("9999-12-30", "The extract date 9999-12-30 is after 2099-12-31; choose an earlier date."),
        ("2100-01-01", "The extract date 2100-01-01 is after 2099-12-31; choose an earlier date."),
        ("1999-12-31", "The extract date 1999-12-31 is before 2000-01-01; choose a later date."),
        (
            "31/12/2025",
            "The extract date must be a date written YYYY-MM-DD, not &#39;31/12/2025&#39;.",
        ),
    ],
)
def test_the_upload_form_refuses_an_extract_date_out_of_range(
    upload_site: Any, value: str, message: str
) -> None:
    _admin, answer = _upload_hr(upload_site, value)
    assert answer.status_code == 400
    assert f"<p>{message}</p>" in answer.text
    assert [p for p in upload_site.left_on_disk() if p.is_dir()] == []


def test_the_upload_check_never_offers_to_load_a_future_extract(upload_site: Any) -> None:
    """In range but after today: the check refuses it, and there is nothing to confirm."""
    admin, answer = _upload_hr(upload_site, "2099-12-31")
    assert answer.status_code == 303
    check = admin.get(answer.headers["location"])
    assert check.status_code == 200
    assert "The extract date 2099-12-31 is in the future" in check.text
    assert "Confirm the load" not in check.text


# --- the command line --------------------------------------------------------------------------


def _commands() -> Iterator[tuple[list[str], click.Command]]:
    def walk(command: click.Command, path: list[str]) -> Iterator[tuple[list[str], click.Command]]:
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                yield from walk(sub, [*path, name])
        else:
            yield path, command

    for name in COMMANDS:
        yield from walk(load_command(name), [name])


NUMBER_TYPES = (click.types.IntParamType, click.types.FloatParamType, WholeNumber)


def _takes_day_or_number(option: click.Parameter) -> bool:
    if not isinstance(option, click.Option) or option.is_flag:
        return False
    return isinstance(option.type, NUMBER_TYPES) or any(
        DAY_OR_NUMBER.search(name.lstrip("-")) for name in option.opts
    )


OPTIONS = sorted(
    (" ".join(path), option.opts[0])
    for path, command in _commands()
    for option in command.params
    if _takes_day_or_number(option)
)


def test_the_command_walk_finds_the_options_it_should() -> None:
    for expected in (
        ("import hr", "--as-at"),
        ("allocate", "--as-at"),
        ("reallocate", "--from"),
        ("census indicators", "--year"),
        ("export pseudonymised", "--min-group"),
        ("users token", "--days"),
        ("allocate", "--time-limit"),
    ):
        assert expected in OPTIONS, expected


def test_every_whole_number_option_uses_a_checked_type() -> None:
    unchecked = sorted(
        f"{' '.join(path)} {option.opts[0]}"
        for path, command in _commands()
        for option in command.params
        if isinstance(option, click.Option)
        and type(option.type) is click.types.IntParamType  # a bare INT: no range
    )
    assert unchecked == []


def _filler(parameter: click.Parameter, folder: Path) -> list[str]:
    """A plausible value for a required parameter other than the one probed."""
    if isinstance(parameter, click.Argument):
        if parameter.name == "username":
            return ["nobody"]
        source = folder / "input.csv"
        source.write_text("a,b\n1,2\n")
        return [str(source)]
    name = parameter.opts[0]
    values = {
        "--authority": "802",
        "--worker": "W0001",
        "--from": "2025-01-01",
        "--mapping": "generic",
        "--out": str(folder / "out"),
        "--level": "national",
        "--year": "2025",
    }
    return [name, values.get(name, "x")]


@pytest.fixture(scope="module")
def empty_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("cli") / "empty.db"
    engine = make_engine(f"sqlite:///{path}")
    schema.upgrade(engine)
    engine.dispose()
    return f"sqlite:///{path}"


@pytest.mark.parametrize(("command", "option"), OPTIONS)
def test_a_command_refuses_an_out_of_range_option_in_one_line(
    command: str,
    option: str,
    empty_database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CASELOAD_DATABASE_URL", empty_database)
    monkeypatch.setenv("CASELOAD_USER", "tests")
    path = command.split()
    found = {" ".join(p): c for p, c in _commands()}[command]
    others = [
        word
        for parameter in found.params
        if parameter.required and option not in getattr(parameter, "opts", [])
        for word in _filler(parameter, tmp_path)
    ]
    for value in BAD_VALUES:
        code = main([*path, *others, f"{option}={value}"])
        err = capsys.readouterr().err.strip()
        assert code == 2, (command, option, value, err)
        assert "Traceback" not in err
        assert len(err.splitlines()) == 1, err
        assert err.startswith("error: ") and option in err, err


def test_import_hr_refuses_a_far_future_extract_date(
    empty_database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The probe: ``import hr --as-at 9999-12-30`` loaded and moved the data date."""
    monkeypatch.setenv("CASELOAD_DATABASE_URL", empty_database)
    code = main(["import", "hr", str(HR), "--mapping", "generic", "--as-at", "9999-12-30"])
    assert code == 2
    assert capsys.readouterr().err.strip() == (
        "error: --as-at 9999-12-30 is after 2099-12-31; choose an earlier date"
    )


# --- the shared parser -------------------------------------------------------------------------


def test_the_shared_whole_number_parser() -> None:
    assert parse_whole_number(" 2025 ", "year", CENSUS_YEARS) == 2025
    assert parse_whole_number("", "year", CENSUS_YEARS) is None
    assert parse_whole_number(None, "year", CENSUS_YEARS) is None
    for text, shown in (
        ("1999", "1999"),
        ("2101", "2101"),
        ("-1", "-1"),
        ("2025.0", "'2025.0'"),
        ("١٢", "'١٢'"),  # digits of another script are not taken as a year
        ("9" * 30, "'" + "9" * 20 + "...'"),
    ):
        with pytest.raises(InvalidInputError) as refused:
            parse_whole_number(text, "year", CENSUS_YEARS)
        assert str(refused.value) == f"year must be a whole number from 2000 to 2100, not {shown}"


@given(st.integers())
def test_a_whole_number_is_taken_exactly_when_it_is_in_range(number: int) -> None:
    if CENSUS_YEARS.low <= number <= CENSUS_YEARS.high:
        assert parse_whole_number(str(number), "year", CENSUS_YEARS) == number
    else:
        with pytest.raises(InvalidInputError):
            parse_whole_number(str(number), "year", CENSUS_YEARS)


@given(st.text(max_size=60))
def test_any_text_is_a_number_in_range_nothing_or_a_refusal(text: str) -> None:
    try:
        found = parse_whole_number(text, "year", CENSUS_YEARS)
    except InvalidInputError as refused:
        assert str(refused).startswith("year must be a whole number from 2000 to 2100, not ")
        assert "\n" not in str(refused).replace(text, "")
    else:
        assert found is None or found in CENSUS_YEARS

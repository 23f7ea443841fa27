"""Loading a staff health check survey (``caseload import health-check`` and the Data page).

The load is one transaction in the common frame of every import
(:func:`caseload.services.imports._run`): read the file with its ``kind: health_check`` mapping,
check every row, match the teams, replace the year's survey, record an ``import_run`` of kind
``health_check`` and write the audit trail. The survey's closing day is the load's extract
date."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine

from caseload.auth.principal import Principal
from caseload.errors import InvalidInputError
from caseload.importers.encodings import check_encoding
from caseload.importers.health_check import (
    HealthCheckMapping,
    check_health_check,
    load_health_check_mapping,
    plan_health_check,
    write_health_check,
)
from caseload.importers.mapping import available_mappings, has_own_layout
from caseload.importers.plan import LoadPlan
from caseload.importers.tables import read_source
from caseload.services.audit import Actor
from caseload.services.imports import (
    AuthorityChoice,
    ImportResult,
    _checked_plan,
    _run,
)
from caseload.storage import health_check_frames as survey_store
from caseload.storage import import_writes as store
from caseload.storage.schema import require_current

KIND = "health_check"


def checked_survey(title: str, year: int, fielded: date, *, on_command_line: bool = True) -> str:
    """The survey's title with its spaces tidied, once the title, year and closing day are
    checked; a refusal names the command's options, or the upload form's words."""
    tidy = " ".join(title.split())
    if not tidy or len(tidy) > 120:
        where = " (--survey-title)" if on_command_line else ""
        raise InvalidInputError(f"give the survey's title, at most 120 characters{where}")
    if not 2000 <= year <= 2100:
        raise InvalidInputError(f"the survey year must be from 2000 to 2100, not {year}")
    if abs(fielded.year - year) > 1:
        check = "--year and --as-at" if on_command_line else "the year and the day it closed"
        raise InvalidInputError(
            f"the survey closed on {fielded.isoformat()}, far from its year {year}; check {check}"
        )
    return tidy


def health_check_mappings(mappings_dir: Path | None = None) -> list[HealthCheckMapping]:
    """The staff health check mappings available (one in the council's mappings folder stands
    in for a built-in one of the same name)."""
    return [
        load_health_check_mapping(name, mappings_dir=mappings_dir)
        for name in available_mappings(mappings_dir)
        if has_own_layout(name, mappings_dir)
    ]


def import_health_check(
    engine: Engine,
    *,
    path: Path,
    mapping: str,
    title: str,
    year: int,
    fielded: date,
    loaded_by: str,
    authority: AuthorityChoice | None = None,
    dry_run: bool = False,
    strict: bool = False,
    mappings_dir: Path | None = None,
    now: datetime | None = None,
    actor: Principal | Actor | None = None,
    encoding: str | None = None,
) -> ImportResult:
    """Load one year's staff health check, replacing that year's survey if it was loaded before.
    ``fielded`` is the day the survey closed (the load's extract date)."""
    require_current(engine)
    title = checked_survey(title, year, fielded)
    chosen = load_health_check_mapping(mapping, mappings_dir=mappings_dir)
    check_encoding(encoding)
    table = read_source(path, encoding=encoding)
    extract = check_health_check(table, chosen)
    header = survey_store.SurveyHeader(
        title=title,
        year=year,
        fielded_date=fielded,
        scale_min=chosen.scale_min,
        scale_max=chosen.scale_max,
        favourable_min=chosen.favourable_min,
    )

    def plan_and_write(connection: Connection, authority_id: int) -> LoadPlan:
        plan = plan_health_check(
            extract,
            teams=store.teams_frame(connection, authority_id),
            held_responses=survey_store.responses_held(connection, authority_id, year),
        )
        write_health_check(
            connection, authority_id, _checked_plan(plan, table.name), extract, survey=header
        )
        return plan

    return _run(
        engine,
        kind=KIND,
        source=table.name,
        sha256=table.sha256,
        rows=table.height,
        mapping_name=chosen.name,
        authority=authority or AuthorityChoice(),
        as_at=fielded,
        loaded_by=loaded_by,
        dry_run=dry_run,
        strict=strict,
        file_problems=extract.problems,
        plan_and_write=plan_and_write,
        now=now,
        actor=actor,
    )

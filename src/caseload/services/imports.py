"""Loading a council's HR extract, absences, Standard Safeguarding Dataset, supervision records and
case file audits.

Every load is one transaction: read and check the source, plan it against what the database holds,
write the plan, record the run and write it to the audit trail, then commit (or roll back for a
dry run, which so proves the load would succeed). Any error rolls everything back."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from caseload.auth.principal import Principal
from caseload.domain.dates import check_day, day_in_england
from caseload.errors import DataIntegrityError, InvalidInputError, NotFoundError
from caseload.importers.absences import check_absences, plan_absences, write_absence_plan
from caseload.importers.agency import check_agency, plan_agency, write_agency_plan
from caseload.importers.asye import check_asye, plan_asye, write_asye_plan
from caseload.importers.audits import (
    check_audits,
    plan_audits,
    write_audit_plan,
)
from caseload.importers.encodings import check_encoding
from caseload.importers.hr import check_hr
from caseload.importers.hr_plan import hr_state, plan_hr
from caseload.importers.load import write_hr
from caseload.importers.mapping import (
    Mapping,
    available_mappings,
    has_own_layout,
    load_mapping,
)
from caseload.importers.mapping_check import MappingReport, check_mapping
from caseload.importers.placements import (
    check_placements,
    plan_placements,
    write_placements_plan,
)
from caseload.importers.plan import LoadPlan
from caseload.importers.problems import ImportRejectedError as ImportRejectedError
from caseload.importers.problems import describe as describe
from caseload.importers.problems import errors_in as errors_in
from caseload.importers.problems import warnings_in as warnings_in
from caseload.importers.progression import (
    check_progression,
    plan_progression,
    write_progression_plan,
)
from caseload.importers.ssd import SsdOptions as SsdOptions
from caseload.importers.ssd import check_ssd
from caseload.importers.ssd_plan import plan_ssd, ssd_state, write_ssd
from caseload.importers.ssd_sources import SsdSource, read_ssd_folder, read_ssd_url
from caseload.importers.supervision import (
    check_supervision,
    plan_supervision,
    write_supervision_plan,
)
from caseload.importers.tables import RawTable, read_source
from caseload.importers.training import check_training, plan_training, write_training_plan
from caseload.importers.values import read_fields
from caseload.practice.standards import AuditInstrument
from caseload.services import audit
from caseload.services.audit import Actor
from caseload.storage import agency_frames, learning_frames, training_frames
from caseload.storage import import_writes as store
from caseload.storage.schema import require_current

MAX_WARNINGS_KEPT = 500


@dataclass(frozen=True)
class AuthorityChoice:
    """Which authority a load is for; ``name`` (and ``region``) create it when it is new."""

    code: str | None = None
    name: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class ImportResult:
    kind: str
    source: str
    authority: str
    as_at: date
    dry_run: bool
    run_id: int | None
    rows: int
    counts: dict[str, dict[str, int]]
    added: int
    changed: int
    ended: int
    problems: pl.DataFrame  # the warnings (a load with errors raises ImportRejectedError)
    same_content_as_run: int | None

    @property
    def warnings(self) -> int:
        return self.problems.height

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "source": self.source,
            "authority": self.authority,
            "as_at": self.as_at.isoformat(),
            "dry_run": self.dry_run,
            "loaded": not self.dry_run,
            "run": self.run_id,
            "rows": self.rows,
            "added": self.added,
            "changed": self.changed,
            "ended": self.ended,
            "warnings": self.warnings,
            "tables": self.counts,
            "same_content_as_run": self.same_content_as_run,
            "problems": self.problems.to_dicts(),
        }


class _DryRunError(Exception):
    """Raised inside the transaction to roll a dry run back."""


@contextmanager
def _transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction; database refusals become a one-line DataIntegrityError."""
    try:
        with engine.begin() as connection:
            yield connection
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise DataIntegrityError(
            f"the database refused the load, so nothing was loaded: {reason}"
        ) from None


def _authority(connection: Connection, choice: AuthorityChoice) -> tuple[int, str]:
    codes = store.authority_codes(connection)
    code = choice.code
    if code is None:
        if len(codes) == 1:
            code = codes[0]
        elif not codes:
            raise NotFoundError(
                "the database holds no authority yet; pass --authority CODE and --authority-name "
                "NAME to create the council the data belongs to"
            )
        else:
            raise InvalidInputError(
                f"the database holds {len(codes)} authorities; say which with --authority CODE"
            )
    found = store.authority_id(connection, code)
    if found is not None:
        return found, code
    if not choice.name:
        raise NotFoundError(
            f"authority {code} is not in the database; pass --authority-name NAME to create it"
        )
    if len(code) != 3:
        raise InvalidInputError(f"--authority must be the 3-digit DfE code, not {code!r}")
    return store.create_authority(
        connection, code=code, name=choice.name, region=choice.region
    ), code


# An extract dated more than this after the data already loaded is almost always a mistyped
# date: loading it would move every page's default date a year or more at once.
LONGEST_GAP_DAYS = 366


def council_today(now: datetime | None = None) -> date:
    """The day it is now in England: an extract cannot be dated later."""
    return day_in_england(now or datetime.now(UTC))


def check_extract_date(as_at: date, data_date: date | None, today: date) -> date:
    """The extract's date, refused when it is out of range, in the future, or more than a year
    after the council's data date (the last day its data covers). A later date moves the data
    date on; an earlier one never moves it back."""
    check_day(as_at, "the extract date")
    if as_at > today:
        raise InvalidInputError(
            f"the extract date {as_at.isoformat()} is in the future (today is "
            f"{today.isoformat()}); give the last day the extract covers"
        )
    if data_date is not None and (as_at - data_date).days > LONGEST_GAP_DAYS:
        raise InvalidInputError(
            f"the extract date {as_at.isoformat()} is more than a year after the data already "
            f"loaded, which runs to {data_date.isoformat()}; check the date, or load the "
            "extracts in between first"
        )
    return as_at


def _check_as_at(connection: Connection, authority: int, kind: str, as_at: date) -> int | None:
    """Refuse an extract older than the last one loaded; return the run with the same content."""
    last = store.last_run(connection, authority, kind)
    if last is None:
        return None
    previous = last["details"].get("as_at")
    if previous and date.fromisoformat(previous) > as_at:
        raise InvalidInputError(
            f"this {kind} extract is as at {as_at.isoformat()}, but one as at {previous} was "
            f"loaded already (run {last['id']}); load the newer extract, or pass --as-at with "
            "the date the extract was taken"
        )
    return None


def _same_content(connection: Connection, authority: int, kind: str, sha: str) -> int | None:
    last = store.last_run(connection, authority, kind)
    return int(last["id"]) if last is not None and last["sha256"] == sha else None


def _run(
    engine: Engine,
    *,
    kind: str,
    source: str,
    sha256: str,
    rows: int,
    mapping_name: str | None,
    authority: AuthorityChoice,
    as_at: date,
    loaded_by: str,
    dry_run: bool,
    strict: bool,
    file_problems: pl.DataFrame,
    plan_and_write: Callable[[Connection, int], LoadPlan],
    now: datetime | None,
    actor: Principal | Actor | None,
) -> ImportResult:
    """The common frame of every load: checks, one transaction, the run record and its audit
    event (``actor``, else the command-line user ``loaded_by``)."""
    if errors_in(file_problems).height:
        raise ImportRejectedError(source, file_problems)
    outcome: dict[str, Any] = {}
    try:
        with _transaction(engine) as connection:
            authority_id, code = _authority(connection, authority)
            store.lock_authority(connection, code)
            check_extract_date(
                as_at, store.data_as_at(connection, authority_id), council_today(now)
            )
            _check_as_at(connection, authority_id, kind, as_at)
            same = _same_content(connection, authority_id, kind, sha256)
            plan = plan_and_write(connection, authority_id)
            warnings = warnings_in(plan.problems)
            store.advance_data_as_at(connection, authority_id, as_at)
            details = {
                "as_at": as_at.isoformat(),
                "rows": rows,
                "tables": plan.counts(),
                "same_content_as_run": same,
                "warnings": warnings.head(MAX_WARNINGS_KEPT).to_dicts(),
            }
            run_id = store.insert_run(
                connection,
                authority=authority_id,
                kind=kind,
                source_name=source,
                sha256=sha256,
                mapping_name=mapping_name,
                loaded_at=now or datetime.now(UTC),
                loaded_by=loaded_by,
                added=plan.total("added"),
                changed=plan.total("changed"),
                ended=plan.total("ended"),
                warnings=warnings.height,
                details=details,
            )
            outcome = {"plan": plan, "code": code, "run": run_id, "same": same}
            if strict and warnings.height:
                raise ImportRejectedError(
                    source, warnings.with_columns(pl.lit("error").alias("severity"))
                )
            if dry_run:
                raise _DryRunError
            _audit_load(
                connection,
                actor,
                loaded_by=loaded_by,
                authority_id=authority_id,
                run_id=run_id,
                detail={
                    "kind": kind,
                    "authority": code,
                    "file": source if "://" in source else Path(source).name,
                    "as_at": as_at.isoformat(),
                    "rows": rows,
                    "added": plan.total("added"),
                    "changed": plan.total("changed"),
                    "ended": plan.total("ended"),
                    "warnings": warnings.height,
                },
            )
    except _DryRunError:
        pass
    plan = outcome["plan"]
    return ImportResult(
        kind=kind,
        source=source,
        authority=outcome["code"],
        as_at=as_at,
        dry_run=dry_run,
        run_id=None if dry_run else outcome["run"],
        rows=rows,
        counts=plan.counts(),
        added=plan.total("added"),
        changed=plan.total("changed"),
        ended=plan.total("ended"),
        problems=warnings_in(plan.problems),
        same_content_as_run=outcome["same"],
    )


def _audit_load(
    connection: Connection,
    actor: Principal | Actor | None,
    *,
    loaded_by: str,
    authority_id: int,
    run_id: int,
    detail: dict[str, Any],
) -> None:
    """Write the load to the audit trail in the load's own transaction, so both commit or
    neither does. The detail holds the file name, counts and ids, never the data."""
    who = actor if actor is not None else audit.cli_actor(loaded_by, authority_id)
    if isinstance(who, Actor) and who.authority_id is None:
        who = replace(who, authority_id=authority_id)
    session = Session(bind=connection)
    try:
        audit.record_in(session, who, "change", "import", run_id, detail)
    finally:
        session.close()


def _checked_plan(plan: LoadPlan, source: str) -> LoadPlan:
    if errors_in(plan.problems).height:
        raise ImportRejectedError(source, plan.problems)
    return plan


def _mapping(name: str, kind: str, mappings_dir: Path | None) -> Mapping:
    mapping = load_mapping(name, mappings_dir=mappings_dir)
    if mapping.kind != kind:
        raise InvalidInputError(
            f"mapping {mapping.name} is for {mapping.kind} extracts, not {kind}; choose a "
            f"mapping whose kind is {kind}"
        )
    return mapping


def _read(path: Path, mapping: Mapping, encoding: str | None) -> RawTable:
    check_encoding(encoding)  # a bad --encoding is refused even for a workbook
    return read_source(
        path,
        sheet=mapping.sheet,
        skip_rows=mapping.skip_rows,
        header_rows=mapping.header_rows,
        encoding=encoding,
    )


def import_hr(
    engine: Engine,
    *,
    path: Path,
    mapping: str,
    as_at: date,
    loaded_by: str,
    authority: AuthorityChoice | None = None,
    dry_run: bool = False,
    strict: bool = False,
    allow_mass_ending: bool = False,
    mappings_dir: Path | None = None,
    now: datetime | None = None,
    actor: Principal | Actor | None = None,
    encoding: str | None = None,
) -> ImportResult:
    """Load an HR extract (CSV or XLSX) through a saved column mapping. ``actor`` is written to
    the audit trail (default: the command-line user ``loaded_by``). ``encoding`` is a CSV's
    character encoding (default: detected, :mod:`caseload.importers.encodings`)."""
    require_current(engine)
    chosen = _mapping(mapping, "hr", mappings_dir)
    table = _read(path, chosen, encoding)
    extract = check_hr(read_fields(table, chosen), chosen, as_at=as_at)

    def plan_and_write(connection: Connection, authority_id: int) -> LoadPlan:
        state = hr_state(
            store.teams_frame(connection, authority_id),
            store.posts_frame(connection, authority_id),
            store.workers_frame(connection, authority_id),
            store.hr_spells_frame(connection, authority_id),
        )
        plan = plan_hr(
            extract,
            state,
            as_at=as_at,
            unknown_teams=chosen.unknown_teams,
            allow_mass_ending=allow_mass_ending,
        )
        write_hr(connection, authority_id, _checked_plan(plan, table.name))
        return plan

    return _run(
        engine,
        kind="hr",
        source=table.name,
        sha256=table.sha256,
        rows=table.height,
        mapping_name=chosen.name,
        authority=authority or AuthorityChoice(),
        as_at=as_at,
        loaded_by=loaded_by,
        dry_run=dry_run,
        strict=strict,
        file_problems=extract.problems,
        plan_and_write=plan_and_write,
        now=now,
        actor=actor,
    )


def import_absences(
    engine: Engine,
    *,
    path: Path,
    mapping: str,
    as_at: date,
    loaded_by: str,
    authority: AuthorityChoice | None = None,
    dry_run: bool = False,
    strict: bool = False,
    mappings_dir: Path | None = None,
    now: datetime | None = None,
    actor: Principal | Actor | None = None,
    encoding: str | None = None,
) -> ImportResult:
    """Load absence episodes for workers already loaded from the HR extract (``encoding``: as
    for :func:`import_hr`)."""
    require_current(engine)
    chosen = _mapping(mapping, "absences", mappings_dir)
    table = _read(path, chosen, encoding)
    extract = check_absences(read_fields(table, chosen), as_at=as_at)

    def plan_and_write(connection: Connection, authority_id: int) -> LoadPlan:
        plan = plan_absences(
            extract,
            workers=store.workers_frame(connection, authority_id),
            existing=store.absences_frame(connection, authority_id),
        )
        write_absence_plan(connection, authority_id, _checked_plan(plan, table.name))
        return plan

    return _run(
        engine,
        kind="absences",
        source=table.name,
        sha256=table.sha256,
        rows=table.height,
        mapping_name=chosen.name,
        authority=authority or AuthorityChoice(),
        as_at=as_at,
        loaded_by=loaded_by,
        dry_run=dry_run,
        strict=strict,
        file_problems=extract.problems,
        plan_and_write=plan_and_write,
        now=now,
        actor=actor,
    )


def audit_instruments() -> tuple[AuditInstrument, ...]:
    """The case file audit instruments of the council's practice standards
    (``CASELOAD_PRACTICE_STANDARDS``, else the built-in ones); the first is the default for an
    audit whose file names none."""
    from caseload.services.practice import practice_standards

    return practice_standards().audit_instruments


def import_supervision(
    engine: Engine,
    *,
    path: Path,
    mapping: str,
    as_at: date,
    loaded_by: str,
    authority: AuthorityChoice | None = None,
    dry_run: bool = False,
    strict: bool = False,
    mappings_dir: Path | None = None,
    now: datetime | None = None,
    actor: Principal | Actor | None = None,
    encoding: str | None = None,
) -> ImportResult:
    """Load supervision records for workers already loaded from the HR extract; the file
    replaces the council's records for the period it covers (``encoding``: as for
    :func:`import_hr`)."""
    require_current(engine)
    chosen = _mapping(mapping, "supervision", mappings_dir)
    table = _read(path, chosen, encoding)
    extract = check_supervision(read_fields(table, chosen), as_at=as_at)

    def plan_and_write(connection: Connection, authority_id: int) -> LoadPlan:
        plan = plan_supervision(
            extract,
            workers=store.workers_frame(connection, authority_id),
            held=store.supervisions_held(connection, authority_id),
        )
        write_supervision_plan(connection, authority_id, _checked_plan(plan, table.name))
        return plan

    return _run(
        engine,
        kind="supervision",
        source=table.name,
        sha256=table.sha256,
        rows=table.height,
        mapping_name=chosen.name,
        authority=authority or AuthorityChoice(),
        as_at=as_at,
        loaded_by=loaded_by,
        dry_run=dry_run,
        strict=strict,
        file_problems=extract.problems,
        plan_and_write=plan_and_write,
        now=now,
        actor=actor,
    )


def import_agency(
    engine: Engine,
    *,
    path: Path,
    mapping: str,
    as_at: date,
    loaded_by: str,
    authority: AuthorityChoice | None = None,
    dry_run: bool = False,
    strict: bool = False,
    mappings_dir: Path | None = None,
    now: datetime | None = None,
    actor: Principal | Actor | None = None,
    encoding: str | None = None,
) -> ImportResult:
    """Load agency engagements of agency workers already loaded from the HR extract; the file
    replaces the council's engagements starting in the period it covers (``encoding``: as for
    :func:`import_hr`)."""
    require_current(engine)
    chosen = _mapping(mapping, "agency", mappings_dir)
    table = _read(path, chosen, encoding)
    extract = check_agency(read_fields(table, chosen), as_at=as_at)

    def plan_and_write(connection: Connection, authority_id: int) -> LoadPlan:
        plan = plan_agency(
            extract,
            workers=store.workers_frame(connection, authority_id),
            held=agency_frames.engagements_held(connection, authority_id),
        )
        write_agency_plan(connection, authority_id, _checked_plan(plan, table.name))
        return plan

    return _run(
        engine,
        kind="agency",
        source=table.name,
        sha256=table.sha256,
        rows=table.height,
        mapping_name=chosen.name,
        authority=authority or AuthorityChoice(),
        as_at=as_at,
        loaded_by=loaded_by,
        dry_run=dry_run,
        strict=strict,
        file_problems=extract.problems,
        plan_and_write=plan_and_write,
        now=now,
        actor=actor,
    )


def import_asye(
    engine: Engine,
    *,
    path: Path,
    mapping: str,
    as_at: date,
    loaded_by: str,
    authority: AuthorityChoice | None = None,
    dry_run: bool = False,
    strict: bool = False,
    mappings_dir: Path | None = None,
    now: datetime | None = None,
    actor: Principal | Actor | None = None,
    encoding: str | None = None,
) -> ImportResult:
    """Load ASYE programmes and their reviews for workers already loaded from the HR extract;
    a programme the file changes is replaced, others are kept (``encoding``: as for
    :func:`import_hr`)."""
    require_current(engine)
    chosen = _mapping(mapping, "asye", mappings_dir)
    table = _read(path, chosen, encoding)
    extract = check_asye(read_fields(table, chosen), as_at=as_at)

    def plan_and_write(connection: Connection, authority_id: int) -> LoadPlan:
        plan = plan_asye(
            extract,
            workers=store.workers_frame(connection, authority_id),
            held=learning_frames.programmes_held(connection, authority_id),
        )
        write_asye_plan(connection, authority_id, _checked_plan(plan, table.name))
        return plan

    return _run(
        engine,
        kind="asye",
        source=table.name,
        sha256=table.sha256,
        rows=table.height,
        mapping_name=chosen.name,
        authority=authority or AuthorityChoice(),
        as_at=as_at,
        loaded_by=loaded_by,
        dry_run=dry_run,
        strict=strict,
        file_problems=extract.problems,
        plan_and_write=plan_and_write,
        now=now,
        actor=actor,
    )


def import_progression(
    engine: Engine,
    *,
    path: Path,
    mapping: str,
    as_at: date,
    loaded_by: str,
    authority: AuthorityChoice | None = None,
    dry_run: bool = False,
    strict: bool = False,
    mappings_dir: Path | None = None,
    now: datetime | None = None,
    actor: Principal | Actor | None = None,
    encoding: str | None = None,
) -> ImportResult:
    """Load progression applications for workers already loaded from the HR extract; an
    application the file changes is updated, others are kept (``encoding``: as for
    :func:`import_hr`)."""
    require_current(engine)
    chosen = _mapping(mapping, "progression", mappings_dir)
    table = _read(path, chosen, encoding)
    extract = check_progression(read_fields(table, chosen), as_at=as_at)

    def plan_and_write(connection: Connection, authority_id: int) -> LoadPlan:
        plan = plan_progression(
            extract,
            workers=store.workers_frame(connection, authority_id),
            held=learning_frames.applications_held(connection, authority_id),
        )
        write_progression_plan(connection, authority_id, _checked_plan(plan, table.name))
        return plan

    return _run(
        engine,
        kind="progression",
        source=table.name,
        sha256=table.sha256,
        rows=table.height,
        mapping_name=chosen.name,
        authority=authority or AuthorityChoice(),
        as_at=as_at,
        loaded_by=loaded_by,
        dry_run=dry_run,
        strict=strict,
        file_problems=extract.problems,
        plan_and_write=plan_and_write,
        now=now,
        actor=actor,
    )


def import_training(
    engine: Engine,
    *,
    path: Path,
    mapping: str,
    as_at: date,
    loaded_by: str,
    authority: AuthorityChoice | None = None,
    dry_run: bool = False,
    strict: bool = False,
    mappings_dir: Path | None = None,
    now: datetime | None = None,
    actor: Principal | Actor | None = None,
    encoding: str | None = None,
) -> ImportResult:
    """Load training records of workers already loaded from the HR extract, for courses in the
    academy's catalogue; the file replaces the council's records for the period of completion
    days it covers (``encoding``: as for :func:`import_hr`)."""
    require_current(engine)
    chosen = _mapping(mapping, "training", mappings_dir)
    table = _read(path, chosen, encoding)
    extract = check_training(read_fields(table, chosen), as_at=as_at)

    def plan_and_write(connection: Connection, authority_id: int) -> LoadPlan:
        plan = plan_training(
            extract,
            workers=store.workers_frame(connection, authority_id),
            courses=training_frames.courses_frame(connection, [authority_id]),
            held=training_frames.training_held(connection, authority_id),
        )
        write_training_plan(connection, authority_id, _checked_plan(plan, table.name))
        return plan

    return _run(
        engine,
        kind="training",
        source=table.name,
        sha256=table.sha256,
        rows=table.height,
        mapping_name=chosen.name,
        authority=authority or AuthorityChoice(),
        as_at=as_at,
        loaded_by=loaded_by,
        dry_run=dry_run,
        strict=strict,
        file_problems=extract.problems,
        plan_and_write=plan_and_write,
        now=now,
        actor=actor,
    )


def import_placements(
    engine: Engine,
    *,
    path: Path,
    mapping: str,
    as_at: date,
    loaded_by: str,
    authority: AuthorityChoice | None = None,
    dry_run: bool = False,
    strict: bool = False,
    mappings_dir: Path | None = None,
    now: datetime | None = None,
    actor: Principal | Actor | None = None,
    encoding: str | None = None,
) -> ImportResult:
    """Load the pipeline: placements of students and apprentices, practice educators and
    conversions to ASYE posts, for workers and teams already loaded from the HR extract. The
    file's placements replace those starting in the period they cover; its practice educators,
    when it has any, are the register (``encoding``: as for :func:`import_hr`)."""
    require_current(engine)
    chosen = _mapping(mapping, "placements", mappings_dir)
    table = _read(path, chosen, encoding)
    extract = check_placements(read_fields(table, chosen), as_at=as_at)

    def plan_and_write(connection: Connection, authority_id: int) -> LoadPlan:
        plan = plan_placements(
            extract,
            workers=store.workers_frame(connection, authority_id),
            teams=store.teams_frame(connection, authority_id),
            held=training_frames.placements_held(connection, authority_id),
            held_educators=training_frames.educators_held(connection, authority_id),
        )
        write_placements_plan(connection, authority_id, _checked_plan(plan, table.name))
        return plan

    return _run(
        engine,
        kind="placements",
        source=table.name,
        sha256=table.sha256,
        rows=table.height,
        mapping_name=chosen.name,
        authority=authority or AuthorityChoice(),
        as_at=as_at,
        loaded_by=loaded_by,
        dry_run=dry_run,
        strict=strict,
        file_problems=extract.problems,
        plan_and_write=plan_and_write,
        now=now,
        actor=actor,
    )


def import_audits(
    engine: Engine,
    *,
    path: Path,
    mapping: str,
    as_at: date,
    loaded_by: str,
    authority: AuthorityChoice | None = None,
    dry_run: bool = False,
    strict: bool = False,
    mappings_dir: Path | None = None,
    now: datetime | None = None,
    actor: Principal | Actor | None = None,
    encoding: str | None = None,
    instruments: Sequence[AuditInstrument] | None = None,
) -> ImportResult:
    """Load case file audits of children already loaded from the SSD; the file replaces the
    council's audits for the period it covers. ``instruments``: the audit instruments (default
    :func:`audit_instruments`)."""
    require_current(engine)
    chosen = _mapping(mapping, "audits", mappings_dir)
    table = _read(path, chosen, encoding)
    extract = check_audits(
        read_fields(table, chosen),
        chosen,
        as_at=as_at,
        instruments=instruments or audit_instruments(),
    )

    def plan_and_write(connection: Connection, authority_id: int) -> LoadPlan:
        plan = plan_audits(
            extract,
            workers=store.workers_frame(connection, authority_id),
            children=store.children_frame(connection, authority_id),
            allocations=store.allocations_frame(connection, authority_id),
            held=store.audits_held(connection, authority_id),
            held_grades=store.audit_grades_held(connection, authority_id),
        )
        write_audit_plan(connection, authority_id, _checked_plan(plan, table.name))
        return plan

    return _run(
        engine,
        kind="audits",
        source=table.name,
        sha256=table.sha256,
        rows=table.height,
        mapping_name=chosen.name,
        authority=authority or AuthorityChoice(),
        as_at=as_at,
        loaded_by=loaded_by,
        dry_run=dry_run,
        strict=strict,
        file_problems=extract.problems,
        plan_and_write=plan_and_write,
        now=now,
        actor=actor,
    )


def read_ssd(
    *,
    folder: Path | None = None,
    url: str | None = None,
    schema: str | None = None,
    encoding: str | None = None,
) -> SsdSource:
    """The SSD tables from a folder of CSVs (in ``encoding``, default detected) or a database."""
    if (folder is None) == (url is None):
        raise InvalidInputError("give exactly one of --from-dir DIR or --from-url URL")
    check_encoding(encoding)
    if folder is not None:
        return read_ssd_folder(folder, encoding=encoding)
    assert url is not None
    return read_ssd_url(url, schema=schema)


def import_ssd(
    engine: Engine,
    *,
    source: SsdSource,
    as_at: date,
    loaded_by: str,
    authority: AuthorityChoice | None = None,
    options: SsdOptions | None = None,
    dry_run: bool = False,
    strict: bool = False,
    now: datetime | None = None,
    actor: Principal | Actor | None = None,
) -> ImportResult:
    """Load the Standard Safeguarding Dataset tables from a folder of CSVs or a database."""
    require_current(engine)
    extract = check_ssd(source, as_at=as_at, options=options or SsdOptions())

    def plan_and_write(connection: Connection, authority_id: int) -> LoadPlan:
        state = ssd_state(connection, authority_id)
        plan = plan_ssd(extract, state, as_at=as_at)
        write_ssd(connection, authority_id, _checked_plan(plan, source.name))
        return plan

    return _run(
        engine,
        kind="ssd",
        source=source.name,
        sha256=source.sha256,
        rows=source.rows,
        mapping_name=None,
        authority=authority or AuthorityChoice(),
        as_at=as_at,
        loaded_by=loaded_by,
        dry_run=dry_run,
        strict=strict,
        file_problems=extract.problems,
        plan_and_write=plan_and_write,
        now=now,
        actor=actor,
    )


def import_runs(
    engine: Engine, *, authority_code: str | None = None, limit: int = 20
) -> pl.DataFrame:
    """The latest import runs, newest first."""
    require_current(engine)
    with engine.connect() as connection:
        authority_id = None
        if authority_code is not None:
            authority_id = store.authority_id(connection, authority_code)
            if authority_id is None:
                raise NotFoundError(f"no authority with code {authority_code!r} in the database")
        return store.runs_frame(connection, authority_id, limit)


def mapping_report(
    *,
    path: Path,
    mapping: str,
    as_at: date,
    mappings_dir: Path | None = None,
    encoding: str | None = None,
) -> MappingReport:
    """How ``path``'s columns and values would map through ``mapping``; nothing is loaded."""
    chosen = load_mapping(mapping, mappings_dir=mappings_dir)
    return check_mapping(
        _read(path, chosen, encoding), chosen, as_at=as_at, instruments=audit_instruments()
    )


def mapping_names(mappings_dir: Path | None = None) -> list[Mapping]:
    """The mappings available: the council's folder first, then the built-in examples."""
    return [
        load_mapping(name, mappings_dir=mappings_dir)
        for name in available_mappings(mappings_dir)
        if not has_own_layout(name, mappings_dir)
    ]

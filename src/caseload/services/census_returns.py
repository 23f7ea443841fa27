"""CSWW returns: importing XML files, validating a year's records and exporting the return.

Imports are one transaction for the whole batch: when any file is bad, nothing from any file is
written. Validation and export work on ``caseload.services.census.load_census`` records, so they
cover both an imported return and records derived from the day-to-day data."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from caseload import __version__
from caseload.auth.principal import Principal
from caseload.census.validation import Problem as Problem
from caseload.census.validation import errors_in as errors_in
from caseload.census.validation import validate_return
from caseload.census.validation import warnings_in as warnings_in
from caseload.census.xml_return import (
    MAX_REPORT_LINES,
    MAX_RETURN_BYTES,
    ParsedReturn,
    read_return,
    schema_errors,
    too_large,
    write_return,
)
from caseload.errors import InvalidInputError
from caseload.services import audit
from caseload.services.audit import Actor
from caseload.services.census import load_census
from caseload.storage import queries
from caseload.storage.census_queries import save_return
from caseload.storage.engine import session_scope
from caseload.storage.schema import require_current

DEFAULT_SOFTWARE_CODE = f"Caseload {__version__}"


@dataclass(frozen=True)
class ImportOutcome:
    """What happened to one file. ``errors`` and ``warnings`` count the validation problems the
    stored return still has (see ``validate``)."""

    path: Path
    authority_code: str
    census_year: int
    workers: int
    status: Literal["added", "unchanged", "replaced"]
    errors: int
    warnings: int


@dataclass(frozen=True)
class ExportOutcome:
    path: Path
    authority_code: str
    census_year: int
    workers: int
    source: str
    content_sha256: str
    warnings: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class _Loaded:
    path: Path
    parsed: ParsedReturn
    sha256: str


def _load_file(path: Path) -> _Loaded:
    """Reads at most one byte more than a return may have, so a huge file (or a device that never
    ends) is refused without being read into memory."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_RETURN_BYTES + 1)
    except OSError as exc:
        raise InvalidInputError(f"{path}: cannot read the file ({exc.strerror})") from None
    if len(data) > MAX_RETURN_BYTES:
        raise too_large(path.name)
    parsed = read_return(data, source_name=path.name)
    return _Loaded(path, parsed, hashlib.sha256(data).hexdigest())


def _check_batch(loaded: Sequence[_Loaded]) -> None:
    seen: dict[tuple[str, int], Path] = {}
    for item in loaded:
        key = (item.parsed.lea, item.parsed.census_year)
        if key in seen:
            raise InvalidInputError(
                f"nothing was imported: {seen[key]} and {item.path} are both the {key[1]} return "
                f"for authority {key[0]}; import one of them"
            )
        seen[key] = item.path


def _actor_for(session: Session, actor: Principal | Actor | None, code: str) -> Principal | Actor:
    """Who the audit event names, with the council filled in for a command-line actor."""
    who = actor if actor is not None else Actor("(library)", "cli", None, "library")
    if isinstance(who, Actor) and who.authority_id is None:
        found = queries.authorities(session, code)
        who = replace(who, authority_id=found[0].id)
    return who


def import_returns(
    engine: Engine, paths: Sequence[Path], *, actor: Principal | Actor | None = None
) -> list[ImportOutcome]:
    """Read, check and store returns, all files in one transaction. When any file has problems,
    nothing is written and the error lists every file's problems. Each stored return is written
    to the audit trail (``actor``, default an unnamed library caller) in the same transaction."""
    if not paths:
        raise InvalidInputError("give at least one XML return to import")
    require_current(engine)
    loaded: list[_Loaded] = []
    failures: list[str] = []
    for path in paths:
        try:
            loaded.append(_load_file(path))
        except InvalidInputError as exc:
            failures.append(str(exc))
    if failures:
        raise InvalidInputError(
            f"nothing was imported: {len(failures)} of {len(paths)} files have problems; fix "
            "them and import the batch again\n" + "\n".join(failures)
        )
    _check_batch(loaded)
    outcomes: list[ImportOutcome] = []
    with session_scope(engine) as session:
        for item in loaded:
            parsed = item.parsed
            status = save_return(session, parsed, content_sha256=item.sha256)
            if status != "unchanged":
                audit.record_in(
                    session,
                    _actor_for(session, actor, parsed.lea),
                    "change",
                    "census_return",
                    f"{parsed.lea}/{parsed.census_year}",
                    {"file": item.path.name, "status": status, "sha256": item.sha256},
                )
            problems = validate_return(
                parsed.records, parsed.vacancies, census_year=parsed.census_year
            )
            outcomes.append(
                ImportOutcome(
                    path=item.path,
                    authority_code=parsed.lea,
                    census_year=parsed.census_year,
                    workers=parsed.records.height,
                    status=status,
                    errors=len(errors_in(problems)),
                    warnings=len(warnings_in(problems)),
                )
            )
    return outcomes


def validate(engine: Engine, *, census_year: int, authority_code: str) -> list[Problem]:
    """The return's rules checked on the authority's census records for the year (the imported
    return, or records derived from the day-to-day data)."""
    census = load_census(
        engine, census_year=census_year, authority_code=authority_code, source=None
    )
    return validate_return(census.records, census.vacancies, census_year=census_year)


def _refusal(problems: Sequence[Problem], census_year: int, authority_code: str) -> str:
    errors = errors_in(problems)
    lines = [
        f"the {census_year} return for authority {authority_code} has {len(errors)} error"
        f"{'s' if len(errors) != 1 else ''}, so no file was written; fix the data and check it "
        f"with 'caseload census validate --year {census_year} --authority {authority_code}':"
    ]
    lines += [problem.describe() for problem in errors[:MAX_REPORT_LINES]]
    if len(errors) > MAX_REPORT_LINES:
        lines.append(f"... and {len(errors) - MAX_REPORT_LINES} more errors")
    return "\n".join(lines)


def _write_atomically(out: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename it over ``out``: readers see
    the old file or the whole new one, never part of it. The file is readable by its owner only
    (it holds personal data)."""
    folder = out.parent
    if not folder.is_dir():
        raise InvalidInputError(f"{out}: the folder {folder} does not exist; create it first")
    if out.is_dir():
        raise InvalidInputError(f"{out} is a folder; give a file name such as return.xml")
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{out.name}.", suffix=".tmp")
    except OSError as exc:
        raise InvalidInputError(f"{out}: cannot write in {folder} ({exc.strerror})") from None
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, out)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise InvalidInputError(f"{out}: cannot write the file ({exc.strerror})") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def export(
    engine: Engine,
    *,
    census_year: int,
    authority_code: str,
    out: Path,
    software_code: str = DEFAULT_SOFTWARE_CODE,
    generated_at: datetime | None = None,
    actor: Principal | Actor | None = None,
) -> ExportOutcome:
    """Write the authority's return for the year to ``out``. Refuses (writes nothing) when the
    records have errors; warnings are returned. The bytes are checked against the schema and
    written atomically; runs differ only in the header's ``DateTime`` (``generated_at``, default
    now in UTC). The export is written to the audit trail (``actor``, default an unnamed
    library caller) in the same transaction as the file: no file without its event."""
    census = load_census(
        engine, census_year=census_year, authority_code=authority_code, source=None
    )
    problems = validate_return(census.records, census.vacancies, census_year=census_year)
    if errors_in(problems):
        raise InvalidInputError(_refusal(problems, census_year, authority_code))
    data = write_return(
        census.records,
        census.vacancies,
        lea=authority_code,
        census_year=census_year,
        software_code=software_code,
        generated_at=generated_at or datetime.now(UTC),
    )
    rejected = schema_errors(data)
    if rejected:
        raise InvalidInputError(
            f"the {census_year} return for authority {authority_code} does not match the "
            "return's schema, so no file was written (please report this):\n"
            + "\n".join(rejected[:MAX_REPORT_LINES])
        )
    digest = hashlib.sha256(data).hexdigest()
    with session_scope(engine) as session:
        audit.record_in(
            session,
            _actor_for(session, actor, authority_code),
            "export",
            "census_return",
            f"{authority_code}/{census_year}",
            {
                "file": out.name,
                "authority": authority_code,
                "census_year": census_year,
                "workers": census.records.height,
                "sha256": digest,
            },
        )
        _write_atomically(out, data)
    return ExportOutcome(
        path=out,
        authority_code=authority_code,
        census_year=census_year,
        workers=census.records.height,
        source=census.source,
        content_sha256=digest,
        warnings=warnings_in(problems),
    )

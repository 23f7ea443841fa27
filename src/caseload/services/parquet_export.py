"""The analysts' own tools: the database's tables as Parquet files (zstd) for DuckDB, Polars or R
users, one file per table, with a data dictionary, a README and a manifest.

Who the export is made for decides what it holds. ``exported_by`` (the command line's ``--user``)
is looked up among the accounts:

- an account whose role may see named records (``view_people``: the service leader, a team
  manager) gets names, unless ``pseudonymise`` is asked for; a team manager gets only their
  teams' rows (:mod:`caseload.exporters.team_scope`), and the census return not at all;
- an account whose role sees pseudonymised rows only (``view_pseudonymised``: the performance
  analyst) gets pseudonyms;
- any other account (administrator, social worker, elected member) is refused, and the refusal
  recorded;
- a name that is no account is the command-line operator, who gets what ``caseload export
  pseudonymised`` gives anyone on the command line: pseudonyms, for every council or those named.

An account exports its own council only. The export is recorded in the audit trail (who, the
role, the councils, rows per file, with or without names); the trail and the files' README name
no worker or child. Each table is read once, as columns (:mod:`caseload.storage.table_frames`)."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Engine

from caseload.auth.principal import Principal
from caseload.auth.roles import Permission
from caseload.domain.disclosure import DEFAULT_THRESHOLD as DEFAULT_MIN_GROUP
from caseload.errors import InvalidInputError, NotFoundError
from caseload.exporters.analyst_files import dictionary_markdown, readme_text
from caseload.exporters.analyst_tables import analyst_tables, file_name
from caseload.exporters.table_rules import TABLES
from caseload.exporters.team_scope import rows_in_teams
from caseload.services import audit
from caseload.services.accounts import principal_of
from caseload.services.audit import Actor
from caseload.services.pseudonyms import pseudonym_key
from caseload.services.table_files import write_frame_csv
from caseload.storage import account_queries, queries
from caseload.storage.engine import session_scope
from caseload.storage.fingerprint import data_fingerprint
from caseload.storage.models import Authority
from caseload.storage.schema import require_current
from caseload.storage.table_frames import table_frame, table_names

MANIFEST = "manifest.json"
README = "README.txt"
DICTIONARY_CSV = "data_dictionary.csv"
DICTIONARY_MD = "data_dictionary.md"
OPERATOR = "operator"
OPERATOR_LABEL = "the command-line operator (no account), as for the performance analyst"


@dataclass(frozen=True)
class Audience:
    """Who the export is made for: the account's role (or the operator), whether names are
    included, and a team manager's teams (None: every team)."""

    role: str
    label: str
    names: bool
    principal: Principal | None = None
    team_ids: frozenset[int] | None = None


@dataclass(frozen=True)
class ParquetExport:
    folder: Path
    data_date: date
    audience: Audience
    rows: dict[str, int]
    suppressed: dict[str, int]
    not_exported: dict[str, str]
    seconds: float

    @property
    def pseudonymised(self) -> bool:
        return not self.audience.names

    def files(self) -> dict[str, int]:
        return {file_name(table): count for table, count in self.rows.items()}


def audience_for(engine: Engine, username: str, *, pseudonymise: bool = False) -> Audience:
    """Who ``username`` exports as (see the module's description); refuses, and records the
    refusal, for a disabled account or a role that sees no rows about people."""
    with session_scope(engine) as session:
        account = account_queries.account_by_name(session, username)
        if account is None:
            return Audience(OPERATOR, OPERATOR_LABEL, names=False)
        principal = principal_of(session, account, "cli")
        disabled = account.disabled_at is not None
    if disabled:
        raise audit.refuse(
            engine, principal, "export", "parquet_export", None, "the account is disabled"
        )
    names = principal.can(Permission.VIEW_PEOPLE)
    if not names and not principal.can(Permission.VIEW_PSEUDONYMISED):
        raise audit.refuse(
            engine,
            principal,
            "export",
            "parquet_export",
            None,
            f"the {principal.role.label.lower()} role cannot export rows about people",
        )
    return Audience(
        principal.role.value,
        principal.role.label,
        names=names and not pseudonymise,
        principal=principal,
        team_ids=principal.visible_team_ids(),
    )


@dataclass(frozen=True)
class Council:
    id: int
    code: str
    name: str


def _councils(engine: Engine, audience: Audience, codes: Sequence[str] | None) -> list[Council]:
    """The councils asked for (codes, or comma-separated lists of them), else every council
    the user may see: an account's own only."""
    wanted = sorted({c.strip() for code in codes or () for c in code.split(",") if c.strip()})
    with session_scope(engine) as session:
        if audience.principal is not None:
            own = session.get(Authority, audience.principal.authority_id)
            assert own is not None
            council = Council(own.id, own.code, own.name)
        else:
            found = [a for code in wanted for a in queries.authorities(session, code)]
            chosen = [Council(a.id, a.code, a.name) for a in found or queries.authorities(session)]
    if audience.principal is None:
        if not chosen:
            raise NotFoundError("the database holds no authorities to export")
        return chosen
    others = [code for code in wanted if code != council.code]
    if others:
        raise audit.refuse(
            engine,
            audience.principal,
            "export",
            "parquet_export",
            None,
            f"your account is council {council.code}'s; it cannot export {others[0]}",
        )
    return [council]


def _check_folder(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise InvalidInputError(f"{out} is a file; give --out a new or empty folder")
    if out.exists() and any(out.iterdir()):
        raise InvalidInputError(f"{out} is not empty; export into a new or empty folder")


def _digest(numbers: tuple[int | None, ...]) -> str:
    text = ",".join("" if n is None else str(n) for n in numbers)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def export_parquet(
    engine: Engine,
    *,
    out: Path,
    exported_by: str,
    authority_codes: Sequence[str] | None = None,
    pseudonymise: bool = False,
    secret: bytes | None = None,
    min_group: int = DEFAULT_MIN_GROUP,
    now: datetime | None = None,
) -> ParquetExport:
    """Write the export into ``out`` (a new or empty folder) and record it in the audit trail.
    ``authority_codes``: the councils (codes, or comma-separated lists of them; default: every
    council the user may see). ``secret`` is the pseudonyms' key (default: the installation's,
    :func:`caseload.services.pseudonyms.pseudonym_key`, as the pseudonymised export uses)."""
    started = time.perf_counter()
    if min_group < DEFAULT_MIN_GROUP:
        raise InvalidInputError(
            f"--min-group must be at least {DEFAULT_MIN_GROUP}; smaller groups can identify people"
        )
    _check_folder(out)
    require_current(engine)
    audience = audience_for(engine, exported_by, pseudonymise=pseudonymise)
    councils = _councils(engine, audience, authority_codes)
    ids = [a.id for a in councils]
    with session_scope(engine) as session:
        data_date = queries.latest_data_date(session, ids)
        if data_date is None:
            raise NotFoundError("the database holds no dated records to export")
        fingerprints = {a.code: _digest(data_fingerprint(session, a.id)) for a in councils}
        frames = {name: table_frame(session, name, ids) for name in TABLES}
    scoped_out: list[str] = []
    everyone = frames
    if audience.team_ids is not None:
        frames, scoped_out = rows_in_teams(frames, audience.team_ids, data_date)
    key = secret if secret is not None else pseudonym_key(engine)
    tables = analyst_tables(
        frames,
        pseudonymised=not audience.names,
        secret=key,
        as_at=data_date,
        min_group=min_group,
        scoped_out=tuple(scoped_out),
        every_table=tuple(table_names()),
        everyone=everyone,
    )
    rows = {table: frame.height for table, frame in tables.files.items()}
    manifest = _manifest(
        councils, audience, frames, rows, tables.suppressed, tables.not_exported,
        exported_by=exported_by, exported_at=now or datetime.now(UTC), data_date=data_date,
        fingerprints=fingerprints, min_group=min_group,
    )  # fmt: skip
    _write(out, tables.files, tables.dictionary, rows, manifest)
    _record(engine, audience, exported_by, councils, out, manifest)
    return ParquetExport(
        out,
        data_date,
        audience,
        rows,
        tables.suppressed,
        tables.not_exported,
        time.perf_counter() - started,
    )


def _manifest(
    councils: list[Council],
    audience: Audience,
    frames: dict[str, pl.DataFrame],
    rows: dict[str, int],
    suppressed: dict[str, int],
    not_exported: dict[str, str],
    *,
    exported_by: str,
    exported_at: datetime,
    data_date: date,
    fingerprints: dict[str, str],
    min_group: int,
) -> dict[str, Any]:
    made_for: dict[str, Any] = {
        "user": exported_by,
        "account": audience.principal is not None,
        "role": audience.role,
        "role_label": audience.label,
        "names": audience.names,
    }
    if audience.team_ids is not None:
        made_for["teams"] = sorted(frames["team"]["name"].to_list())
    return {
        "export": "parquet",
        "exported_at": exported_at.isoformat(),
        "exported_by": exported_by,
        "made_for": made_for,
        "pseudonymised": not audience.names,
        "authorities": [{"code": a.code, "name": a.name} for a in councils],
        "data_date": data_date.isoformat(),
        "age_bands_on": data_date.isoformat(),
        "fingerprints": fingerprints,
        "compression": "zstd",
        "min_group": min_group if not audience.names else None,
        "suppressed_values": suppressed,
        "files": {file_name(table): count for table, count in rows.items()},
        "rows": sum(rows.values()),
        "not_exported": not_exported,
    }


def _write(
    out: Path,
    files: dict[str, pl.DataFrame],
    dictionary: pl.DataFrame,
    rows: dict[str, int],
    manifest: dict[str, Any],
) -> None:
    """Write every file; on a failure remove what was written, so no half export is left."""
    created = not out.exists()
    written: list[Path] = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for table, frame in files.items():
            written.append(out / file_name(table))
            frame.write_parquet(written[-1], compression="zstd")
        written.append(out / DICTIONARY_CSV)
        write_frame_csv(dictionary, written[-1])
        written.append(out / DICTIONARY_MD)
        written[-1].write_text(dictionary_markdown(dictionary, rows), encoding="utf-8")
        written.append(out / MANIFEST)
        written[-1].write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        written.append(out / README)
        written[-1].write_text(readme_text(manifest, out.name), encoding="utf-8")
    except OSError as error:
        for path in written:
            path.unlink(missing_ok=True)
        if created and out.exists() and not any(out.iterdir()):
            out.rmdir()
        raise InvalidInputError(
            f"could not write the export into {out}: {error.strerror}"
        ) from error


def _record(
    engine: Engine,
    audience: Audience,
    exported_by: str,
    councils: list[Council],
    out: Path,
    manifest: dict[str, Any],
) -> None:
    who: Principal | Actor = (
        audience.principal if audience.principal is not None else audit.cli_actor(exported_by)
    )
    if isinstance(who, Actor) and len(councils) == 1:
        who = replace(who, authority_id=councils[0].id)
    detail: dict[str, Any] = {
        "authorities": [a.code for a in councils],
        "role": audience.role,
        "pseudonymised": not audience.names,
        "data_date": manifest["data_date"],
        "rows": manifest["rows"],
        "files": manifest["files"],
    }
    if audience.team_ids is not None:
        detail["team_ids"] = sorted(audience.team_ids)
    audit.record(engine, who, "export", "parquet_export", out.name, detail)


def read_manifest(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / MANIFEST).read_text())
    return data

"""Files uploaded on the Data page, kept between the check (a dry run) and the load.

An upload waits in a folder of its own, named by a random token, inside a private folder (mode
0700, owned by the server's user). The token is bound to the account and the browser session that
uploaded it: anyone else asking for it is told it does not exist. The SHA-256 of every file is
taken when it arrives and checked again before the load, so what is loaded is exactly what was
checked. The folder is removed as soon as the load ends or fails, when the upload is discarded, or
an hour after it arrived (``sweep`` runs whenever the Data page is used). A load holds a lock on
its folder; a folder left by a load that no process is running any more (the server stopped in
the middle) is removed by the next sweep and when the server starts (``remove_leftovers``).

Only the file names, counts and ids go to the audit trail (the load itself is recorded by
``caseload.services.imports``)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import polars as pl
from sqlalchemy import Engine

from caseload import config
from caseload.auth.principal import Principal
from caseload.auth.roles import Permission
from caseload.errors import CaseloadError, ConfigurationError, InvalidInputError, NotFoundError
from caseload.importers.problems import (
    ImportRejectedError,
    errors_in,
    no_problems,
    warnings_in,
)
from caseload.importers.ssd_sources import ALL_TABLES, REQUIRED_TABLES, read_ssd_folder
from caseload.services import audit
from caseload.services.health_check_imports import (
    checked_survey,
    health_check_mappings,
    import_health_check,
)
from caseload.services.imports import (
    AuthorityChoice,
    ImportResult,
    import_absences,
    import_agency,
    import_asye,
    import_audits,
    import_hr,
    import_placements,
    import_progression,
    import_runs,
    import_ssd,
    import_supervision,
    import_training,
    mapping_names,
)
from caseload.storage import import_writes
from caseload.storage.engine import session_scope
from caseload.storage.models import Authority

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX: stale loads are swept after an hour
    fcntl = None  # type: ignore[assignment]

UPLOAD_LIFETIME = timedelta(hours=1)
HEALTH_CHECK = "health_check"
KINDS = {
    "hr": "HR extract",
    "absences": "absences file",
    "ssd": "SSD tables",
    "supervision": "supervision file",
    "audits": "case file audits file",
    "asye": "ASYE programmes file",
    "progression": "progression applications file",
    "agency": "agency engagements file",
    "training": "training records file",
    "placements": "pipeline file",
    "health_check": "staff health check file",
}
TABLE_SUFFIXES = (".csv", ".xlsx")
SSD_SUFFIXES = (".csv", ".zip")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
SAFE_CHARS = re.compile(r"[^A-Za-z0-9._ -]")
META = "upload.json"
CLAIMED = ".loading"  # an upload being loaded is renamed, so a second confirm cannot load it too
FILES = "files"
CHUNK = 1024 * 1024
MAX_ZIP_MEMBERS = 200
ZIP_EXPANSION = 10  # a .zip may hold at most this many times the upload limit
SHOWN_PROBLEMS = 500
# Problem values in these columns are never shown, even where a checker would have echoed them.
PERSONAL_COLUMN = re.compile(r"(name|birth|dob|address|postcode)", re.IGNORECASE)
XLSX_MAGIC = b"PK\x03\x04"
BINARY_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF", b"\x1f\x8b")


@dataclass(frozen=True)
class IncomingFile:
    """A file as the browser sent it: the name it had on the user's computer and its bytes."""

    name: str
    stream: IO[bytes]


@dataclass(frozen=True)
class StagedUpload:
    token: str
    kind: str
    source: str
    files: dict[str, str]  # stored name -> sha256
    mapping: str | None
    as_at: date
    user_id: int
    session_key: str
    created_at: datetime
    folder: Path
    survey_title: str | None = None  # a staff health check's title and year
    survey_year: int | None = None

    @property
    def expires_at(self) -> datetime:
        return self.created_at + UPLOAD_LIFETIME

    @property
    def kind_label(self) -> str:
        label = KINDS[self.kind]
        return label[:1].upper() + label[1:]

    def to_json(self) -> dict[str, Any]:
        return {
            "token": self.token,
            "kind": self.kind,
            "source": self.source,
            "files": self.files,
            "mapping": self.mapping,
            "as_at": self.as_at.isoformat(),
            "user_id": self.user_id,
            "session_key": self.session_key,
            "created_at": self.created_at.isoformat(),
            "survey_title": self.survey_title,
            "survey_year": self.survey_year,
        }


@dataclass(frozen=True)
class UploadCheck:
    """The dry run of an upload: what the load would do, or why it cannot happen. ``problems``
    are row-level (file, row, column, value, what is wrong, what to do); ``message`` is a
    problem with the upload as a whole."""

    upload: StagedUpload
    result: ImportResult | None
    problems: list[dict[str, Any]] = field(default_factory=list)
    total_problems: int = 0
    errors: int = 0
    warnings: int = 0
    message: str | None = None

    @property
    def can_load(self) -> bool:
        return self.result is not None and self.message is None


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def upload_root(root: Path | None = None) -> Path:
    """The private folder uploads wait in: ``root``, else ``CASELOAD_UPLOAD_DIR``, else
    ``caseload-uploads-UID`` in the system's temporary folder. It is created with mode 0700
    and refused when it is a link or belongs to another user."""
    folder = root or config.upload_dir()
    if folder is None:
        uid = os.getuid() if hasattr(os, "getuid") else 0
        folder = Path(tempfile.gettempdir()) / f"caseload-uploads-{uid}"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
    except OSError as exc:
        raise ConfigurationError(
            f"the upload folder {folder} cannot be created ({exc.strerror}); set "
            "CASELOAD_UPLOAD_DIR to a folder the server can write"
        ) from None
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise ConfigurationError(f"the upload folder {folder} is not a plain folder")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise ConfigurationError(
            f"the upload folder {folder} belongs to another user; set CASELOAD_UPLOAD_DIR to a "
            "folder of the server's own"
        )
    if stat.S_IMODE(info.st_mode) & 0o077:
        folder.chmod(0o700)
    return folder


def _safe_name(name: str) -> str:
    """The file's own name without any folder, in plain characters, at most 100 long."""
    base = re.split(r"[\\/]", name or "")[-1]
    cleaned = SAFE_CHARS.sub("_", base).strip(" .") or "upload"
    stem, dot, suffix = cleaned.rpartition(".")
    if dot and len(cleaned) > 100:
        return f"{stem[: 99 - len(suffix)]}.{suffix}"
    return cleaned[:100]


def _suffix(name: str) -> str:
    return Path(name).suffix.lower()


def _write_private(path: Path, data: bytes) -> None:
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "wb") as file:
        file.write(data)


def _too_big(limit_mb: int) -> InvalidInputError:
    return InvalidInputError(
        f"the upload is larger than {limit_mb} MB, so it was not kept; split it, or ask the "
        "server's administrator to raise CASELOAD_UPLOAD_MAX_MB"
    )


def _copy_limited(incoming: IO[bytes], path: Path, budget: int, too_big: InvalidInputError) -> int:
    """Copy a stream into a new private file; refuses (and stops reading) past ``budget``."""
    written = 0
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "wb") as file:
        while chunk := incoming.read(CHUNK):
            written += len(chunk)
            if written > budget:
                raise too_big
            file.write(chunk)
    return written


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _article(words: str) -> str:
    return "an" if words[:1] in "aeiouH" else "a"


def _check_table_file(path: Path, shown: str, kind: str) -> None:
    """A CSV must be text and an .xlsx a workbook; anything else is refused by name."""
    suffix = _suffix(shown)
    what = KINDS[kind]
    if suffix == ".xls":
        raise InvalidInputError(
            f"{shown} is an old Excel .xls file; open it in Excel and save it as .xlsx or .csv"
        )
    if suffix not in TABLE_SUFFIXES:
        raise InvalidInputError(
            f"{shown} is not a .csv or .xlsx file; {_article(what)} {what} must be one of those"
            if kind != "ssd"
            else f"{shown} is not a .csv or .zip file; send the SSD tables as CSV files or a .zip"
        )
    with path.open("rb") as file:
        head = file.read(4096)
    if suffix == ".xlsx" and not head.startswith(XLSX_MAGIC):
        raise InvalidInputError(f"{shown} is named .xlsx but is not an Excel workbook")
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))  # text with zero bytes in it
    if suffix == ".csv" and (head.startswith(BINARY_MAGIC) or (b"\x00" in head and not utf16)):
        raise InvalidInputError(f"{shown} is named .csv but is not a text (CSV) file")


def _unpack_zip(path: Path, shown: str, target: Path, budget: int) -> list[str]:
    """Extract the SSD CSVs from a .zip (by their own names, ignoring folders and other files).
    Refuses encrypted, broken or oversized archives and two tables with the same name."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise InvalidInputError(f"{shown} is not a .zip file that can be opened") from None
    names: list[str] = []
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > MAX_ZIP_MEMBERS:
            raise InvalidInputError(f"{shown} holds more than {MAX_ZIP_MEMBERS} files")
        if sum(m.file_size for m in members) > budget:
            raise InvalidInputError(
                f"{shown} unpacks to more than {ZIP_EXPANSION} times the upload limit; send "
                "the tables in smaller parts"
            )
        for member in members:
            name = _safe_name(member.filename)
            if _suffix(name) != ".csv" or Path(name).stem.lower() not in ALL_TABLES:
                continue
            if member.flag_bits & 0x1:
                raise InvalidInputError(f"{shown} is password-protected; zip it without one")
            if (target / name).exists() or name in names:
                raise InvalidInputError(f"{shown} holds {name} twice; keep one of them")
            too_big = InvalidInputError(
                f"{shown}: {name} is larger than the .zip says; the archive is damaged, so "
                "zip the tables again"
            )
            try:
                with archive.open(member) as source:
                    _copy_limited(source, target / name, member.file_size, too_big)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
                raise InvalidInputError(_damaged(shown, name, exc)) from None
            names.append(name)
    return names


def _damaged(shown: str, name: str, exc: Exception) -> str:
    """Why a member of a .zip could not be unpacked, in plain words."""
    if isinstance(exc, NotImplementedError):
        problem = "is packed with a compression method Caseload cannot read"
    elif "CRC" in str(exc):
        problem = "does not match its checksum (CRC)"
    else:
        problem = "cannot be unpacked"
    return f"{shown}: {name} {problem}; the archive is damaged, so zip the tables again"


def _store_files(
    kind: str, files: Sequence[IncomingFile], target: Path, max_bytes: int
) -> tuple[str, list[str]]:
    """Write the incoming files into ``target``; returns the name to show and the stored
    files."""
    limit_mb = max_bytes // (1024 * 1024)
    wanted = [f for f in files if f.name]
    if not wanted:
        raise InvalidInputError(f"choose the {KINDS[kind]} to upload")
    if kind != "ssd" and len(wanted) > 1:
        raise InvalidInputError(f"upload one {KINDS[kind]} at a time")
    budget = max_bytes
    stored: list[str] = []
    shown_names: list[str] = []
    for incoming in wanted:
        shown = _safe_name(incoming.name)
        shown_names.append(shown)
        suffix = _suffix(shown)
        if kind == "ssd" and suffix not in SSD_SUFFIXES:
            raise InvalidInputError(
                f"{shown} is not a .csv or .zip file; send the SSD tables as CSV files or a .zip"
            )
        landing = target / (f".{secrets.token_hex(8)}.zip" if suffix == ".zip" else shown)
        if landing.exists():
            raise InvalidInputError(f"{shown} was chosen twice; choose each file once")
        budget -= _copy_limited(incoming.stream, landing, budget, _too_big(limit_mb))
        if suffix == ".zip":
            stored += _unpack_zip(landing, shown, target, max_bytes * ZIP_EXPANSION)
            landing.unlink()
            continue
        _check_table_file(landing, shown, kind)
        stored.append(shown)
    if kind == "ssd":
        tables = {Path(name).stem.lower() for name in stored}
        missing = [t for t in REQUIRED_TABLES if t not in tables]
        if missing:
            raise InvalidInputError(
                f"the upload has no {' or '.join(f'{t}.csv' for t in missing)}; the SSD load "
                f"needs at least {' and '.join(f'{t}.csv' for t in REQUIRED_TABLES)} (other "
                f"tables it reads: {', '.join(t + '.csv' for t in ALL_TABLES[2:])})"
            )
    source = shown_names[0] if len(shown_names) == 1 else f"{len(shown_names)} files"
    return source, stored


def _authority_code(engine: Engine, principal: Principal) -> str:
    with session_scope(engine) as session:
        return session.get_one(Authority, principal.authority_id).code


@dataclass(frozen=True)
class MappingChoice:
    """A saved column mapping as the upload forms offer it."""

    name: str
    description: str


def mappings_by_kind(engine: Engine, principal: Principal) -> dict[str, list[MappingChoice]]:
    """The saved column mappings for each kind of file (HR extracts, absences, supervision,
    audits, ..., staff health checks)."""
    audit.require(engine, principal, Permission.IMPORT_DATA, "data uploads")
    found: dict[str, list[MappingChoice]] = {kind: [] for kind in KINDS if kind != "ssd"}
    folder = config.mappings_dir()
    for mapping in mapping_names(folder):
        found.setdefault(mapping.kind, []).append(MappingChoice(mapping.name, mapping.description))
    found[HEALTH_CHECK] = [
        MappingChoice(survey.name, survey.description) for survey in health_check_mappings(folder)
    ]
    return found


def require_upload_permission(engine: Engine, principal: Principal) -> None:
    """Refuse (and record) someone whose role may not upload data: called before an upload's
    body is read, so a refused upload never reaches the disk."""
    audit.require(engine, principal, Permission.IMPORT_DATA, "data uploads")


@dataclass(frozen=True)
class LoadedRun:
    """A load as its result page shows it (after the confirming form, the browser is sent to
    this page, so a refresh shows it again instead of loading twice)."""

    run_id: int
    source: str
    added: int
    changed: int
    ended: int
    warnings: int
    counts: dict[str, dict[str, int]]
    problems: pl.DataFrame


def loaded_run(engine: Engine, principal: Principal, run_id: int) -> LoadedRun:
    """One of the council's loads, with its counts by table and the warnings kept."""
    audit.require(engine, principal, Permission.IMPORT_DATA, "data uploads")
    with engine.connect() as connection:
        found = import_writes.run_record(connection, principal.authority_id, run_id)
    if found is None:
        raise NotFoundError(f"there is no load {run_id} for your council")
    problems = pl.DataFrame(found["problems"]) if found["problems"] else no_problems()
    return LoadedRun(
        run_id=found["run_id"],
        source=found["source"],
        added=found["added"],
        changed=found["changed"],
        ended=found["ended"],
        warnings=found["warnings"],
        counts=found["tables"],
        problems=problems,
    )


def recent_runs(engine: Engine, principal: Principal, *, limit: int = 20) -> pl.DataFrame:
    """The council's latest loads, newest first (web and command line alike)."""
    audit.require(engine, principal, Permission.IMPORT_DATA, "data uploads")
    return import_runs(engine, authority_code=_authority_code(engine, principal), limit=limit)


def stage(
    engine: Engine,
    principal: Principal,
    *,
    session_key: str,
    kind: str,
    files: Sequence[IncomingFile],
    mapping: str | None,
    as_at: date,
    root: Path | None = None,
    max_bytes: int | None = None,
    now: datetime | None = None,
    survey_title: str | None = None,
    survey_year: int | None = None,
) -> StagedUpload:
    """Keep an upload for checking; refuses a wrong type or an oversized file with a message
    saying what to send instead. A staff health check needs the survey's title and year
    (``as_at`` is the day it closed). Nothing is loaded."""
    audit.require(engine, principal, Permission.IMPORT_DATA, "data uploads")
    if kind not in KINDS:
        raise InvalidInputError(f"choose what the file is: {', '.join(KINDS.values())}")
    if kind == HEALTH_CHECK:
        if survey_year is None:
            raise InvalidInputError("give the survey's year, e.g. 2026")
        survey_title = checked_survey(survey_title or "", survey_year, as_at, on_command_line=False)
    else:
        survey_title, survey_year = None, None
    if kind != "ssd":
        choices = mappings_by_kind(engine, principal).get(kind, [])
        if mapping not in {m.name for m in choices}:
            raise InvalidInputError(
                f"choose a saved column mapping for the {KINDS[kind]} "
                f"({', '.join(m.name for m in choices) or 'none saved'})"
            )
    moment = _now(now)
    folder = upload_root(root)
    sweep(folder, now=moment)
    token = secrets.token_urlsafe(32)
    place = folder / token
    place.mkdir(mode=0o700)
    (place / FILES).mkdir(mode=0o700)
    try:
        source, stored = _store_files(
            kind, files, place / FILES, max_bytes or config.upload_max_bytes()
        )
        staged = StagedUpload(
            token=token,
            kind=kind,
            source=source,
            files={name: _sha256(place / FILES / name) for name in stored},
            mapping=mapping if kind != "ssd" else None,
            as_at=as_at,
            user_id=principal.user_id,
            session_key=session_key,
            created_at=moment,
            folder=place,
            survey_title=survey_title,
            survey_year=survey_year,
        )
        _write_private(place / META, json.dumps(staged.to_json()).encode("utf-8"))
    except BaseException:
        shutil.rmtree(place, ignore_errors=True)
        raise
    return staged


def _gone() -> NotFoundError:
    return NotFoundError(
        "this upload is no longer waiting: it was loaded or discarded, or an hour has passed; "
        "upload the file again"
    )


def _read_meta(place: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((place / META).read_text(encoding="utf-8"))
    return data


def find(
    principal: Principal,
    token: str,
    *,
    session_key: str,
    root: Path | None = None,
    now: datetime | None = None,
) -> StagedUpload:
    """The upload ``token`` if it belongs to this account and browser session and is less than
    an hour old; otherwise it does not exist (the same message either way)."""
    if not TOKEN.match(token or ""):
        raise _gone()
    place = upload_root(root) / token
    try:
        meta = _read_meta(place)
    except (OSError, ValueError):
        raise _gone() from None
    created = datetime.fromisoformat(meta["created_at"])
    if created + UPLOAD_LIFETIME <= _now(now):
        shutil.rmtree(place, ignore_errors=True)
        raise _gone()
    if meta["user_id"] != principal.user_id or meta["session_key"] != session_key:
        raise _gone()
    return StagedUpload(
        token=token,
        kind=meta["kind"],
        source=meta["source"],
        files=dict(meta["files"]),
        mapping=meta["mapping"],
        as_at=date.fromisoformat(meta["as_at"]),
        user_id=meta["user_id"],
        session_key=meta["session_key"],
        created_at=created,
        folder=place,
        survey_title=meta.get("survey_title"),
        survey_year=meta.get("survey_year"),
    )


def _unchanged(staged: StagedUpload) -> None:
    """Refuse when any stored file differs from what arrived (or is missing)."""
    for name, digest in staged.files.items():
        path = staged.folder / FILES / name
        if not path.is_file() or _sha256(path) != digest:
            raise InvalidInputError(
                f"{name} changed on the server after it was checked, so it was not loaded; "
                "upload it again"
            )


def _load(
    engine: Engine, principal: Principal, staged: StagedUpload, *, dry_run: bool
) -> ImportResult:
    """The import the upload is for, as the signed-in person, for their own council."""
    choice = AuthorityChoice(code=_authority_code(engine, principal))
    files = staged.folder / FILES
    if staged.kind == "ssd":
        try:
            source = read_ssd_folder(files)
        except InvalidInputError as exc:
            raise InvalidInputError(str(exc).replace(str(files), staged.source)) from None
        return import_ssd(
            engine,
            source=replace(source, name=staged.source),
            as_at=staged.as_at,
            loaded_by=principal.username,
            authority=choice,
            dry_run=dry_run,
            actor=principal,
        )
    (name,) = staged.files
    assert staged.mapping is not None
    if staged.kind == HEALTH_CHECK:
        assert staged.survey_title is not None and staged.survey_year is not None
        return import_health_check(
            engine,
            path=files / name,
            mapping=staged.mapping,
            title=staged.survey_title,
            year=staged.survey_year,
            fielded=staged.as_at,
            loaded_by=principal.username,
            authority=choice,
            dry_run=dry_run,
            mappings_dir=config.mappings_dir(),
            actor=principal,
        )
    loads = {
        "hr": import_hr,
        "absences": import_absences,
        "supervision": import_supervision,
        "asye": import_asye,
        "progression": import_progression,
        "audits": import_audits,
        "agency": import_agency,
        "training": import_training,
        "placements": import_placements,
    }
    return loads[staged.kind](
        engine,
        path=files / name,
        mapping=staged.mapping,
        as_at=staged.as_at,
        loaded_by=principal.username,
        authority=choice,
        dry_run=dry_run,
        mappings_dir=config.mappings_dir(),
        actor=principal,
    )


def shown_problems(problems: pl.DataFrame) -> list[dict[str, Any]]:
    """Problems for a page: errors first, at most ``SHOWN_PROBLEMS``, and no value from a
    column that could hold a person's name, birth date or address."""
    ordered = problems.sort(
        pl.col("severity") != "error", "file", "row", nulls_last=False, maintain_order=True
    )
    rows = []
    for row in ordered.head(SHOWN_PROBLEMS).iter_rows(named=True):
        if (
            row["column"]
            and PERSONAL_COLUMN.search(str(row["column"]))
            and "team" not in str(row["column"]).lower()
        ):
            row["value"] = None
        rows.append(row)
    return rows


def _unreadable(exc: Exception) -> str:
    return (
        f"the file could not be read ({type(exc).__name__}), so nothing was loaded; check it "
        "opens in a spreadsheet program and is the extract the mapping expects"
    )


def check(
    engine: Engine,
    principal: Principal,
    token: str,
    *,
    session_key: str,
    root: Path | None = None,
    now: datetime | None = None,
) -> UploadCheck:
    """Dry-run the upload: the row-level report, and what the load would add, change and end.
    Nothing is written."""
    audit.require(engine, principal, Permission.IMPORT_DATA, "data uploads")
    staged = find(principal, token, session_key=session_key, root=root, now=now)
    checked = _check(engine, principal, staged)
    if checked.problems:
        # Problem rows can quote a file's values (staff numbers, references): a view, recorded.
        audit.record(
            engine, principal, "view", "upload_check", None, {"problems": len(checked.problems)}
        )
    return checked


def _check(engine: Engine, principal: Principal, staged: StagedUpload) -> UploadCheck:
    try:
        _unchanged(staged)
        result = _load(engine, principal, staged, dry_run=True)
    except ImportRejectedError as exc:
        return UploadCheck(
            upload=staged,
            result=None,
            problems=shown_problems(exc.problems),
            total_problems=exc.problems.height,
            errors=errors_in(exc.problems).height,
            warnings=warnings_in(exc.problems).height,
        )
    except CaseloadError as exc:
        return UploadCheck(upload=staged, result=None, message=str(exc))
    except (pl.exceptions.PolarsError, UnicodeError, OSError, ValueError) as exc:
        return UploadCheck(upload=staged, result=None, message=_unreadable(exc))
    return UploadCheck(
        upload=staged,
        result=result,
        problems=shown_problems(result.problems),
        total_problems=result.problems.height,
        warnings=result.warnings,
    )


def confirm(
    engine: Engine,
    principal: Principal,
    token: str,
    *,
    session_key: str,
    root: Path | None = None,
    now: datetime | None = None,
) -> ImportResult:
    """Load the upload for real (all or nothing) after checking its files are unchanged, then
    remove it whatever happened. The load is written to the audit trail with the run."""
    audit.require(engine, principal, Permission.IMPORT_DATA, "data uploads")
    found = find(principal, token, session_key=session_key, root=root, now=now)
    claimed = found.folder.with_name(found.folder.name + CLAIMED)
    try:
        found.folder.rename(claimed)  # atomic: of two confirms at once, one wins
    except OSError:
        raise _gone() from None
    staged = replace(found, folder=claimed)
    try:
        with _loading(claimed):
            _unchanged(staged)
            try:
                return _load(engine, principal, staged, dry_run=False)
            except (pl.exceptions.PolarsError, UnicodeError, OSError, ValueError) as exc:
                raise InvalidInputError(_unreadable(exc)) from None
    finally:
        shutil.rmtree(staged.folder, ignore_errors=True)


def discard(
    engine: Engine,
    principal: Principal,
    token: str,
    *,
    session_key: str,
    root: Path | None = None,
    now: datetime | None = None,
) -> None:
    """Remove an upload without loading it."""
    audit.require(engine, principal, Permission.IMPORT_DATA, "data uploads")
    staged = find(principal, token, session_key=session_key, root=root, now=now)
    shutil.rmtree(staged.folder, ignore_errors=True)


@contextmanager
def _loading(place: Path) -> Iterator[None]:
    """Holds a lock on a claimed upload's folder while it loads, so a sweep (in this process or
    another of the server's) can tell a load in progress from one a stopped server left."""
    with (place / META).open("rb") as handle:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield


def _abandoned(place: Path) -> bool:
    """Whether a claimed upload's load has ended without removing it (nothing holds its lock).
    Where locks are not available, only an upload past its hour counts as abandoned."""
    if fcntl is None:
        return False
    try:
        with (place / META).open("rb") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            return True
    except FileNotFoundError:
        return True  # the folder is being removed, or never got its description


def remove_leftovers(root: Path | None = None, *, now: datetime | None = None) -> int:
    """At start-up: remove what a stopped server left in the upload folder (loads it did not
    finish, uploads past their hour); returns how many uploads were removed."""
    return sweep(root, now=now)


def sweep(root: Path | None = None, *, now: datetime | None = None) -> int:
    """Remove uploads older than an hour and loads no process is running any more; returns how
    many were removed."""
    folder = upload_root(root)
    moment = _now(now)
    removed = 0
    for place in folder.iterdir():
        name = place.name.removesuffix(CLAIMED)
        if not place.is_dir() or place.is_symlink() or not TOKEN.match(name):
            continue
        if place.name.endswith(CLAIMED) and _abandoned(place):
            shutil.rmtree(place, ignore_errors=True)
            removed += 1
            continue
        try:
            created = datetime.fromisoformat(_read_meta(place)["created_at"])
        except (OSError, ValueError, KeyError):
            created = datetime.fromtimestamp(place.stat().st_mtime, UTC)
        if created + UPLOAD_LIFETIME <= moment:
            shutil.rmtree(place, ignore_errors=True)
            removed += 1
    return removed

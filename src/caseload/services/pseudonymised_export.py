"""Writing the pseudonymised export for analysts (see :mod:`caseload.exporters.pseudonymised`).

The pseudonyms are keyed like the analyst's pages (:mod:`caseload.services.pseudonyms`: the
secret in ``CASELOAD_PSEUDONYM_SECRET``, failing closed on a weak one, or else the installation's
own), so a person has the same pseudonym in the export as on the pages. A manifest records what was
exported, by whom, as at when, the suppression threshold and how many values were suppressed; it
never holds the secret."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from caseload.auth.principal import Principal
from caseload.domain.dates import reporting_date
from caseload.domain.disclosure import DEFAULT_THRESHOLD as DEFAULT_MIN_GROUP
from caseload.domain.disclosure import PSEUDONYM_CHARS
from caseload.errors import InvalidInputError, NotFoundError
from caseload.exporters.pseudonymised import SourceFrames, build_export
from caseload.services import audit
from caseload.services.audit import Actor
from caseload.services.pseudonyms import pseudonym_key
from caseload.services.table_files import write_frame_csv, write_frames_xlsx
from caseload.storage import quality_queries as q
from caseload.storage import queries, workforce_frames
from caseload.storage.engine import session_scope
from caseload.storage.schema import require_current

MANIFEST = "manifest.json"
WORKBOOK = "pseudonymised.xlsx"


@dataclass(frozen=True)
class ExportResult:
    folder: Path
    as_at: date
    rows: dict[str, int]
    suppressed: dict[str, int]
    min_group: int
    workbook: bool = False

    def files(self) -> dict[str, int]:
        """Rows written, by file (``workers.csv``) or workbook sheet
        (``pseudonymised.xlsx: workers``)."""
        return {_file_name(name, self.workbook): count for name, count in self.rows.items()}

    def to_dict(self) -> dict[str, Any]:
        return {
            "folder": str(self.folder),
            "as_at": self.as_at.isoformat(),
            "files": self.files(),
            "min_group": self.min_group,
            "suppressed": self.suppressed,
        }


def export_pseudonymised(
    engine: Engine,
    *,
    out: Path,
    exported_by: str,
    secret: bytes | None = None,
    authority_code: str | None = None,
    as_at: date | None = None,
    min_group: int = DEFAULT_MIN_GROUP,
    now: datetime | None = None,
    actor: Principal | Actor | None = None,
    workbook: bool = False,
) -> ExportResult:
    """Write the export into ``out`` and record it in the audit trail (``actor``, default the
    command-line user ``exported_by``): folder and file names, counts and the as-at date. The
    tables are CSV files, or with ``workbook`` the sheets of one Excel workbook; either way
    through the shared writer (:mod:`caseload.services.table_files`), which neutralises cells a
    spreadsheet could run as formulas.
    ``secret`` is the pseudonyms' key (default: the installation's, from
    :func:`caseload.services.pseudonyms.pseudonym_key`)."""
    if min_group < DEFAULT_MIN_GROUP:
        raise InvalidInputError(
            f"--min-group must be at least {DEFAULT_MIN_GROUP}; smaller groups can identify people"
        )
    if out.exists() and any(out.iterdir()):
        raise InvalidInputError(f"{out} is not empty; export into a new or empty folder")
    require_current(engine)
    with session_scope(engine) as session:
        found = queries.authorities(session, authority_code)
        if not found:
            raise NotFoundError("the database holds no authorities to export")
        ids = [a.id for a in found]
        data_date = queries.latest_data_date(session, ids)
        if data_date is None:
            raise NotFoundError("the database holds no dated records to export")
        day = reporting_date(as_at, data_date, "the date").as_at
        teams = q.teams_frame(session, ids)
        spells = q.spells_frame(session, ids).join(
            teams.select("team_id", "team"), on="team_id", how="left"
        )
        source = SourceFrames(
            workers=q.export_workers_frame(session, ids),
            spells=spells,
            absences=workforce_frames.absences_frame(session, ids),
            teams=teams,
            children=q.children_frame(session, ids),
            referrals=q.referrals_frame(session, ids),
            statuses=q.statuses_frame(session, ids),
            allocations=q.allocations_frame(session, ids),
        )
    key = secret if secret is not None else pseudonym_key(engine)
    export = build_export(source, secret=key, as_at=day, min_group=min_group)
    out.mkdir(parents=True, exist_ok=True)
    rows = {name: frame.height for name, frame in export.files.items()}
    if workbook:
        with (out / WORKBOOK).open("wb") as stream:
            write_frames_xlsx(export.files, stream)
    else:
        for name, frame in export.files.items():
            write_frame_csv(frame, out / f"{name}.csv")
    files = {_file_name(name, workbook): count for name, count in rows.items()}
    manifest = {
        "authorities": [a.code for a in found],
        "as_at": day.isoformat(),
        "exported_at": (now or datetime.now(UTC)).isoformat(),
        "exported_by": exported_by,
        "pseudonyms": (
            "HMAC-SHA256 of kind, council and staff number or child reference, keyed with the "
            f"installation's pseudonym secret; a letter and {PSEUDONYM_CHARS} characters"
        ),
        "min_group": min_group,
        "suppressed_values": export.suppressed,
        "files": files,
        "not_included": "names, staff numbers, SWE numbers, child references, birth dates",
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    who = actor if actor is not None else audit.cli_actor(exported_by)
    if isinstance(who, Actor) and who.authority_id is None and len(found) == 1:
        who = replace(who, authority_id=found[0].id)
    audit.record(
        engine,
        who,
        "export",
        "pseudonymised_export",
        out.name,
        {
            "authorities": [a.code for a in found],
            "as_at": day.isoformat(),
            "files": manifest["files"],
            "min_group": min_group,
        },
    )
    return ExportResult(out, day, rows, export.suppressed, min_group, workbook)


def _file_name(table: str, workbook: bool) -> str:
    return f"{WORKBOOK}: {table}" if workbook else f"{table}.csv"


def read_manifest(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / MANIFEST).read_text())
    return data

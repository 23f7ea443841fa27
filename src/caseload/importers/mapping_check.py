"""``mapping check``: how a file's columns and values would map, without loading anything."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from caseload.importers.absences import check_absences
from caseload.importers.agency import check_agency
from caseload.importers.asye import check_asye
from caseload.importers.audits import BUILT_IN_INSTRUMENTS, check_audits
from caseload.importers.fields import DOMAIN_FIELD, REQUIRED_COLUMNS, FieldKind
from caseload.importers.hr import check_hr
from caseload.importers.mapping import Mapping
from caseload.importers.placements import check_placements
from caseload.importers.practice_words import grade_lookup
from caseload.importers.problems import errors_in, warnings_in
from caseload.importers.progression import check_progression
from caseload.importers.supervision import check_supervision
from caseload.importers.tables import RawTable
from caseload.importers.training import check_training
from caseload.importers.values import code_lookup, raw, read_fields
from caseload.practice.standards import AuditInstrument

MAX_VALUES = 50


@dataclass(frozen=True)
class MappingReport:
    file: str
    mapping: str
    kind: str
    rows: int
    columns: pl.DataFrame  # field, column, found, required, help
    unused: list[str]  # source columns no field uses
    values: pl.DataFrame  # field, column, value, rows, maps_to (null: unmapped)
    problems: pl.DataFrame

    @property
    def unmapped(self) -> int:
        return int(self.values["maps_to"].is_null().sum())

    @property
    def clean(self) -> bool:
        return self.unmapped == 0 and self.problems.height == 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "mapping": self.mapping,
            "kind": self.kind,
            "rows": self.rows,
            "columns": self.columns.to_dicts(),
            "unused_columns": self.unused,
            "values": self.values.to_dicts(),
            "unmapped_values": self.unmapped,
            "errors": errors_in(self.problems).height,
            "warnings": warnings_in(self.problems).height,
            "problems": self.problems.to_dicts(),
        }


def check_mapping(
    table: RawTable,
    mapping: Mapping,
    *,
    as_at: date,
    instruments: Sequence[AuditInstrument] = BUILT_IN_INSTRUMENTS,
) -> MappingReport:
    """How the table's columns and values map; ``instruments`` are the audit instruments of
    the practice standards (for an audits mapping)."""
    mapped = read_fields(table, mapping)
    required = {*REQUIRED_COLUMNS[mapping.kind], "fte"}
    required |= {name for name in mapping.fields if name.startswith(DOMAIN_FIELD)}
    columns = pl.DataFrame(
        [
            {
                "field": name,
                "column": mapped.headers.get(name),
                "looked_for": " | ".join(mapping.columns.get(name, ())),
                "found": name in mapped.headers,
                "required": name in required and name in mapping.columns,
                "help": spec.help,
            }
            for name, spec in mapping.fields.items()
            if name in mapping.columns
        ],
        schema={
            "field": pl.Utf8,
            "column": pl.Utf8,
            "looked_for": pl.Utf8,
            "found": pl.Boolean,
            "required": pl.Boolean,
            "help": pl.Utf8,
        },
    )
    used = set(mapped.headers.values())
    unused = [h for h in table.headers if h not in used]
    value_rows = []
    for name, spec in mapping.fields.items():
        coded = (FieldKind.CODE, FieldKind.BOOL, FieldKind.GRADE)
        if spec.kind not in coded or name not in mapped.headers:
            continue
        counts = (
            mapped.frame.group_by(raw(name))
            .len()
            .drop_nulls()
            .sort("len", descending=True)
            .head(MAX_VALUES)
        )
        lookup: dict[str, str | None]
        if spec.kind is FieldKind.BOOL:
            parsed = mapped.frame.select(raw(name), name).unique(subset=[raw(name)])
            lookup = {
                str(r[raw(name)]): (None if r[name] is None else str(r[name]).lower())
                for r in parsed.iter_rows(named=True)
            }
        elif spec.kind is FieldKind.GRADE:
            lookup = dict(grade_lookup(counts[raw(name)]))
        else:
            lookup = dict(code_lookup(counts[raw(name)], spec, mapping.value_map(name)))
        for value, rows in counts.iter_rows():
            shown = "(not shown: personal data)" if spec.sensitive else value
            value_rows.append(
                {
                    "field": name,
                    "column": mapped.headers[name],
                    "value": shown,
                    "rows": int(rows),
                    "maps_to": lookup.get(value),
                }
            )
    values = pl.DataFrame(
        value_rows,
        schema={
            "field": pl.Utf8,
            "column": pl.Utf8,
            "value": pl.Utf8,
            "rows": pl.Int64,
            "maps_to": pl.Utf8,
        },
    )
    if mapping.kind == "hr":
        problems = check_hr(mapped, mapping, as_at=as_at).problems
    elif mapping.kind == "supervision":
        problems = check_supervision(mapped, as_at=as_at).problems
    elif mapping.kind == "asye":
        problems = check_asye(mapped, as_at=as_at).problems
    elif mapping.kind == "progression":
        problems = check_progression(mapped, as_at=as_at).problems
    elif mapping.kind == "agency":
        problems = check_agency(mapped, as_at=as_at).problems
    elif mapping.kind == "training":
        problems = check_training(mapped, as_at=as_at).problems
    elif mapping.kind == "placements":
        problems = check_placements(mapped, as_at=as_at).problems
    elif mapping.kind == "audits":
        problems = check_audits(mapped, mapping, as_at=as_at, instruments=instruments).problems
    else:
        problems = check_absences(mapped, as_at=as_at).problems
    return MappingReport(
        file=table.name,
        mapping=mapping.name,
        kind=mapping.kind,
        rows=table.height,
        columns=columns,
        unused=unused,
        values=values,
        problems=problems,
    )

"""Saved column mappings: which source column fills which field, and how source codes map to
Caseload's codes. See docs/imports.md for the format.

A mapping is found by name: a path to a YAML file, else ``NAME.yaml`` in the folder named by
``CASELOAD_MAPPINGS_DIR``, else one of the examples shipped in ``caseload/reference/mappings``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from caseload.errors import InvalidInputError, NotFoundError
from caseload.importers.fields import (
    FIELDS_BY_KIND,
    REQUIRED_COLUMNS,
    FieldKind,
    FieldSpec,
    domain_field,
    domain_spec,
)
from caseload.importers.practice_words import word_key

BUILT_IN = Path(__file__).resolve().parents[1] / "reference" / "mappings"
TOP_LEVEL_KEYS = {
    "name",
    "kind",
    "description",
    "read",
    "columns",
    "values",
    "defaults",
    "teams",
    "domains",
}
READ_KEYS = {"sheet", "skip_rows", "header_rows"}
TEAM_POLICIES = ("warn", "error")
TRUE_WORDS = ("y", "yes", "true", "t", "1")
FALSE_WORDS = ("n", "no", "false", "f", "0")


def normal(text: str) -> str:
    """How headers and source codes are compared: case, repeated and outer spaces ignored."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip().casefold()


@dataclass(frozen=True)
class Mapping:
    name: str
    kind: str
    source: str  # where the mapping was read from
    columns: dict[str, tuple[str, ...]]  # field -> candidate source headers, first found wins
    values: dict[str, dict[str, str]]  # field -> normalised source code -> Caseload code
    defaults: dict[str, str] = field(default_factory=dict)
    sheet: str | int | None = None
    skip_rows: int = 0
    header_rows: int = 1
    unknown_teams: str = "warn"
    description: str = ""
    domains: tuple[str, ...] = ()  # an audit mapping's graded domains (columns: "domain: NAME")

    @property
    def fields(self) -> dict[str, FieldSpec]:
        """The kind's fields, and for an audit mapping one grade field per domain it maps."""
        fields = FIELDS_BY_KIND[self.kind]
        if not self.domains:
            return fields
        return {**fields, **{domain_field(d): domain_spec(d) for d in self.domains}}

    def value_map(self, field_name: str) -> dict[str, str]:
        if field_name == "post_role" and "post_role" not in self.values:
            return self.values.get("role", {})
        return self.values.get(field_name, {})


def mapping_path(name: str, mappings_dir: Path | None) -> Path:
    """Where the mapping called ``name`` is: a file path, the mappings folder, or a built-in."""
    given = Path(name)
    if given.suffix in (".yaml", ".yml") and given.exists():
        return given
    folders = [mappings_dir] if mappings_dir is not None else []
    folders.append(BUILT_IN)
    for folder in folders:
        for suffix in (".yaml", ".yml"):
            candidate = folder / f"{name}{suffix}"
            if candidate.exists():
                return candidate
    known = ", ".join(sorted(available_mappings(mappings_dir)))
    raise NotFoundError(
        f"no column mapping called {name!r}; known mappings: {known}. Pass a path to a .yaml "
        "file or put NAME.yaml in the folder named by CASELOAD_MAPPINGS_DIR"
    )


def available_mappings(mappings_dir: Path | None) -> list[str]:
    folders = [BUILT_IN] + ([mappings_dir] if mappings_dir and mappings_dir.is_dir() else [])
    return sorted({p.stem for folder in folders for p in folder.glob("*.y*ml")})


# Mappings of these kinds have a layout of their own (a survey's question columns), read by their
# importer (:mod:`caseload.importers.health_check`), not by :func:`load_mapping`.
OWN_LAYOUT_KINDS = ("health_check",)


def has_own_layout(name: str, mappings_dir: Path | None) -> bool:
    """Whether the mapping called ``name`` is of a kind with its own layout."""
    try:
        document = yaml.safe_load(mapping_path(name, mappings_dir).read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return False
    return isinstance(document, dict) and document.get("kind") in OWN_LAYOUT_KINDS


def load_mapping(name: str, *, mappings_dir: Path | None = None) -> Mapping:
    path = mapping_path(name, mappings_dir)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise InvalidInputError(
            f"mapping {path}: not valid YAML{line}; check the indentation and quotes"
        ) from None
    return parse_mapping(document, source=str(path))


def _fail(source: str, where: str, problem: str) -> InvalidInputError:
    return InvalidInputError(f"mapping {source}: {where}: {problem}")


def parse_mapping(document: Any, *, source: str) -> Mapping:
    """Check a mapping document and build a :class:`Mapping`; errors name the key to fix."""
    if not isinstance(document, dict):
        raise _fail(source, "top level", "expected keys such as name, kind, columns and values")
    unknown = sorted(set(document) - TOP_LEVEL_KEYS)
    if unknown:
        raise _fail(source, unknown[0], f"unknown key; use {', '.join(sorted(TOP_LEVEL_KEYS))}")
    kind = str(document.get("kind", ""))
    if kind not in FIELDS_BY_KIND:
        raise _fail(source, "kind", f"must be one of {', '.join(FIELDS_BY_KIND)}, not {kind!r}")
    fields = FIELDS_BY_KIND[kind]
    columns = _columns(document.get("columns"), fields, source, kind)
    values = _values(document.get("values") or {}, fields, source)
    defaults = _defaults(document.get("defaults") or {}, fields, values, source)
    read = document.get("read") or {}
    if not isinstance(read, dict) or set(read) - READ_KEYS:
        raise _fail(source, "read", f"may only hold {', '.join(sorted(READ_KEYS))}")
    skip_rows = _count(read.get("skip_rows", 0), source, "read.skip_rows", 0)
    header_rows = _count(read.get("header_rows", 1), source, "read.header_rows", 1)
    sheet = read.get("sheet")
    if sheet is not None and not isinstance(sheet, str | int):
        raise _fail(source, "read.sheet", "give the sheet's name or its number (1 = first)")
    domains = _domains(document.get("domains"), kind, source)
    columns |= {domain_field(domain): headers for domain, headers in domains.items()}
    teams = document.get("teams") or {}
    unknown_teams = str(teams.get("unknown", "warn")) if isinstance(teams, dict) else ""
    if unknown_teams not in TEAM_POLICIES:
        raise _fail(source, "teams.unknown", "must be warn (create the team) or error")
    return Mapping(
        name=str(document.get("name") or Path(source).stem),
        kind=kind,
        source=source,
        columns=columns,
        values=values,
        defaults=defaults,
        sheet=sheet,
        skip_rows=skip_rows,
        header_rows=header_rows,
        unknown_teams=unknown_teams,
        description=str(document.get("description") or "").strip(),
        domains=tuple(domains),
    )


def _headers(given: Any) -> tuple[str, ...] | None:
    """A header, or a list of headers to try, as a tuple; None when it is neither."""
    listed = [given] if isinstance(given, str | int) else given
    if (
        not isinstance(listed, list)
        or not listed
        or not all(isinstance(h, str | int) for h in listed)
    ):
        return None
    return tuple(str(h) for h in listed)


def _domains(raw: Any, kind: str, source: str) -> dict[str, tuple[str, ...]]:
    """An audit mapping's ``domains:``: each graded domain and the column holding its grade."""
    if raw is None:
        return {}
    if kind != "audits":
        raise _fail(source, "domains", "is only for audits mappings (the domains graded)")
    if not isinstance(raw, dict):
        raise _fail(source, "domains", "map each domain to the column holding its grade")
    domains: dict[str, tuple[str, ...]] = {}
    for name, headers in raw.items():
        domain = " ".join(str(name).split())
        if not domain or len(domain) > 80:
            raise _fail(source, f"domains.{name}", "give the domain's name (at most 80 characters)")
        found = _headers(headers)
        if found is None:
            raise _fail(source, f"domains.{name}", "give a header, or a list of headers to try")
        domains[domain] = found
    return domains


def _count(value: Any, source: str, where: str, least: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < least or value > 50:
        raise _fail(source, where, f"must be a whole number from {least} to 50")
    return value


def _columns(
    raw: Any, fields: dict[str, FieldSpec], source: str, kind: str
) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict) or not raw:
        raise _fail(source, "columns", "map each field to the source column's header")
    columns: dict[str, tuple[str, ...]] = {}
    for name, headers in raw.items():
        if name not in fields:
            raise _fail(
                source, f"columns.{name}", f"unknown field; {kind} fields are {', '.join(fields)}"
            )
        given = _headers(headers)
        if given is None:
            raise _fail(source, f"columns.{name}", "give a header, or a list of headers to try")
        columns[name] = given
    missing = [name for name in REQUIRED_COLUMNS[kind] if name not in columns]
    if kind == "hr" and "fte" not in columns and "hours" not in columns:
        missing.append("fte (or hours)")
    if missing:
        raise _fail(source, "columns", f"must name a column for {', '.join(missing)}")
    return columns


def _code(spec: FieldSpec, value: Any) -> str | None:
    """``value`` as one of the field's codes, or None when it is not one."""
    if spec.kind is FieldKind.BOOL:
        word = normal(str(value))
        if word in TRUE_WORDS or value is True:
            return "true"
        if word in FALSE_WORDS or value is False:
            return "false"
        return None
    text = str(value).strip()
    if spec.words:
        return dict(spec.words).get(word_key(text))
    if spec.integer_codes and re.fullmatch(r"\d+(\.0+)?", text):
        text = str(int(float(text)))
    for code in spec.codes:
        if normal(code) == normal(text):
            return code
    return None


def _values(raw: Any, fields: dict[str, FieldSpec], source: str) -> dict[str, dict[str, str]]:
    if not isinstance(raw, dict):
        raise _fail(source, "values", "map each field to {source code: Caseload code}")
    values: dict[str, dict[str, str]] = {}
    for name, table in raw.items():
        spec = fields.get(name)
        if spec is None or spec.kind not in (FieldKind.CODE, FieldKind.BOOL):
            coded = [n for n, s in fields.items() if s.kind in (FieldKind.CODE, FieldKind.BOOL)]
            raise _fail(source, f"values.{name}", f"value maps are for {', '.join(coded)}")
        if not isinstance(table, dict):
            raise _fail(source, f"values.{name}", "give {source code: Caseload code} pairs")
        mapped: dict[str, str] = {}
        for key, target in table.items():
            code = _code(spec, target)
            if code is None:
                allowed = ", ".join(spec.codes) if spec.codes else "yes or no"
                raise _fail(
                    source,
                    f"values.{name}[{key!r}]",
                    f"{target!r} is not a {name} code; use one of {allowed}",
                )
            mapped[normal(str(key))] = code
        values[name] = mapped
    return values


def _defaults(
    raw: Any, fields: dict[str, FieldSpec], values: dict[str, dict[str, str]], source: str
) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise _fail(source, "defaults", "give {field: value} pairs")
    defaults: dict[str, str] = {}
    for name, value in raw.items():
        spec = fields.get(name)
        if spec is None:
            raise _fail(source, f"defaults.{name}", "unknown field")
        text = str(value)
        if spec.kind in (FieldKind.CODE, FieldKind.BOOL):
            code = values.get(name, {}).get(normal(text)) or _code(spec, value)
            if code is None:
                raise _fail(source, f"defaults.{name}", f"{value!r} is not a {name} code")
            text = code
        defaults[name] = text
    return defaults


def accepted_code(spec: FieldSpec, value: str) -> str | None:
    """A source value that is already one of Caseload's codes for the field."""
    return _code(spec, value)

"""The analysts' tables: the database's tables for the councils exported, each column treated by
its rule (:mod:`caseload.exporters.table_rules`), and the data dictionary that describes them.

Without names (``pseudonymised``), workers, children, families and learners are their keyed
pseudonyms, the same as in ``caseload export pseudonymised`` and on the analyst's pages (for
workers and children: ``HMAC-SHA256(secret, kind, council code, staff number or child
reference)``); names, staff numbers, child references, source-system ids and free text are
dropped; ethnicity is its broad group, the qualification date its year; and a worker's ethnic
group, age band and gender, and a child's age band, are suppressed (``c``) in groups smaller
than ``min_group`` exactly as that export does. With names, every column is kept as it is stored.
Either way birth dates are age bands on the data date: no page shows a birth date."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

import polars as pl

from caseload.exporters.bands import CHILD_BANDS, WORKER_BANDS, age_band, ethnic_group
from caseload.exporters.pseudonymised import GENDERS, pseudonyms, suppress_small_groups
from caseload.exporters.table_rules import (
    NOT_DESCRIBED,
    PSEUDONYMS,
    TABLES,
    TEAM_SCOPED_OUT,
    TREATMENTS,
    Handling,
    Rule,
    TableRules,
    reason_not_exported,
)

DICTIONARY_COLUMNS = ["file", "column", "type", "meaning", "treatment", "note", "source"]
PSEUDONYM_NOTE = (
    "keyed pseudonym (HMAC-SHA256 with the installation's pseudonym secret), the same as in "
    "'caseload export pseudonymised' and on the analyst's pages"
)


@dataclass(frozen=True)
class AnalystTables:
    """The frames to write (table name -> frame), the data dictionary, how many values of each
    protected column were suppressed, and the tables not exported with the reason."""

    files: dict[str, pl.DataFrame]
    dictionary: pl.DataFrame
    suppressed: dict[str, int]
    not_exported: dict[str, str]


def file_name(table: str) -> str:
    return f"{table}.parquet"


class _Keys:
    """What pseudonyms are made from: each worker's and child's (id, key), and the worker keys
    by SWE number; worked out on first use (a named export needs none)."""

    def __init__(self, frames: Mapping[str, pl.DataFrame], secret: bytes) -> None:
        self.frames = frames
        self.secret = secret

    @cached_property
    def _workers(self) -> pl.DataFrame:
        workers = _with_code(self.frames["worker"], self.frames)
        return workers.select("id", "authority_id", "swe_number").with_columns(
            pseudonyms(workers, self.secret, "worker", "staff_number").alias("key")
        )

    @property
    def workers(self) -> pl.DataFrame:
        return self._workers.select("id", "key")

    @cached_property
    def children(self) -> pl.DataFrame:
        children = _with_code(self.frames["child"], self.frames)
        return children.select("id").with_columns(
            pseudonyms(children, self.secret, "child", "child_ref").alias("key")
        )

    @cached_property
    def swe(self) -> pl.DataFrame:
        """The worker holding each SWE number in each council (the first by id, should two)."""
        return (
            self._workers.drop_nulls("swe_number")
            .sort("id")
            .group_by("authority_id", "swe_number", maintain_order=True)
            .first()
            .select("authority_id", pl.col("swe_number").alias("swe"), "key")
        )


def _with_code(frame: pl.DataFrame, frames: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    codes = frames["authority"].select(pl.col("id").alias("authority_id"), pl.col("code"))
    return frame.join(codes, on="authority_id", how="left", maintain_order="left").rename(
        {"code": "authority"}
    )


def _replace(column: str, mapping: pl.DataFrame) -> pl.Expr:
    return pl.col(column).replace_strict(
        mapping["id"], mapping["key"], default=None, return_dtype=pl.Utf8
    )


def _natural_key(frame: pl.DataFrame, column: str, kind: str, keys: _Keys) -> pl.Series:
    return pseudonyms(_with_code(frame, keys.frames), keys.secret, kind, column)


def _swe_owner(frame: pl.DataFrame, column: str, keys: _Keys) -> pl.Series:
    returns = keys.frames["census_return"].select(pl.col("id").alias("return_id"), "authority_id")
    owners = (
        frame.select("return_id", pl.col(column).alias("swe"))
        .join(returns, on="return_id", how="left", maintain_order="left")
        .join(keys.swe, on=["authority_id", "swe"], how="left", maintain_order="left")
    )
    return owners["key"]


def _column(
    frame: pl.DataFrame, column: str, handling: Handling, keys: _Keys, as_at: date
) -> pl.Expr | pl.Series:
    """The column as written (before renaming)."""
    values = pl.col(column)
    match handling:
        case Handling.KEEP:
            return values
        case Handling.WORKER:
            return _replace(column, keys.workers)
        case Handling.CHILD:
            return _replace(column, keys.children)
        case Handling.FAMILY:
            return _natural_key(frame, column, "family", keys)
        case Handling.LEARNER:
            return _natural_key(frame, column, "learner", keys)
        case Handling.SWE_WORKER:
            return _swe_owner(frame, column, keys)
        case Handling.WORKER_AGE:
            return age_band(values, as_at, WORKER_BANDS)
        case Handling.CHILD_AGE:
            return age_band(values, as_at, CHILD_BANDS)
        case Handling.YEAR:
            return values.dt.year().cast(pl.Int16)
        case Handling.ETHNIC_GROUP:
            return ethnic_group(values)
        case Handling.GENDER:
            return values.replace_strict(GENDERS, default="not known", return_dtype=pl.Utf8)
        case Handling.HELD:
            return values.is_not_null()
    raise ValueError(f"no way to write {column} as {handling}")


def _latest_roles(spells: pl.DataFrame) -> pl.DataFrame:
    """Each worker's role in their latest spell (the suppression's context, as in the
    pseudonymised export)."""
    return (
        spells.sort("start_date", "id")
        .group_by("worker_id", maintain_order=True)
        .agg(pl.col("role").last())
        .rename({"worker_id": "id"})
    )


def _protect(
    table: str,
    source: pl.DataFrame,
    written: pl.DataFrame,
    rules: TableRules,
    frames: Mapping[str, pl.DataFrame],
    min_group: int,
) -> tuple[pl.DataFrame, dict[str, int]]:
    """Suppress the small groups of the table's protected columns: workers within their
    council and latest role, children within their council."""
    if table == "worker":
        roles = source.select("id").join(
            _latest_roles(frames["employment_spell"]), on="id", how="left", maintain_order="left"
        )
        written = written.with_columns(
            roles["role"].fill_null("none").alias("__role"),
            source["authority_id"].alias("__authority"),
        )
        context = ["__authority", "__role"]
    else:
        written = written.with_columns(source["authority_id"].alias("__authority"))
        context = ["__authority"]
    protected, counts = suppress_small_groups(
        written, context=context, characteristics=list(rules.suppress), k=min_group
    )
    hidden = [c for c in protected.columns if c.startswith("__")]
    return protected.drop(hidden), {f"{table}.{c}": n for c, n in counts.items()}


def _dictionary_row(
    table: str, column: str, rule: Rule | None, handling: Handling, written: str, dtype: str
) -> dict[str, str | None]:
    meaning = rule.meaning if rule is not None else ""
    if handling is Handling.DROP:
        why = rule.why if rule is not None and rule.why else NOT_DESCRIBED
        return _row(file_name(table), None, None, meaning, "dropped", why, f"{table}.{column}")
    note: str | None = None
    if handling in PSEUDONYMS:
        note = PSEUDONYM_NOTE
        meaning = meaning.replace("(worker.id)", "(worker.worker_key)")
        meaning = meaning.replace("(child.id)", "(child.child_key)")
    return _row(
        file_name(table), written, dtype, meaning, TREATMENTS[handling], note, f"{table}.{column}"
    )


def _row(*values: str | None) -> dict[str, str | None]:
    return dict(zip(DICTIONARY_COLUMNS, values, strict=True))


def _table(
    table: str,
    frame: pl.DataFrame,
    *,
    pseudonymised: bool,
    keys: _Keys,
    as_at: date,
    min_group: int,
) -> tuple[pl.DataFrame, list[dict[str, str | None]], dict[str, int]]:
    rules = TABLES[table]
    out: list[Any] = []
    described: list[tuple[str, Rule | None, Handling, str]] = []
    for column in frame.columns:
        rule = rules.columns.get(column)
        handling = Handling.DROP if rule is None else rule.handling(pseudonymised)
        written = column if rule is None else rule.output_name(column, pseudonymised)
        described.append((column, rule, handling, written))
        if handling is not Handling.DROP:
            value = _column(frame, column, handling, keys, as_at)
            out.append(value.alias(written))
    result = frame.select(out) if out else pl.DataFrame()
    suppressed: dict[str, int] = {}
    if pseudonymised and rules.suppress:
        result, suppressed = _protect(table, frame, result, rules, keys.frames, min_group)
    protected = rules.suppress if pseudonymised else ()
    rows = []
    for column, rule, handling, written in described:
        dtype = str(result.schema[written]) if written in result.columns else ""
        row = _dictionary_row(table, column, rule, handling, written, dtype)
        if row["column"] in protected:
            row["treatment"] = f"{row['treatment']}, small groups suppressed"
            row["note"] = f"shown as c in groups under {min_group}"
        rows.append(row)
    return result, rows, suppressed


def analyst_tables(
    frames: Mapping[str, pl.DataFrame],
    *,
    pseudonymised: bool,
    secret: bytes,
    as_at: date,
    min_group: int,
    scoped_out: tuple[str, ...] = (),
    every_table: tuple[str, ...] = (),
    everyone: Mapping[str, pl.DataFrame] | None = None,
) -> AnalystTables:
    """The files from ``frames`` (the database tables, by name, as read), treated for the
    audience. ``scoped_out`` are tables left out of a team manager's export; ``every_table``
    names the database's tables, so that those not exported are listed with the reason.
    ``everyone`` are the frames pseudonyms and the small groups' roles come from (default
    ``frames``): the whole council's when ``frames`` are a team manager's part, so that a row
    naming someone outside the teams still has their pseudonym."""
    keys = _Keys(frames if everyone is None else everyone, secret)
    files: dict[str, pl.DataFrame] = {}
    rows: list[dict[str, str | None]] = []
    suppressed: dict[str, int] = {}
    for table in TABLES:
        if table not in frames:
            continue
        written, described, hidden = _table(
            table,
            frames[table],
            pseudonymised=pseudonymised,
            keys=keys,
            as_at=as_at,
            min_group=min_group,
        )
        files[table] = written
        rows.extend(described)
        suppressed |= hidden
    not_exported = dict.fromkeys(scoped_out, TEAM_SCOPED_OUT)
    not_exported |= {
        table: reason_not_exported(table)
        for table in sorted(every_table)
        if table not in TABLES and table not in not_exported
    }
    for table, reason in not_exported.items():
        rows.append(_row(None, None, None, None, "not exported", reason, table))
    dictionary = pl.DataFrame(rows, schema=dict.fromkeys(DICTIONARY_COLUMNS, pl.Utf8))
    return AnalystTables(files, dictionary, suppressed, not_exported)

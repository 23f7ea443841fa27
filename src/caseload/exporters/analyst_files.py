"""The text files beside the analysts' Parquet files: the data dictionary as Markdown and the
README, both written from the dictionary frame and the manifest (plain facts, no personal data)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from caseload.exporters.table_rules import TABLES


def _cell(text: str | None) -> str:
    if text is None:
        return ""
    return text.replace("|", "\\|").replace("\n", " ")


def dictionary_markdown(dictionary: pl.DataFrame, rows: Mapping[str, int]) -> str:
    """One section per file (its columns, then the columns left out), then the tables not
    exported with the reason."""
    lines = ["# Data dictionary", ""]
    lines.append(
        "Every file of this export, its columns with their type, meaning and treatment "
        "(kept, pseudonymised, banded or dropped), and the tables left out."
    )
    for table, count in rows.items():
        name = f"{table}.parquet"
        lines += [
            "",
            f"## {name}",
            "",
            f"{TABLES[table].meaning.capitalize()}: {count:,} row{'' if count == 1 else 's'}.",
            "",
        ]
        lines += ["| column | type | meaning | treatment | note |", "|---|---|---|---|---|"]
        entries = dictionary.filter(pl.col("file") == name)
        dropped = []
        for entry in entries.iter_rows(named=True):
            if not entry["column"]:
                dropped.append(entry)
                continue
            cells = [entry[k] or "" for k in ("column", "type", "meaning", "treatment", "note")]
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        if dropped:
            lines += ["", "Left out:", ""]
            lines += [
                f"- `{e['source']}` ({_cell(e['meaning'])}): {_cell(e['note'])}" for e in dropped
            ]
    missing = dictionary.filter(pl.col("treatment") == "not exported")
    if missing.height:
        lines += ["", "## Not exported", ""]
        lines += [f"- `{e['source']}`: {e['note']}" for e in missing.iter_rows(named=True)]
    return "\n".join(lines) + "\n"


def readme_text(manifest: Mapping[str, Any], folder_name: str) -> str:
    made_for = manifest["made_for"]
    people = (
        "with names (the role may see named records)"
        if not manifest["pseudonymised"]
        else "without names: workers, children, families and learners are keyed pseudonyms"
    )
    teams = made_for.get("teams")
    lines = [
        "Caseload: the council's tables as Parquet files (zstd), for DuckDB, Polars, R or any "
        "Parquet reader.",
        "",
        f"Exported:          {manifest['exported_at']} by {manifest['exported_by']}",
        f"Made for:          {made_for['role_label']}, {people}",
    ]
    if teams is not None:
        lines.append(f"Teams:             {', '.join(teams) or 'none'} (a team manager's scope)")
    lines += [
        "Councils:          "
        + ", ".join(f"{a['code']} {a['name']}" for a in manifest["authorities"]),
        f"Data date:         {manifest['data_date']} (the last day the data covers; age bands "
        "are ages on this day)",
        "Data fingerprint:  "
        + ", ".join(f"{code} {value}" for code, value in manifest["fingerprints"].items())
        + " (changes whenever the council's data does)",
        f"Rows:              {manifest['rows']:,} in {len(manifest['files'])} files",
        "",
        "Files (rows):",
    ]
    width = max((len(name) for name in manifest["files"]), default=0)
    lines += [f"  {name.ljust(width)}  {count:>10,}" for name, count in manifest["files"].items()]
    lines += [
        "",
        "data_dictionary.csv and data_dictionary.md: every file and column with its type and "
        "meaning, whether it was kept, pseudonymised, banded or dropped, and the tables not "
        "exported and why. manifest.json: these facts for programs.",
        "",
        "Reading the files (join on the ids, or on worker_key and child_key without names):",
        f'  Polars: pl.scan_parquet("{folder_name}/allocation.parquet")',
        f'              .join(pl.scan_parquet("{folder_name}/child.parquet"), ...)',
        f"  DuckDB: SELECT * FROM '{folder_name}/allocation.parquet';",
        "",
        "Keep and share these files only as the council's data-sharing agreement allows.",
    ]
    return "\n".join(lines) + "\n"

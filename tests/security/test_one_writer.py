"""One writer for every CSV file and spreadsheet: a module that writes CSV or a workbook any other
way than through :mod:`caseload.exporters.tables` (reached from the web and the command line as
:mod:`caseload.services.table_files`) fails this test, unless it is allowed below, with a reason.
A new page or command that offers a download cannot skip the formula guard unnoticed."""

from __future__ import annotations

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "src" / "caseload"
WRITER_MODULES = {"caseload.exporters.tables", "caseload.services.table_files"}

# Writing CSV or workbooks directly: calls of these methods, csv's writers, workbook classes.
WRITING_METHODS = {"write_csv", "sink_csv", "to_csv", "write_excel", "to_excel", "write_ods"}
CSV_WRITERS = {"writer", "DictWriter"}
WORKBOOK_WRITERS = {"Workbook", "WriteOnlyCell"}
WORKBOOK_PACKAGES = ("xlsxwriter", "odf", "pyexcel")
DOWNLOAD_TYPES = ("text/csv", "spreadsheetml", "application/vnd.ms-excel")

ALLOWED = {
    "exporters/tables.py": "the writer itself",
    "synthetic/extracts.py": (
        "writes the synthetic council's input extracts (HR, absences, SSD) for the demo, tests and "
        "benchmarks to import; they are data fixtures made from the generator's own word lists, "
        "and an apostrophe added to a cell would be imported as part of the value"
    ),
    "census/benchmarking/reference.py": (
        "rebuilds the DfE reference files shipped in the package (maintainers only), which the "
        "product reads back as data with Polars, never opened in a spreadsheet"
    ),
    "forecasting/dfe_context.py": (
        "rebuilds the DfE referral, children in need and population files shipped in the package "
        "(maintainers only), read back as data with Polars, never opened in a spreadsheet"
    ),
    "retention/community.py": (
        "rebuilds the ONS Census 2021 ethnic group file shipped in the package (maintainers "
        "only), read back as data with Polars, never opened in a spreadsheet"
    ),
    "reports/model.py": (
        "names the report workbook's media type (FileFormat.media_type) for the download; the "
        "workbook itself is written by reports.workbook through the writer"
    ),
    "storage/bulk.py": (
        "renders rows as CSV text only to stream them into PostgreSQL's COPY within the write's "
        "transaction; nothing is written to a file or offered for download"
    ),
    "importers/ssd_sources.py": (
        "renders a table read from a database as CSV text only to hash it (the load's content "
        "fingerprint); nothing is written"
    ),
}


def _writer_aliases(tree: ast.Module) -> set[str]:
    """Names under which a module imported the writer (``table_files``, ``tables``...)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                if f"{node.module}.{alias.name}" in WRITER_MODULES:
                    names.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in WRITER_MODULES:
                    names.add(alias.asname or alias.name.split(".")[0])
    return names


def _imports_writer(tree: ast.Module) -> bool:
    """Whether a module imports the writer or something from it."""
    return bool(_writer_aliases(tree)) or any(
        isinstance(node, ast.ImportFrom) and node.module in WRITER_MODULES
        for node in ast.walk(tree)
    )


def direct_writes(source: str) -> list[str]:
    """Each place in ``source`` that writes CSV or a workbook other than through the writer."""
    tree = ast.parse(source)
    aliases = _writer_aliases(tree)
    found: list[str] = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Attribute):
            through_writer = isinstance(node.value, ast.Name) and node.value.id in aliases
            if node.attr in WRITING_METHODS and not through_writer:
                found.append(f"line {line}: .{node.attr}")
            if isinstance(node.value, ast.Name) and (
                (node.value.id == "csv" and node.attr in CSV_WRITERS)
                or (node.value.id == "openpyxl" and node.attr in WORKBOOK_WRITERS)
            ):
                found.append(f"line {line}: {node.value.id}.{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = {alias.name for alias in node.names}
            if node.module == "csv" and names & CSV_WRITERS:
                found.append(f"line {line}: from csv import {', '.join(sorted(names))}")
            if node.module.startswith("openpyxl") and names & WORKBOOK_WRITERS:
                found.append(f"line {line}: from {node.module} import {', '.join(sorted(names))}")
            if node.module.startswith(WORKBOOK_PACKAGES):
                found.append(f"line {line}: from {node.module}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(WORKBOOK_PACKAGES):
                    found.append(f"line {line}: import {alias.name}")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and any(kind in node.value for kind in DOWNLOAD_TYPES)
            and not _imports_writer(tree)
        ):
            found.append(f"line {line}: a CSV or spreadsheet download not made by the writer")
    return sorted(found, key=lambda place: int(place.split(":")[0].removeprefix("line ")))


def test_no_module_writes_csv_or_spreadsheets_but_the_writer() -> None:
    offenders = {}
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE).as_posix()
        if relative in ALLOWED:
            continue
        found = direct_writes(path.read_text(encoding="utf-8"))
        if found:
            offenders[relative] = found
    assert offenders == {}, (
        "write CSV and workbooks through caseload.services.table_files (or, in an analysis "
        f"package, caseload.exporters.tables): {offenders}"
    )


def test_every_allowed_module_still_writes_directly() -> None:
    """An allowance no longer needed is removed, so the list stays the true exceptions."""
    for relative, reason in ALLOWED.items():
        assert reason
        assert direct_writes((SOURCE / relative).read_text(encoding="utf-8")), relative


def test_the_walk_finds_each_way_of_writing_directly() -> None:
    source = "\n".join(
        [
            "import csv",
            "import openpyxl",
            "from csv import DictWriter",
            "from openpyxl import Workbook",
            "import xlsxwriter",
            "w = csv.writer(out)",
            "book = openpyxl.Workbook()",
            "frame.write_csv(path)",
            "frame.lazy().sink_csv(path)",
            "frame.to_pandas().to_csv(path)",
            "frame.write_excel(path)",
            "kind = 'text/csv; charset=utf-8'",
        ]
    )
    assert direct_writes(source) == [
        "line 3: from csv import DictWriter",
        "line 4: from openpyxl import Workbook",
        "line 5: import xlsxwriter",
        "line 6: csv.writer",
        "line 7: openpyxl.Workbook",
        "line 8: .write_csv",
        "line 9: .sink_csv",
        "line 10: .to_csv",
        "line 11: .write_excel",
        "line 12: a CSV or spreadsheet download not made by the writer",
    ]
    through = "\n".join(
        [
            "from caseload.services import table_files",
            "from caseload.services.table_files import write_csv",
            "table_files.write_csv(rows, columns, out)",
            "write_csv(rows, columns, out)",
            "kind = 'text/csv'",
        ]
    )
    assert direct_writes(through) == []

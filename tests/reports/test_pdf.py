"""The report as a PDF laid out by Typst. The checks that need poppler's tools (pdfinfo,
pdftoppm, pdftotext) skip without them."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from caseload.reports.pdf import render_pdf

from .sample import SCRIPT_TEAM, TYPST_TEAM, sample_report

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"
# Cover, contents, two sections, areas with no data, notes and definitions.
PAGES = 6


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render_pdf(sample_report())


@pytest.fixture
def pdf_file(pdf: bytes, tmp_path: Path) -> Path:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return path


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} (poppler-utils) is not installed")
    return path


def _page_count(pdf: bytes) -> int:
    """Pages counted from the page objects (Typst writes no object streams)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def _pgm_pixels(data: bytes) -> bytes:
    """The pixels of a binary PGM (P5) image, 8 bits each."""
    fields = re.match(rb"P5\s+(?:#[^\n]*\n\s*)*(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert fields is not None
    width, height, top = (int(value) for value in fields.groups())
    assert top == 255
    pixels = data[fields.end() :]
    assert len(pixels) == width * height
    return pixels


def test_it_is_a_pdf_with_a_page_for_the_cover_contents_each_section_and_the_notes(
    pdf: bytes,
) -> None:
    assert pdf.startswith(b"%PDF-")
    assert _page_count(pdf) == PAGES


def test_pdfinfo_agrees_on_the_pages_and_reads_the_metadata(pdf_file: Path) -> None:
    info = subprocess.run(
        [_tool("pdfinfo"), str(pdf_file)], capture_output=True, text=True, check=True
    ).stdout
    fields = {
        name.strip(): value.strip()
        for name, value in (line.split(":", 1) for line in info.splitlines() if ":" in line)
    }
    assert fields["Pages"] == str(PAGES)
    assert fields["Title"] == "Workforce Steering Group pack"
    assert fields["Author"] == "Northbridge Council"
    assert fields["Page size"].startswith("595.276 x 841.89")  # A4
    assert "2025" in fields["CreationDate"]  # the report's own date, not today's


def test_the_same_report_gives_the_same_file(pdf: bytes) -> None:
    assert render_pdf(sample_report()) == pdf


def test_no_page_is_blank(pdf_file: Path, tmp_path: Path) -> None:
    pdftoppm = _tool("pdftoppm")
    subprocess.run(
        [pdftoppm, "-gray", "-r", "30", str(pdf_file), str(tmp_path / "page")], check=True
    )
    pages = sorted(tmp_path.glob("page-*.pgm"))
    assert len(pages) == PAGES
    for page in pages:
        assert min(_pgm_pixels(page.read_bytes())) < 200, page.name
    # Pages 2 (contents) and 3 (the first section) as PNG, for people to look at.
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [pdftoppm, "-png", "-r", "60", "-f", "2", "-l", "3", str(pdf_file), str(ARTIFACTS / "pdf")],
        check=True,
    )
    (ARTIFACTS / "board-pack.pdf").write_bytes(pdf_file.read_bytes())


def test_team_names_with_typst_and_html_characters_print_as_they_are(pdf_file: Path) -> None:
    text = subprocess.run(
        [_tool("pdftotext"), "-layout", str(pdf_file), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert TYPST_TEAM in text
    assert SCRIPT_TEAM in text
    assert "*_Looked after_* children" in text
    for expected in [
        "Contents",
        "Caseloads and vacancies",
        "Stability of the workforce",
        "Page 3 of 6",
        "Northbridge Council",
        "1,234",
        "+4.1",
        "12.5%",
        "Amber",
        "Supervision: no records loaded yet",
        "Vacant FTE posts as a share of all FTE posts.",
        "Source: DfE children's social work workforce census",
    ]:
        assert expected in text, expected
    # Each section starts a page: page 3 is the first section, page 4 the second.
    pages = text.split("\f")
    assert "Caseloads by team" in pages[2]
    assert "Agency workers" in pages[3]

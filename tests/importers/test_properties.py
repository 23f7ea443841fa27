"""Property tests: random malformed rows never crash an import and never leave a partial load."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from caseload.errors import CaseloadError
from caseload.importers.ssd import SsdOptions
from caseload.services.imports import AuthorityChoice, import_hr, import_ssd, read_ssd
from importers.import_support import FIRST, FIXTURES, counts

AWKWARD = st.sampled_from(
    [
        "",
        " ",
        "  E001 ",
        "x",
        "31/02/2024",
        "2024-13-01",
        "1.5",
        "-1",
        "0",
        "NaN",
        "inf",
        "1e400",
        "50%",
        "=SUM(A1)",
        '"quoted, comma"',
        "line\nbreak",
        "Zoë",
        "\u00a0",
        "9" * 60,
        "Agency",
        "Permanent",
        "Social Worker",
        "Team Manager",
        "Snr Practitioner",
        "P001",
        "Assessment Team 1",
        "01/04/2019",
        "2019-04-01",
        "31/03/2021",
        "Female",
        "WBRI",
    ]
)
HEADER = [
    "Staff Number", "SWE Number", "Date of Birth", "Gender", "Ethnicity", "Post Number",
    "Team", "Job Title", "FTE", "Contract Type", "Start Date", "End Date", "Leaving Reason",
]  # fmt: skip
ROW = st.lists(AWKWARD, min_size=0, max_size=len(HEADER) + 2)
SLOW_OK = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def as_csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue()


@SLOW_OK
@given(rows=st.lists(ROW, min_size=1, max_size=12))
def test_random_hr_rows_never_crash_and_never_half_load(
    engine: Engine, tmp_path: Path, rows: list[list[str]]
) -> None:
    path = tmp_path / "hr.csv"
    path.write_text(as_csv(rows))
    before = counts(engine)
    try:
        result = import_hr(
            engine,
            path=path,
            mapping="generic",
            as_at=FIRST,
            loaded_by="t",
            authority=AuthorityChoice("301", "Testshire"),
            allow_mass_ending=True,
        )
    except CaseloadError as exc:
        assert "Traceback" not in str(exc)
        assert counts(engine) == before
    else:
        after = counts(engine)
        assert after["import_run"] == before["import_run"] + 1
        assert result.warnings >= 0


@SLOW_OK
@given(content=st.binary(max_size=400))
def test_random_bytes_are_refused_cleanly(engine: Engine, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "hr.csv"
    path.write_bytes(content)
    before = counts(engine)
    try:
        import_hr(
            engine,
            path=path,
            mapping="generic",
            as_at=FIRST,
            loaded_by="t",
            authority=AuthorityChoice("301", "Testshire"),
        )
    except CaseloadError:
        assert counts(engine) == before


INVOLVEMENT = st.tuples(
    st.sampled_from(["I1", "I2", "I9", "", "I1 "]),
    st.sampled_from(["P1", "P3", "P9", "P77", ""]),
    st.sampled_from(["CW", "cw", "TM", "", "COW"]),
    st.sampled_from(["C1", "C2", "C9", ""]),
    st.sampled_from(["2024-01-10", "2024-06-30", "2025-02-30", "", "10/01/2024", "x"]),
    st.sampled_from(["", "2024-06-30", "2023-01-01", "2025-13-01"]),
    st.sampled_from(["", "LEFTRL", "NOPE"]),
)


@SLOW_OK
@given(involvements=st.lists(INVOLVEMENT, max_size=10))
def test_random_involvements_never_crash_and_never_half_load(
    engine: Engine, tmp_path: Path, involvements: list[tuple[str, ...]]
) -> None:
    folder = tmp_path / "ssd"
    folder.mkdir(exist_ok=True)
    for source in (FIXTURES / "ssd").iterdir():
        (folder / source.name).write_text(source.read_text())
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "invo_involvements_id",
            "invo_professional_id",
            "invo_professional_role_id",
            "invo_person_id",
            "invo_involvement_start_date",
            "invo_involvement_end_date",
            "invo_worker_change_reason",
        ]
    )
    writer.writerows(involvements)
    (folder / "ssd_involvements.csv").write_text(buffer.getvalue())
    before = counts(engine)
    try:
        import_ssd(
            engine,
            source=read_ssd(folder=folder),
            as_at=FIRST,
            loaded_by="t",
            authority=AuthorityChoice("301", "Testshire"),
            options=SsdOptions(("COW",)),
        )
    except CaseloadError:
        assert counts(engine) == before

"""The Data pages: upload, check (dry run), confirm, load, on both databases; the private upload
folder; refusals; and the data-quality findings each role sees."""

from __future__ import annotations

import csv
import io
import json
import re
import stat
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from argon2 import PasswordHasher, Type
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from caseload import config
from caseload.auth import passwords
from caseload.auth.roles import AccountRole
from caseload.domain.disclosure import pseudonym
from caseload.errors import ConfigurationError, NotFoundError
from caseload.services import accounts, quality_view, uploads
from caseload.services.audit import cli_actor
from caseload.services.imports import AuthorityChoice, import_hr
from caseload.services.pseudonyms import pseudonym_key
from caseload.storage import audit_writes
from caseload.storage.engine import session_scope
from caseload.storage.models import Authority
from caseload.web import create_app
from importers.import_support import load_first

from .council import PASSWORD, WebCouncil, sign_in

FIXTURES = Path(__file__).resolve().parents[1] / "importers" / "fixtures"
HR = FIXTURES / "hr_awkward.csv"

QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)


@pytest.fixture(autouse=True)
def quick_hashes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2id settings: these tests are about accounts, not the hash's cost (which
    tests/auth/test_passwords.py checks). Left alone for the shared council, built once with the
    real settings."""
    if "shared_council" not in request.fixturenames:
        monkeypatch.setattr(passwords, "_HASHER", QUICK_HASHER)


class Site:
    """A council with no data yet (authority 301), its administrator signed in."""

    def __init__(self, engine: Engine, folder: Path) -> None:
        self.engine = engine
        self.folder = folder
        self.client = self.signed_in("admin")

    def signed_in(self, username: str) -> TestClient:
        client = TestClient(create_app(self.engine), follow_redirects=False)
        sign_in(client, username, PASSWORD)
        return client

    def csrf(self, client: TestClient | None = None, page: str = "/data") -> str:
        """The session's CSRF token, as every form on the page carries it (the page's own forms
        as well as the header's sign-out form)."""
        html = (client or self.client).get(page).text
        found = set(re.findall(r'name="csrf_token" value="([^"]*)"', html))
        assert len(found) == 1 and "" not in found, found
        return found.pop()

    def upload(
        self,
        kind: str,
        files: list[tuple[str, bytes]],
        *,
        mapping: str | None = None,
        as_at: str = "2025-03-31",
        client: TestClient | None = None,
        extra: dict[str, str] | None = None,
    ) -> httpx.Response:
        data = {"csrf_token": self.csrf(client), "kind": kind, "as_at": as_at, **(extra or {})}
        if mapping:
            data["mapping"] = mapping
        return (client or self.client).post(
            "/data/upload",
            data=data,
            files=[
                ("files", (name, content, "application/octet-stream")) for name, content in files
            ],
        )

    def staged(self) -> list[Path]:
        return sorted(p for p in self.folder.iterdir() if p.is_dir())

    def count(self, table: str) -> int:
        with self.engine.connect() as connection:
            return int(connection.scalar(text(f"SELECT COUNT(*) FROM {table}")) or 0)

    def changes(self) -> list[tuple[Any, ...]]:
        with session_scope(self.engine) as session:
            return [
                (e["actor"], e["role"], e["target_id"], json.loads(e["detail"]))
                for e in audit_writes.all_events(session)
                if e["action"] == "change"
            ]


@pytest.fixture
def site(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Site:
    folder = tmp_path / "uploads"
    monkeypatch.setenv("CASELOAD_UPLOAD_DIR", str(folder))
    monkeypatch.delenv("CASELOAD_MAPPINGS_DIR", raising=False)
    monkeypatch.delenv("CASELOAD_UPLOAD_MAX_MB", raising=False)
    with session_scope(engine) as session:
        session.add(Authority(code="301", name="Testshire Council", region="North West"))
    for username, role in (("admin", AccountRole.ADMIN), ("analyst", AccountRole.ANALYST)):
        accounts.add_user(
            engine,
            cli_actor("tests"),
            username=username,
            display_name=username,
            role=role,
            password=PASSWORD,
        )
    return Site(engine, folder)


def token_of(response: httpx.Response) -> str:
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("/data/uploads/")
    return location.rsplit("/", 1)[1]


def confirm(site: Site, token: str, client: TestClient | None = None) -> httpx.Response:
    """Confirm the upload; a load that succeeds is sent to its result page (post/redirect/get),
    which is returned."""
    page = f"/data/uploads/{token}"
    browser = client or site.client
    answer = browser.post(f"{page}/confirm", data={"csrf_token": site.csrf(client, page)})
    if answer.status_code == 303:
        assert answer.headers["location"].startswith("/data/runs/"), answer.headers["location"]
        return browser.get(answer.headers["location"])
    return answer


def test_the_data_page_offers_the_three_uploads(site: Site) -> None:
    page = site.client.get("/data")
    assert page.status_code == 200
    for label in (
        '<label for="hr-file">File (.csv or .xlsx)</label>',
        '<label for="hr-mapping">Column mapping</label>',
        '<label for="hr-as-at">Date the extract was taken</label>',
        '<label for="ssd-files">Files (.csv, several at once, or one .zip)</label>',
        '<option value="generic-absences">',
    ):
        assert label in page.text
    assert "Files can be up to 50 MB" in page.text
    assert site.count("import_run") == 0


def test_refreshing_the_result_of_a_load_does_not_load_again(site: Site) -> None:
    """Post/redirect/get: the confirming form sends the browser to the load's own page."""
    token = token_of(site.upload("hr", [("hr_awkward.csv", HR.read_bytes())], mapping="generic"))
    page = f"/data/uploads/{token}"
    answer = site.client.post(f"{page}/confirm", data={"csrf_token": site.csrf(None, page)})
    assert answer.status_code == 303
    result = answer.headers["location"]
    assert re.fullmatch(r"/data/runs/\d+", result)
    for _ in range(2):  # a refresh of the result page
        shown = site.client.get(result)
        assert shown.status_code == 200
        assert "Loaded hr_awkward.csv as run" in shown.text
    assert site.count("import_run") == 1
    assert site.client.get("/data/runs/999999").status_code == 404
    again = site.client.post(f"{page}/confirm", data={"csrf_token": site.csrf(None, page)})
    assert again.status_code == 404  # the form resent by hand: the upload is gone
    assert site.count("import_run") == 1


def test_upload_check_confirm_and_load(site: Site) -> None:
    token = token_of(site.upload("hr", [("hr_awkward.csv", HR.read_bytes())], mapping="generic"))
    (place,) = site.staged()
    assert place.name == token
    assert stat.S_IMODE(site.folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(place.stat().st_mode) == 0o700
    stored = place / "files" / "hr_awkward.csv"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    check = site.client.get(f"/data/uploads/{token}")
    assert check.status_code == 200
    assert "The check passed" in check.text
    assert "Loading it would add 24, change 0 and end 0 records, with 1 warning" in check.text
    assert "<td>hr_awkward.csv</td>" in check.text
    assert "the row repeats row 5" in check.text
    assert "Confirm the load" in check.text
    assert "Asha" not in check.text and "Khan" not in check.text
    assert (site.count("worker"), site.count("import_run")) == (0, 0)

    with session_scope(site.engine) as session:
        checked = [
            e["target_type"] for e in audit_writes.all_events(session) if e["action"] == "view"
        ]
    assert checked == ["upload_check"]  # the check quoted a row's values: a recorded view
    loaded = confirm(site, token)
    assert loaded.status_code == 200
    assert "Loaded hr_awkward.csv as run" in loaded.text
    assert ": 24 added, 0 changed, 0 ended, 1 warning." in loaded.text
    assert '<a href="/data/quality">Check the data-quality findings</a>' in loaded.text
    assert site.staged() == []
    assert (site.count("worker"), site.count("import_run")) == (5, 1)
    with site.engine.connect() as connection:
        run = connection.execute(
            text("SELECT id, source_name, mapping_name, loaded_by, added, warnings FROM import_run")
        ).one()
    assert tuple(run)[1:] == ("hr_awkward.csv", "generic", "admin", 24, 1)
    assert site.changes() == [
        (
            "admin",
            "admin",
            str(run.id),
            {
                "kind": "hr",
                "authority": "301",
                "file": "hr_awkward.csv",
                "as_at": "2025-03-31",
                "rows": 9,
                "added": 24,
                "changed": 0,
                "ended": 0,
                "warnings": 1,
            },
        )
    ]
    runs = site.client.get("/data").text
    assert "<td>hr_awkward.csv</td>" in runs
    assert "<td>admin</td>" in runs
    # The upload is gone: confirming again loads nothing.
    again = site.client.post(f"/data/uploads/{token}/confirm", data={"csrf_token": site.csrf()})
    assert again.status_code == 404
    assert "Nothing was loaded. This upload is no longer waiting" in again.text
    assert site.count("import_run") == 1


def test_an_xlsx_extract_is_checked_like_a_csv(site: Site) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in csv.reader(io.StringIO(HR.read_text())):
        sheet.append(row)
    content = io.BytesIO()
    workbook.save(content)
    token = token_of(site.upload("hr", [("hr.xlsx", content.getvalue())], mapping="generic"))
    check = site.client.get(f"/data/uploads/{token}").text
    assert "Loading it would add 24, change 0 and end 0 records, with 1 warning" in check


def test_a_bad_file_gets_a_row_level_report_and_nothing_is_loaded(site: Site) -> None:
    broken = HR.read_text().replace("Team Manager,1,Permanent", "Team Manager,2,Permanent")
    token = token_of(site.upload("hr", [("hr.csv", broken.encode())], mapping="generic"))
    check = site.client.get(f"/data/uploads/{token}")
    assert check.status_code == 200
    assert "This upload cannot be loaded" in check.text
    assert "The check found 1 error and 2 warnings. Nothing was loaded." in check.text
    row = (
        '<td>error</td>\n    \n      <td>hr.csv</td>\n    \n      <td class="num">8</td>\n'
        "    \n      <td>FTE</td>\n    \n      <td>2</td>\n    \n      <td>FTE above 1</td>"
    )
    assert row in check.text
    assert "Confirm the load" not in check.text
    refused = confirm(site, token)
    assert refused.status_code == 400
    assert "Nothing was loaded: the file has problems to fix first." in refused.text
    assert (site.count("worker"), site.count("import_run"), site.changes()) == (0, 0, [])
    assert site.staged() == []


def test_a_whole_file_problem_is_reported_in_plain_words(site: Site) -> None:
    token = token_of(site.upload("hr", [("hr.csv", b"Name,Colour\nA,Blue\n")], mapping="generic"))
    check = site.client.get(f"/data/uploads/{token}")
    assert "This upload cannot be loaded" in check.text
    assert "hr.csv" in check.text and "Staff Number" in check.text
    assert "Confirm the load" not in check.text


WRONG_FILES = [
    ("hr", "notes.pdf", b"%PDF-1.4", "generic", "notes.pdf is not a .csv or .xlsx file"),
    ("hr", "old.xls", b"\xd0\xcf\x11\xe0", "generic", "old.xls is an old Excel .xls file"),
    ("hr", "fake.xlsx", b"a,b\n1,2\n", "generic", "fake.xlsx is named .xlsx but is not"),
    ("hr", "photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "generic", "is not a text (CSV) file"),
    ("hr", "hr.csv", b"a,b\n", "nope", "Choose a saved column mapping for the HR extract"),
    ("hr", "hr.csv", b"a,b\n", "generic-absences", "Choose a saved column mapping"),
    ("ssd", "ssd.txt", b"x", None, "ssd.txt is not a .csv or .zip file"),
    ("ssd", "ssd.zip", b"not a zip", None, "ssd.zip is not a .zip file that can be opened"),
    ("ssd", "ssd_person.csv", b"a\n", None, "The upload has no ssd_professionals.csv"),
    ("other", "hr.csv", b"a,b\n", None, "Choose what the file is"),
]


def test_wrong_files_are_refused_with_a_clear_message(site: Site) -> None:
    for kind, name, content, mapping, message in WRONG_FILES:
        response = site.upload(kind, [(name, content)], mapping=mapping)
        assert response.status_code == 400, name
        assert "The upload was not accepted" in response.text
        assert message in response.text, name
    assert site.staged() == []


def test_an_upload_over_the_limit_is_refused(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASELOAD_UPLOAD_MAX_MB", "1")
    big = b"Staff Number\n" + b"E0001\n" * 250_000
    response = site.upload("hr", [("big.csv", big)], mapping="generic")
    assert response.status_code == 413
    assert "The upload is larger than 1 MB" in response.text
    assert site.staged() == []


def test_the_size_limit_holds_while_the_file_is_read(site: Site) -> None:
    admin = accounts.sign_in(site.engine, "admin", PASSWORD, source="test").principal
    with pytest.raises(Exception, match="the upload is larger than 1 MB"):
        uploads.stage(
            site.engine,
            admin,
            session_key="k",
            kind="hr",
            files=[uploads.IncomingFile("big.csv", io.BytesIO(b"x" * (1024 * 1024 + 1)))],
            mapping="generic",
            as_at=date(2025, 3, 31),
            max_bytes=1024 * 1024,
        )
    assert site.staged() == []


def ssd_zip(*, folder: str = "export/") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted((FIXTURES / "ssd").iterdir()):
            archive.writestr(folder + path.name, path.read_bytes())
        archive.writestr("README.txt", "not a table")
    return buffer.getvalue()


def load_hr_first(site: Site) -> None:
    import_hr(
        site.engine,
        path=HR,
        mapping="generic",
        as_at=date(2025, 3, 31),
        loaded_by="tester",
        authority=AuthorityChoice(code="301"),
    )


def test_an_ssd_zip_loads(site: Site) -> None:
    load_hr_first(site)
    token = token_of(site.upload("ssd", [("ssd-march.zip", ssd_zip())]))
    check = site.client.get(f"/data/uploads/{token}")
    assert "Loading it would add 20, change 6 and end 0 records, with 2 warnings" in check.text
    assert "<td>ssd_professionals.csv</td>" in check.text
    loaded = confirm(site, token)
    assert re.search(
        r"Loaded ssd-march.zip as run \d+: 20 added, 6 changed, 0 ended, 2 warnings.", loaded.text
    )
    assert site.changes()[-1][3]["file"] == "ssd-march.zip"
    assert site.changes()[-1][3]["kind"] == "ssd"


def test_ssd_tables_as_several_csv_files_load(site: Site) -> None:
    load_hr_first(site)
    files = [(p.name, p.read_bytes()) for p in sorted((FIXTURES / "ssd").iterdir())]
    token = token_of(site.upload("ssd", files))
    assert "would add 20, change 6" in site.client.get(f"/data/uploads/{token}").text
    assert re.search(r"Loaded 8 files as run \d+: 20 added", confirm(site, token).text)


def test_an_upload_belongs_to_its_uploader_and_session(site: Site) -> None:
    token = token_of(site.upload("hr", [("hr.csv", HR.read_bytes())], mapping="generic"))
    same_person_elsewhere = site.signed_in("admin")
    assert same_person_elsewhere.get(f"/data/uploads/{token}").status_code == 404
    refused = confirm(site, token, client=same_person_elsewhere)
    assert refused.status_code == 404
    analyst = site.signed_in("analyst")
    assert analyst.get(f"/data/uploads/{token}").status_code == 403
    assert analyst.get("/data").status_code == 403
    assert analyst.post("/data/upload", data={"csrf_token": "x"}).status_code == 403
    assert len(site.staged()) == 1
    assert site.count("import_run") == 0
    assert site.client.get(f"/data/uploads/{token}").status_code == 200


def test_a_file_changed_after_the_check_is_not_loaded(site: Site) -> None:
    token = token_of(site.upload("hr", [("hr.csv", HR.read_bytes())], mapping="generic"))
    (place,) = site.staged()
    (place / "files" / "hr.csv").write_bytes(HR.read_bytes() + b"E9,,,,,,,,,,,,,,,,\n")
    refused = confirm(site, token)
    assert refused.status_code == 400
    assert "hr.csv changed on the server after it was checked, so it was not loaded" in (
        refused.text
    )
    assert (site.count("import_run"), site.staged()) == (0, [])


def test_a_forged_form_is_refused(site: Site) -> None:
    token = token_of(site.upload("hr", [("hr.csv", HR.read_bytes())], mapping="generic"))
    forged = site.client.post(f"/data/uploads/{token}/confirm", data={"csrf_token": "forged"})
    assert forged.status_code == 403
    assert site.count("import_run") == 0
    response = site.client.post(
        "/data/upload",
        data={"csrf_token": "forged", "kind": "hr", "mapping": "generic", "as_at": "2025-03-31"},
        files=[("files", ("hr.csv", HR.read_bytes(), "text/csv"))],
    )
    assert response.status_code == 403
    assert len(site.staged()) == 1


def test_discarding_removes_the_upload(site: Site) -> None:
    token = token_of(site.upload("hr", [("hr.csv", HR.read_bytes())], mapping="generic"))
    page = f"/data/uploads/{token}"
    response = site.client.post(f"{page}/discard", data={"csrf_token": site.csrf(page=page)})
    assert (response.status_code, response.headers["location"]) == (303, "/data?discarded=1")
    notice = site.client.get(response.headers["location"]).text
    assert "The upload was discarded; nothing was loaded." in notice
    assert site.staged() == []


def test_uploads_expire_after_an_hour(site: Site) -> None:
    admin = accounts.sign_in(site.engine, "admin", PASSWORD, source="test").principal
    arrived = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def stage(moment: datetime) -> uploads.StagedUpload:
        return uploads.stage(
            site.engine,
            admin,
            session_key="k",
            kind="hr",
            files=[uploads.IncomingFile("hr.csv", io.BytesIO(HR.read_bytes()))],
            mapping="generic",
            as_at=date(2025, 3, 31),
            now=moment,
        )

    first = stage(arrived)
    second = stage(arrived + timedelta(minutes=30))
    found = uploads.find(admin, first.token, session_key="k", now=arrived + timedelta(minutes=59))
    assert found.files == first.files
    with pytest.raises(NotFoundError, match="or an hour has passed"):
        uploads.find(admin, first.token, session_key="k", now=arrived + timedelta(hours=1))
    assert [p.name for p in site.staged()] == [second.token]
    assert uploads.sweep(now=arrived + timedelta(minutes=90)) == 1
    assert site.staged() == []
    for token in ("../../etc", "short", ""):
        with pytest.raises(NotFoundError):
            uploads.find(admin, token, session_key="k")


def test_a_shared_upload_folder_is_refused(site: Site, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir()
    link = tmp_path / "link"
    link.symlink_to(target)
    with pytest.raises(Exception, match="is not a plain folder"):
        uploads.upload_root(link)
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o777)
    loose.chmod(0o777)
    uploads.upload_root(loose)
    assert stat.S_IMODE(loose.stat().st_mode) == 0o700


# Data quality


def test_data_quality_for_an_administrator_shows_source_references(
    shared_council: WebCouncil,
) -> None:
    page = shared_council.client(AccountRole.ADMIN).get("/data/quality")
    assert page.status_code == 200
    assert "Open children with no allocated worker" in page.text
    assert '<th scope="col">Source reference</th>' in page.text
    assert 'href="/workers/' not in page.text


def test_data_quality_for_an_analyst_has_no_references(shared_council: WebCouncil) -> None:
    page = shared_council.client(AccountRole.ANALYST).get("/data/quality")
    assert page.status_code == 200
    assert "your role sees no names or source references" in page.text
    assert "Source reference" not in page.text
    report = quality_view.quality_for(
        shared_council.engine,
        accounts.sign_in(shared_council.engine, "analyst", PASSWORD, source="t").principal,
    )
    key = pseudonym_key(shared_council.engine)
    for rows in report.findings.values():
        for row in rows:
            assert row["reference"] is None
            assert row["link"] is None
            assert row["record_id"] is None  # never a database id
            assert row["detail"] and row["detail"] in page.text
            assert row["pseudonym"] and f"{row['record']} {row['pseudonym']}" in page.text
    # a child's finding carries the child's pseudonym, as on the caseload pages
    child = report.findings["unallocated_children"][0]
    leader = accounts.sign_in(shared_council.engine, "leader", PASSWORD, source="t").principal
    named = quality_view.quality_for(shared_council.engine, leader)
    reference = named.findings["unallocated_children"][0]["reference"]
    assert child["pseudonym"] == pseudonym(key, "child", shared_council.code, reference)
    assert child["pseudonym"].startswith("C-")


def test_data_quality_for_a_leader_has_references_and_links(shared_council: WebCouncil) -> None:
    leader = accounts.sign_in(shared_council.engine, "leader", PASSWORD, source="t").principal
    report = quality_view.quality_for(shared_council.engine, leader)
    children = report.findings["unallocated_children"]
    assert children
    assert all(row["reference"] for row in children)
    assert all(row["link"] is None for row in children)  # children have no page of their own
    worker = {"record": "worker", "record_id": 7, "reference": "E7", "detail": "", "days": None}
    assert quality_view._row(worker, references=True, links=True)["link"] == "/workers/7"


def test_identifiers_are_taken_out_of_details_for_analysts() -> None:
    row = {
        "record": "worker",
        "record_id": 7,
        "reference": "E007",
        "detail": "SWE number SW123456 is on more than one record",
        "days": None,
    }
    assert quality_view._row(row, references=False, links=False) == {
        "record": "worker",
        "record_id": None,
        "pseudonym": None,
        "reference": None,
        "detail": "SWE number (hidden) is on more than one record",
        "days": None,
        "link": None,
    }
    stray = row | {"detail": "social_worker worker staff number E007 is not in post on 2026-01-01"}
    assert quality_view._row(stray, references=False, links=False)["detail"] == (
        "social_worker worker staff number (hidden) is not in post on 2026-01-01"
    )


@pytest.mark.parametrize("role", [AccountRole.MEMBER, AccountRole.TEAM_MANAGER])
def test_data_quality_is_refused_to_other_roles(
    shared_council: WebCouncil, role: AccountRole
) -> None:
    assert shared_council.client(role).get("/data/quality").status_code == 403


@pytest.mark.parametrize("value", ["0", "501", "ten", "1.5"])
def test_a_bad_upload_limit_is_named(value: str) -> None:
    with pytest.raises(ConfigurationError, match="CASELOAD_UPLOAD_MAX_MB must be a whole number"):
        config.upload_max_bytes({"CASELOAD_UPLOAD_MAX_MB": value})
    assert config.upload_max_bytes({}) == 50 * 1024 * 1024
    assert config.upload_max_bytes({"CASELOAD_UPLOAD_MAX_MB": " 7 "}) == 7 * 1024 * 1024


def test_a_mixed_encoding_file_is_refused_in_plain_words_without_command_advice(
    site: Site,
) -> None:
    """UTF-8 with one Latin-1 byte (issue 11, item 7): the check names the line and byte and says
    to save the file as UTF-8; the page gives no command-line advice and nothing loads."""
    mixed = HR.read_text().replace("Assessment Team 1", "Équipe Un").encode()
    mixed = mixed.replace(b"E002,SW100002,Ben,", b"E002,SW100002,Ren\xe9e,", 1)
    offset = mixed.index(b"\xe9e,")
    token = token_of(site.upload("hr", [("hr.csv", mixed)], mapping="generic"))
    check = site.client.get(f"/data/uploads/{token}")
    assert check.status_code == 200
    assert "This upload cannot be loaded" in check.text
    assert (
        f"hr.csv: line 3 has the byte 0xE9 (at byte offset {offset:,} of the file), which is not "
        "UTF-8, though the rest of the file is, so nothing was loaded; save the file as UTF-8 (in "
        "Excel: Save As, &#39;CSV UTF-8&#39;) and load it again"
    ) in check.text
    assert "--encoding" not in check.text
    assert "Confirm the load" not in check.text
    assert (site.count("worker"), site.count("team")) == (0, 0)


# --- supervision records and case file audits ---------------------------------------------------


def test_the_data_page_offers_supervision_and_audit_uploads(site: Site) -> None:
    page = site.client.get("/data").text
    for label in (
        '<label for="supervision-file">File (.csv or .xlsx)</label>',
        '<option value="generic-supervision">',
        '<label for="audits-mapping">Column mapping</label>',
        '<option value="generic-audits">',
    ):
        assert label in page
    assert '<option value="generic-audits">' not in page.split('id="audits-heading"')[0]


@pytest.mark.parametrize(
    ("kind", "name", "mapping", "check_text", "table"),
    [
        (
            "supervision",
            "supervision.csv",
            "generic-supervision",
            "Loading it would add 4, change 0 and end 0 records",
            "supervision",
        ),
        (
            "audits",
            "audits.csv",
            "generic-audits",
            "Loading it would add 7, change 0 and end 0 records",
            "case_audit",
        ),
        (
            "agency",
            "agency.csv",
            "generic-agency",
            "Loading it would add 2, change 0 and end 0 records",
            "agency_engagement",
        ),
        (
            "placements",
            "placements.csv",
            "generic-placements",
            "Loading it would add 6, change 0 and end 0 records",
            "placement",
        ),
    ],
)
def test_practice_records_upload_check_and_confirm(
    site: Site, kind: str, name: str, mapping: str, check_text: str, table: str
) -> None:
    load_first(site.engine)  # the workers and children the records are of
    runs = site.count("import_run")
    token = token_of(site.upload(kind, [(name, (FIXTURES / name).read_bytes())], mapping=mapping))
    check = site.client.get(f"/data/uploads/{token}")
    assert check.status_code == 200
    assert "The check passed" in check.text
    assert check_text in check.text
    assert site.count(table) == 0
    loaded = confirm(site, token)
    assert loaded.status_code == 200
    assert f"Loaded {name} as run" in loaded.text
    assert site.count(table) > 0
    assert site.count("import_run") == runs + 1
    assert site.changes()[-1][3]["kind"] == kind


def test_a_practice_upload_needs_a_mapping_of_its_kind(site: Site) -> None:
    response = site.upload("audits", [("audits.csv", b"a,b\n")], mapping="generic-supervision")
    assert response.status_code == 400
    assert "Choose a saved column mapping for the case file audits file" in response.text
    response = site.upload(
        "supervision", [("notes.pdf", b"%PDF-1.4")], mapping="generic-supervision"
    )
    assert "notes.pdf is not a .csv or .xlsx file; a supervision file must be one of those" in (
        response.text
    )


# --- the staff health check ---------------------------------------------------------------------

SURVEY = {"survey_title": "Health check 2025", "survey_year": "2025"}


def test_the_data_page_offers_the_health_check_and_pipeline_uploads(site: Site) -> None:
    page = site.client.get("/data").text
    for label in (
        '<label for="health-check-file">File (.csv or .xlsx)</label>',
        '<label for="health-check-title">Survey title</label>',
        '<label for="health-check-year">Survey year</label>',
        '<label for="health-check-as-at">Day the survey closed</label>',
        '<label for="placements-mapping">Column mapping</label>',
    ):
        assert label in page
    section = page.split('id="health-check-heading"')[1].split("</section>")[0]
    assert '<option value="generic-health-check">' in section
    assert '<option value="generic-placements">' not in section
    # Every upload form is whole: as many forms as submit buttons, each section closed.
    forms = page.count('action="/data/upload"')
    assert forms == page.count("Upload and check</button>") == page.count("</section>") == 11


def test_a_health_check_upload_is_checked_then_loaded(site: Site) -> None:
    load_first(site.engine)  # the teams the responses name
    runs = site.count("import_run")
    content = (FIXTURES / "health_check.csv").read_bytes()
    token = token_of(
        site.upload(
            "health_check",
            [("health_check.csv", content)],
            mapping="generic-health-check",
            extra=SURVEY,
        )
    )
    check = site.client.get(f"/data/uploads/{token}")
    assert check.status_code == 200
    assert "The check passed" in check.text
    assert "Loading it would add 6, change 0 and end 0 records, with 1 warning" in check.text
    assert "<dd>Health check 2025, 2025</dd>" in check.text
    assert "Sam" not in check.text  # the comments column is dropped unread
    assert site.count("survey_response") == 0
    loaded = confirm(site, token)
    assert loaded.status_code == 200
    assert "Loaded health_check.csv as run" in loaded.text
    assert site.count("survey_response") == 6
    assert site.count("import_run") == runs + 1
    assert site.changes()[-1][3]["kind"] == "health_check"


def test_a_bad_health_check_gets_a_row_level_report(site: Site) -> None:
    load_first(site.engine)
    content = (
        FIXTURES / "health_check.csv"
    ).read_text() + "R9,Nowhere Team,Social worker,0-2 years,9,4,4,\n"
    token = token_of(
        site.upload(
            "health_check",
            [("health_check.csv", content.encode())],
            mapping="generic-health-check",
            extra=SURVEY,
        )
    )
    check = site.client.get(f"/data/uploads/{token}")
    assert "This upload cannot be loaded" in check.text
    assert "Confirm the load" not in check.text
    # The answer off the scale is found as the file is read, before teams are matched.
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", check.text)
    assert cells[:7] == [
        "error",
        "health_check.csv",
        "8",
        "Q01 I get regular supervision",
        "9",
        "the answer is not on the scale 1 to 5",
        "correct the answer, leave it blank, or add the word to the mapping&#39;s answers",
    ]
    assert site.count("survey_response") == 0


@pytest.mark.parametrize(
    ("survey", "message"),
    [
        (
            {"survey_title": " ", "survey_year": "2025"},
            "Give the survey&#39;s title, at most 120 characters",
        ),
        (
            {"survey_title": "Health check", "survey_year": ""},
            "Give the survey&#39;s year, e.g. 2026",
        ),
        (
            {"survey_title": "Health check", "survey_year": "25"},
            "Give the survey&#39;s year as four digits, e.g. 2026",
        ),
        (
            {"survey_title": "Health check", "survey_year": "2021"},
            "The survey closed on 2025-03-31, far from its year 2021; check the year and the day "
            "it closed",
        ),
    ],
)
def test_a_health_check_needs_its_title_and_year(
    site: Site, survey: dict[str, str], message: str
) -> None:
    response = site.upload(
        "health_check",
        [("health_check.csv", (FIXTURES / "health_check.csv").read_bytes())],
        mapping="generic-health-check",
        extra=survey,
    )
    assert response.status_code == 400
    assert message in response.text
    assert site.staged() == []

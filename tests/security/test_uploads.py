"""Unbounded uploads (issue 11, item 5) and staged files left behind (item 8).

The probe sent a chunked POST (no Content-Length) to /data/upload as a role that may not upload:
the server read the whole body, spooling it to disk, before answering 403. These tests drive the
application with a raw ASGI request whose body arrives in chunks, counting how much of it the
application pulls."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from caseload.services import uploads
from caseload.web import create_app
from security.upload_site import UploadSite

CHUNK = 256 * 1024
SSD = Path(__file__).resolve().parents[1] / "importers" / "fixtures" / "ssd"


class ChunkedBody:
    """A multipart body sent in ``CHUNK``-sized pieces with no Content-Length, ``size`` bytes
    of file content in all; ``pulled`` counts the bytes the application asked for."""

    def __init__(self, csrf: str, size: int) -> None:
        self.boundary = "probe-boundary-7c1e"
        head = (
            f"--{self.boundary}\r\n"
            'Content-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{csrf}\r\n"
            f"--{self.boundary}\r\n"
            'Content-Disposition: form-data; name="kind"\r\n\r\nssd\r\n'
            f"--{self.boundary}\r\n"
            'Content-Disposition: form-data; name="as_at"\r\n\r\n2025-03-31\r\n'
            f"--{self.boundary}\r\n"
            'Content-Disposition: form-data; name="files"; filename="workers.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        tail = f"\r\n--{self.boundary}--\r\n".encode()
        self.parts = [head] + [b"a" * CHUNK] * (size // CHUNK) + [tail]
        self.pulled = 0

    async def receive(self) -> dict[str, Any]:
        if not self.parts:
            await asyncio.sleep(0)
            return {"type": "http.disconnect"}
        part = self.parts.pop(0)
        self.pulled += len(part)
        return {"type": "http.request", "body": part, "more_body": bool(self.parts)}


def post_chunked(app: FastAPI, cookies: dict[str, str], body: ChunkedBody) -> tuple[int, str]:
    """POST /data/upload with ``body``, as the browser holding ``cookies``; the status and page."""
    cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/data/upload",
        "raw_path": b"/data/upload",
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", f"multipart/form-data; boundary={body.boundary}".encode()),
            (b"transfer-encoding", b"chunked"),
            (b"cookie", cookie.encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    answer: dict[str, Any] = {"body": b""}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body":
            answer["body"] += message.get("body", b"")

    asyncio.run(app(scope, body.receive, send))
    return answer["status"], answer["body"].decode()


def _signed_in(site: UploadSite, username: str) -> tuple[FastAPI, dict[str, str], str]:
    client = site.client(username)
    csrf = site.csrf(client, "/")
    return client.app, dict(client.cookies), csrf  # type: ignore[return-value]


def test_a_chunked_upload_by_a_role_that_may_not_upload_is_refused_before_its_body(
    upload_site: UploadSite,
) -> None:
    app, cookies, csrf = _signed_in(upload_site, "analyst")
    body = ChunkedBody(csrf, 8 * 1024 * 1024)
    status, page = post_chunked(app, cookies, body)
    assert status == 403
    assert "Not allowed" in page
    assert body.pulled == 0  # not one byte of the body was read
    assert [p for p in upload_site.left_on_disk() if p.is_dir()] == []


def test_a_chunked_upload_over_the_limit_stops_at_the_limit(
    upload_site: UploadSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASELOAD_UPLOAD_MAX_MB", "1")
    app, cookies, csrf = _signed_in(upload_site, "admin")
    body = ChunkedBody(csrf, 8 * 1024 * 1024)
    status, page = post_chunked(app, cookies, body)
    assert status == 413
    assert "The upload is larger than 1 MB, so it was not kept." in page
    assert "Traceback" not in page
    # Reading stopped within a chunk of the limit (1 MB and room for the form's fields).
    assert body.pulled <= 1024 * 1024 + 64 * 1024 + CHUNK + 1024
    assert [p for p in upload_site.left_on_disk() if p.is_dir()] == []


def test_a_chunked_upload_within_the_limit_is_read(upload_site: UploadSite) -> None:
    """The limit is not a refusal of every chunked upload: one within it is read and checked
    (here refused for what it holds, not for its size)."""
    app, cookies, csrf = _signed_in(upload_site, "admin")
    body = ChunkedBody(csrf, 2 * CHUNK)
    size = sum(len(part) for part in body.parts)
    status, page = post_chunked(app, cookies, body)
    assert status == 400
    assert "the SSD load needs at least" in page
    assert body.pulled == size


def _ssd_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(SSD.iterdir()):
            archive.writestr(path.name, path.read_bytes())
    return buffer.getvalue()


def _tamper(data: bytes, member: str, *, size: int | None = None, crc: int | None = None) -> bytes:
    """``data`` (a .zip) with ``member``'s declared size or CRC changed in both its local
    header and the central directory."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo(member)
    raw = bytearray(data)
    local = info.header_offset
    central = raw.find(b"PK\x01\x02")
    while central != -1:
        name_length = int.from_bytes(raw[central + 28 : central + 30], "little")
        if raw[central + 46 : central + 46 + name_length].decode() == member:
            break
        central = raw.find(b"PK\x01\x02", central + 4)
    assert central != -1
    if size is not None:
        raw[local + 22 : local + 26] = size.to_bytes(4, "little")
        raw[central + 24 : central + 28] = size.to_bytes(4, "little")
    if crc is not None:
        raw[local + 14 : local + 18] = crc.to_bytes(4, "little")
        raw[central + 16 : central + 20] = crc.to_bytes(4, "little")
    return bytes(raw)


def _upload_zip(site: UploadSite, data: bytes) -> tuple[int, str]:
    admin = site.client("admin")
    answer = admin.post(
        "/data/upload",
        data={"csrf_token": site.csrf(admin, "/data"), "kind": "ssd", "as_at": "2025-03-31"},
        files=[("files", ("ssd-march.zip", data, "application/zip"))],
    )
    return answer.status_code, answer.text


def test_a_zip_whose_member_is_larger_than_declared_is_refused(upload_site: UploadSite) -> None:
    member = sorted(p.name for p in SSD.iterdir())[0]
    real = len((SSD / member).read_bytes())
    status, page = _upload_zip(upload_site, _tamper(_ssd_zip(), member, size=real // 2))
    assert status == 400, page
    shown = page[page.find("upload-error") :][:400]
    # Only the declared size is read, and that part does not match the member's checksum.
    assert (
        f"<p>ssd-march.zip: {member} does not match its checksum (CRC); the archive is damaged, "
        "so zip the tables again.</p>" in shown
    ), shown
    assert [p for p in upload_site.left_on_disk() if p.is_dir()] == []


def test_a_zip_with_a_bad_checksum_is_refused(upload_site: UploadSite) -> None:
    member = sorted(p.name for p in SSD.iterdir())[0]
    original = zipfile.ZipFile(io.BytesIO(_ssd_zip())).getinfo(member).CRC
    status, page = _upload_zip(upload_site, _tamper(_ssd_zip(), member, crc=original ^ 0xFFFFFFFF))
    assert status == 400, page
    shown = page[page.find("upload-error") :][:400]
    assert (
        f"<p>ssd-march.zip: {member} does not match its checksum (CRC); the archive is damaged, "
        "so zip the tables again.</p>" in shown
    ), shown
    assert [p for p in upload_site.left_on_disk() if p.is_dir()] == []


# --- staged files left behind (item 8) --------------------------------------------------------


def _left_by_a_stopped_load(folder: Path) -> Path:
    """A claimed upload as a server stopped in the middle of its load leaves it: fresh, with
    its files and description."""
    place = folder / ("A" * 43 + uploads.CLAIMED)
    (place / uploads.FILES).mkdir(parents=True, mode=0o700)
    (place / uploads.FILES / "hr.csv").write_text("staff_number,name\n1,Asha Khan\n")
    meta = {"created_at": datetime.now(UTC).isoformat(), "user_id": 1, "session_key": "x"}
    (place / uploads.META).write_text(json.dumps(meta))
    return place


def test_a_stopped_load_is_removed_when_the_server_starts(upload_site: UploadSite) -> None:
    uploads.upload_root()  # the folder, as the server made it
    left = _left_by_a_stopped_load(upload_site.folder)
    app = create_app(upload_site.engine)
    with TestClient(app):  # start-up runs
        assert not left.exists()
    assert [p for p in upload_site.left_on_disk() if p.is_dir()] == []


def test_a_load_in_progress_is_left_alone_by_the_sweep(upload_site: UploadSite) -> None:
    uploads.upload_root()
    place = _left_by_a_stopped_load(upload_site.folder)
    with uploads._loading(place):  # another worker of the server is loading it
        assert uploads.sweep() == 0
        assert place.exists()
    assert uploads.sweep() == 1
    assert not place.exists()


def test_a_load_that_fails_leaves_nothing(
    upload_site: UploadSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = upload_site.client("admin")
    hr = Path(__file__).resolve().parents[1] / "importers" / "fixtures" / "hr_awkward.csv"
    staged = admin.post(
        "/data/upload",
        data={
            "csrf_token": upload_site.csrf(admin, "/data"),
            "kind": "hr",
            "mapping": "generic",
            "as_at": "2025-03-31",
        },
        files=[("files", ("hr.csv", hr.read_bytes(), "text/csv"))],
    )
    page = staged.headers["location"]
    csrf = upload_site.csrf(admin, page)

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(uploads, "_load", crash)
    answer = admin.post(f"{page}/confirm", data={"csrf_token": csrf})
    assert answer.status_code == 500
    assert [p for p in upload_site.left_on_disk() if p.is_dir()] == []

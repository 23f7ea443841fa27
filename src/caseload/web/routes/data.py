"""The Data pages: uploading HR extracts, absences, SSD tables, supervision records, case file
audits, the learning and pipeline files and the staff health check (upload, check, confirm, load)
and the data-quality findings."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile
from starlette.types import Message, Receive

from caseload import config
from caseload.auth.principal import Principal
from caseload.auth.tokens import same_token, token_digest
from caseload.domain.dates import parse_day
from caseload.errors import AccessDeniedError, CaseloadError, InvalidInputError, NotFoundError
from caseload.services import quality_view, uploads
from caseload.services.imports import (
    ImportRejectedError,
    ImportResult,
    council_today,
    errors_in,
    warnings_in,
)
from caseload.web.deps import (
    CSRF_FIELD,
    SESSION_COOKIE,
    CsrfError,
    CurrentUser,
    EngineDep,
    checked_record_id,
)
from caseload.web.downloads import file_response
from caseload.web.formatting import sentence
from caseload.web.templating import render

router = APIRouter(include_in_schema=False)
RunId = Annotated[int, checked_record_id("load"), Path()]
MAX_FILES = 20
FORM_OVERHEAD = 64 * 1024  # room for the form's other fields and multipart boundaries


def session_key(request: Request) -> str:
    """The upload's binding to this browser session (a digest of its cookie)."""
    return token_digest(request.cookies.get(SESSION_COOKIE, ""))


class UploadTooLargeError(Exception):
    """The upload's body went past the limit while it arrived."""


def _too_large(limit: int) -> HTTPException:
    return HTTPException(
        413,
        f"The upload is larger than {limit // (1024 * 1024)} MB, so it was not kept. Split it, "
        "or ask the server's administrator to raise CASELOAD_UPLOAD_MAX_MB.",
    )


def limited_receive(receive: Receive, most: int) -> Receive:
    """``receive``, counting the body's bytes as they arrive and stopping past ``most``: the
    limit holds whether or not the browser declared the size (a chunked upload does not)."""
    arrived = 0

    async def counted() -> Message:
        nonlocal arrived
        message = await receive()
        if message["type"] == "http.request":
            arrived += len(message.get("body", b""))
            if arrived > most:
                raise UploadTooLargeError()
        return message

    return counted


async def upload_form(request: Request, engine: EngineDep, user: CurrentUser) -> FormData:
    """The posted upload form. Before any of the body is read, the person's role must allow
    uploads (refused and recorded otherwise) and a declared size must be within the limit; the
    body is then read counting its bytes, stopping at the limit, and the form is checked for
    the session's CSRF token like every other form."""
    uploads.require_upload_permission(engine, user)
    limit = config.upload_max_bytes()
    most = limit + FORM_OVERHEAD
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > most:
        raise _too_large(limit)
    counted = Request(request.scope, receive=limited_receive(request.receive, most))
    try:
        form = await counted.form(max_files=MAX_FILES, max_fields=20)
    except UploadTooLargeError:
        raise _too_large(limit) from None
    given = form.get(CSRF_FIELD)
    if not same_token(given if isinstance(given, str) else None, request.state.csrf_token):
        await form.close()
        raise CsrfError()
    return form


UploadForm = Annotated[FormData, Depends(upload_form)]


def _runs(engine: EngineDep, user: Principal) -> list[list[Any]]:
    frame = uploads.recent_runs(engine, user)
    return [
        [
            r["run"],
            r["kind"],
            r["source"],
            r["loaded_at"].strftime("%Y-%m-%d %H:%M") if r["loaded_at"] else "",
            r["loaded_by"],
            r["added"],
            r["changed"],
            r["ended"],
            r["warnings"],
        ]
        for r in frame.iter_rows(named=True)
    ]


def _data_page(
    request: Request,
    engine: EngineDep,
    user: Principal,
    *,
    error: str | None = None,
    failed_kind: str | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    uploads.sweep()
    return render(
        request,
        "data.html",
        {
            "title": "Data",
            "mappings": uploads.mappings_by_kind(engine, user),
            "runs": _runs(engine, user),
            # The clock, read here at the edge: an extract cannot be dated after today.
            "today": council_today().isoformat(),
            "limit_mb": config.upload_max_bytes() // (1024 * 1024),
            "error": error,
            "failed_kind": failed_kind,
            "notice": notice,
        },
        status_code=status_code,
    )


@router.get("/data", response_class=HTMLResponse)
def data_page(
    request: Request, engine: EngineDep, user: CurrentUser, discarded: str = ""
) -> HTMLResponse:
    notice = "The upload was discarded; nothing was loaded." if discarded else None
    return _data_page(request, engine, user, notice=notice)


def _as_at(value: str) -> date:
    if not value.strip():
        raise InvalidInputError("give the last day the extract covers (day, month and year)")
    day = parse_day(value, "the extract date")
    assert day is not None
    return day


def _survey_year(value: str) -> int | None:
    """A staff health check's year as typed (None when the form has no year)."""
    typed = value.strip()
    if not typed:
        return None
    if not (typed.isascii() and typed.isdigit() and len(typed) == 4):
        raise InvalidInputError("give the survey's year as four digits, e.g. 2026")
    return int(typed)


@router.post("/data/upload")
def upload(request: Request, engine: EngineDep, user: CurrentUser, form: UploadForm) -> Response:
    kind = str(form.get("kind", ""))
    files = [
        uploads.IncomingFile(item.filename or "", item.file)
        for item in form.getlist("files")
        if isinstance(item, UploadFile) and item.filename
    ]
    try:
        staged = uploads.stage(
            engine,
            user,
            session_key=session_key(request),
            kind=kind,
            files=files,
            mapping=str(form.get("mapping", "")) or None,
            as_at=_as_at(str(form.get("as_at", ""))),
            survey_title=str(form.get("survey_title", "")) or None,
            survey_year=_survey_year(str(form.get("survey_year", ""))),
        )
    except InvalidInputError as exc:
        return _data_page(
            request,
            engine,
            user,
            error=sentence(str(exc)),
            failed_kind=kind,
            status_code=400,
        )
    return RedirectResponse(f"/data/uploads/{staged.token}", status_code=303)


def _problem_columns(problems: list[dict[str, Any]]) -> list[list[Any]]:
    return [
        [
            p["severity"],
            p["file"],
            p["row"],
            p["column"],
            p["value"],
            p["problem"],
            p["action"],
        ]
        for p in problems
    ]


def _counts(result: uploads.LoadedRun | ImportResult) -> list[list[Any]]:
    return [
        [table, counts["added"], counts["changed"], counts["ended"]]
        for table, counts in result.counts.items()
    ]


@router.get("/data/uploads/{token}", response_class=HTMLResponse)
def check_upload(
    request: Request, engine: EngineDep, user: CurrentUser, token: str
) -> HTMLResponse:
    checked = uploads.check(engine, user, token, session_key=session_key(request))
    return render(
        request,
        "data_check.html",
        {
            "title": "Check the upload",
            "check": checked,
            "upload": checked.upload,
            "problem_rows": _problem_columns(checked.problems),
            "counts": _counts(checked.result) if checked.result else [],
            "message": sentence(checked.message) if checked.message else None,
        },
    )


@router.post("/data/uploads/{token}/confirm")
def confirm_upload(
    request: Request,
    engine: EngineDep,
    user: CurrentUser,
    form: Annotated[FormData, Depends(upload_form)],
    token: str,
) -> Response:
    context: dict[str, Any] = {"title": "Load result", "result": None, "error": None}
    status = 200
    try:
        result = uploads.confirm(engine, user, token, session_key=session_key(request))
    except ImportRejectedError as exc:
        status = 400
        context |= {
            "error": "Nothing was loaded: the file has problems to fix first.",
            "problem_rows": _problem_columns(uploads.shown_problems(exc.problems)),
            "errors": errors_in(exc.problems).height,
            "warnings": warnings_in(exc.problems).height,
            "total_problems": exc.problems.height,
        }
    except AccessDeniedError:
        raise  # the "Not allowed" page, like every refusal (already recorded)
    except CaseloadError as exc:
        status = 404 if isinstance(exc, NotFoundError) else 400
        context["error"] = f"Nothing was loaded. {sentence(str(exc))}"
    else:
        # Post/redirect/get: the result has its own address, so a refresh does not load again.
        return RedirectResponse(f"/data/runs/{result.run_id}", status_code=303)
    return render(request, "data_result.html", context, status_code=status)


@router.get("/data/runs/{run_id}", response_class=HTMLResponse)
def load_result(
    request: Request, engine: EngineDep, user: CurrentUser, run_id: RunId
) -> HTMLResponse:
    """What a load did, table by table, with its warnings."""
    found = uploads.loaded_run(engine, user, run_id)
    context = {
        "title": "Load result",
        "error": None,
        "result": found,
        "counts": _counts(found),
        "problem_rows": _problem_columns(uploads.shown_problems(found.problems)),
        "total_problems": found.problems.height,
    }
    return render(request, "data_result.html", context)


@router.post("/data/uploads/{token}/discard")
def discard_upload(
    request: Request,
    engine: EngineDep,
    user: CurrentUser,
    form: Annotated[FormData, Depends(upload_form)],
    token: str,
) -> Response:
    uploads.discard(engine, user, token, session_key=session_key(request))
    return RedirectResponse("/data?discarded=1", status_code=303)


@router.get("/data/quality/download")
def quality_file(
    engine: EngineDep,
    user: CurrentUser,
    file_format: Annotated[str, Query(alias="format", max_length=8)] = "xlsx",
) -> Response:
    """Every data-quality finding, as Excel or CSV."""
    return file_response(quality_view.quality_download(engine, user, file_format))


@router.get("/data/quality", response_class=HTMLResponse)
def quality_page(request: Request, engine: EngineDep, user: CurrentUser) -> HTMLResponse:
    page = quality_view.quality_for(engine, user)
    return render(request, "data_quality.html", {"title": "Data quality", "page": page})

"""The allocation workbench: /allocation (recommendations and decisions on them) and
/allocation/moves (moving a leaving or absent worker's caseload)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from caseload.domain.dates import parse_day
from caseload.domain.numbers import RECORD_IDS, parse_whole_number
from caseload.errors import DataIntegrityError, InvalidInputError, NotFoundError
from caseload.services import workbench
from caseload.web.deps import (
    CheckedForm,
    CurrentUser,
    EngineDep,
    checked_day,
    checked_number,
    checked_numbers,
)
from caseload.web.formatting import sentence
from caseload.web.templating import render

router = APIRouter(include_in_schema=False)
STATUS = {InvalidInputError: 400, NotFoundError: 404, DataIntegrityError: 409}
Decided = Annotated[
    list[int] | None,
    checked_numbers("decided", RECORD_IDS),
    Query(description="Decisions just taken, to confirm."),
]
WorkerId = Annotated[int | None, checked_number("worker_id", RECORD_IDS), Query()]
Start = Annotated[
    date | None,
    checked_day("from"),
    Query(alias="from", description="First day with the new workers."),
]
MoveReason = Annotated[str | None, Query(max_length=10)]


def _status(error: Exception) -> int:
    return next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)


def _text(form: FormData, name: str, limit: int) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _int(text: str, field: str = "worker_id") -> int | None:
    """A record id from a form field, range-checked (``caseload.domain.numbers``)."""
    return parse_whole_number(text, field, RECORD_IDS)


def _back_to_workbench(decision_ids: list[int]) -> RedirectResponse:
    query = urlencode([("decided", i) for i in decision_ids])
    return RedirectResponse(f"/allocation?{query}" if query else "/allocation", status_code=303)


# The meeting decides on the latest position: the workbench has no date picker.
WORKBENCH_DATE = (
    "Recommendations are for the children waiting on that day; decisions made since are counted."
)


@router.get("/allocation", response_class=HTMLResponse)
def workbench_page(
    request: Request, engine: EngineDep, principal: CurrentUser, decided: Decided = None
) -> HTMLResponse:
    context = dict(workbench.workbench_view(engine, principal, decided=decided or []))
    return render(request, "allocation.html", {**context, "date_note": WORKBENCH_DATE})


@router.post("/allocation/decisions")
def decide(
    request: Request, engine: EngineDep, principal: CurrentUser, form: CheckedForm
) -> Response:
    """Accept, override or reject one child's recommendation, then back to the workbench with
    a confirmation naming the child and the worker."""
    try:
        outcome = workbench.decide(
            engine,
            principal,
            child_ref=_text(form, "child_ref", 40),
            action=_text(form, "action", 20),
            worker_id=_int(_text(form, "worker_id", 12)),
            reason=_text(form, "reason", 4000),
        )
    except (InvalidInputError, NotFoundError, DataIntegrityError) as exc:
        context = dict(workbench.workbench_view(engine, principal))
        context["error"] = sentence(str(exc))
        context["date_note"] = WORKBENCH_DATE
        return render(request, "allocation.html", context, status_code=_status(exc))
    return _back_to_workbench([d["decision_id"] for d in outcome["decisions"]])


@router.get("/allocation/moves", response_class=HTMLResponse)
def moves_page(
    request: Request,
    engine: EngineDep,
    principal: CurrentUser,
    worker_id: WorkerId = None,
    start: Start = None,
    reason: MoveReason = None,
) -> HTMLResponse:
    context = workbench.move_view(
        engine, principal, worker_id=worker_id, start=start, reason=reason
    )
    return render(request, "allocation_moves.html", dict(context))


@router.post("/allocation/moves")
def apply_move(
    request: Request, engine: EngineDep, principal: CurrentUser, form: CheckedForm
) -> Response:
    """Make the planned move, then back to the workbench confirming each child's new worker."""
    reason = _text(form, "reason", 10) or None
    start: date | None = None
    try:
        worker_id = _int(_text(form, "worker_id", 12))
        start = parse_day(_text(form, "from", 10), "the first day with the new workers")
        if worker_id is None or start is None:
            raise InvalidInputError("choose the worker and the first day with the new workers")
        outcome = workbench.apply_move(
            engine, principal, worker_id=worker_id, start=start, reason=reason
        )
    except (InvalidInputError, NotFoundError, DataIntegrityError) as exc:
        context = dict(
            workbench.move_view(engine, principal, worker_id=None, start=start, reason=reason)
        )
        context["error"] = sentence(str(exc))
        return render(request, "allocation_moves.html", context, status_code=_status(exc))
    return _back_to_workbench(outcome["decision_ids"])

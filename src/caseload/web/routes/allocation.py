"""The allocation workbench: /allocation (recommendations and decisions on them) and
/allocation/moves (moving a leaving or absent worker's caseload)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
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
    checked_record_id,
)
from caseload.web.formatting import sentence
from caseload.web.templating import TEMPLATES, render

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
Filter = Annotated[str, Query(max_length=120)]
ChildRef = Annotated[str, Path(min_length=1, max_length=40)]
RequestId = Annotated[int, checked_record_id("request"), Path()]


def wants_json(request: Request) -> bool:
    """The page's script asks for JSON (so an accept answers without reloading the page)."""
    return "application/json" in request.headers.get("accept", "")


def _filters_of(form: FormData) -> list[tuple[str, str]]:
    return [(name, _text(form, name, 120)) for name in ("team", "status", "wait") if form.get(name)]


def _back(form: FormData, decision_ids: list[int]) -> RedirectResponse:
    """Back to the meeting, with its filters, confirming the decisions, at the row after the one
    decided (so the page keeps its place)."""
    query = urlencode([*_filters_of(form), *[("decided", str(i)) for i in decision_ids]])
    anchor = _text(form, "next_anchor", 80)
    target = "/allocation" + (f"?{query}" if query else "")
    if anchor and all(c.isalnum() or c == "-" for c in anchor):
        target += f"#{anchor}"
    return RedirectResponse(target, status_code=303)


def _row_html(request: Request, row: workbench.QueueRow | None) -> str | None:
    if row is None:
        return None
    template = TEMPLATES.env.get_template("allocation_row.html")
    return template.render(row=row, csrf_token=getattr(request.state, "csrf_token", ""))


def _answer(
    request: Request, form: FormData, outcome: workbench.DecisionOutcome, status: int = 200
) -> Response:
    if wants_json(request):
        return JSONResponse(
            {
                "messages": outcome["messages"],
                "decided": outcome["decided"],
                "stale": [
                    {
                        "child": s["child"],
                        "message": sentence(s["message"]),
                        "row_html": _row_html(request, s["row"]),
                    }
                    for s in outcome["stale"]
                ],
            },
            status_code=status,
        )
    return _back(form, [d["decision_id"] for d in outcome["decisions"]])


def _refused(
    request: Request, engine: EngineDep, principal: CurrentUser, exc: Exception, form: FormData
) -> Response:
    """A decision not recorded: the reason, with the fresh recommendation when it changed."""
    status = _status(exc)
    stale = exc.stale if isinstance(exc, workbench.StaleRecommendationError) else []
    if wants_json(request):
        outcome: workbench.DecisionOutcome = {
            "decisions": [],
            "messages": [sentence(str(exc))],
            "decided": [],
            "stale": stale,
        }
        return _answer(request, form, outcome, status)
    context = dict(workbench.workbench_view(engine, principal))
    context["error"] = sentence(str(exc))
    context["date_note"] = WORKBENCH_DATE
    return render(request, "allocation.html", context, status_code=status)


@router.get("/allocation", response_class=HTMLResponse)
def workbench_page(
    request: Request,
    engine: EngineDep,
    principal: CurrentUser,
    decided: Decided = None,
    team: Filter = "",
    status: Filter = "",
    wait: Filter = "",
) -> HTMLResponse:
    ids = decided or []
    context = dict(
        workbench.workbench_view(
            engine, principal, decided=ids, team=team, status=status, wait=wait
        )
    )
    kept = [(k, v) for k, v in (("team", team), ("status", status), ("wait", wait)) if v]
    return render(
        request,
        "allocation.html",
        {**context, "date_note": WORKBENCH_DATE, "kept_filters": kept},
    )


@router.post("/allocation/decisions")
def decide(
    request: Request, engine: EngineDep, principal: CurrentUser, form: CheckedForm
) -> Response:
    """Accept, override or reject one child's recommendation; then back to the meeting at the
    next row (or, asked by the page's script, a JSON answer)."""
    try:
        outcome = workbench.decide(
            engine,
            principal,
            child_ref=_text(form, "child_ref", 40),
            action=_text(form, "action", 20),
            worker_id=_int(_text(form, "worker_id", 12)),
            reason=_text(form, "reason", 4000),
            reason_choice=_text(form, "reason_choice", 200),
            version=_text(form, "version", 40),
        )
    except (InvalidInputError, NotFoundError, DataIntegrityError) as exc:
        return _refused(request, engine, principal, exc, form)
    return _answer(request, form, outcome)


def _selected(form: FormData) -> list[tuple[str, int, str]]:
    """The rows ticked: each 'CHILD|WORKER|VERSION'."""
    found = []
    for value in form.getlist("selected")[: workbench.MAX_SELECTED + 1]:
        parts = value.split("|") if isinstance(value, str) else []
        try:
            worker = _int(parts[1]) if len(parts) == 3 else None
        except InvalidInputError:
            worker = None
        if worker is None:
            raise InvalidInputError("a selected row was not understood; refresh the page")
        found.append((parts[0][:40], worker, parts[2][:40]))
    return found


@router.post("/allocation/decisions/selected")
def accept_selected(
    request: Request, engine: EngineDep, principal: CurrentUser, form: CheckedForm
) -> Response:
    """Accept the recommendations of every row ticked; rows whose recommendation changed are
    left out and shown with the fresh one."""
    try:
        outcome = workbench.accept_selected(engine, principal, _selected(form))
    except (InvalidInputError, NotFoundError, DataIntegrityError) as exc:
        return _refused(request, engine, principal, exc, form)
    if outcome["stale"] and not wants_json(request):
        context = dict(
            workbench.workbench_view(
                engine, principal, decided=[d["decision_id"] for d in outcome["decisions"]]
            )
        )
        context["error"] = " ".join(sentence(s["message"]) for s in outcome["stale"])
        context["date_note"] = WORKBENCH_DATE
        return render(request, "allocation.html", context, status_code=409)
    return _answer(request, form, outcome, 409 if outcome["stale"] else 200)


@router.get("/allocation/children/{child_ref}", response_class=HTMLResponse)
def child_page(
    request: Request, engine: EngineDep, principal: CurrentUser, child_ref: ChildRef
) -> HTMLResponse:
    """Choose another worker or reject the recommendation, with a reason; or, when nobody has
    room, ask the service manager or hold the case (the page's script shows this in a dialog)."""
    context = workbench.child_view(engine, principal, child_ref)
    return render(request, "allocation_child.html", {**context, "date_note": WORKBENCH_DATE})


@router.post("/allocation/children/{child_ref}/requests")
def request_help(
    request: Request,
    engine: EngineDep,
    principal: CurrentUser,
    child_ref: ChildRef,
    form: CheckedForm,
) -> Response:
    """Ask the service manager to agree the worker proposed over cap, or hold the case."""
    try:
        workbench.request_help(
            engine,
            principal,
            child_ref=child_ref,
            kind=_text(form, "kind", 20),
            reason=_text(form, "reason", 4000),
        )
    except (InvalidInputError, NotFoundError, DataIntegrityError) as exc:
        context = dict(workbench.child_view(engine, principal, child_ref))
        context["error"] = sentence(str(exc))
        return render(request, "allocation_child.html", context, status_code=_status(exc))
    # The row now says who was asked, or who holds the case.
    anchor = _text(form, "anchor", 80)
    safe = anchor if all(c.isalnum() or c == "-" for c in anchor) else ""
    return RedirectResponse("/allocation" + (f"#{safe}" if safe else ""), status_code=303)


@router.post("/allocation/requests/{request_id}")
def answer_request(
    request: Request,
    engine: EngineDep,
    principal: CurrentUser,
    request_id: RequestId,
    form: CheckedForm,
) -> Response:
    """The service leader agrees (allocating over cap) or declines a proposal."""
    try:
        outcome = workbench.answer_request(
            engine,
            principal,
            request_id=request_id,
            agree=_text(form, "answer", 10) == "agree",
            reason=_text(form, "reason", 4000),
        )
    except (InvalidInputError, NotFoundError, DataIntegrityError) as exc:
        return _refused(request, engine, principal, exc, form)
    return _answer(request, form, outcome)


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

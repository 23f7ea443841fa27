"""JSON API (/api/v1): workers, teams, caseloads, allocation recommendations and decisions, and
the caller's own record. Each endpoint returns the very dictionary its page renders, with the
same role and team-scope rules (checked in the service layer) and the same audit trail."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query, Security
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypedDict

from caseload.services import people, workbench
from caseload.services.caseload_views import (
    CaseloadsContext,
    QueueContext,
    caseloads_view,
    queue_view,
)
from caseload.services.people import TeamContext, TeamList, WorkerContext, WorkerList
from caseload.services.workbench import DecisionOutcome, WorkbenchContext
from caseload.web.deps import ApiUser, AsAt, EngineDep, checked_record_id

BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="A service account's API token: 'Authorization: Bearer TOKEN'.",
)
router = APIRouter(prefix="/api/v1", tags=["people"], dependencies=[Security(BEARER)])
WorkerId = Annotated[int, checked_record_id("worker"), Path(description="The worker's id.")]
TeamId = Annotated[int, checked_record_id("team"), Path(description="The team's id.")]


class ApiError(TypedDict):
    error: str
    detail: str


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {
        "model": ApiError,
        "description": "The request cannot be carried out (see detail).",
    },
    401: {"model": ApiError, "description": "No valid token or session."},
    403: {"model": ApiError, "description": "Your role or teams do not cover this (recorded)."},
    404: {"model": ApiError, "description": "No such record in your council."},
}


class DecisionRequest(BaseModel):
    """A decision on one waiting child's recommendation: ``accept`` it (``worker_id``: the worker
    recommended, and the recommendation's ``version``, as ``GET /allocations`` gave them; a
    recommendation changed since is refused with 409), ``override`` it with another worker
    (``worker_id``) and a ``reason``, or ``reject`` it with a ``reason``."""

    model_config = ConfigDict(extra="forbid")

    child_ref: str = Field(min_length=1, max_length=40, description="The child's reference.")
    action: Literal["accept", "override", "reject"]
    worker_id: int | None = Field(
        default=None,
        ge=1,
        le=2**31 - 1,
        description="The worker recommended (accept) or chosen (override).",
    )
    version: str | None = Field(
        default=None, max_length=40, description="The recommendation's version (accept)."
    )
    reason: str | None = Field(
        default=None, max_length=2000, description="Why (override and reject need one)."
    )


@router.get("/workers", response_model=WorkerList, responses=ERRORS)
def workers(engine: EngineDep, principal: ApiUser, as_at: AsAt) -> WorkerList:
    """Workers in your scope with their caseloads on the latest data date: named for the
    service leader and team managers (their teams), pseudonymised (keyed pseudonyms, W-...) for
    analysts."""
    return people.worker_list(engine, principal, as_at=as_at)


@router.get("/workers/{worker_id}", response_model=WorkerContext, responses=ERRORS)
def worker(
    engine: EngineDep, principal: ApiUser, worker_id: WorkerId, as_at: AsAt
) -> WorkerContext:
    """A worker's record: caseload, children, rules broken, month-end history, spells and
    absences (reasons only for the leader, their team manager and themself)."""
    return people.worker_view(engine, principal, worker_id, as_at=as_at)


@router.get("/teams", response_model=TeamList, responses=ERRORS)
def teams(engine: EngineDep, principal: ApiUser, as_at: AsAt) -> TeamList:
    """Teams in your scope with their caseload figures (small numbers suppressed for elected
    members)."""
    return people.team_list(engine, principal, as_at=as_at)


@router.get("/teams/{team_id}", response_model=TeamContext, responses=ERRORS)
def team(engine: EngineDep, principal: ApiUser, team_id: TeamId, as_at: AsAt) -> TeamContext:
    """A team (or a service area with its teams): figures, history, and by role its workers,
    waiting children and rules broken."""
    return people.team_view(engine, principal, team_id, as_at=as_at)


@router.get("/caseloads", response_model=CaseloadsContext, responses=ERRORS)
def caseloads(
    engine: EngineDep,
    principal: ApiUser,
    as_at: AsAt,
    service: Annotated[
        str | None, Query(max_length=120, description="A service area's name, to narrow to.")
    ] = None,
) -> CaseloadsContext:
    """Caseloads by service area and team, bands, utilisation, rules broken and the DfE
    average; workers too below a service area or for a team manager."""
    return caseloads_view(engine, principal, service=service, as_at=as_at)


@router.get("/caseloads/queue", response_model=QueueContext, responses=ERRORS)
def queue(engine: EngineDep, principal: ApiUser, as_at: AsAt) -> QueueContext:
    """The children waiting for a worker, with days waiting and escalation."""
    return queue_view(engine, principal, as_at=as_at)


@router.get("/allocations", response_model=WorkbenchContext, responses=ERRORS)
def allocations(engine: EngineDep, principal: ApiUser) -> WorkbenchContext:
    """Recommendations for the children waiting in your teams (the leader: the council), with
    explanations and the workers you may choose instead."""
    return workbench.workbench_view(engine, principal)


@router.post("/allocations/decisions", response_model=DecisionOutcome, responses=ERRORS)
def decide(
    engine: EngineDep, principal: ApiUser, decision: Annotated[DecisionRequest, Body()]
) -> DecisionOutcome:
    """Accept, override or reject a recommendation; recorded with the audit trail in one
    transaction. A browser session must send its CSRF token as 'X-CSRF-Token'."""
    return workbench.decide(
        engine,
        principal,
        child_ref=decision.child_ref,
        action=decision.action,
        worker_id=decision.worker_id,
        reason=decision.reason,
        version=decision.version,
    )


class HelpRequest(BaseModel):
    """When nobody has room for a child: ask the service manager to agree the worker proposed
    over cap (``overflow``), or hold the case yourself (``holding``, with how)."""

    model_config = ConfigDict(extra="forbid")

    child_ref: str = Field(min_length=1, max_length=40, description="The child's reference.")
    kind: Literal["overflow", "holding"]
    reason: str | None = Field(default=None, max_length=2000, description="Why, or how.")


class RequestAnswer(BaseModel):
    """The service leader's answer to a request over cap: ``agree`` (the child is allocated to
    the worker proposed, over cap) or ``decline``, with a reason."""

    model_config = ConfigDict(extra="forbid")

    answer: Literal["agree", "decline"]
    reason: str = Field(min_length=1, max_length=2000, description="Why (recorded).")


class RequestMade(TypedDict):
    message: str


RequestId = Annotated[int, checked_record_id("request"), Path()]


@router.post("/allocations/requests", response_model=RequestMade, responses=ERRORS)
def request_help(
    engine: EngineDep, principal: ApiUser, wanted: Annotated[HelpRequest, Body()]
) -> RequestMade:
    """Ask the service manager to agree a worker over cap, or hold a child's case yourself,
    when nobody has room; recorded with the audit trail."""
    message = workbench.request_help(
        engine, principal, child_ref=wanted.child_ref, kind=wanted.kind, reason=wanted.reason
    )
    return {"message": message}


@router.post("/allocations/requests/{request_id}", response_model=DecisionOutcome, responses=ERRORS)
def answer_request(
    engine: EngineDep,
    principal: ApiUser,
    request_id: RequestId,
    answer: Annotated[RequestAnswer, Body()],
) -> DecisionOutcome:
    """The service leader agrees (allocating over cap) or declines a request."""
    return workbench.answer_request(
        engine,
        principal,
        request_id=request_id,
        agree=answer.answer == "agree",
        reason=answer.reason,
    )


@router.get("/me", response_model=WorkerContext, responses=ERRORS)
def me(engine: EngineDep, principal: ApiUser, as_at: AsAt) -> WorkerContext:
    """Your own record and caseload (a social worker's account linked to their record)."""
    return people.me_view(engine, principal, as_at=as_at)

"""The caseload policy in force: set per authority (or for all) with ``caseload policy set``, else
the file named by ``CASELOAD_POLICY``, else the default shipped with Caseload.

Precedence, most specific first: the newest policy set for the authority; the newest set for every
authority; the ``CASELOAD_POLICY`` file; the default. Setting a policy appends a version; older
versions stay as the history."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from caseload.auth.principal import Principal
from caseload.caseloads.policy import (
    CaseloadPolicy,
    load_policy,
    parse_policy,
)
from caseload.caseloads.policy import default_policy as default_policy
from caseload.caseloads.policy import default_policy_text as default_policy_text
from caseload.errors import InvalidInputError
from caseload.services import audit
from caseload.services.audit import Actor
from caseload.storage import caseload_queries, queries
from caseload.storage.engine import session_scope
from caseload.storage.models import Authority
from caseload.storage.operations_models import CaseloadPolicyVersion
from caseload.storage.schema import require_current

POLICY_ENV = "CASELOAD_POLICY"


@dataclass(frozen=True)
class PolicyInForce:
    policy: CaseloadPolicy
    document: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "policy": policy_as_dict(self.policy)}


def policy_as_dict(policy: CaseloadPolicy) -> dict[str, Any]:
    """The checked policy as plain data (for JSON)."""
    return {
        "points": policy.points | {"proceedings": policy.proceedings_points},
        "caps": {
            role: {"cases": cap.cases, "points": cap.points, "target_cases": cap.target_cases}
            for role, cap in policy.caps.items()
        },
        "asye_protection": {
            "sole_case_types": sorted(policy.asye_sole_case_types),
            "sole_proceedings": policy.asye_sole_proceedings,
            "co_worker_roles": sorted(policy.co_worker_roles),
        },
        "phased_return": policy.phased_return,
        "phased_return_days": policy.phased_return_days,
        "long_absence_days": policy.long_absence_days,
        "span_of_control": policy.span_of_control,
        "asye_per_advanced_practitioner": policy.asye_per_advanced_practitioner,
        "bands": {"green": policy.band_green, "amber": policy.band_amber},
        "unallocated": {"review_days": policy.review_days, "escalate_days": policy.escalate_days},
        "allocation": {
            "exclude_leaving_within_days": policy.exclude_leaving_within_days,
            "allow_cross_team": policy.allow_cross_team,
            "priority": list(policy.priority),
        },
    }


def _from_environment() -> PolicyInForce | None:
    named = os.environ.get(POLICY_ENV, "").strip()
    if not named:
        return None
    path = Path(named)
    try:
        document = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInputError(
            f"{POLICY_ENV} names {named}, which cannot be read ({exc.strerror}); fix the setting "
            "or unset it to use the default policy"
        ) from None
    policy = parse_policy(document, source=f"{named} (from {POLICY_ENV})")
    return PolicyInForce(policy, document, f"the file {named} ({POLICY_ENV})")


def _from_version(version: CaseloadPolicyVersion, authority_code: str | None) -> PolicyInForce:
    owner = f"authority {authority_code}" if version.authority_id is not None else "every authority"
    when = version.set_at.strftime("%Y-%m-%d %H:%M")
    source = f"set for {owner} by {version.set_by or 'unknown'} at {when} (version {version.id})"
    policy = parse_policy(version.document, source=f"the policy {source}")
    return PolicyInForce(policy, version.document, source)


def policy_for(
    session: Session, authority_id: int | None, authority_code: str | None
) -> PolicyInForce:
    """The policy in force for an authority (or for every authority when ``authority_id`` is
    None), inside an open session."""
    version = caseload_queries.newest_policy(session, authority_id)
    if version is not None:
        return _from_version(version, authority_code)
    return _not_set()


def _not_set() -> PolicyInForce:
    """The policy when none is set in the database: the file ``CASELOAD_POLICY`` names, else the
    default."""
    from_env = _from_environment()
    if from_env is not None:
        return from_env
    document = default_policy_text()
    return PolicyInForce(
        parse_policy(document, source="the default policy"), document, "the default policy"
    )


def policies_in_force(
    session: Session, authorities: Sequence[Authority]
) -> dict[str, CaseloadPolicy]:
    """The policy in force for each of many authorities (by code), as :func:`policy_for` finds
    it, from one query, each policy document read once however many councils share it."""
    versions = caseload_queries.newest_policies(session, [a.id for a in authorities])
    shared: dict[int | None, PolicyInForce] = {}

    def in_force(version: CaseloadPolicyVersion | None, code: str) -> PolicyInForce:
        key = None if version is None else version.id
        if key not in shared:
            shared[key] = _from_version(version, code) if version else _not_set()
        return shared[key]

    return {
        a.code: in_force(versions.get(a.id) or versions.get(None), a.code).policy
        for a in authorities
    }


def _authority_id(session: Session, authority_code: str | None) -> int | None:
    if authority_code is None:
        return None
    (authority,) = queries.authorities(session, authority_code)
    return authority.id


def show_policy(engine: Engine, *, authority_code: str | None = None) -> PolicyInForce:
    require_current(engine)
    with session_scope(engine) as session:
        return policy_for(session, _authority_id(session, authority_code), authority_code)


def check_policy_file(path: Path) -> CaseloadPolicy:
    """Load and check a policy file; every problem is reported at once."""
    return load_policy(path)


def set_policy(
    engine: Engine,
    *,
    path: Path,
    user: str,
    authority_code: str | None = None,
    actor: Principal | Actor | None = None,
) -> PolicyInForce:
    """Check a policy file and record it as the policy in force (for one authority or all).
    The change is written to the audit trail (``actor``, default the command-line ``user``) in
    the same transaction."""
    load_policy(path)
    document = path.read_text(encoding="utf-8")
    require_current(engine)
    with session_scope(engine) as session:
        authority_id = _authority_id(session, authority_code)
        version = CaseloadPolicyVersion(
            authority_id=authority_id,
            document=document,
            set_by=user,
            set_at=datetime.now(UTC),
        )
        session.add(version)
        session.flush()
        who = audit.under(actor or audit.cli_actor(user), authority_id)
        audit.record_in(
            session,
            who,
            "change",
            "policy",
            version.id,
            {"authority": authority_code or "all", "file": path.name},
        )
        return policy_for(session, authority_id, authority_code)


def policy_versions(engine: Engine, *, authority_code: str | None = None) -> list[dict[str, Any]]:
    """Policies set for the authority and for every authority, newest first."""
    require_current(engine)
    with session_scope(engine) as session:
        authority_id = _authority_id(session, authority_code)
        return [
            {
                "version": version.id,
                "for": authority_code if version.authority_id is not None else "every authority",
                "set_by": version.set_by,
                "set_at": version.set_at.isoformat(timespec="seconds"),
            }
            for version in caseload_queries.policy_history(session, authority_id)
        ]

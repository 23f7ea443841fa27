"""The audit trail in words: each event as a sentence ("viewed the record of worker 200",
"exported alerts") and its details as plain pairs ("rows: 12; format: xlsx"), for the audit page.

Events hold identifiers, never names (docs/security.md), so the sentences name records by their
kind and id; role codes become their labels."""

from __future__ import annotations

import json
from typing import Any

from caseload.auth.roles import ROLE_LABELS, AccountRole

ACTIONS = {
    "view": "viewed",
    "export": "exported",
    "search": "searched",
    "allocate": "allocated",
    "reject": "rejected the recommendation for",
    "request": "asked for help with",
    "agree": "agreed",
    "decline": "declined",
    "move": "moved",
    "change": "changed",
    "import": "imported",
    "sign_in": "signed in",
    "sign_out": "signed out",
    "account_add": "added",
    "account_disable": "disabled",
    "account_enable": "enabled",
    "password_reset": "reset the password of",
    "password_change": "changed the password of",
    "token_add": "issued an API token for",
    "token_revoke": "revoked the API tokens of",
    "store": "stored",
}
TARGETS = {
    "scenario_run": "the workforce plan run",
    "worker": "the record of worker",
    "child": "child",
    "team": "team",
    "account": "account",
    "accounts": "the accounts",
    "upload_check": "the check of an upload",
    "alerts": "alerts",
    "workers": "the workers' caseloads",
    "queue": "the children waiting",
    "allocation": "the allocation meeting",
    "allocation_child": "a child's decision page",
    "allocation_request": "the request over cap",
    "census_return": "the census return",
    "data_quality": "the data quality findings",
    "caseloads": "caseloads",
    "people": "people",
    "policy": "the caseload policy",
    "pseudonymised_export": "the pseudonymised export",
    "parquet_export": "the Parquet export",
    "move": "the move of worker",
    "session": "a session",
    "stay_conversations": "the stay-conversation list",
    "leaving_risk": "the leaving-risk model",
}
OUTCOMES = {"allowed": "done", "refused": "refused", "failed": "failed"}


def action_words(action: str) -> str:
    return ACTIONS.get(action, action.replace("_", " "))


def target_words(target_type: str) -> str:
    return TARGETS.get(target_type, target_type.replace("_", " "))


def role_words(role: str | None) -> str:
    if not role:
        return ""
    try:
        return ROLE_LABELS[AccountRole(role)]
    except ValueError:
        return "Command line" if role == "cli" else role.replace("_", " ")


def sentence(action: str, target_type: str, target_id: str | None, outcome: str = "allowed") -> str:
    """What happened: 'Viewed the record of worker 200'; 'Tried to sign in as analyst'."""
    if action == "sign_in" and outcome != "allowed":
        text = "tried to sign in" + (f" as {target_id}" if target_id else "")
    elif action in ("sign_in", "sign_out") and target_type in ("", "account", "session"):
        text = action_words(action)
    else:
        text = " ".join(
            part for part in (action_words(action), target_words(target_type), target_id) if part
        )
    return text[:1].upper() + text[1:]


def _value(value: object) -> str:
    if isinstance(value, str):
        return role_words(value) if value in {r.value for r in AccountRole} else value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value) or "none"
    if value is None:
        return "none"
    return json.dumps(value) if isinstance(value, dict) else str(value)


def detail_words(text: str) -> str:
    """The event's detail (JSON of identifiers and counts) as 'key: value' pairs in words."""
    try:
        data = json.loads(text)
    except ValueError:
        return text
    if not isinstance(data, dict):
        return text
    return "; ".join(
        f"{key.replace('_', ' ')}: {_value(value)}"
        for key, value in data.items()
        if value not in ("", None)
    )


COLUMNS = ("Event", "When (UTC)", "User", "Role", "What happened", "Outcome", "From", "Detail")


def event_row(event: dict[str, Any]) -> list[Any]:
    """An event as the audit page and its download show it."""
    return [
        event["id"],
        event["at"][:19].replace("T", " "),
        event["actor"],
        role_words(event["role"]),
        sentence(event["action"], event["target_type"], event["target_id"], event["outcome"]),
        OUTCOMES.get(event["outcome"], event["outcome"]),
        event["source"],
        detail_words(event["detail"]),
    ]

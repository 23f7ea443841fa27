"""The audit trail's hash chain: any change to any field of any event, and any removal or
reordering of events, is found by ``verify_chain``."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from caseload.auth.audit_chain import CHAINED_FIELDS, GENESIS, event_hash, verify_chain

TEXT = st.text(max_size=12)
CONTENT = st.fixed_dictionaries(
    {
        "at": st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%S.%fZ")),
        "actor": TEXT,
        "role": st.sampled_from(["admin", "leader", "cli", "unknown"]),
        "authority_id": st.none() | st.integers(1, 500),
        "action": st.sampled_from(["view", "export", "change", "sign_in"]),
        "outcome": st.sampled_from(["allowed", "refused", "failed"]),
        "target_type": TEXT,
        "target_id": st.none() | TEXT,
        "source": TEXT,
        "detail": TEXT,
    }
)


def chain(contents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events as ``append_event`` writes them: ids from 1, each hash over the previous one."""
    events = []
    previous = GENESIS
    for number, content in enumerate(contents, start=1):
        fields = {"id": number, **content}
        digest = event_hash(previous, fields)
        events.append({**fields, "prev_hash": previous, "hash": digest})
        previous = digest
    return events


CHAINS = st.lists(CONTENT, min_size=1, max_size=8).map(chain)


def different(value: Any, replacement: Any) -> Any:
    """``replacement``, unless it equals ``value`` (then something that does not)."""
    if replacement != value and type(replacement) is type(value):
        return replacement
    if isinstance(value, int) and not isinstance(value, bool):
        return value + 1
    return f"{value}x"


@settings(deadline=None)  # timings vary on a busy machine
@given(CHAINS)
def test_an_untouched_chain_is_intact(events: list[dict[str, Any]]) -> None:
    assert verify_chain(events) == (len(events), [])


@settings(max_examples=300, deadline=None)
@given(
    CHAINS,
    st.data(),
    st.sampled_from([*CHAINED_FIELDS, "prev_hash", "hash"]),
    st.one_of(TEXT, st.integers(0, 10**6), st.none()),
)
def test_changing_any_field_of_any_event_is_found(
    events: list[dict[str, Any]], data: st.DataObject, name: str, replacement: Any
) -> None:
    index = data.draw(st.integers(0, len(events) - 1), label="event")
    tampered = [dict(event) for event in events]
    tampered[index][name] = different(tampered[index][name], replacement)
    checked, breaks = verify_chain(tampered)
    assert checked == len(events)
    assert breaks
    assert breaks[0].event_id == tampered[index]["id"]


@settings(deadline=None)  # timings vary on a busy machine
@given(CHAINS.filter(lambda events: len(events) >= 2), st.data())
def test_removing_an_event_is_found(events: list[dict[str, Any]], data: st.DataObject) -> None:
    # The newest event cannot be told from a shorter chain by the chain alone: that is what
    # ``caseload audit verify --expect ID:HASH`` is for (see tests/services/test_audit.py).
    index = data.draw(st.integers(0, len(events) - 2), label="removed")
    shortened = events[:index] + events[index + 1 :]
    _, breaks = verify_chain(shortened)
    assert [b.event_id for b in breaks][:1] == [events[index + 1]["id"]]
    assert "removed or reordered" in breaks[0].problem


@settings(deadline=None)  # timings vary on a busy machine
@given(CHAINS.filter(lambda events: len(events) >= 2), st.data())
def test_removing_a_run_of_events_is_found(
    events: list[dict[str, Any]], data: st.DataObject
) -> None:
    start = data.draw(st.integers(0, len(events) - 2), label="start")
    stop = data.draw(st.integers(start + 1, len(events) - 1), label="stop")
    _, breaks = verify_chain(events[:start] + events[stop:])
    assert breaks[0].event_id == events[stop]["id"]


@settings(deadline=None)  # timings vary on a busy machine
@given(CHAINS.filter(lambda events: len(events) >= 2), st.data())
def test_reordering_events_is_found(events: list[dict[str, Any]], data: st.DataObject) -> None:
    order = data.draw(st.permutations(range(len(events))).filter(lambda o: o != sorted(o)))
    _, breaks = verify_chain([events[i] for i in order])
    assert breaks


@settings(deadline=None)  # timings vary on a busy machine
@given(CHAINS.filter(lambda events: len(events) >= 2), st.data())
def test_renumbering_events_is_found(events: list[dict[str, Any]], data: st.DataObject) -> None:
    # Swapping two events' contents while keeping the ids in order (a "reorder" inside the
    # table) is caught too.
    first = data.draw(st.integers(0, len(events) - 2), label="first")
    second = data.draw(st.integers(first + 1, len(events) - 1), label="second")
    swapped = [dict(event) for event in events]
    swapped[first], swapped[second] = (
        {**events[second], "id": events[first]["id"]},
        {**events[first], "id": events[second]["id"]},
    )
    _, breaks = verify_chain(swapped)
    assert breaks[0].event_id == events[first]["id"]

"""The main part of the overview and workforce pages, rendered once per context dictionary.

A page's main part depends on its context dictionary alone (the header, with the person's name
and the form token, is rendered around it each time), so it is kept under a digest of the
dictionary: the same figures seen by the same kind of role are rendered once, and any change to
the figures or to what the role may see gives a new dictionary and a fresh rendering."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import Request
from markupsafe import Markup

from caseload.services.snapshot import Snapshots
from caseload.web.templating import TEMPLATES


def digest(context: Mapping[str, Any]) -> str:
    text = json.dumps(context, default=str, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def body(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    extra: Callable[[], Mapping[str, Any]],
) -> Markup:
    """``template`` rendered with ``context`` and ``extra()`` (what the page draws from the
    context, such as its charts; called only when the rendering is not kept already), kept in
    the application's snapshots."""
    kept: Snapshots = request.app.state.snapshots
    rendered: Markup = kept.page_bodies.get_or_build(
        f"{template}:{digest(context)}",
        lambda: Markup(TEMPLATES.env.get_template(template).render({**context, **extra()})),
    )
    return rendered

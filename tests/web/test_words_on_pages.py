"""Words, not codes: every page of a council, as every role sees it, shows no internal value
(``care_leaver``, ``team_ids``, ``employment_spell``) and lists every code it shows (LEFTRL, CP,
FTE, ...) with its meaning in "Codes on this page"."""

from __future__ import annotations

import re

import pytest

from caseload.auth.roles import AccountRole
from caseload.domain.glossary import codes_in
from caseload.web.templating import visible_text
from security.test_recorded_views import get_paths

from .council import WebCouncil

INTERNAL = re.compile(r"(?<![\w./-])[a-z]+(?:_[a-z0-9]+)+(?![\w./-])")


@pytest.mark.parametrize("role", list(AccountRole), ids=[r.value for r in AccountRole])
def test_no_page_shows_an_internal_value_or_an_unexplained_code(
    shared_council: WebCouncil, role: AccountRole
) -> None:
    client = shared_council.client(role)
    problems: list[str] = []
    for path in get_paths(shared_council):
        if path == "/glossary":
            continue  # it lists the values files and commands use, each with its meaning
        response = client.get(path)
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        page = response.text
        main = page.split("<footer", 1)[0].split('<aside class="codes-used"', 1)[0]
        text = visible_text(main)
        for found in sorted(set(INTERNAL.findall(text))):
            problems.append(f"{path}: shows {found!r}")
        box = page.split('<aside class="codes-used"', 1)[1] if "codes-used" in page else ""
        for code, _meaning in codes_in([text]):
            if f"<dt>{code}</dt>" not in box:
                problems.append(f"{path}: shows {code} without its meaning")
    assert not problems, "\n".join(problems)

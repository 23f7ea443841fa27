"""Codes with their meaning: the glossary page and the list of codes at the foot of each page."""

from __future__ import annotations

import re

import pytest

from caseload.auth.roles import AccountRole
from caseload.domain.glossary import CODE_SETS, codes_in, with_meaning
from caseload.web.templating import visible_text, with_codes_explained

from .council import WebCouncil


@pytest.mark.parametrize("role", list(AccountRole))
def test_the_glossary_lists_every_code_for_everyone(
    shared_council: WebCouncil, role: AccountRole
) -> None:
    page = shared_council.client(role).get("/glossary")
    assert page.status_code == 200
    text = visible_text(page.text)
    for code_set in CODE_SETS:
        assert code_set.title in text
        for code, meaning in code_set.entries:
            assert f"{code} {meaning}" in " ".join(text.split()), (code_set.key, code)


def test_a_page_lists_the_codes_it_shows_with_their_meaning(shared_council: WebCouncil) -> None:
    page = shared_council.client(AccountRole.LEADER).get("/allocation/moves")
    assert page.status_code == 200
    box = page.text.split('<aside class="codes-used"', 1)[1].split("</aside>", 1)[0]
    assert "<dt>LEFTRL</dt><dd>the worker left the role</dd>" in box
    assert "<dt>ABSENC</dt><dd>cover for the worker&#x27;s absence</dd>" in box
    assert "<dt>FCONTA</dt>" not in box  # only the codes the page shows


def test_codes_are_found_as_whole_words_only() -> None:
    assert codes_in(["Cases per FTE", "LEFTRL and CP"]) == [
        ("CP", "child protection (a child protection plan)"),
        ("FTE", "full-time equivalent: 1.0 is one person working full time"),
        ("LEFTRL", "the worker left the role"),
    ]
    assert codes_in(["CPU FTEs XLEFTRL cp"]) == []
    assert with_meaning("absence_reasons", "SIC") == "SIC (sickness)"
    assert with_meaning("absence_reasons", "NEW") == "NEW"


def test_a_page_without_codes_is_left_as_it_is() -> None:
    page = "<main><p>Nothing coded here</p></main><footer>x</footer>"
    assert with_codes_explained(page) == page
    coded = with_codes_explained("<main><p>FTE</p><script>CLA</script></main><footer>")
    assert re.findall(r"<dt>(\w+)</dt>", coded) == ["FTE"]

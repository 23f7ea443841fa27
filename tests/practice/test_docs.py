"""Every practice figure has its page, naming the functions that compute it."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = {
    "visits_on_time": [
        "caseload.practice.visits.visits_due",
        "caseload.practice.visits.visit_summary",
    ],
    "children_not_seen": [
        "caseload.practice.visits.visits_position",
        "caseload.practice.visits.seen_summary",
    ],
    "recording_timeliness": [
        "caseload.practice.visits.recording",
        "caseload.practice.visits.recording_summary",
    ],
    "reviews_on_time": [
        "caseload.practice.reviews.reviews_due",
        "caseload.practice.reviews.review_summary",
    ],
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_practice_figure_has_a_page(name: str) -> None:
    text = (DOCS / "metrics" / f"{name}.md").read_text()
    assert "## Formula" in text and "## Example" in text
    assert f"[{name}]({name}.md)" in (DOCS / "metrics" / "README.md").read_text()
    for path in PAGES[name]:
        module, _, function = path.rpartition(".")
        assert callable(getattr(import_module(module), function))
        assert function in text


def test_the_practice_page_has_its_sections() -> None:
    text = (DOCS / "practice.md").read_text()
    for heading in ("## Standards", "## Working days"):
        assert heading in text

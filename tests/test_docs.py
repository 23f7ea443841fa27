"""Every metric, command group and setting has documentation (a missing page fails the build)."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseload.caseloads.definitions import FIGURES, FUNCTIONS
from caseload.census.definitions import INDICATOR_COLUMNS, SUPPLEMENTARY_COLUMNS
from caseload.config import SETTINGS

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.mark.parametrize(
    "name",
    [*INDICATOR_COLUMNS, *SUPPLEMENTARY_COLUMNS, *(figure.name for figure in FIGURES)],
)
def test_every_indicator_has_a_page(name: str) -> None:
    page = DOCS / "metrics" / f"{name}.md"
    assert page.exists(), f"docs/metrics/{name}.md is missing"
    text = page.read_text()
    for heading in ("## Formula", "## Example"):
        assert heading in text
    assert f"[{name}]({name}.md)" in (DOCS / "metrics" / "README.md").read_text()


@pytest.mark.parametrize("figure", FIGURES, ids=lambda figure: figure.name)
def test_every_figure_names_its_one_function(figure: object) -> None:
    """Each operational figure is data: a label, unit, direction and formula, and the function
    that computes it, which exists."""
    from importlib import import_module

    from caseload.caseloads.definitions import Figure

    assert isinstance(figure, Figure)
    assert figure.label and figure.unit and figure.formula
    module, _, function = figure.compute.rpartition(".")
    assert callable(getattr(import_module(module), function))
    if module == "caseload.caseloads.definitions":
        assert function in FUNCTIONS
    page = (DOCS / "metrics" / f"{figure.name}.md").read_text()
    assert function in page, f"docs/metrics/{figure.name}.md does not name {function}"


def test_every_command_group_has_a_page() -> None:
    from caseload.cli.app import COMMANDS, load_command

    for name in COMMANDS:
        assert load_command(name).help, f"caseload {name} has no help"
        page = DOCS / "cli" / f"{name}.md"
        assert page.exists(), f"docs/cli/{name}.md is missing"
        assert f"caseload {name}" in page.read_text()


def test_every_setting_is_documented() -> None:
    text = (DOCS / "settings.md").read_text()
    for setting in SETTINGS:
        assert setting.name in text


def _practice_figures() -> list[object]:
    from caseload.practice import audits, supervision

    return [*supervision.FIGURES, *audits.FIGURES]


@pytest.mark.parametrize("figure", _practice_figures(), ids=lambda figure: figure.name)  # type: ignore[attr-defined]
def test_every_practice_figure_has_a_page(figure: object) -> None:
    """The practice figures: a page with its formula and example, listed in the README, naming
    the function that computes it (which exists)."""
    from importlib import import_module

    from caseload.caseloads.definitions import Figure

    assert isinstance(figure, Figure)
    page = DOCS / "metrics" / f"{figure.name}.md"
    assert page.exists(), f"docs/metrics/{figure.name}.md is missing"
    text = page.read_text()
    for heading in ("## Formula", "## Example"):
        assert heading in text
    assert f"[{figure.name}]({figure.name}.md)" in (DOCS / "metrics" / "README.md").read_text()
    module, _, function = figure.compute.rpartition(".")
    assert callable(getattr(import_module(module), function))
    assert function in text, f"docs/metrics/{figure.name}.md does not name {function}"

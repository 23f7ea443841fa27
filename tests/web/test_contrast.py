"""WCAG 2.2 AA contrast of the colours the style sheet and charts use for text and marks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from caseload.web import charts

CSS = Path(charts.__file__).parent / "static" / "caseload.css"


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def variables() -> dict[str, str]:
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", CSS.read_text()))


def test_contrast_formula_matches_wcag_examples() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize(
    ("text", "background"),
    [
        ("ink", "paper"),
        ("muted", "paper"),
        ("muted", "band"),
        ("ink", "band"),
        ("brand", "paper"),
        ("paper", "brand-dark"),
        ("paper", "red"),
        ("paper", "amber"),
        ("paper", "green"),
        ("ink", "focus"),
    ],
)
def test_text_colours_meet_aa(text: str, background: str) -> None:
    colours = variables()
    assert contrast(colours[text], colours[background]) >= 4.5


@pytest.mark.parametrize("colour", [*charts.PALETTE, *charts.RAG_COLOURS.values()])
def test_chart_colours_stand_out_on_white(colour: str) -> None:
    # Non-text marks need 3:1 (WCAG 1.4.11); these also carry labels, so hold them to 4.5:1.
    assert contrast(colour, "#ffffff") >= 4.5

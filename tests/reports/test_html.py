"""The report as one self-contained, printable HTML document."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from caseload.reports.html import render_html

from .sample import SCRIPT_TEAM, TYPST_TEAM, sample_report

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"


@pytest.fixture(scope="module")
def html() -> str:
    """The sample report's HTML (also saved under test-artifacts/reports for people to look at)."""
    document = render_html(sample_report())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "board-pack.html").write_text(document, encoding="utf-8")
    return document


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def test_team_names_are_escaped(html: str) -> None:
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; team" in html
    text = "".join(_parse(html).text)
    assert SCRIPT_TEAM in text
    assert TYPST_TEAM in text


def test_nothing_is_fetched_and_nothing_runs(html: str) -> None:
    tags = _parse(html).tags
    assert not [tag for tag, _ in tags if tag in {"script", "link", "img", "iframe", "object"}]
    assert not re.search(r"https?://(?!www\.w3\.org/)", html)  # only SVG's XML namespaces
    assert not [attrs for _, attrs in tags if any(name.startswith("on") for name in attrs)]


def test_the_head_says_the_language_and_asks_not_to_be_indexed(html: str) -> None:
    tags = _parse(html).tags
    assert ("html", {"lang": "en-GB"}) in tags
    assert ("meta", {"name": "robots", "content": "noindex"}) in tags
    assert "<title>Workforce Steering Group pack: Northbridge Council</title>" in html


def test_every_section_table_value_and_note_is_there(html: str) -> None:
    text = " ".join(" ".join(_parse(html).text).split())
    for expected in [
        "Workforce Steering Group pack",
        "Northbridge Council (E09000099), as at 31 March 2025. Internal: not for publication.",
        "Produced on 2 April 2025 at 09:15.",
        "Caseloads and vacancies",
        "Stability of the workforce",
        "Caseloads rose in two teams this quarter.",
        "Caseloads by team",
        "1,234",
        "17.3",
        "12.5%",
        "+4.1",
        "-0.3",
        "Amber",
        "c: fewer than five people, held back to protect them.",
        "Figures at 31 March 2025.",
        "Agency workers",
        "Areas with no data yet",
        "Supervision: no records loaded yet",
        "Vacant FTE posts as a share of all FTE posts.",
        "Source: DfE children's social work workforce census",
        "DfE children's social work workforce statistics, 2024",
        "Small numbers are suppressed for the public report.",
    ]:
        assert expected in text, expected


def test_contents_link_to_each_section(html: str) -> None:
    tags = _parse(html).tags
    links = [attrs["href"] for tag, attrs in tags if tag == "a"]
    ids = {attrs["id"] for _, attrs in tags if attrs.get("id")}
    assert links == ["#s1-caseloads", "#s2-stability-1", "#no-data", "#about"]
    assert {link.removeprefix("#") for link in links} <= ids


def test_charts_are_inline_svg_each_with_its_numbers(html: str) -> None:
    tags = _parse(html).tags
    assert [tag for tag, _ in tags].count("svg") == 2
    figure = html.split("<figure>")[1].split("</figure>", maxsplit=1)[0]
    assert "<svg" in figure
    assert '<th scope="col" class="num">England</th>' in figure
    assert "16.0%" in figure


def test_a_rating_has_its_word_beside_the_colour(html: str) -> None:
    assert '<span class="rag rag-amber" aria-hidden="true">●</span> Amber</td>' in html


def test_missing_figures_are_a_dash_and_suppressed_ones_a_c(html: str) -> None:
    row = html.split(SCRIPT_TEAM.replace("<", "&lt;").replace(">", "&gt;"))[1].split(
        "</tr>", maxsplit=1
    )[0]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
    assert [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells] == [
        "c",
        "–",
        "c",
        "-0.3",
        "● Red",
    ]


def test_print_rules_start_each_section_on_a_page_and_keep_rows_whole(html: str) -> None:
    assert "@page { size: A4;" in html
    assert "break-before: page" in html
    assert "tr { break-inside: avoid;" in html
    assert "thead { display: table-header-group; }" in html

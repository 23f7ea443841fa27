"""What a report is, before it is a file: a title page's facts, then sections of commentary,
tables and charts. The services put a report together from the council snapshot (every figure
already through the disclosure module for the audience); the renderers (:mod:`.html`,
:mod:`.pdf`, :mod:`.workbook`) turn the same object into HTML, PDF and an Excel workbook, so the
three formats can never disagree.

Cells hold plain values: text, a whole number, a decimal (shown to the column's places), ``None``
(shown as a dash: no figure) or ``"c"`` (suppressed, DfE's symbol)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum

Cell = str | int | float | None


class ReportKind(str, Enum):
    BOARD_PACK = "board-pack"
    SCRUTINY = "scrutiny"

    @property  # the report's title, in place of str.title (never called on a kind)
    def title(self) -> str:  # type: ignore[override]
        return {
            ReportKind.BOARD_PACK: "Workforce Steering Group pack",
            ReportKind.SCRUTINY: "Children's social work workforce: scrutiny report",
        }[self]


class Audience(str, Enum):
    """``internal``: the council's leaders (figures for teams and services in full).
    ``public``: anyone (elected members, published papers): no names or references, and small
    numbers suppressed exactly as on the elected member's pages."""

    INTERNAL = "internal"
    PUBLIC = "public"


class FileFormat(str, Enum):
    PDF = "pdf"
    XLSX = "xlsx"
    HTML = "html"

    @property
    def media_type(self) -> str:
        return {
            FileFormat.PDF: "application/pdf",
            FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileFormat.HTML: "text/html; charset=utf-8",
        }[self]


class ColumnKind(str, Enum):
    """How a column's values read and are formatted (Excel number formats follow it)."""

    TEXT = "text"
    COUNT = "count"  # whole numbers: people, posts, cases
    NUMBER = "number"  # decimals: FTE, caseloads, days (to ``places``)
    PERCENT = "percent"  # a rate already in per cent (12.5 means 12.5%)
    POINTS = "points"  # a change in percentage points, or in the figure's own unit, signed
    RAG = "rag"  # "red", "amber", "green" or None


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: ColumnKind = ColumnKind.TEXT
    places: int = 0


@dataclass(frozen=True)
class Table:
    """A table as people read it: one row per thing, one column per figure."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[dict[str, Cell], ...]
    note: str | None = None


@dataclass(frozen=True)
class Series:
    """One line (or one set of bars) of a chart: ``points`` are (label on the x axis, value)."""

    name: str
    points: tuple[tuple[str, float | None], ...]


@dataclass(frozen=True)
class Chart:
    """A line or bar chart drawn as vector graphics, with its numbers printed beside it."""

    title: str
    kind: str  # "line" or "bar"
    x_label: str
    y_label: str
    series: tuple[Series, ...]
    unit: str = ""  # "%" for rates, else ""
    places: int = 1


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    commentary: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Definition:
    """A figure's definition and source, for the notes at the end (and the workbook's notes
    sheet)."""

    name: str
    definition: str
    source: str


@dataclass(frozen=True)
class Report:
    kind: ReportKind
    audience: Audience
    council_code: str
    council_name: str
    as_at: date | None
    baseline_year: int | None
    produced_at: datetime
    sections: tuple[Section, ...]
    no_data: tuple[str, ...] = ()  # areas and sections with no data yet, in plain words
    definitions: tuple[Definition, ...] = ()
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())  # about the whole report (suppression, snapshots)

    @property
    def title(self) -> str:
        return self.kind.title

    @property
    def subtitle(self) -> str:
        day = self.as_at.strftime("%-d %B %Y") if self.as_at else "no dated figures"
        audience = "Public" if self.audience is Audience.PUBLIC else "Internal: not for publication"
        return f"{self.council_name} ({self.council_code}), as at {day}. {audience}."

    def file_name(self, file_format: FileFormat) -> str:
        day = self.as_at.isoformat() if self.as_at else "undated"
        return (
            f"{self.kind.value}-{self.council_code}-{day}-{self.audience.value}.{file_format.value}"
        )

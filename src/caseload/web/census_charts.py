"""Charts for the overview and workforce pages, drawn from the pages' context dictionaries (the
numbers the page and the API show); drawn when a page's main part is rendered (kept per context
by :mod:`caseload.web.page_bodies`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from caseload.web.charts import Chart, bar_chart, line_chart

RATES = ("turnover_rate_fte", "agency_rate_fte", "vacancy_rate_fte", "absence_rate_fte")
RATE_NAMES = {
    "turnover_rate_fte": "Turnover",
    "agency_rate_fte": "Agency",
    "vacancy_rate_fte": "Vacancy",
    "absence_rate_fte": "Sickness absence",
}


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def rates_by_year(rows: Sequence[dict[str, Any]], *, title: str) -> Chart | None:
    """Turnover, agency, vacancy and absence rates (%) by census year."""
    data = [
        {"year": str(row["year"]), "rate": RATE_NAMES[name], "value": _number(row.get(name))}
        for row in rows
        for name in RATES
        if _number(row.get(name)) is not None
    ]
    if not data:
        return None
    return line_chart(
        pl.DataFrame(data),
        x="year",
        y="value",
        series="rate",
        title=title,
        labels={"year": "Census year", "value": "Rate (%)", "rate": "Rate"},
    )


def values_by_year(
    rows: Sequence[dict[str, Any]], names: dict[str, str], *, title: str, axis: str
) -> Chart | None:
    """The named indicators (name: label) by census year, one line each."""
    data = [
        {"year": str(row["year"]), "series": label, "value": _number(row.get(name))}
        for row in rows
        for name, label in names.items()
        if _number(row.get(name)) is not None
    ]
    if not data:
        return None
    return line_chart(
        pl.DataFrame(data),
        x="year",
        y="value",
        series="series" if len(names) > 1 else None,
        title=title,
        labels={"year": "Census year", "value": axis, "series": "Figure"},
    )


def bars(items: Sequence[tuple[str, Any]], *, title: str, category: str, axis: str) -> Chart | None:
    """One horizontal bar per (label, value); text values (suppressed) and blanks are left out."""
    data = [
        {"label": label, "value": _number(value)}
        for label, value in items
        if _number(value) is not None
    ]
    if not data:
        return None
    order = [item["label"] for item in data]
    return bar_chart(
        pl.DataFrame(data),
        x="label",
        y="value",
        title=title,
        labels={"label": category, "value": axis},
        horizontal=True,
        sort=[str(label) for label in order],
        height=max(60, 22 * len(data)),
    )

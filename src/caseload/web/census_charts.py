"""Charts for the overview and workforce pages, drawn from the pages' context dictionaries (the
numbers the page and the API show), and kept while the numbers stay the same."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
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
_MEMO: OrderedDict[str, Chart] = OrderedDict()
_MEMO_SIZE = 128
_LOCK = threading.Lock()


def _memo(kind: str, data: Any, build: Callable[[], Chart]) -> Chart:
    key = kind + json.dumps(data, sort_keys=True, default=str)
    with _LOCK:
        if key in _MEMO:
            _MEMO.move_to_end(key)
            return _MEMO[key]
    chart = build()
    with _LOCK:
        _MEMO[key] = chart
        while len(_MEMO) > _MEMO_SIZE:
            _MEMO.popitem(last=False)
    return chart


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
    return _memo(
        "rates",
        [title, data],
        lambda: line_chart(
            pl.DataFrame(data),
            x="year",
            y="value",
            series="rate",
            title=title,
            labels={"year": "Census year", "value": "Rate (%)", "rate": "Rate"},
        ),
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
    return _memo(
        "values",
        [title, axis, data],
        lambda: line_chart(
            pl.DataFrame(data),
            x="year",
            y="value",
            series="series" if len(names) > 1 else None,
            title=title,
            labels={"year": "Census year", "value": axis, "series": "Figure"},
        ),
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
    return _memo(
        "bars",
        [title, category, axis, data],
        lambda: bar_chart(
            pl.DataFrame(data),
            x="label",
            y="value",
            title=title,
            labels={"label": category, "value": axis},
            horizontal=True,
            sort=[str(label) for label in order],
            height=max(60, 22 * len(data)),
        ),
    )

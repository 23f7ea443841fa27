"""Jinja filters: numbers, dates and suppressed values as councils write them."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime
from typing import Any


def number(value: Any, places: int = 0) -> str:
    """Thousands separators; '' for missing; text (e.g. a suppressed 'c') passes through."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and math.isnan(value):
        return ""
    return f"{value:,.{places}f}"


def percent(value: Any, places: int = 1) -> str:
    if value is None or isinstance(value, str):
        return "" if value is None else value
    return f"{value * 100:.{places}f}%"


def day(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        return value.strftime("%-d %b %Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%-d %b %Y")
    return str(value)


FILTERS: dict[str, Callable[..., str]] = {"number": number, "percent": percent, "day": day}

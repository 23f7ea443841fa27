"""Jinja filters: numbers, dates and suppressed values as councils write them; and service
messages as sentences for the pages."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime
from typing import Any


def sentence(text: str) -> str:
    """A service message as a sentence: capital first letter (unless it starts with a file or
    user name, which keep their case) and a full stop."""
    text = text.strip().rstrip(".")
    first = text.split(" ", 1)[0]
    if not any(mark in first for mark in "._'-") and first.isalpha():
        text = text[:1].upper() + text[1:]
    return text + "."


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

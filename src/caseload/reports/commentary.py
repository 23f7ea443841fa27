"""Plain-English sentences written from the figures, for the reports' commentary: what moved since
the baseline, and where the council stands among its statistical neighbours and against England.
Every sentence is built from values the report's tables show, rounded the same way."""

from __future__ import annotations

from collections.abc import Sequence


def _figure(value: float, unit: str, places: int) -> str:
    text = f"{value:,.{places}f}"
    return f"{text}%" if unit == "%" else text


def change_sentence(
    label: str,
    *,
    first: float | None,
    latest: float | None,
    first_year: int,
    latest_year: int,
    unit: str,
    places: int,
    better: str | None,
) -> str | None:
    """ "Agency worker rate fell 4.1 points since 2021, from 17.3% to 13.2% (better)." Rates move
    in points, other figures in per cent of the first value."""
    if first is None or latest is None or first_year == latest_year:
        return None
    difference = round(latest - first, places)
    since = f"since {first_year}"
    if difference == 0:
        return f"{label} is unchanged {since} at {_figure(latest, unit, places)}."
    verb = "rose" if difference > 0 else "fell"
    if unit == "%":
        size = f"{abs(difference):.{places}f} points"
    elif first:
        size = f"{abs(100.0 * difference / first):.1f}%"
    else:
        size = _figure(abs(difference), unit, places)
    verdict = ""
    if better is not None:
        improved = (difference < 0) == (better == "lower")
        verdict = " (an improvement)" if improved else " (worse)"
    return (
        f"{label} {verb} {size} {since}, from {_figure(first, unit, places)} in {first_year} "
        f"to {_figure(latest, unit, places)} in {latest_year}{verdict}."
    )


def standing_sentence(
    label: str,
    *,
    value: float | None,
    year: int,
    better_than: int | None,
    neighbours: int | None,
    england: float | None,
    better: str | None,
    unit: str,
    places: int,
) -> str | None:
    """ "In 2025 the turnover rate was better than 7 of 10 statistical neighbours and better than
    England (11.8%)." """
    if value is None or better is None:
        return None
    parts: list[str] = []
    if better_than is not None and neighbours:
        parts.append(f"better than {better_than} of {neighbours} statistical neighbours")
    if england is not None:
        gap = round(value - england, places)
        if gap == 0:
            parts.append(f"level with England ({_figure(england, unit, places)})")
        else:
            good = (gap < 0) == (better == "lower")
            word = "better" if good else "worse"
            parts.append(f"{word} than England ({_figure(england, unit, places)})")
    if not parts:
        return None
    return f"In {year} the {label[0].lower()}{label[1:]} was " + " and ".join(parts) + "."


def rag_summary(ratings: Sequence[str | None], what: str) -> str | None:
    """ "5 of 8 measures meet the council's target; 2 are red." """
    rated = [rating for rating in ratings if rating is not None]
    if not rated:
        return None
    green = rated.count("green")
    red = rated.count("red")
    amber = rated.count("amber")
    text = f"{green} of {len(rated)} measures meet {what}"
    extra = []
    if amber:
        extra.append(f"{amber} {'is' if amber == 1 else 'are'} close (amber)")
    if red:
        extra.append(f"{red} {'is' if red == 1 else 'are'} red")
    return text + ("; " + " and ".join(extra) if extra else "") + "."


def listed(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]

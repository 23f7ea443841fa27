"""The words supervision records and case file audits are written in, and how they are read.

A word is compared by its key: case ignored and spaces, hyphens, underscores, dots and slashes
left out, so "Requires Improvement", "requires-improvement" and " R.I. " read alike. Audit grades
accept only the usual words for the four grades (:data:`GRADE_WORDS`); a supervision's type
accepts the usual words for the four kinds (:data:`KIND_WORDS`) and, besides, whatever the
mapping's ``values: kind:`` adds."""

from __future__ import annotations

import re
from typing import Final

import polars as pl

from caseload.domain.practice_records import AUDIT_GRADES, SUPERVISION_KINDS

SEPARATORS = re.compile(r"[\s_\-./]+")
GRADE_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "outstanding": ("outstanding",),
    "good": ("good",),
    "requires_improvement": (
        "requires improvement",
        "requires improvement to be good",
        "RI",
        "RIG",
    ),
    "inadequate": ("inadequate",),
}
KIND_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "formal": (
        "formal",
        "formal supervision",
        "one to one",
        "one-to-one",
        "1:1",
        "1 to 1",
        "individual",
        "individual supervision",
    ),
    "group": ("group", "group supervision"),
    "reflective": ("reflective", "reflective supervision", "reflective practice"),
    "ad_hoc": ("ad hoc", "ad-hoc", "ad hoc supervision", "informal", "unplanned"),
}
GRADE_HELP: Final = "write Outstanding, Good, Requires improvement (or RI) or Inadequate"


def word_key(text: str) -> str:
    """How a word is compared: case and separators ignored."""
    return SEPARATORS.sub("", text.replace("\u00a0", " ")).casefold()


def _keys(words: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {word_key(word): code for code, spelled in words.items() for word in (code, *spelled)}


GRADE_KEYS: Final = _keys(GRADE_WORDS)
KIND_KEYS: Final = _keys(KIND_WORDS)
assert set(GRADE_KEYS.values()) == set(AUDIT_GRADES)
assert set(KIND_KEYS.values()) == set(SUPERVISION_KINDS)


def grade_of(text: str | None) -> str | None:
    """The audit grade (an :data:`AUDIT_GRADES` value) ``text`` names, or None."""
    return None if text is None else GRADE_KEYS.get(word_key(text))


def kind_of(text: str | None) -> str | None:
    """The supervision kind (a :data:`SUPERVISION_KINDS` value) ``text`` names, or None."""
    return None if text is None else KIND_KEYS.get(word_key(text))


def grade_lookup(values: pl.Series) -> dict[str, str]:
    """Each distinct text of ``values`` that names an audit grade, with its grade."""
    found = {value: grade_of(value) for value in values.drop_nulls().unique().to_list()}
    return {value: grade for value, grade in found.items() if grade is not None}


def parse_grades(frame: pl.DataFrame, column: str) -> pl.Expr:
    """The audit grade of each cell of ``frame[column]``; null when it names none."""
    lookup = grade_lookup(frame[column])
    return pl.col(column).replace_strict(lookup, default=None, return_dtype=pl.Utf8)

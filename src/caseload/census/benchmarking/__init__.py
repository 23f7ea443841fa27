"""Benchmarking against DfE's published indicators: reading the file, rebuilding national and
regional figures from the council rows, and comparing one council with others."""

from caseload.census.benchmarking.aggregate import (
    LONDON_CODE,
    LONDON_PARTS,
    TOLERANCE,
    Level,
    against_published,
    match_share,
    rebuild,
)
from caseload.census.benchmarking.compare import RANK_NOTE, compare_council, with_own_values
from caseload.census.benchmarking.published import (
    LEVELS,
    LOCAL_AUTHORITY,
    NATIONAL,
    REGIONAL,
    SYMBOLS,
    check_published,
    la_code_matches,
    published_numbers,
    read_published_csv,
    release_label,
)

__all__ = [
    "LEVELS",
    "LOCAL_AUTHORITY",
    "LONDON_CODE",
    "LONDON_PARTS",
    "NATIONAL",
    "RANK_NOTE",
    "REGIONAL",
    "SYMBOLS",
    "TOLERANCE",
    "Level",
    "against_published",
    "check_published",
    "compare_council",
    "la_code_matches",
    "match_share",
    "published_numbers",
    "read_published_csv",
    "rebuild",
    "release_label",
    "with_own_values",
]

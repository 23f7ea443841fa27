"""The published indicators table holds DfE's columns: its indicator columns are exactly the ones
the census definitions define, in DfE's order."""

from __future__ import annotations

from caseload.census.definitions import INDICATOR_COLUMNS
from caseload.storage.benchmark_queries import ROW_COLUMNS


def test_the_table_has_the_defined_indicators_in_order() -> None:
    assert ROW_COLUMNS[:8] == (
        "release",
        "time_period",
        "geographic_level",
        "region_code",
        "region_name",
        "old_la_code",
        "new_la_code",
        "la_name",
    )
    assert list(ROW_COLUMNS[8:]) == list(INDICATOR_COLUMNS)

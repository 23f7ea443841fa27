"""Synthetic councils: a deterministic day-by-day simulation of a council's children's social care
workforce and caseload, returned as Polars frames shaped like the storage tables.

No database access happens here; another module writes the frames.
"""

from caseload.synthetic.council import SyntheticCouncil, generate_council
from caseload.synthetic.presets import PRESETS, Preset
from caseload.synthetic.specs import REGIONS, CouncilSpec, national_specs

__all__ = [
    "PRESETS",
    "REGIONS",
    "CouncilSpec",
    "Preset",
    "SyntheticCouncil",
    "generate_council",
    "national_specs",
]

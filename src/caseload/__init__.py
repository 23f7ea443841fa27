"""Caseload: children's social care workforce and caseload management for English councils."""

__version__ = "0.1.0"

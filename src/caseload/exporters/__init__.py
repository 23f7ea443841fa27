"""Exports: the pseudonymised export for analysts."""

from caseload.exporters.pseudonymised import Export, SourceFrames, build_export
from caseload.exporters.pseudonyms import pseudonym

__all__ = ["Export", "SourceFrames", "build_export", "pseudonym"]

"""Exports: the pseudonymised export for analysts."""

from caseload.exporters.pseudonymised import Export, SourceFrames, build_export

__all__ = ["Export", "SourceFrames", "build_export"]

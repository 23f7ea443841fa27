"""The data-quality report: checks across the database and their rendering."""

from caseload.quality.checks import CHECKS, QualityData, run_checks
from caseload.quality.report import QualityReport, render_html

__all__ = ["CHECKS", "QualityData", "QualityReport", "render_html", "run_checks"]

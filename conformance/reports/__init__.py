"""Reports derived from a run's ``results.json``, and reading other people's reports.

Every function here is pure: it takes a :class:`~conformance.results.RunRecord` or a parsed
ConformanceReport (plus, for the matrix, the catalogue of known tests) and returns values or text, so
reports can be regenerated, compared and merged without a cluster. Nothing in this package depends on
pytest.
"""

from conformance.reports.api_versions import api_version
from conformance.reports.catalog import CatalogueEntry, Resource, catalogue_from_tests
from conformance.reports.compare import Comparison, compare
from conformance.reports.compare_render import comparison_to_html, comparison_to_markdown
from conformance.reports.conformance_report import build_report, to_yaml
from conformance.reports.matrix import Grade, SupportMatrix, build_matrix
from conformance.reports.matrix_html import matrix_to_html
from conformance.reports.matrix_render import matrix_to_json, matrix_to_markdown
from conformance.reports.matrix_report import matrix_from_report
from conformance.reports.merge import MergeError, merge_runs
from conformance.reports.model import ConformanceReport
from conformance.reports.reader import ParsedReport, ReportError, find_reports, parse_report, read_report

__all__ = [
    "CatalogueEntry",
    "Comparison",
    "ConformanceReport",
    "Grade",
    "MergeError",
    "ParsedReport",
    "ReportError",
    "Resource",
    "SupportMatrix",
    "api_version",
    "build_matrix",
    "build_report",
    "catalogue_from_tests",
    "compare",
    "comparison_to_html",
    "comparison_to_markdown",
    "find_reports",
    "matrix_from_report",
    "matrix_to_html",
    "matrix_to_json",
    "matrix_to_markdown",
    "merge_runs",
    "parse_report",
    "read_report",
    "to_yaml",
]

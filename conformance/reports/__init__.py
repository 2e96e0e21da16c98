"""Reports derived from a run's ``results.json``: upstream's ConformanceReport and the support-level matrix.

Every function here is pure: it takes a :class:`~conformance.results.RunRecord` (plus, for the matrix, the
catalogue of known tests) and returns values or text, so reports can be regenerated, compared and merged
without a cluster. Nothing in this package depends on pytest.
"""

from conformance.reports.api_versions import api_version
from conformance.reports.catalog import CatalogueEntry, Resource, catalogue_from_tests
from conformance.reports.conformance_report import build_report, to_yaml
from conformance.reports.matrix import Grade, SupportMatrix, build_matrix
from conformance.reports.matrix_render import matrix_to_json, matrix_to_markdown
from conformance.reports.model import ConformanceReport

__all__ = [
    "CatalogueEntry",
    "ConformanceReport",
    "Grade",
    "Resource",
    "SupportMatrix",
    "api_version",
    "build_matrix",
    "build_report",
    "catalogue_from_tests",
    "matrix_to_json",
    "matrix_to_markdown",
    "to_yaml",
]

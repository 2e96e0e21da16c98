"""Write every report of a run from its RunRecord: the one place that knows the file names."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from conformance.reports.catalog import CatalogueEntry
from conformance.reports.conformance_report import build_report, to_yaml
from conformance.reports.matrix import build_matrix
from conformance.reports.matrix_html import matrix_to_html
from conformance.reports.matrix_render import matrix_to_json, matrix_to_markdown
from conformance.results import write_text_atomic

if TYPE_CHECKING:
    from pathlib import Path

    from conformance.results import RunRecord

REPORT_FILE = "conformance-report.yaml"
MATRIX_MARKDOWN = "support-matrix.md"
MATRIX_JSON = "support-matrix.json"
MATRIX_HTML = "support-matrix.html"


def catalogue_of(run: RunRecord) -> dict[str, CatalogueEntry]:
    from conformance.features import resolve_features

    return {
        name: CatalogueEntry(
            name,
            resolve_features(entry.get("features", ()), where=f"results.json catalogue entry {name}"),
            bool(entry.get("provisional", False)),
        )
        for name, entry in run.catalogue.items()
    }


def write_reports(run: RunRecord, directory: Path, *, report_output: Path | None = None) -> list[Path]:
    """Write the ConformanceReport (mode 0600, as upstream) and the support matrix; returns the paths."""
    report_text = to_yaml(build_report(run))
    matrix = build_matrix(run, catalogue_of(run), implementation_specific=run.implementation_specific)
    written = []
    for path, text, mode in (
        (directory / REPORT_FILE, report_text, 0o600),
        (directory / MATRIX_MARKDOWN, matrix_to_markdown(matrix), 0o644),
        (directory / MATRIX_JSON, json.dumps(matrix_to_json(matrix), indent=2) + "\n", 0o644),
        (directory / MATRIX_HTML, matrix_to_html(matrix), 0o644),
    ):
        write_text_atomic(path, text, mode=mode)
        written.append(path)
    if report_output is not None:
        write_text_atomic(report_output, report_text, mode=0o600)
        written.append(report_output)
    return written

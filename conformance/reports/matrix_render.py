"""The support matrix as Markdown (the APISIX docs table plus notes) and as JSON for other tools.

Kept apart from the grading in :mod:`conformance.reports.matrix` so that each module stays small; both
outputs are pure functions of a :class:`~conformance.reports.matrix.SupportMatrix`.
"""

from __future__ import annotations

from typing import Any

from conformance.reports.catalog import Resource
from conformance.reports.matrix import (
    JSON_SCHEMA_VERSION,
    Cell,
    Evidence,
    FeatureEvidence,
    FeatureGrade,
    Row,
    SupportMatrix,
    TestEvidence,
)

_HEADER = (
    "| Resource | Core Support Level | Extended Support Level | Implementation-Specific Support Level | API Version |",
    "|---|---|---|---|---|",
)


def matrix_to_markdown(matrix: SupportMatrix) -> str:
    """A caption, the table in the APISIX docs' style, then one bullet per fact behind a grade."""
    caption = f"Support levels of {describe(matrix)}, graded from {matrix.source}."
    lines = [caption, "", *_HEADER]
    for row in matrix.rows:
        cells = (row.core, row.extended, row.implementation_specific)
        lines.append(f"| {row.resource} | " + " | ".join(c.grade.value for c in cells) + f" | {row.api_version} |")
    notes = matrix_notes(matrix)
    if notes:
        lines += ["", *(f"- {note}" for note in notes)]
    return "\n".join(lines) + "\n"


def matrix_notes(matrix: SupportMatrix) -> list[str]:
    """One sentence per fact behind a grade, row by row, then the notes about the evidence as a whole."""
    notes = [note for row in matrix.rows for note in _row_notes(row)]
    if matrix.uncatalogued_tests:
        names = ", ".join(matrix.uncatalogued_tests)
        notes.append(
            f"note: tests in the run but not in the catalogue (attributed from their recorded features): {names}"
        )
    return notes + [f"note: {note}" for note in matrix.notes]


def describe(matrix: SupportMatrix) -> str:
    """``org/project version (mode m, channel c, Gateway API v)``; unknown values say so."""
    impl = matrix.implementation
    who = f"{impl.organization}/{impl.project} {impl.version}".strip() if impl.project else "the implementation"
    mode = matrix.mode or "unknown"
    channel = matrix.gateway_api_channel or "unknown"
    return f"{who} (mode {mode}, channel {channel}, Gateway API {matrix.gateway_api_version or 'unknown'})"


def _row_notes(row: Row) -> list[str]:
    name = row.resource
    notes = []
    if row.extended.features:
        notes.append(f"{name} extended: {_evidenced(row.extended.features, 'features')}")
    if row.excluded_experimental:
        excluded = ", ".join(row.excluded_experimental)
        notes.append(f"{name}: experimental-channel features excluded for a standard-channel run: {excluded}")
    if row.untested_features:
        notes.append(
            f"{name}: supported features without any test in the catalogue: {', '.join(row.untested_features)}"
        )
    missing = _without_pass(row.core.tests)  # tests needing an unsupported feature are no evidence at all
    if missing:
        notes.append(f"{name} core: tests without pass evidence: {missing}")
    graded = [f for f in row.extended.features if f.grade in (FeatureGrade.PARTIAL, FeatureGrade.NOT_PASSED)]
    missing = _without_pass([t for f in graded for t in f.tests])
    if missing:
        notes.append(f"{name} extended: tests without pass evidence: {missing}")
    if row.implementation_specific.features:
        notes.append(
            f"{name} implementation-specific: {_evidenced(row.implementation_specific.features, 'capabilities')}"
        )
    capped = [label for label, cell in _levels_above_core(row) if cell.capped]
    if capped:
        prerequisite = Resource.GATEWAY if row.resource is Resource.LISTENER_SET else row.resource
        notes.append(f"{name} {' and '.join(capped)}: Not supported because {prerequisite} core is not supported")
    return notes


def _levels_above_core(row: Row) -> tuple[tuple[str, Cell], ...]:
    return (("extended", row.extended), ("implementation-specific", row.implementation_specific))


def _evidenced(features: tuple[FeatureEvidence, ...], what: str) -> str:
    passed = sum(f.grade is FeatureGrade.PASS for f in features)
    text = f"{passed}/{len(features)} {what} evidenced"
    missing = [f"{f.name} ({f.grade})" for f in features if f.grade is not FeatureGrade.PASS]
    return f"{text}; not evidenced: {', '.join(missing)}" if missing else text


def _without_pass(tests: list[TestEvidence] | tuple[TestEvidence, ...]) -> str:
    """Applicable tests that did not pass, each once, by name."""
    seen = {t.name: t for t in tests if t.evidence not in (Evidence.PASSED, Evidence.NOT_APPLICABLE)}
    return ", ".join(f"{n} ({seen[n].evidence})" for n in sorted(seen))


def matrix_to_json(matrix: SupportMatrix) -> dict[str, Any]:
    """A stable JSON shape: every cell with its grade, the reason, and the tests and features behind it."""
    return {
        "schemaVersion": JSON_SCHEMA_VERSION,
        "implementation": matrix.implementation.to_json(),
        "gatewayAPIVersion": matrix.gateway_api_version,
        "gatewayAPIChannel": matrix.gateway_api_channel,
        "mode": matrix.mode,
        "source": matrix.source,
        "rows": [
            {
                "resource": str(row.resource),
                "apiVersion": row.api_version,
                "core": _cell_json(row.core),
                "extended": _cell_json(row.extended),
                "implementationSpecific": _cell_json(row.implementation_specific),
                "excludedExperimentalFeatures": list(row.excluded_experimental),
                "untestedFeatures": list(row.untested_features),
            }
            for row in matrix.rows
        ],
        "uncataloguedTests": list(matrix.uncatalogued_tests),
        "notes": list(matrix.notes),
    }


def _cell_json(cell: Cell) -> dict[str, Any]:
    return {
        "grade": cell.grade.value,
        "reason": cell.reason,
        "capped": cell.capped,
        "tests": [{"name": t.name, "evidence": t.evidence.value, "features": list(t.features)} for t in cell.tests],
        "features": [
            {"name": f.name, "grade": f.grade.value, "tests": [t.name for t in f.tests]} for f in cell.features
        ],
    }

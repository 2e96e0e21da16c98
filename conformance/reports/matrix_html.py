"""The support matrix as a self-contained HTML page: the same table as the Markdown, each cell expandable.

Each grade cell is a ``<details>`` whose summary is the grade and whose body gives the reason and the
tests (and, for extended and implementation-specific cells, the features) behind it, so a reader can see
why a cell says what it says without leaving the page. Cells carry ``data-resource``, ``data-level`` and
``data-grade`` attributes so that tools (and our browser test) can read the table as rendered.
"""

from __future__ import annotations

from conformance.reports.html import esc, grade_class, page
from conformance.reports.matrix import Cell, Evidence, SupportMatrix, TestEvidence
from conformance.reports.matrix_render import describe, matrix_notes

_LEVELS = (("core", "Core"), ("extended", "Extended"), ("implementation_specific", "Implementation-Specific"))


def matrix_to_html(matrix: SupportMatrix) -> str:
    title = f"Gateway API support levels: {describe(matrix)}"
    body = [
        f"<h1>{esc(title)}</h1>",
        f'<p class="muted">Graded from {esc(matrix.source)}. Click a cell to see the tests behind it.</p>',
        '<table id="support-matrix">',
        "<thead><tr><th>Resource</th>"
        + "".join(f"<th>{label} Support Level</th>" for _, label in _LEVELS)
        + "<th>API Version</th></tr></thead>",
        "<tbody>",
    ]
    for row in matrix.rows:
        cells = "".join(_cell(str(row.resource), level, getattr(row, level)) for level, _ in _LEVELS)
        body.append(
            f'<tr data-resource="{esc(row.resource)}"><th scope="row">{esc(row.resource)}</th>{cells}'
            f'<td data-level="api-version">{esc(row.api_version)}</td></tr>'
        )
    body += ["</tbody>", "</table>"]
    notes = matrix_notes(matrix)
    if notes:
        body += ["<h2>Notes</h2>", '<ul class="notes">', *(f"<li>{esc(n)}</li>" for n in notes), "</ul>"]
    return page(title, body)


def _cell(resource: str, level: str, cell: Cell) -> str:
    attrs = (
        f'class="{grade_class(cell.grade.value)}" data-resource="{esc(resource)}" '
        f'data-level="{level.replace("_", "-")}" data-grade="{esc(cell.grade.value)}"'
    )
    details = [f"<p>{esc(cell.reason)}</p>"]
    if cell.features:
        items = "".join(f"<li>{esc(f.name)}: {esc(f.grade.value)}{_test_list(f.tests)}</li>" for f in cell.features)
        details.append(f"<ul>{items}</ul>")
    elif cell.tests:
        details.append(_test_list(cell.tests))
    return f"<td {attrs}><details><summary>{esc(cell.grade.value)}</summary>{''.join(details)}</details></td>"


def _test_list(tests: tuple[TestEvidence, ...]) -> str:
    shown = [t for t in tests if t.evidence is not Evidence.NOT_APPLICABLE]
    if not shown:
        return ""
    items = "".join(f'<li class="e-{esc(t.evidence.value)}">{esc(t.name)}: {esc(t.evidence.value)}</li>' for t in shown)
    return f"<ul>{items}</ul>"

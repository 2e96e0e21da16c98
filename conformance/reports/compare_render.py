"""A :class:`~conformance.reports.compare.Comparison` as Markdown (for docs sites) and as one HTML page."""

from __future__ import annotations

from conformance.reports.compare import CompareRow, CompareTable, Comparison, Mark
from conformance.reports.html import esc, page

LEGEND = (
    "✅ declared supported · ⚠️ declared, but a failed or skipped extended test needs it · ❌ listed as "
    "unsupported · `·` not listed (no extended results, or not in that suite version)"
)


def comparison_to_markdown(comparison: Comparison) -> str:
    lines = ["# Gateway API conformance comparison", "", LEGEND]
    for table in comparison.tables:
        lines += ["", f"## Gateway API {table.version}: {table.profile}", ""]
        header = ["Implementation", "Version", "Mode", "Channel", "Core", *table.features]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        for row in table.rows:
            cells = [_who(row), row.version, row.mode, row.channel, row.core, *_marks(row, table)]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        notes = _table_notes(table)
        if notes:
            lines += ["", *(f"- {n}" for n in notes)]
    if comparison.reading_notes:
        lines += ["", "## Files repaired while reading", ""]
        lines += [f"- {path}: {'; '.join(quirks)}" for path, quirks in comparison.reading_notes]
    return "\n".join(lines) + "\n"


def comparison_to_html(comparison: Comparison) -> str:
    title = "Gateway API conformance comparison"
    legend = " · ".join(f'<span class="{cls}">{word}</span> {text}' for _, (word, cls, text) in _HTML_MARKS.items())
    body = [f"<h1>{esc(title)}</h1>", f'<p class="muted">{legend}</p>']
    for table in comparison.tables:
        body.append(f"<h2>Gateway API {esc(table.version)}: {esc(table.profile)}</h2>")
        head = ["Implementation", "Version", "Mode", "Channel", "Core", *table.features]
        body.append('<table class="comparison">')
        body.append("<thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr></thead><tbody>")
        for row in table.rows:
            core_class = {"success": "g-supported", "partial": "g-partial"}.get(
                row.core_result.value, "g-not-supported"
            )
            cells = [
                f'<th scope="row" title="{esc(row.source)}">{esc(_who(row))}</th>',
                *(f"<td>{esc(v)}</td>" for v in (row.version, row.mode, row.channel)),
                f'<td class="{core_class}">{esc(row.core)}</td>',
                *(_html_mark(f, m) for f, m in zip(table.features, _marks(row, table), strict=True)),
            ]
            body.append("<tr>" + "".join(cells) + "</tr>")
        body.append("</tbody></table>")
        notes = _table_notes(table)
        if notes:
            body += ['<ul class="notes">', *(f"<li>{esc(n)}</li>" for n in notes), "</ul>"]
    if comparison.reading_notes:
        body += ["<h2>Files repaired while reading</h2>", '<ul class="notes">']
        body += [f"<li>{esc(path)}: {esc('; '.join(q))}</li>" for path, q in comparison.reading_notes]
        body.append("</ul>")
    return page(title, body)


# Words and colours rather than emoji in HTML: a machine without an emoji font shows empty boxes.
_HTML_MARKS = {
    Mark.SUPPORTED.value: ("yes", "g-supported", "declared supported"),
    Mark.FAILING.value: ("tests fail", "g-partial", "declared, but a failed or skipped extended test needs it"),
    Mark.UNSUPPORTED.value: ("no", "g-not-supported", "listed as unsupported"),
    Mark.NOT_LISTED.value: ("·", "g-na", "not listed (no extended results, or not in that suite version)"),
}


def _html_mark(feature: str, mark: str) -> str:
    word, cls, text = _HTML_MARKS[mark]
    return f'<td class="{cls}" data-feature="{esc(feature)}" title="{esc(text)}">{esc(word)}</td>'


def _who(row: CompareRow) -> str:
    return f"{row.organization}/{row.project}"


def _marks(row: CompareRow, table: CompareTable) -> list[str]:
    marks = dict(row.marks)
    return [marks.get(f, Mark.NOT_LISTED).value for f in table.features]


def _table_notes(table: CompareTable) -> list[str]:
    notes = [
        f"{_who(r)} {r.version}: failed or skipped extended tests: {', '.join(r.failing)}"
        for r in table.rows
        if r.failing
    ]
    notes += [f"source of {_who(r)} {r.version} ({r.mode}, {r.channel}): {r.source}" for r in table.rows]
    notes += [f"superseded: {old} (a newer report of the same implementation: {new})" for old, new in table.superseded]
    return notes

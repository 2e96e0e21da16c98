"""The page frame shared by the HTML outputs: one self-contained file, no script, no external asset.

Reports are attached to CI runs and opened from disk or from an artifact store with no network, so
everything (styles included) is inline, and the expandable evidence uses ``<details>`` rather than
JavaScript. Text always goes through :func:`esc`.
"""

from __future__ import annotations

from html import escape

_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5em; color: #1b1f24; }
h1 { font-size: 1.35em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: .6em 0; }
th, td { border: 1px solid #c8ccd1; padding: .3em .55em; text-align: left; vertical-align: top; }
th { background: #eef1f4; }
.g-supported { background: #dcf5e3; } .g-partial { background: #fff2cc; }
.g-not-supported { background: #fbe0e0; } .g-na { background: #f1f1f1; color: #555; }
details summary { cursor: pointer; font-weight: 600; }
details ul { margin: .3em 0 0 1em; padding: 0; font-weight: normal; }
.e-passed { color: #1a7f37; } .e-failed { color: #cf222e; } .muted { color: #666; }
ul.notes li { margin: .2em 0; }
"""


def esc(text: object) -> str:
    return escape(str(text), quote=True)


def page(title: str, body: list[str]) -> str:
    """A complete HTML document; deterministic for the same input."""
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
    ]
    return "\n".join([*head, *body, "</body>", "</html>"]) + "\n"


def grade_class(grade: str) -> str:
    """CSS class for a grade value (``Supported``, ``Partially supported``, ``Not supported``, ``N/A``)."""
    return {
        "Supported": "g-supported",
        "Partially supported": "g-partial",
        "Not supported": "g-not-supported",
    }.get(grade, "g-na")

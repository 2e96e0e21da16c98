"""The HTML matrix page: golden file, self-containment, and the table as headless Chromium renders it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from conformance.reports.matrix import SupportMatrix, build_matrix
from conformance.reports.matrix_html import matrix_to_html
from conformance.results import RunRecord

GOLDEN = Path(__file__).parent / "golden"
# The flags a sandboxed root machine with no network needs (no background connections, a fresh profile).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


@pytest.fixture(scope="module")
def acme_matrix(acme_run: RunRecord, catalogue_head: dict[str, Any]) -> SupportMatrix:
    declared = {"HTTPRoute": {"RegularExpressionPathMatch": ["HTTPRouteMatching"]}}
    catalogue = {name: entry["features"] for name, entry in catalogue_head.items()}
    return build_matrix(acme_run, catalogue, implementation_specific=declared)


class _Cells(HTMLParser):
    """Collects ``td[data-grade]`` cells: (resource, level) -> grade attribute and summary text."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: dict[tuple[str, str], tuple[str, str]] = {}
        self._current: tuple[str, str, str] | None = None
        self._in_summary = False
        self._text = ""
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "td" and "data-grade" in values:
            self._current = (values["data-resource"], values["data-level"], values["data-grade"])
        elif tag == "summary" and self._current:
            self._in_summary, self._text = True, ""
        for key in ("src", "href"):
            if key in values:
                self.external.append(values[key])

    def handle_data(self, data: str) -> None:
        if self._in_summary:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "summary" and self._current:
            resource, level, grade = self._current
            self.cells[resource, level] = (grade, self._text.strip())
            self._in_summary, self._current = False, None


def expected_cells(matrix: SupportMatrix) -> dict[tuple[str, str], tuple[str, str]]:
    cells = {}
    for row in matrix.rows:
        for level in ("core", "extended", "implementation_specific"):
            grade = getattr(row, level).grade.value
            cells[str(row.resource), level.replace("_", "-")] = (grade, grade)
    return cells


def test_golden_html(acme_matrix: SupportMatrix) -> None:
    """Set UPDATE_GOLDEN=1 to rewrite the file after an intended change, then review the diff."""
    text = matrix_to_html(acme_matrix)
    path = GOLDEN / "acme-v1.6.1-matrix.html"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_page_is_self_contained_and_every_cell_expands_to_its_evidence(acme_matrix: SupportMatrix) -> None:
    text = matrix_to_html(acme_matrix)
    parser = _Cells()
    parser.feed(text)
    assert parser.external == []
    assert not re.search(r"<script|<link|@import|url\(", text)
    assert parser.cells == expected_cells(acme_matrix)
    assert text.count("<details>") == 3 * len(acme_matrix.rows)
    assert '<li class="e-passed">HTTPRouteMatching: passed</li>' in text  # the declared capability's test


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("headless Chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)")


def test_rendered_in_headless_chromium(acme_matrix: SupportMatrix, tmp_path: Path) -> None:
    """Chromium's own DOM after rendering holds every cell with its grade, and the screenshot is taken."""
    chromium = _chromium()
    page = tmp_path / "support-matrix.html"
    page.write_text(matrix_to_html(acme_matrix), encoding="utf-8")
    common = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,900"]
    dom = subprocess.run(
        [*common, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120, check=False
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    parser = _Cells()
    parser.feed(dom.stdout)
    assert parser.cells == expected_cells(acme_matrix)
    shot = tmp_path / "support-matrix.png"
    done = subprocess.run(
        [*common, f"--screenshot={shot}", page.as_uri()], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 900)
    assert len(data) > 20_000, "the screenshot looks blank"
    keep = os.environ.get("GWCONF_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / shot.name)

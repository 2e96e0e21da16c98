"""gwconf compare: deterministic tables per version and profile, and the command line around it."""

from __future__ import annotations

import json
import os
import random
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from conformance.cli import main
from conformance.reports.compare import Mark, compare
from conformance.reports.compare_render import comparison_to_html, comparison_to_markdown
from conformance.reports.model import Result, Statistics
from conformance.reports.reader import ParsedReport, find_reports, read_report

DATA = Path(__file__).parent / "data"
GOLDEN = Path(__file__).parent / "golden"
ENVOY = DATA / "upstream-v1.4.1-envoy-gateway-experimental-v1.7.0-default-report.yaml"
CONTOUR = DATA / "upstream-v1.1.0-contour-experimental-v1.30.0-default-report.yaml"


def _variant(tmp_path: Path, name: str, source: Path, **replace: str) -> Path:
    text = source.read_text(encoding="utf-8")
    for old, new in replace.items():
        text = text.replace(old.replace("_", " "), new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def report_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    (folder / "v1.4.1").mkdir(parents=True)
    (folder / "v1.1.0").mkdir()
    shutil.copy(ENVOY, folder / "v1.4.1" / "envoy.yaml")
    shutil.copy(CONTOUR, folder / "v1.1.0" / "contour.yaml")
    # An older report of the same implementation (superseded) and a legacy v1.0-style one.
    _variant(folder / "v1.4.1", "envoy-old.yaml", ENVOY, **{"version: v1.7.0": "version: v1.6.9"})
    _variant(
        folder / "v1.1.0",
        "legacy.yaml",
        CONTOUR,
        **{
            "name: GATEWAY-HTTP": "name: HTTP",
            "project: contour": "project: legacy",
            "HTTPRouteResponseHeaderModification": "HTTPResponseHeaderModification",
        },
    )
    return folder


def test_output_is_identical_whatever_the_input_order(report_dir: Path) -> None:
    parsed = [read_report(p) for p in find_reports([report_dir])]
    expected = comparison_to_markdown(compare(parsed))
    for seed in range(5):
        shuffled = parsed[:]
        random.Random(seed).shuffle(shuffled)
        assert comparison_to_markdown(compare(shuffled)) == expected
        assert comparison_to_html(compare(shuffled)) == comparison_to_html(compare(parsed))


def test_newest_report_wins_and_legacy_names_are_read_as_current(report_dir: Path) -> None:
    comparison = compare([read_report(p) for p in find_reports([report_dir])])
    table = next(t for t in comparison.tables if (t.version, t.profile) == ("v1.4", "GATEWAY-HTTP"))
    assert [r.version for r in table.rows] == ["v1.7.0"]
    assert table.superseded == (
        (str(report_dir / "v1.4.1" / "envoy-old.yaml"), str(report_dir / "v1.4.1" / "envoy.yaml")),
    )
    v11 = next(t for t in comparison.tables if (t.version, t.profile) == ("v1.1", "GATEWAY-HTTP"))
    assert sorted(r.project for r in v11.rows) == ["contour", "legacy"]
    legacy = next(r for r in v11.rows if r.project == "legacy")
    contour = next(r for r in v11.rows if r.project == "contour")
    assert dict(legacy.marks) == dict(contour.marks)
    assert "HTTPResponseHeaderModification" not in v11.features


def test_failing_extended_tests_mark_their_features_and_partial_cores_say_so() -> None:
    report = read_report(ENVOY).report
    http = next(p for p in report.profiles if p.name == "GATEWAY-HTTP")
    assert http.extended is not None
    extended = replace(http.extended, failed_tests=("HTTPRouteQueryParamMatching",))
    core = replace(http.core, result=Result.PARTIAL, statistics=Statistics(passed=32, skipped=1))
    patched = replace(report, profiles=(replace(http, core=core, extended=extended),))
    row = compare([ParsedReport("x.yaml", patched)]).tables[0].rows[0]
    assert dict(row.marks)["HTTPRouteQueryParamMatching"] is Mark.FAILING
    assert dict(row.marks)["HTTPRouteMethodMatching"] is Mark.SUPPORTED
    assert row.failing == ("HTTPRouteQueryParamMatching (HTTPRouteQueryParamMatching)",)
    assert row.core == "partial (1 skipped)"


def test_golden_markdown(report_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Set UPDATE_GOLDEN=1 to rewrite the file after an intended change, then review the diff."""
    monkeypatch.chdir(report_dir.parent)  # relative paths in the output, the same on every machine
    parsed = [read_report(p.relative_to(report_dir.parent)) for p in find_reports([report_dir])]
    text = comparison_to_markdown(compare(parsed))
    path = GOLDEN / "compare.md"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_cli_compare_refuses_non_reports_unless_told(report_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (report_dir / "v1.4.1" / "values.yaml").write_text("replicas: 2\n", encoding="utf-8")
    assert main(["compare", str(report_dir)]) == 2
    err = capsys.readouterr().err
    assert "values.yaml: not a ConformanceReport: no field kind, apiVersion and profiles" in err
    assert "pass --skip-invalid" in err
    out = report_dir.parent / "cmp.html"
    assert main(["compare", str(report_dir), "--skip-invalid", "--format", "html", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_cli_matrix_and_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["matrix", str(ENVOY), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["source"] == "ConformanceReport + test catalogue of suite v1.4"
    assert main(["matrix", str(ENVOY), "--suite-version", "v9.9"]) == 2
    assert "--suite-version: 'v9.9' is not a suite version with a catalogue" in capsys.readouterr().err
    assert main(["matrix", str(ENVOY), str(CONTOUR)]) == 2
    assert "unexpected arguments" in capsys.readouterr().err
    bad = tmp_path / "decl.yaml"
    bad.write_text("implementationSpecific:\n  ReferenceGrant: {X: [T]}\n", encoding="utf-8")
    assert main(["matrix", str(ENVOY), "--implementation-specific", str(bad)]) == 2
    assert "field implementationSpecific.ReferenceGrant: its API documents no implementation-specific" in (
        capsys.readouterr().err
    )

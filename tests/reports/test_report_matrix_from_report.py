"""The matrix of a ConformanceReport + catalogue: same grades as per-test results, and the report-only rules."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conformance.features import FeatureName
from conformance.profiles import PROFILES
from conformance.reports import suite_catalogue
from conformance.reports.catalog import CatalogueEntry, Resource, normalise_catalogue
from conformance.reports.conformance_report import build_report
from conformance.reports.matrix import Evidence, FeatureGrade, Grade, SupportMatrix, build_matrix
from conformance.reports.matrix_render import matrix_to_markdown
from conformance.reports.matrix_report import matrix_from_report
from conformance.reports.reader import read_report
from conformance.results import Outcome, RunRecord
from conformance.results import TestRecord as Record

RunFactory = Callable[..., RunRecord]
DATA = Path(__file__).parent / "data"
GOLDEN = Path(__file__).parent / "golden"
REPO = Path(__file__).resolve().parents[2]
S, F, K = Outcome.SUCCEEDED, Outcome.FAILED, Outcome.SKIPPED


# A report cannot tell "unsupported" from "never listed"; both mean no pass evidence.
_UNSUPPORTED = {FeatureGrade.NOT_RECORDED: FeatureGrade.UNSUPPORTED}


def grades(matrix: SupportMatrix) -> dict[str, Any]:
    """Every cell's grade and every graded feature's grade: what two derivations must agree on."""
    cells: dict[str, Any] = {}
    for row in matrix.rows:
        for level in ("core", "extended", "implementation_specific"):
            cell = getattr(row, level)
            features = tuple((f.name, _UNSUPPORTED.get(f.grade, f.grade)) for f in cell.features)
            cells[f"{row.resource}/{level}"] = (cell.grade, features)
    return cells


def head_catalogue(raw: dict[str, Any]) -> suite_catalogue.SuiteCatalogue:
    entries = normalise_catalogue({name: entry["features"] for name, entry in raw.items()})
    tests = {n: CatalogueEntry(n, e.features, bool(raw[n]["provisional"])) for n, e in entries.items()}
    return suite_catalogue.SuiteCatalogue("main", tests, tuple(PROFILES), frozenset(FeatureName))


def test_report_and_per_test_results_of_the_same_run_grade_alike(
    acme_run: RunRecord, catalogue_head: dict[str, Any]
) -> None:
    catalogue = head_catalogue(catalogue_head)
    from_run = build_matrix(acme_run, catalogue.tests)
    from_report = matrix_from_report(build_report(acme_run), catalogue=catalogue)
    assert grades(from_report) == grades(from_run)
    assert "statistics reconcile exactly with the catalogue" in from_report.notes
    assert from_report.source == "ConformanceReport + test catalogue of suite main"


def test_a_small_local_style_run_grades_alike(make_run: RunFactory) -> None:
    """Like ``nox -s conformance`` today: a few GATEWAY-HTTP core tests, the catalogue being those tests."""
    names = {
        "GatewayClassObservedGenerationBump": ("Gateway",),
        "GatewayInvalidRouteKind": ("Gateway",),
        "HTTPRouteSimpleSameNamespace": ("Gateway", "HTTPRoute"),
        "HTTPRouteWeight": ("Gateway", "HTTPRoute"),
        "HTTPRouteReferenceGrant": ("Gateway", "HTTPRoute", "ReferenceGrant"),
    }
    outcomes = {"HTTPRouteWeight": F}
    tests = [Record(n, outcomes.get(n, S), f, False) for n, f in names.items()]
    run = make_run(tests, supported_features=["Gateway", "HTTPRoute", "ReferenceGrant", "GatewayPort8080"])
    entries = normalise_catalogue(names)
    catalogue = suite_catalogue.SuiteCatalogue("main", entries, tuple(PROFILES), frozenset(FeatureName))
    from_report = matrix_from_report(build_report(run), catalogue=catalogue)
    assert grades(from_report) == grades(build_matrix(run, names))
    assert grades(from_report)["HTTPRoute/core"][0] is Grade.PARTIAL


def _report_with(make_run: RunFactory, outcomes: dict[str, Outcome], **fields: Any) -> RunRecord:
    tests = [Record(n, o, ("Gateway", "HTTPRoute"), False) for n, o in outcomes.items()]
    return make_run(tests, **fields)


def test_fewer_passes_than_candidates_are_inferred_or_left_unattributed(make_run: RunFactory) -> None:
    run = _report_with(make_run, {"HTTPRouteSimpleSameNamespace": S})
    catalogue = suite_catalogue.load("v1.6")
    lenient = matrix_from_report(build_report(run), catalogue=catalogue)
    strict = matrix_from_report(build_report(run), catalogue=catalogue, strict=True)
    assert any("GATEWAY-HTTP core: the report counts 1 passes for" in n and "inferred" in n for n in lenient.notes)
    assert any("left unattributed" in n for n in strict.notes)
    assert grades(lenient)["HTTPRoute/core"][0] is Grade.SUPPORTED
    assert grades(strict)["HTTPRoute/core"][0] is Grade.NOT_SUPPORTED
    http_core = next(r for r in strict.rows if r.resource is Resource.HTTP_ROUTE).core
    assert {t.evidence for t in http_core.tests} == {Evidence.UNATTRIBUTED, Evidence.NOT_APPLICABLE}
    assert any(n.startswith("statistics do NOT reconcile") for n in lenient.notes)


def test_failed_skipped_and_provisional_tests_are_named_evidence(make_run: RunFactory) -> None:
    tests = [
        Record("HTTPRouteWeight", F, ("Gateway", "HTTPRoute"), False),
        Record("HTTPRouteMatching", K, ("Gateway", "HTTPRoute"), False),
        Record("UDPRouteSimple", S, ("Gateway", "UDPRoute"), True),
    ]
    run = make_run(tests)
    report = build_report(run)
    matrix = matrix_from_report(report, suite_version="v1.6")
    rows = {r.resource: r for r in matrix.rows}
    http = {t.name: t.evidence for t in rows[Resource.HTTP_ROUTE].core.tests}
    assert http["HTTPRouteWeight"] is Evidence.FAILED
    assert http["HTTPRouteMatching"] is Evidence.SKIPPED
    assert rows[Resource.HTTP_ROUTE].core.grade is Grade.PARTIAL
    assert "test catalogue: suite v1.6 (chosen by the caller)" in matrix.notes
    assert "test names not in the catalogue (cannot attribute): UDPRouteSimple" in matrix.notes


def test_legacy_profile_names_and_unknown_ones() -> None:
    text = (
        "apiVersion: gateway.networking.k8s.io/v1alpha1\nkind: ConformanceReport\ndate: x\ngatewayAPIVersion: TODO\n"
        "implementation: {organization: o, project: p, url: u, version: v, contact: []}\n"
        "profiles:\n- name: HTTP\n  core: {result: success, statistics: {Passed: 1, Failed: 0, Skipped: 0}}\n"
        "- name: FANCY\n  core: {result: success, statistics: {Passed: 1, Failed: 0, Skipped: 0}}\n"
    )
    from conformance.reports.reader import parse_report

    matrix = matrix_from_report(parse_report(text, where="r.yaml").report)
    assert matrix.notes[0].startswith("test catalogue: suite v1.0 (gatewayAPIVersion 'TODO' is not a version")
    assert "profile HTTP read as GATEWAY-HTTP" in matrix.notes
    assert "profile 'FANCY' is not a known conformance profile; ignored" in matrix.notes


@pytest.mark.parametrize(
    ("version", "profiles", "expected"),
    [
        ("v1.4.1", (), "v1.4"),
        ("1.0.0", (), "v1.0"),
        ("v1.5.0-rc.1", (), "v1.5"),
        ("v1.9.0", (), "v1.6"),
        ("v0.6.0", (), "v0.7"),
        ("4c436290f2bf", ("HTTP",), "v1.0"),
        ("UNDEFINED", ("GATEWAY-HTTP",), "v1.6"),
    ],
)
def test_suite_version_for_a_report(version: str, profiles: tuple[str, ...], expected: str) -> None:
    assert suite_catalogue.version_for(version, profiles)[0] == expected


def test_catalogues_grow_with_the_suite_and_bad_versions_are_named() -> None:
    sizes = [len(suite_catalogue.load(v).tests) for v in suite_catalogue.versions()]
    assert sizes == sorted(sizes)
    assert sizes[-1] == 162
    assert suite_catalogue.load("v1.5").profiles == suite_catalogue.load("v1.1").profiles
    assert FeatureName.TCP_ROUTE not in suite_catalogue.load("v1.5").features
    with pytest.raises(ValueError, match=r"'v1\.66' is not a suite version with a catalogue\. Did you mean"):
        suite_catalogue.load("v1.66")


def test_shipped_catalogue_is_what_the_tool_generates(shared_dir: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "tools" / "make_catalogue.py"),
            "--check",
            "--catalog",
            str(shared_dir / "spec" / "catalog.yaml"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_golden_markdown_for_an_upstream_report() -> None:
    """Set UPDATE_GOLDEN=1 to rewrite the file after an intended change, then review the diff."""
    parsed = read_report(DATA / "upstream-v1.4.1-envoy-gateway-experimental-v1.7.0-default-report.yaml")
    text = matrix_to_markdown(matrix_from_report(parsed.report))
    path = GOLDEN / "envoy-v1.7.0-report-matrix.md"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")

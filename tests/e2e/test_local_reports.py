"""One real local run, then every report of it: JUnit and Allure labels, the matrix from the report
against the matrix from the per-test results, and ``gwconf report`` regenerating the same files."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from e2e_support import checkout_env

from conformance.features import resolve_features
from conformance.profiles import PROFILES
from conformance.reports.catalog import CatalogueEntry
from conformance.reports.matrix import SupportMatrix, build_matrix
from conformance.reports.matrix_report import matrix_from_report
from conformance.reports.reader import read_report
from conformance.reports.suite_catalogue import SuiteCatalogue
from conformance.results import load

OUTPUTS = ("conformance-report.yaml", "support-matrix.md", "support-matrix.json", "support-matrix.html")


@pytest.fixture(scope="module")
def local_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run of the whole ported suite with --junitxml, --alluredir and an implementation-specific declaration.

    Whole, because a report cannot tell deselected tests from passed ones (``-k`` leaves no trace in it).
    """
    base = tmp_path_factory.mktemp("reports-run")
    declaration = base / "impl.yaml"
    declaration.write_text(
        "implementationSpecific:\n  HTTPRoute:\n    WeightedBackends: [HTTPRouteWeight]\n", encoding="utf-8"
    )
    from e2e_support import REPO

    cmd = [
        sys.executable,
        "-m",
        "pytest",
        str(REPO / "suites"),
        "-p",
        "no:cacheprovider",
        "-q",
        f"--reports-dir={base / 'reports'}",
        "--run-id=run",
        f"--junitxml={base / 'junit.xml'}",
        f"--alluredir={base / 'allure'}",
        f"--implementation-specific={declaration}",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=base, check=False, env=checkout_env())
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    return base


def grades(matrix: SupportMatrix) -> dict[str, Any]:
    return {
        f"{row.resource}/{level}": getattr(row, level).grade
        for row in matrix.rows
        for level in ("core", "extended", "implementation_specific")
    }


def test_matrix_from_the_report_matches_the_matrix_from_per_test_results(local_run: Path) -> None:
    run = load(local_run / "reports" / "run" / "results.json")
    entries = {
        name: CatalogueEntry(name, resolve_features(e["features"]), bool(e["provisional"]))
        for name, e in run.catalogue.items()
    }
    from_run = build_matrix(run, entries, implementation_specific=run.implementation_specific)
    report = read_report(local_run / "reports" / "run" / "conformance-report.yaml")
    assert report.quirks == ()
    catalogue = SuiteCatalogue(
        "local", entries, tuple(PROFILES), frozenset().union(*(e.features for e in entries.values()))
    )
    from_report = matrix_from_report(
        report.report, catalogue=catalogue, implementation_specific=run.implementation_specific
    )
    assert grades(from_report) == grades(from_run)
    assert grades(from_run)["HTTPRoute/implementation_specific"].value == "Supported"
    assert "statistics reconcile exactly with the catalogue" in from_report.notes


def test_junit_xml_carries_short_name_features_and_profiles(local_run: Path) -> None:
    cases = ET.parse(local_run / "junit.xml").getroot().iter("testcase")
    props = {}
    for case in cases:
        values = {p.get("name"): p.get("value") for p in case.iter("property")}
        props[values.get("conformance.short_name")] = values
    weight = props["HTTPRouteWeight"]
    assert weight["conformance.features"] == "Gateway,HTTPRoute"
    assert weight["conformance.provisional"] == "false"
    assert "GATEWAY-HTTP:core" in weight["conformance.profiles"].split(",")


def test_allure_results_are_labelled(local_run: Path) -> None:
    results = [json.loads(p.read_text()) for p in (local_run / "allure").glob("*-result.json")]
    weight = next(r for r in results if r["name"] == "HTTPRouteWeight")
    labels = {(label["name"], label["value"]) for label in weight["labels"]}
    assert {("epic", "GATEWAY-HTTP"), ("feature", "HTTPRoute"), ("story", "HTTPRoute"), ("tag", "core")} <= labels
    assert ("severity", "critical") in labels
    assert weight["status"] == "passed"
    assert weight["description"].startswith("Traffic to an HTTPRoute rule")
    env = (local_run / "allure" / "environment.properties").read_text(encoding="utf-8")
    assert "gatewayClass=gateway-conformance\n" in env
    assert "gatewayAPIVersion=v1.6.1\n" in env


def test_gwconf_report_regenerates_every_output_identically(local_run: Path, tmp_path: Path) -> None:
    run_dir = local_run / "reports" / "run"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "conformance.cli",
            "report",
            str(run_dir / "results.json"),
            "--output-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
        env=checkout_env(),
    )
    assert done.returncode == 0, done.stderr
    for name in OUTPUTS:
        assert (tmp_path / name).read_text(encoding="utf-8") == (run_dir / name).read_text(encoding="utf-8"), name

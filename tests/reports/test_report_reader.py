"""The lenient reader: every published report parses, quirks are repaired and named, non-reports are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.reports.conformance_report import build_report, to_yaml
from conformance.reports.model import Result, Statistics
from conformance.reports.reader import ParsedReport, ReportError, find_reports, parse_report, read_report
from conformance.results import RunRecord

DATA = Path(__file__).parent / "data"
UPSTREAM_COUNT = 146
"""Files under shared/data/upstream-reports (v0.7.1 to v1.4.1); the issue names this number."""


@pytest.fixture(scope="module")
def upstream(shared_dir: Path) -> dict[str, ParsedReport]:
    root = shared_dir / "data" / "upstream-reports"
    return {str(p.relative_to(root)): read_report(p) for p in find_reports([root])}


def test_every_shared_report_parses(upstream: dict[str, ParsedReport]) -> None:
    assert len(upstream) == UPSTREAM_COUNT
    assert all(p.report.profiles or p.report.kind == "ConformanceReport" for p in upstream.values())


def test_historical_quirks_are_repaired_and_named(upstream: dict[str, ParsedReport]) -> None:
    kong = upstream["v0.7.1/kong-kubernetes-ingress-controller/2.10.3-report.yaml"]
    assert kong.report.profiles[0].core.statistics == Statistics(passed=27, skipped=1)
    assert "profileReports: the Go field name used instead of profiles" in kong.quirks
    assert any("listed both as supported and unsupported: HTTPRouteMethodMatching" in q for q in kong.quirks)

    istio = upstream["v1.0.0/istio-istio/1.20-report.yaml"]
    assert istio.report.implementation.version == "1.20"  # not the float 1.2
    assert any(q.startswith("implementation.version: unquoted 1.20") for q in istio.quirks)

    azure = upstream["v1.1.0/azure-application-gateway-for-containers/standard-v1.1.0-default-report.yaml"]
    http = next(p for p in azure.report.profiles if p.name == "GATEWAY-HTTP")
    assert http.extended is not None
    assert http.extended.result is Result.SUCCESS
    assert http.extended.statistics == Statistics(passed=8)
    assert "HTTPRouteHostRewrite" in http.extended.supported_features
    grpc = next(p for p in azure.report.profiles if p.name == "GATEWAY-GRPC")
    assert grpc.extended is None
    assert any("lowercase keys" in q for q in azure.quirks)
    assert any("nested under status" in q for q in azure.quirks)

    cilium = upstream["v1.4.0/cilium/experimental-v1.19.0-pre.2-default-report.yaml"]
    assert cilium.report.api_version == "gateway.networking.k8s.io/v1"
    assert "apiVersion: written with a stray prefix as '<Right>apiVersion'" in cilium.quirks

    traefik = upstream["v1.2.0/traefik-traefik/experimental-v3.2.0-default-report.yaml"]
    assert traefik.report.date == "-"
    old = next(p for k, p in upstream.items() if k.startswith("v0.8.0/"))
    assert old.report.api_version == "gateway.networking.k8s.io/v1alpha1"


def test_summary_inside_core_becomes_the_profile_summary() -> None:
    text = (
        "apiVersion: gateway.networking.k8s.io/v1alpha1\nkind: ConformanceReport\ndate: x\ngatewayAPIVersion: v1.0.0\n"
        "implementation: {organization: o, project: p, url: u, version: v, contact: []}\n"
        "profiles:\n- name: HTTP\n  core:\n    result: success\n    summary: First result\n"
        "    statistics: {Passed: 1, Failed: 0, Skipped: 0}\n"
    )
    parsed = parse_report(text, where="old.yaml")
    assert parsed.report.profiles[0].summary == "First result"
    assert parsed.report.gateway_api_channel == ""
    assert parsed.report.mode == ""


def test_writer_round_trips_through_the_reader(acme_run: RunRecord) -> None:
    report = build_report(acme_run)
    parsed = parse_report(to_yaml(report), where="ours.yaml")
    assert parsed.report == report
    assert parsed.quirks == ()


@pytest.mark.parametrize(
    "name",
    [
        "upstream-v1.4.1-envoy-gateway-experimental-v1.7.0-default-report.yaml",
        "upstream-v1.1.0-contour-experimental-v1.30.0-default-report.yaml",
    ],
)
def test_raw_suite_output_round_trips_byte_for_byte(name: str) -> None:
    text = (DATA / name).read_text(encoding="utf-8")
    parsed = read_report(DATA / name)
    assert parsed.quirks == ()
    assert to_yaml(parsed.report) == text


_IMPL = "implementation: {organization: o, project: p, url: u, version: v, contact: []}\n"
_HEAD = "apiVersion: gateway.networking.k8s.io/v1\nkind: ConformanceReport\n" + _IMPL


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "x.yaml: not a ConformanceReport: the file is empty"),
        ("- a\n- b\n", "x.yaml: not a ConformanceReport: the document is a YAML list, not a mapping"),
        ("a: [\n", "x.yaml: not a ConformanceReport: not valid YAML"),
        ("a: 1\n---\nb: 2\n", "x.yaml: not a ConformanceReport: it holds 2 YAML documents"),
        (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n",
            "x.yaml: not a ConformanceReport: field kind is 'Deployment' (expected ConformanceReport)",
        ),
        (
            "apiVersion: v1\nkind: ConformanceReport\nprofiles: []\n",
            "x.yaml: not a ConformanceReport: field apiVersion is 'v1'",
        ),
        ("name: my-chart\nversion: 1.0\n", "x.yaml: not a ConformanceReport: no field kind, apiVersion and profiles"),
        ("kind: ConformanceReport\n" + _IMPL, "x.yaml: not a ConformanceReport: no field profiles"),
        ("kind: ConformanceReport\nprofiles: []\n", "x.yaml: field implementation: missing"),
        (_HEAD + "profiles: {a: 1}\n", "x.yaml: field profiles: expected a list, got a YAML mapping"),
        (_HEAD + "profiles:\n- core: {}\n", "x.yaml: field profiles[0].name: missing"),
        (_HEAD + "profiles:\n- name: GATEWAY-HTTP\n", "x.yaml: field profiles[GATEWAY-HTTP].core: missing"),
        (
            _HEAD + "profiles:\n- name: GATEWAY-HTTP\n  core: {result: great}\n",
            "x.yaml: field profiles[GATEWAY-HTTP].core.result: 'great' is not a result (valid: success, partial, "
            "failure)",
        ),
        (
            _HEAD + "profiles:\n- name: GATEWAY-HTTP\n  core: {result: success, statistics: {Passed: 1, Failed: 0}}\n",
            "x.yaml: field profiles[GATEWAY-HTTP].core.statistics.Skipped: missing",
        ),
        (
            _HEAD + "profiles:\n- name: G\n  core: {result: success, statistics: {Passed: lots, Failed: 0}}\n",
            "x.yaml: field profiles[G].core.statistics.Passed: expected a count, got 'lots'",
        ),
        (
            _HEAD + "profiles:\n- name: G\n  core:\n    result: success\n"
            "    statistics: {Passed: 1, Failed: 0, Skipped: 0}\n    failedTests: [{a: 1}]\n",
            "x.yaml: field profiles[G].core.failedTests[0]: expected a name, got a YAML mapping",
        ),
    ],
)
def test_files_that_are_not_reports_are_refused_naming_the_field(text: str, message: str) -> None:
    with pytest.raises(ReportError) as caught:
        parse_report(text, where="x.yaml")
    assert str(caught.value).startswith(message)


def test_unreadable_and_missing_files(tmp_path: Path) -> None:
    binary = tmp_path / "image.yaml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ReportError, match=r"image\.yaml: not a ConformanceReport: the file is not UTF-8 text"):
        read_report(binary)
    with pytest.raises(ReportError, match="nowhere: no such file or folder"):
        find_reports([tmp_path / "nowhere"])


def test_folders_are_walked_without_following_symlinked_folders(tmp_path: Path) -> None:
    (tmp_path / "v1.5" / "impl").mkdir(parents=True)
    (tmp_path / "v1.5" / "impl" / "a-report.yaml").write_text("x", encoding="utf-8")
    (tmp_path / "v1.5" / "impl" / "README.md").write_text("x", encoding="utf-8")
    (tmp_path / "v1.5.0").symlink_to(tmp_path / "v1.5", target_is_directory=True)
    assert find_reports([tmp_path]) == [tmp_path / "v1.5" / "impl" / "a-report.yaml"]

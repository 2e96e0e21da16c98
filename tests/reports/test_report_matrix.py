"""build_matrix and its renderings: the grading rules of support-matrix.md §2-§5, one rule per test."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from conformance.features import FeatureName
from conformance.metadata import ConformanceTest
from conformance.reports.api_versions import api_version
from conformance.reports.catalog import CatalogueEntry, Level, Resource, attribute, catalogue_from_tests
from conformance.reports.conformance_report import build_report, to_yaml
from conformance.reports.matrix import Evidence, FeatureGrade, Grade, Row, SupportMatrix, build_matrix
from conformance.reports.matrix_render import matrix_to_json, matrix_to_markdown
from conformance.results import Outcome, RunRecord
from conformance.results import TestRecord as Record

RecordFactory = Callable[..., Record]
RunFactory = Callable[..., RunRecord]
GOLDEN = Path(__file__).parent / "golden"
S, F, K = Outcome.SUCCEEDED, Outcome.FAILED, Outcome.SKIPPED
HTTP = ("Gateway", "HTTPRoute")

# A small catalogue covering every row; the realistic run below uses upstream's full one.
CATALOGUE: dict[str, Sequence[str]] = {
    "GatewayClassObservedGenerationBump": ("Gateway",),
    "GatewayObservedGenerationBump": ("Gateway",),
    "GatewayInvalidRouteKind": ("Gateway",),
    "GatewayWithAttachedRoutesWithPort8080": (*HTTP, "GatewayPort8080"),
    "HTTPRouteSimpleSameNamespace": HTTP,
    "HTTPRouteWeight": HTTP,
    "HTTPRouteQueryParamMatching": (*HTTP, "HTTPRouteQueryParamMatching"),
    "HTTPRouteMethodMatching": (*HTTP, "HTTPRouteMethodMatching"),
    "HTTPRouteRetry": (*HTTP, "HTTPRouteRetry"),
    "GatewaySecretReferenceGrantSpecific": ("Gateway", "ReferenceGrant"),
    "HTTPRouteReferenceGrant": (*HTTP, "ReferenceGrant"),
    "TCPRouteSimple": ("Gateway", "TCPRoute"),
    "ListenerSetHTTPRouting": (*HTTP, "ListenerSet"),
    "ListenerSetReferenceGrant": ("Gateway", "ListenerSet", "ReferenceGrant"),
    "MeshBasic": ("Mesh",),
    "MeshHTTPRoute303Redirect": ("Mesh", "HTTPRoute", "HTTPRoute303RedirectStatusCode"),
}
ALL_PASS = [
    "GatewayClassObservedGenerationBump",
    "GatewayObservedGenerationBump",
    "GatewayInvalidRouteKind",
    "GatewayWithAttachedRoutesWithPort8080",
    "HTTPRouteSimpleSameNamespace",
    "HTTPRouteWeight",
    "HTTPRouteQueryParamMatching",
    "HTTPRouteMethodMatching",
    "GatewaySecretReferenceGrantSpecific",
    "HTTPRouteReferenceGrant",
    "ListenerSetHTTPRouting",
    "ListenerSetReferenceGrant",
]
SUPPORTED = [
    "Gateway",
    "HTTPRoute",
    "ReferenceGrant",
    "GatewayPort8080",
    "HTTPRouteQueryParamMatching",
    "HTTPRouteMethodMatching",
    "ListenerSet",
]


def run_with(make_run: RunFactory, outcomes: Mapping[str, Outcome] | None = None, **fields: Any) -> RunRecord:
    """A run of the small catalogue: every test in ALL_PASS succeeds unless ``outcomes`` says otherwise."""
    results = dict.fromkeys(ALL_PASS, S) | dict(outcomes or {})
    tests = [Record(n, o, tuple(CATALOGUE[n]), False) for n, o in sorted(results.items())]
    # No profile by default: its unsupported extended features would be graded too (see test_untested_features).
    return make_run(tests, **({"supported_features": SUPPORTED, "profiles": []} | fields))


def row(matrix: SupportMatrix, resource: Resource) -> Row:
    return next(r for r in matrix.rows if r.resource is resource)


def grades(matrix: SupportMatrix, resource: Resource) -> tuple[Grade, Grade, Grade]:
    r = row(matrix, resource)
    return r.core.grade, r.extended.grade, r.implementation_specific.grade


SUP, PART, NOT, NA = Grade.SUPPORTED, Grade.PARTIAL, Grade.NOT_SUPPORTED, Grade.NOT_APPLICABLE


def test_everything_passed(make_run: RunFactory) -> None:
    matrix = build_matrix(run_with(make_run), CATALOGUE)
    assert [r.resource for r in matrix.rows] == list(Resource)
    assert grades(matrix, Resource.GATEWAY_CLASS) == (SUP, NA, NOT)
    assert grades(matrix, Resource.GATEWAY) == (SUP, SUP, NOT)
    # HTTPRouteRetry is experimental and unsupported: it keeps HTTPRoute extended from "Supported".
    assert grades(matrix, Resource.HTTP_ROUTE) == (SUP, PART, NOT)
    assert grades(matrix, Resource.REFERENCE_GRANT) == (SUP, NA, NA)
    assert grades(matrix, Resource.TCP_ROUTE) == (NOT, NA, NOT)
    assert grades(matrix, Resource.LISTENER_SET) == (NA, SUP, NOT)
    assert grades(matrix, Resource.MESH) == (NOT, NA, NOT)


def test_core_partial_when_one_applicable_test_did_not_pass(make_run: RunFactory) -> None:
    matrix = build_matrix(run_with(make_run, {"HTTPRouteWeight": F}), CATALOGUE)
    http = row(matrix, Resource.HTTP_ROUTE)
    assert http.core.grade is PART
    assert http.core.reason == "1 of 2 applicable core tests passed"
    assert {t.name: t.evidence for t in http.core.tests}["HTTPRouteWeight"] is Evidence.FAILED
    # Gateway and GatewayClass are prerequisites of HTTPRoute tests, not sharers of their failures.
    assert grades(matrix, Resource.GATEWAY)[0] is SUP


def test_a_test_that_never_ran_is_unevidenced(make_run: RunFactory) -> None:
    run = run_with(make_run)
    run.tests = [t for t in run.tests if t.short_name != "GatewayInvalidRouteKind"]
    gateway = row(build_matrix(run, CATALOGUE), Resource.GATEWAY)
    assert gateway.core.grade is PART
    assert {t.name: t.evidence for t in gateway.core.tests}["GatewayInvalidRouteKind"] is Evidence.NOT_RUN


@pytest.mark.parametrize(
    ("outcomes", "fields", "reason"),
    [
        ({}, {"profiles": ["GATEWAY-HTTP"]}, "TCPRoute is not a supported feature"),
        (
            {"TCPRouteSimple": F},
            {"supported_features": [*SUPPORTED, "TCPRoute"]},
            "0 of 1 applicable core tests passed",
        ),
        (
            {"TCPRouteSimple": K},
            {"supported_features": [*SUPPORTED, "TCPRoute"]},
            "0 of 1 applicable core tests passed",
        ),
    ],
)
def test_core_not_supported(
    outcomes: dict[str, Outcome], fields: dict[str, Any], reason: str, make_run: RunFactory
) -> None:
    tcp = row(build_matrix(run_with(make_run, outcomes, **fields), CATALOGUE), Resource.TCP_ROUTE)
    assert (tcp.core.grade, tcp.core.reason) == (NOT, reason)


def test_core_not_supported_without_any_applicable_test(make_run: RunFactory) -> None:
    # TLSRoute's only core test here also needs HTTPRoute, which the run does not support.
    catalogue = {"HTTPRouteDisallowedKind": ("Gateway", "HTTPRoute", "TLSRoute")}
    run = make_run([], supported_features=["Gateway", "TLSRoute"], profiles=[])
    tls = row(build_matrix(run, catalogue), Resource.TLS_ROUTE)
    assert (tls.core.grade, tls.core.reason) == (NOT, "no applicable core test: each needs an unsupported feature")
    assert [t.evidence for t in tls.core.tests] == [Evidence.NOT_APPLICABLE]


def test_core_na_when_the_catalogue_has_no_core_test_for_the_resource(make_run: RunFactory) -> None:
    matrix = build_matrix(run_with(make_run), {k: v for k, v in CATALOGUE.items() if k != "TCPRouteSimple"})
    assert row(matrix, Resource.TCP_ROUTE).core.grade is NA
    assert row(matrix, Resource.UDP_ROUTE).core.grade is NA


class TestAttribution:
    def entry(self, name: str, *features: str) -> CatalogueEntry:
        return catalogue_from_tests([Record(name, S, features, False)])[name]

    def test_gateway_class_tests_go_to_gateway_class(self) -> None:
        (where,) = attribute(self.entry("GatewayClassObservedGenerationBump", "Gateway"))
        assert (where.resource, where.level) == (Resource.GATEWAY_CLASS, Level.CORE)

    def test_reference_grant_is_the_most_specific_tier(self) -> None:
        (where,) = attribute(self.entry("GatewaySecretReferenceGrantSpecific", "Gateway", "ReferenceGrant"))
        assert where.resource is Resource.REFERENCE_GRANT

    def test_core_test_touching_two_routes_counts_for_both(self) -> None:
        found = attribute(self.entry("HTTPRouteDisallowedKind", "Gateway", "HTTPRoute", "TLSRoute"))
        assert {w.resource for w in found} == {Resource.HTTP_ROUTE, Resource.TLS_ROUTE}

    def test_extended_evidence_for_each_extended_feature_in_its_own_row(self) -> None:
        found = attribute(
            self.entry("HTTPRouteRedirectPortAndScheme", *HTTP, "HTTPRoutePortRedirect", "GatewayPort8080")
        )
        assert {(w.resource, w.level, w.feature) for w in found} == {
            (Resource.GATEWAY, Level.EXTENDED, "GatewayPort8080"),
            (Resource.HTTP_ROUTE, Level.EXTENDED, "HTTPRoutePortRedirect"),
        }

    def test_listener_set_test_needing_reference_grant_is_listener_set_only(self) -> None:
        (where,) = attribute(self.entry("ListenerSetReferenceGrant", "Gateway", "ListenerSet", "ReferenceGrant"))
        assert (where.resource, where.level) == (Resource.LISTENER_SET, Level.EXTENDED)

    def test_mesh_tests_count_for_mesh_only(self) -> None:
        (core,) = attribute(self.entry("MeshHTTPRouteMatching", "Mesh", "HTTPRoute"))
        assert (core.resource, core.level) == (Resource.MESH, Level.CORE)
        (ext,) = attribute(
            self.entry("MeshHTTPRoute303Redirect", "Mesh", "HTTPRoute", "HTTPRoute303RedirectStatusCode")
        )
        assert (ext.resource, ext.level) == (Resource.MESH, Level.EXTENDED)


def test_extended_feature_grades(make_run: RunFactory) -> None:
    run = run_with(make_run, {"HTTPRouteMethodMatching": K}, gateway_api_channel="standard")
    http = row(build_matrix(run, CATALOGUE), Resource.HTTP_ROUTE)
    by_name = {f.name: f.grade for f in http.extended.features}
    assert by_name["HTTPRouteQueryParamMatching"] is FeatureGrade.PASS
    assert by_name["HTTPRouteMethodMatching"] is FeatureGrade.NOT_PASSED
    assert "HTTPRouteRetry" not in by_name  # experimental: excluded from a standard-channel run
    assert "HTTPRouteRetry" in http.excluded_experimental
    assert http.extended.grade is PART


def test_extended_partial_feature_and_not_supported_row(make_run: RunFactory) -> None:
    catalogue = dict(CATALOGUE) | {"HTTPRouteQueryParamMatching2": (*HTTP, "HTTPRouteQueryParamMatching")}
    run = run_with(make_run, {"HTTPRouteMethodMatching": F})
    run.tests.append(Record("HTTPRouteQueryParamMatching2", F, (*HTTP, "HTTPRouteQueryParamMatching"), False))
    http = row(build_matrix(run, catalogue), Resource.HTTP_ROUTE)
    assert {f.name: f.grade for f in http.extended.features}["HTTPRouteQueryParamMatching"] is FeatureGrade.PARTIAL
    assert http.extended.grade is PART
    run = run_with(make_run, {"HTTPRouteQueryParamMatching": F, "HTTPRouteMethodMatching": F})
    assert row(build_matrix(run, CATALOGUE), Resource.HTTP_ROUTE).extended.grade is NOT


def test_extended_supported_when_every_graded_feature_passes(make_run: RunFactory) -> None:
    run = run_with(make_run, supported_features=[*SUPPORTED, "HTTPRouteRetry"], outcomes={"HTTPRouteRetry": S})
    assert row(build_matrix(run, CATALOGUE), Resource.HTTP_ROUTE).extended.grade is SUP


def test_untested_features(make_run: RunFactory) -> None:
    """Supported but untested: unassessable, noted. Unsupported and listed by an enabled profile: graded."""
    run = run_with(make_run, supported_features=[*SUPPORTED, "HTTPRouteCORS"], profiles=["GATEWAY-HTTP"])
    http = row(build_matrix(run, CATALOGUE), Resource.HTTP_ROUTE)
    assert "HTTPRouteCORS" in http.untested_features
    assert "HTTPRouteCORS" not in {f.name for f in http.extended.features}
    by_name = {f.name: f.grade for f in http.extended.features}
    assert by_name["HTTPRoutePathRewrite"] is FeatureGrade.UNSUPPORTED


def test_cap_core_not_supported_caps_extended(make_run: RunFactory) -> None:
    run = run_with(make_run, {"HTTPRouteSimpleSameNamespace": F, "HTTPRouteWeight": F})
    http = row(build_matrix(run, CATALOGUE), Resource.HTTP_ROUTE)
    assert http.core.grade is NOT
    assert http.extended.grade is NOT
    assert http.extended.capped
    assert http.extended.reason.endswith("capped: HTTPRoute core is not supported")


def test_cap_listener_set_follows_gateway_core(make_run: RunFactory) -> None:
    failing = dict.fromkeys(["GatewayObservedGenerationBump", "GatewayInvalidRouteKind"], F)
    matrix = build_matrix(run_with(make_run, failing), CATALOGUE)
    assert grades(matrix, Resource.GATEWAY)[:2] == (NOT, NOT)
    listener_set = row(matrix, Resource.LISTENER_SET)
    assert (listener_set.core.grade, listener_set.extended.grade, listener_set.extended.capped) == (NA, NOT, True)
    assert grades(matrix, Resource.GATEWAY_CLASS)[0] is SUP


def test_legacy_feature_aliases(make_run: RunFactory) -> None:
    catalogue = {"HTTPRouteResponseHeaderModifier": (*HTTP, "HTTPResponseHeaderModification")}
    tests = [Record("HTTPRouteResponseHeaderModifier", S, (*HTTP, "HTTPResponseHeaderModification"), False)]
    run = make_run(tests, supported_features=["Gateway", "HTTPRoute", "HTTPResponseHeaderModification"])
    http = row(build_matrix(run, catalogue), Resource.HTTP_ROUTE)
    assert {f.name: f.grade for f in http.extended.features}["HTTPRouteResponseHeaderModification"] is FeatureGrade.PASS


def test_mesh_row_grades_only_mesh_features(make_run: RunFactory) -> None:
    outcomes = {"MeshBasic": S, "MeshHTTPRoute303Redirect": F}
    features = [*SUPPORTED, "Mesh", "HTTPRoute303RedirectStatusCode"]
    matrix = build_matrix(run_with(make_run, outcomes, supported_features=features), CATALOGUE)
    assert grades(matrix, Resource.MESH)[:2] == (SUP, NA)
    assert "HTTPRoute303RedirectStatusCode" not in {f.name for f in row(matrix, Resource.HTTP_ROUTE).extended.features}


def test_interrupted_and_provisional_skipped_tests_are_not_pass_evidence(make_run: RunFactory) -> None:
    run = run_with(make_run, {"HTTPRouteWeight": Outcome.INTERRUPTED, "HTTPRouteSimpleSameNamespace": S})
    http = row(build_matrix(run, CATALOGUE), Resource.HTTP_ROUTE)
    assert {t.name: t.evidence for t in http.core.tests}["HTTPRouteWeight"] is Evidence.INTERRUPTED
    assert http.core.grade is PART
    run = run_with(make_run, {"HTTPRouteWeight": Outcome.PROVISIONAL_SKIPPED})
    http = row(build_matrix(run, CATALOGUE), Resource.HTTP_ROUTE)
    assert {t.name: t.evidence for t in http.core.tests}["HTTPRouteWeight"] is Evidence.NOT_RUN


def test_tests_missing_from_the_catalogue_are_added_and_noted(make_run: RunFactory) -> None:
    run = run_with(make_run)
    run.tests.append(Record("HTTPRouteBrandNew", F, HTTP, False))
    matrix = build_matrix(run, CATALOGUE)
    assert matrix.uncatalogued_tests == ("HTTPRouteBrandNew",)
    assert row(matrix, Resource.HTTP_ROUTE).core.grade is PART
    note = (
        "- note: tests in the run but not in the catalogue (attributed from their recorded features): HTTPRouteBrandNew"
    )
    assert note in matrix_to_markdown(matrix)


class TestImplementationSpecific:
    def test_defaults(self, make_run: RunFactory) -> None:
        matrix = build_matrix(run_with(make_run), CATALOGUE)
        assert row(matrix, Resource.GATEWAY).implementation_specific.grade is NOT
        assert row(matrix, Resource.REFERENCE_GRANT).implementation_specific.grade is NA

    def test_declared_capabilities_are_graded_like_features(self, make_run: RunFactory) -> None:
        run = run_with(make_run)
        run.tests += [Record("AcmeRegex", S, HTTP, False), Record("AcmeExtensionRef", F, HTTP, False)]
        declared: dict[str, dict[str, list[str]]] = {
            "HTTPRoute": {"RegularExpression matches": ["AcmeRegex"]},
            "Gateway": {"parametersRef": []},
        }
        matrix = build_matrix(run, CATALOGUE, implementation_specific=declared)
        assert row(matrix, Resource.HTTP_ROUTE).implementation_specific.grade is SUP
        assert row(matrix, Resource.GATEWAY).implementation_specific.grade is NOT
        declared["HTTPRoute"] = {"RegularExpression matches": ["AcmeRegex"], "ExtensionRef": ["AcmeExtensionRef"]}
        cell = row(build_matrix(run, CATALOGUE, implementation_specific=declared), Resource.HTTP_ROUTE)
        assert cell.implementation_specific.grade is PART

    @pytest.mark.parametrize(
        ("resource", "message"), [("HTTPRoutes", "Did you mean HTTPRoute"), ("ReferenceGrant", "documents no")]
    )
    def test_bad_declarations_are_named(self, resource: str, message: str, make_run: RunFactory) -> None:
        with pytest.raises(ValueError, match=message):
            build_matrix(run_with(make_run), CATALOGUE, implementation_specific={resource: {"x": ["T"]}})


@pytest.mark.parametrize(
    ("resource", "version", "channel", "expected"),
    [
        (Resource.TCP_ROUTE, "v1.6.1", "standard", "v1"),
        (Resource.MESH, "v1.6.1", "experimental", "v1alpha1 (XMesh)"),
        (Resource.MESH, "v1.6.0", "standard", "v1alpha1 (XMesh) (experimental channel)"),
        (Resource.TLS_ROUTE, "v1.4.1", "standard", "v1alpha3 (experimental channel)"),
        (Resource.REFERENCE_GRANT, "v1.3.0", "experimental", "v1beta1"),
        (Resource.LISTENER_SET, "v1.4.0", "experimental", "v1alpha1 (XListenerSet)"),
        (Resource.MESH, "v1.3.0", "experimental", "not in this release"),
        (Resource.GATEWAY, "v1.6.1", "UNDEFINED", "v1"),
        (Resource.TCP_ROUTE, "v1.5.0", "UNDEFINED", "unknown"),
        (Resource.GATEWAY, "UNDEFINED", "standard", "unknown"),
        (Resource.GATEWAY, "v1.7.0", "standard", "unknown"),
    ],
)
def test_api_version(resource: Resource, version: str, channel: str, expected: str) -> None:
    assert api_version(resource, version, channel) == expected


def test_catalogue_from_conformance_tests_and_bad_entries() -> None:
    ported = [
        ConformanceTest("HTTPRouteWeight", "weights", (FeatureName.GATEWAY, FeatureName.HTTP_ROUTE)),
        ConformanceTest("UDPRoute", "udp", (FeatureName.UDP_ROUTE,), provisional=True),
    ]
    catalogue = catalogue_from_tests(ported)
    assert catalogue["UDPRoute"].provisional
    with pytest.raises(ValueError, match=r"HTTPRouteTeleport.*catalogue entry of test X"):
        build_matrix(RunRecord("r", "d"), {"X": ("HTTPRouteTeleport",)})
    with pytest.raises(TypeError, match="list of feature names"):
        build_matrix(RunRecord("r", "d"), {"X": "Gateway"})


def test_json_shape(make_run: RunFactory) -> None:
    data = matrix_to_json(build_matrix(run_with(make_run, {"HTTPRouteWeight": F}), CATALOGUE))
    assert json.loads(json.dumps(data)) == data
    assert data["schemaVersion"] == 1
    http = next(r for r in data["rows"] if r["resource"] == "HTTPRoute")
    assert http["apiVersion"] == "v1"
    assert http["core"]["grade"] == "Partially supported"
    assert {"name": "HTTPRouteWeight", "evidence": "failed", "features": ["Gateway", "HTTPRoute"]} in http["core"][
        "tests"
    ]
    feature = next(f for f in http["extended"]["features"] if f["name"] == "HTTPRouteQueryParamMatching")
    assert feature == {"name": "HTTPRouteQueryParamMatching", "grade": "pass", "tests": ["HTTPRouteQueryParamMatching"]}
    assert set(http) == {
        "resource",
        "apiVersion",
        "core",
        "extended",
        "implementationSpecific",
        "excludedExperimentalFeatures",
        "untestedFeatures",
    }


@pytest.mark.parametrize(
    ("golden", "render"),
    [
        ("acme-v1.6.1-matrix.md", "markdown"),
        ("acme-v1.6.1-matrix.json", "json"),
        ("acme-v1.6.1-report.yaml", "report"),
    ],
)
def test_golden_files_for_a_realistic_run(
    golden: str, render: str, acme_run: RunRecord, catalogue_head: dict[str, Any]
) -> None:
    """Set UPDATE_GOLDEN=1 to rewrite the files after an intended change, then review the diff."""
    catalogue = {name: entry["features"] for name, entry in catalogue_head.items()}
    matrix = build_matrix(acme_run, catalogue)
    text = {
        "markdown": lambda: matrix_to_markdown(matrix),
        "json": lambda: json.dumps(matrix_to_json(matrix), indent=1) + "\n",
        "report": lambda: to_yaml(build_report(acme_run)),
    }[render]()
    path = GOLDEN / golden
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_markdown_notes_explain_caps_exclusions_and_missing_evidence(make_run: RunFactory) -> None:
    outcomes = {"HTTPRouteSimpleSameNamespace": F, "HTTPRouteWeight": K}
    text = matrix_to_markdown(build_matrix(run_with(make_run, outcomes, gateway_api_channel="standard"), CATALOGUE))
    assert "| HTTPRoute | Not supported | Not supported | Not supported | v1 |" in text
    assert (
        "- HTTPRoute core: tests without pass evidence: "
        "HTTPRouteSimpleSameNamespace (failed), HTTPRouteWeight (skipped)" in text
    )
    assert (
        "- HTTPRoute: experimental-channel features excluded for a standard-channel run: "
        "HTTPRouteDestinationPortMatching" in text
    )
    assert "- HTTPRoute extended: Not supported because HTTPRoute core is not supported" in text
    assert "| Mesh | Not supported | N/A | Not supported | v1alpha1 (XMesh) (experimental channel) |" in text

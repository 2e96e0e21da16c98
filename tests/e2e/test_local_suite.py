"""The whole ported suite against the local environment, as ``nox -s conformance`` runs it."""

from __future__ import annotations

import re

import yaml

from conformance.profiles import PROFILES, ProfileName

EXPECTED = {
    "GatewayClassObservedGenerationBump",
    "GatewayObservedGenerationBump",
    "GatewayInvalidRouteKind",
    "GatewayWithAttachedRoutes",
    "HTTPRouteSimpleSameNamespace",
    "HTTPRouteCrossNamespace",
    "HTTPRouteExactPathMatching",
    "HTTPRouteMatching",
    "HTTPRouteMatchingAcrossRoutes",
    "HTTPRouteHeaderMatching",
    "HTTPRouteHostnameIntersection",
    "HTTPRouteListenerHostnameMatching",
    "HTTPRouteReferenceGrant",
    "HTTPRouteInvalidCrossNamespaceBackendRef",
    "HTTPRouteInvalidBackendRefUnknownKind",
    "HTTPRouteInvalidNonExistentBackendRef",
    "HTTPRouteWeight",
    "HTTPRouteRequestHeaderModifier",
    "HTTPRouteResponseHeaderModifier",
    "HTTPRouteBackendRequestHeaderModifier",
    "HTTPRouteRequestHeaderModifierBackendWeights",
    "HTTPRouteRedirectHostAndStatus",
    "HTTPRouteRedirectScheme",
    "HTTPRouteRedirectPath",
    "HTTPRouteRedirectPort",
    "HTTPRoute303Redirect",
    "HTTPRoute307Redirect",
    "HTTPRoute308Redirect",
    "HTTPRouteRewriteHost",
    "HTTPRouteRewritePath",
    "HTTPRouteBackendURLRewrite",
    "HTTPRouteBackendRequestRedirect",
    "HTTPRouteCORS",
    "HTTPRouteTimeoutRequest",
    "HTTPRouteTimeoutBackendRequest",
    "HTTPRouteRetry",
    "HTTPRouteRetryWithTimeouts",
    "HTTPRouteRetryConnectionError",
    "HTTPRouteRequestMirror",
    "HTTPRouteRequestMultipleMirrors",
    "HTTPRouteRequestPercentageMirror",
    "HTTPRouteMethodMatching",
    "HTTPRouteQueryParamMatching",
    "HTTPRouteNamedRule",
    "HTTPRoutePathMatchOrder",
}


def test_every_ported_test_passes_and_the_reports_are_written(run_suite) -> None:  # type: ignore[no-untyped-def]
    run = run_suite()
    assert run.returncode == 0, run.output[-3000:]
    outcomes = run.outcomes
    assert set(outcomes) >= EXPECTED
    results = run.results
    # A test needing a feature the reference gateway does not claim is not run by default (e.g.
    # HTTPRouteDisallowedKind needs TLSRoute); every other test passes.
    claimed = set(results["supported_features"])
    unclaimed = {t["short_name"] for t in results["tests"] if not set(t["features"]) <= claimed}
    assert {name: o for name, o in outcomes.items() if o != "SUCCEEDED"} == dict.fromkeys(unclaimed, "NOT_SUPPORTED")
    assert results["gateway_api_version"] == "v1.6.1"
    assert results["controller_name"] == "gateway-conformance.local/reference-gateway"
    assert results["features_source"] == "inferred"
    report = yaml.safe_load((run.report_dir / "conformance-report.yaml").read_text())
    profile = next(p for p in report["profiles"] if p["name"] == "GATEWAY-HTTP")
    assert profile["core"]["result"] == "success"
    http = PROFILES[ProfileName.GATEWAY_HTTP]
    core = [t for t in results["tests"] if http.covers(t["features"]) and not http.is_extended(t["features"])]
    extended = [t for t in results["tests"] if http.covers(t["features"]) and http.is_extended(t["features"])]
    assert profile["core"]["statistics"]["Passed"] == len(core) > 0
    assert profile["extended"]["statistics"]["Passed"] == len(extended) > 0
    matrix = (run.report_dir / "support-matrix.md").read_text()
    assert "| HTTPRoute | Supported |" in matrix
    for name in EXPECTED:
        # The outcome column is as wide as the longest outcome shown (NOT_SUPPORTED when a test was gated).
        assert re.search(rf"^SUCCEEDED +{name} \(", run.output, re.MULTILINE), f"no result line for {name}"


def test_run_test_and_skip_tests_through_the_real_plugin(run_suite) -> None:  # type: ignore[no-untyped-def]
    run = run_suite("--run-test=HTTPRouteExactPathMatching")
    assert run.returncode == 0, run.output[-3000:]
    outcomes = run.outcomes
    assert outcomes["HTTPRouteExactPathMatching"] == "SUCCEEDED"
    # As upstream, --run-test turns feature inference off, so the others are recorded as not supported.
    assert {o for n, o in outcomes.items() if n != "HTTPRouteExactPathMatching"} == {"NOT_SUPPORTED"}


def test_with_crd_schemas_the_local_api_validates_like_a_cluster(run_suite, crd_dir) -> None:  # type: ignore[no-untyped-def]
    run = run_suite(f"--gateway-api-crds={crd_dir}", "-k", "HTTPRouteMatching or GatewayClassObservedGenerationBump")
    assert run.returncode == 0, run.output[-3000:]
    assert set(run.outcomes.values()) == {"SUCCEEDED"}
    assert run.results["gateway_api_channel"] == "experimental"


def test_simulated_latency_slows_convergence_without_changing_verdicts(run_suite) -> None:  # type: ignore[no-untyped-def]
    run = run_suite(
        "--local-latency=0.4", "--local-jitter=0.1", "-k", "HTTPRouteSimpleSameNamespace or HTTPRouteReferenceGrant"
    )
    assert run.returncode == 0, run.output[-3000:]
    tests = {t["short_name"]: t for t in run.results["tests"]}
    assert {t["outcome"] for t in tests.values()} == {"SUCCEEDED"}
    # The route is only accepted after the simulated delay: each test waits for at least one change.
    assert tests["HTTPRouteSimpleSameNamespace"]["duration"] >= 0.4
    # Deleting the ReferenceGrant takes effect only after a further delay, and the test still converges.
    assert tests["HTTPRouteReferenceGrant"]["duration"] >= 0.8

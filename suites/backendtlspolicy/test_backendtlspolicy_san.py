"""Port of conformance/tests/backendtlspolicy-san.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import (
    Condition,
    ConformanceTest,
    ExpectedResponse,
    FeatureName,
    GatewayRef,
    NamespacedName,
    Request,
    Response,
)
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="BackendTLSPolicySANValidation",
    description=(
        "BackendTLSPolicy subjectAltNames (Hostname, URI, or both) decide whether the backend certificate is "
        "accepted: requests succeed when it carries one of them and fail when it carries none"
    ),
    features=(
        FeatureName.GATEWAY,
        FeatureName.HTTP_ROUTE,
        FeatureName.BACKEND_TLS_POLICY,
        FeatureName.BACKEND_TLS_POLICY_SAN_VALIDATION,
    ),
    manifests=("backendtlspolicy-san.yaml",),
    parallel=True,
)

# (policy, request path, should succeed)
CASES = (
    ("san-dns", "/backendtlspolicy-san-dns", True),
    ("san-dns-mismatch", "/backendtlspolicy-san-dns-mismatch", False),
    ("san-uri", "/backendtlspolicy-san-uri", True),
    ("san-uri-mismatch", "/backendtlspolicy-san-uri-mismatch", False),
    ("multiple-sans", "/backendtlspolicy-multiple-sans", True),
    ("multiple-mismatch-sans", "/backendtlspolicy-multiple-mismatch-sans", False),
)


def test_backendtlspolicy_san(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "backendtlspolicy-san-test")
    kube.namespaces_must_be_ready([INFRA_NS])
    address = kube.gateway_and_routes_must_be_accepted_and_resolved(
        GatewayRef(SAME_NAMESPACE_GATEWAY), [route], use_port=False
    )
    accepted = Condition("Accepted", "True", "Accepted")

    for name, path, succeeds in CASES:
        outcome = "should succeed" if succeeds else "should return an HTTP error"
        with subtests.test(msg=f"request to the Service of policy {name} {outcome}"):
            policy = NamespacedName(INFRA_NS, name)
            kube.backend_tls_policy_must_have_condition(policy, SAME_NAMESPACE_GATEWAY, accepted)
            request = Request(host="abc.example.com", path=path, sni="abc.example.com")
            if succeeds:
                expected = ExpectedResponse(request=request, response=Response(status_codes=(200,)), namespace=INFRA_NS)
                http.expect_eventually_consistent_response(address, expected)
            else:
                http.expect_failure(address, request)

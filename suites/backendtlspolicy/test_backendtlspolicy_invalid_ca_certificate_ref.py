"""Port of conformance/tests/backendtlspolicy-invalid-ca-certificate-ref.go (gateway-api v1.6.1)."""

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
    short_name="BackendTLSPolicyInvalidCACertificateRef",
    description=(
        "A BackendTLSPolicy whose only CA reference is a missing ConfigMap or one without ca.crt is "
        "Accepted=False/NoValidCACertificate and ResolvedRefs=False/InvalidCACertificateRef; its backend gets a 5xx"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.BACKEND_TLS_POLICY),
    manifests=("backendtlspolicy-invalid-ca-certificate-ref.yaml",),
    parallel=True,
)

POLICIES = ("nonexistent-ca-certificate-ref", "malformed-ca-certificate-ref")


def test_backendtlspolicy_invalid_ca_certificate_ref(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "backendtlspolicy-invalid-ca-certificate-ref")
    kube.namespaces_must_be_ready([INFRA_NS])
    address = kube.gateway_and_routes_must_be_accepted(GatewayRef(SAME_NAMESPACE_GATEWAY), [route], use_port=False)
    for name in POLICIES:
        policy = NamespacedName(INFRA_NS, name)
        with subtests.test(msg=f"{name}: Accepted=False/NoValidCACertificate"):
            no_valid_ca = Condition("Accepted", "False", "NoValidCACertificate")
            kube.backend_tls_policy_must_have_condition(policy, SAME_NAMESPACE_GATEWAY, no_valid_ca)
        with subtests.test(msg=f"{name}: ResolvedRefs=False/InvalidCACertificateRef"):
            unresolved = Condition("ResolvedRefs", "False", "InvalidCACertificateRef")
            kube.backend_tls_policy_must_have_condition(policy, SAME_NAMESPACE_GATEWAY, unresolved)
        with subtests.test(msg=f"{name}: requests to its backend get a 5xx"):
            http.expect_eventually_consistent_response(
                address,
                ExpectedResponse(
                    request=Request(host="abc.example.com", path=f"/backendtlspolicy-{name}"),
                    response=Response(status_codes=(500, 502, 503)),
                    namespace=INFRA_NS,
                ),
            )

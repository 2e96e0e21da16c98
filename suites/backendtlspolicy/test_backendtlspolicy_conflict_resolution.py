"""Port of conformance/tests/backendtlspolicy-conflict-resolution.go (gateway-api v1.6.1)."""

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
    short_name="BackendTLSPolicyConflictResolution",
    description=(
        "Of two BackendTLSPolicies selecting the same Service (and sectionName) the older wins and the other is "
        "Accepted=False/Conflicted; a port-specific and a whole-Service policy do not conflict; traffic follows "
        "the winner"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.BACKEND_TLS_POLICY),
    manifests=("backendtlspolicy-conflict-resolution.yaml",),
    parallel=True,
)

ACCEPTED = Condition("Accepted", "True", "Accepted")
CONFLICTED = Condition("Accepted", "False", "Conflicted")


def test_backendtlspolicy_conflict_resolution(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "backendtlspolicy-conflict-resolution")
    gateway = SAME_NAMESPACE_GATEWAY
    kube.namespaces_must_be_ready([INFRA_NS])
    address = kube.gateway_and_routes_must_be_accepted_and_resolved(GatewayRef(gateway), [route], use_port=False)

    def policy_has(name: str, condition: Condition) -> None:
        kube.backend_tls_policy_must_have_condition(NamespacedName(INFRA_NS, name), gateway, condition)

    def served(path: str, sni: str) -> None:
        http.expect_eventually_consistent_response(
            address,
            ExpectedResponse(
                request=Request(host="abc.example.com", path=path, sni=sni),
                response=Response(status_code=200),
                namespace=INFRA_NS,
            ),
        )

    for section in ("without", "with"):
        with subtests.test(msg=f"conflicting policies {section} a section name: the first wins"):
            policy_has(f"conflicted-{section}-section-name-1", ACCEPTED)
            policy_has(f"conflicted-{section}-section-name-2", CONFLICTED)
            served(f"/backendtlspolicy-conflicted-{section}-section-name", "other.example.com")

    with subtests.test(msg="a port-specific and a whole-Service policy on one Service are both accepted"):
        policy_has("not-conflicted-with-section-name", ACCEPTED)
        policy_has("not-conflicted-without-section-name", ACCEPTED)
        served("/backendtlspolicy-not-conflicted-with-section-name", "other.example.com")
        served("/backendtlspolicy-not-conflicted-without-section-name", "abc.example.com")

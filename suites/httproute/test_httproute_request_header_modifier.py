"""Port of conformance/tests/httproute-request-header-modifier.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, FeatureName, NamespacedName
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_NS, SAME_NAMESPACE_GATEWAY
from conformance.steps.header_modifier import REQUEST_HEADER_MODIFIER_CASES

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteRequestHeaderModifier",
    description=(
        "A rule's RequestHeaderModifier sets, appends and removes request headers, several at once, "
        "matching header names without regard to letter case"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE),
    manifests=("httproute-request-header-modifier.yaml",),
)


CASES = REQUEST_HEADER_MODIFIER_CASES


def test_httproute_request_header_modifier(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "request-header-modifier")
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [route])

    http.expect_each(gateway_address, CASES, subtests)

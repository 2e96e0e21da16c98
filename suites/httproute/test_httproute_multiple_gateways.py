"""Port of conformance/tests/httproute-multiple-gateways.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, ExpectedResponse, FeatureName, NamespacedName, Request, Response
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import (
    ALL_NAMESPACES_GATEWAY,
    INFRA_BACKEND_V1,
    INFRA_BACKEND_V2,
    INFRA_BACKEND_V3,
    INFRA_NS,
    SAME_NAMESPACE_GATEWAY,
)

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteMultipleGateways",
    description=(
        "A route attached to two Gateways serves on both, while a route attached to one Gateway serves only there"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE),
    manifests=("httproute-multiple-gateways.yaml",),
)

SHARED = NamespacedName(INFRA_NS, "multiple-gateways-shared-route")
#: Gateway -> (its dedicated route, the backend that route sends to)
DEDICATED = {
    SAME_NAMESPACE_GATEWAY: ("same-namespace-dedicated-route", INFRA_BACKEND_V2),
    ALL_NAMESPACES_GATEWAY: ("all-namespaces-dedicated-route", INFRA_BACKEND_V3),
}


def _to(path: str, backend: str) -> ExpectedResponse:
    return ExpectedResponse(
        request=Request(path=path), response=Response(status_code=200), backend=backend, namespace=INFRA_NS
    )


def test_httproute_multiple_gateways(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    for gateway, (route_name, backend) in DEDICATED.items():
        with subtests.test(msg=f"Gateway {gateway.name}"):
            address = kube.gateway_and_routes_must_be_accepted(gateway, [SHARED, NamespacedName(INFRA_NS, route_name)])
            with subtests.test(msg="the shared route goes to infra-backend-v1"):
                http.expect_eventually_consistent_response(address, _to("/shared", INFRA_BACKEND_V1))
            with subtests.test(msg=f"the dedicated route goes to {backend}"):
                http.expect_eventually_consistent_response(address, _to("/", backend))

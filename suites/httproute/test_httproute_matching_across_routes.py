"""Port of conformance/tests/httproute-matching-across-routes.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, ExpectedResponse, FeatureName, NamespacedName, Request
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V1, INFRA_BACKEND_V2, INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteMatchingAcrossRoutes",
    description=(
        "Matches of two HTTPRoutes on one Gateway combine with the usual precedence, "
        "each only for the hostnames its own route lists"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE),
    manifests=("httproute-matching-across-routes.yaml",),
)


def _to(backend: str, host: str, path: str, **headers: str) -> ExpectedResponse:
    return ExpectedResponse(request=Request(host=host, path=path, headers=headers), backend=backend, namespace=INFRA_NS)


CASES = (
    _to(INFRA_BACKEND_V1, "example.com", "/"),
    _to(INFRA_BACKEND_V1, "example.com", "/example"),
    _to(INFRA_BACKEND_V1, "example.net", "/example"),
    _to(INFRA_BACKEND_V1, "example.com", "/example", Version="one"),
    _to(INFRA_BACKEND_V2, "example.com", "/v2"),
    _to(INFRA_BACKEND_V1, "example.net", "/v2"),  # the /v2 route does not serve example.net
    _to(INFRA_BACKEND_V2, "example.com", "/v2/example"),
    _to(INFRA_BACKEND_V2, "example.com", "/", Version="two"),
)


def test_httproute_matching_across_routes(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    routes = [NamespacedName(INFRA_NS, "matching-part1"), NamespacedName(INFRA_NS, "matching-part2")]
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, routes)

    http.expect_each(gateway_address, CASES, subtests)

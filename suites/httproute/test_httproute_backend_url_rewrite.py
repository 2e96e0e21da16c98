"""Port of conformance/tests/httproute-backend-url-rewrite.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, ExpectedRequest, ExpectedResponse, FeatureName, NamespacedName, Request
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V1, INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteBackendURLRewrite",
    description="URLRewrite filters on a backendRef replace the full path or the matched prefix of requests sent to it",
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.HTTP_ROUTE_BACKEND_URL_REWRITE),
    manifests=("httproute-backend-url-rewrite.yaml",),
)


def _rewrite(path: str, seen: str) -> ExpectedResponse:
    return ExpectedResponse(
        request=Request(path=path),
        expected_request=ExpectedRequest(path=seen),
        backend=INFRA_BACKEND_V1,
        namespace=INFRA_NS,
    )


CASES = (
    _rewrite("/full/original", "/rewritten-full"),
    _rewrite("/prefix/original", "/rewritten-prefix/original"),
)


def test_httproute_backend_url_rewrite(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "backend-url-rewrite")
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [route])

    http.expect_each(gateway_address, CASES, subtests)

"""Port of conformance/tests/httproute-timeout-request.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, ExpectedResponse, FeatureName, NamespacedName, Request, Response
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteTimeoutRequest",
    description="A 500 ms request timeout answers 504 for a backend that takes a second; a zero timeout disables it",
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.HTTP_ROUTE_REQUEST_TIMEOUT),
    manifests=("httproute-timeout-request.yaml",),
)


def _answer(path: str, status: int) -> ExpectedResponse:
    return ExpectedResponse(request=Request(path=path), response=Response(status_code=status), namespace=INFRA_NS)


# The echo backend waits ?delay= before answering; 408 also counts as a timeout answer.
CASES = (
    _answer("/request-timeout", 200),
    _answer("/request-timeout?delay=1s", 504),
    _answer("/disable-request-timeout?delay=1s", 200),
)


def test_httproute_timeout_request(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "request-timeout")
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [route])

    http.expect_each(gateway_address, CASES, subtests)

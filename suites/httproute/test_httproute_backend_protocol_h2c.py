"""Port of conformance/tests/httproute-backend-protocol-h2c.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, ExpectedResponse, FeatureName, NamespacedName, Request, Response
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V1, INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteBackendProtocolH2C",
    description=(
        "A backendRef to a Service port with appProtocol kubernetes.io/h2c carries an HTTP/2 prior-knowledge "
        "request from the client to the backend's h2c server"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.HTTP_ROUTE_BACKEND_PROTOCOL_H2C),
    manifests=("httproute-backend-protocol-h2c.yaml",),
)


def test_httproute_backend_protocol_h2c(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "backend-protocol-h2c")
    address = kube.gateway_and_routes_must_be_accepted(SAME_NAMESPACE_GATEWAY, [route])
    # (Upgrading to h2c from HTTP/1.1 is deprecated and not tested, as upstream.)
    with subtests.test(msg="http2 prior knowledge request should reach backend"):
        http.expect_eventually_consistent_response(
            address,
            ExpectedResponse(
                request=Request(path="/", protocol="H2C_PRIOR_KNOWLEDGE"),
                response=Response(status_code=200),
                backend=INFRA_BACKEND_V1,
                namespace=INFRA_NS,
            ),
        )

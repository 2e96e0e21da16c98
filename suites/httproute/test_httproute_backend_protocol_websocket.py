"""Port of conformance/tests/httproute-backend-protocol-websocket.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, FeatureName, NamespacedName
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteBackendProtocolWebSocket",
    description=(
        "A backendRef to a Service port with appProtocol kubernetes.io/ws carries a WebSocket session: "
        "a text and a binary message come back unchanged"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.HTTP_ROUTE_BACKEND_PROTOCOL_WEBSOCKET),
    manifests=("httproute-backend-protocol-websocket.yaml",),
)


def test_httproute_backend_protocol_websocket(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "backend-protocol-ws")
    address = kube.gateway_and_routes_must_be_accepted(SAME_NAMESPACE_GATEWAY, [route])
    with subtests.test(msg="websocket connection should reach backend"):
        http.expect_websocket_echo(address, path="/ws", origin=f"ws://gateway/{CONFORMANCE.short_name}")

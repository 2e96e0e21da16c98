"""Port of conformance/tests/httproute-listener-port-matching.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, ExpectedResponse, FeatureName, GatewayRef, NamespacedName, Request, Response
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V1, INFRA_BACKEND_V2, INFRA_BACKEND_V3, INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteListenerPortMatching",
    description=(
        "Routes bound to a Gateway by parentRef port (80, 8080, and 8090 with a sectionName) are served only "
        "on the listeners of that port; the Host header carries the port"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.HTTP_ROUTE_PARENT_REF_PORT),
    manifests=("httproute-listener-port-matching.yaml",),
)

GATEWAY = NamespacedName(INFRA_NS, "httproute-listener-port-matching")
#: route -> the listener whose port the test sends to
ROUTES = {"backend-v1": "listener-1", "backend-v2": "listener-2", "backend-v3": "listener-4"}


def _to(host: str, backend: str) -> ExpectedResponse:
    return ExpectedResponse(request=Request(host=host, path="/"), backend=backend, namespace=INFRA_NS)


CASES = (
    _to("foo.com", INFRA_BACKEND_V1),
    _to("foo.com:8080", INFRA_BACKEND_V2),
    _to("bar.com:8080", INFRA_BACKEND_V2),
    _to("foo.com:8090", INFRA_BACKEND_V3),
    ExpectedResponse(request=Request(host="bar.com:8090", path="/"), response=Response(status_code=404)),
)


def test_httproute_listener_port_matching(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    kube.namespaces_must_be_ready([INFRA_NS])
    addresses: dict[str, str] = {}
    for route_name, listener in ROUTES.items():
        route = NamespacedName(INFRA_NS, route_name)
        address = kube.gateway_and_routes_must_be_accepted_and_resolved(GatewayRef(GATEWAY, (listener,)), [route])
        addresses[listener] = address
    by_port = {"8080": addresses["listener-2"], "8090": addresses["listener-4"]}

    for i, case in enumerate(CASES):
        with subtests.test(msg=case.case_name(i)):
            _, _, port = case.request.host.partition(":")
            http.expect_eventually_consistent_response(by_port.get(port, addresses["listener-1"]), case)

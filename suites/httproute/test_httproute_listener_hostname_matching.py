"""Port of conformance/tests/httproute-listener-hostname-matching.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, ExpectedResponse, FeatureName, GatewayRef, NamespacedName, Request, Response
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V1, INFRA_BACKEND_V2, INFRA_BACKEND_V3, INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteListenerHostnameMatching",
    description=(
        "HTTP listeners sharing a port but not a hostname each serve their own route, "
        "and a request goes to the most specific listener its Host matches"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE),
    manifests=("httproute-listener-hostname-matching.yaml",),
)

GATEWAY_NAME = "httproute-listener-hostname-matching"


def _to(backend: str, host: str) -> ExpectedResponse:
    return ExpectedResponse(request=Request(host=host, path="/"), backend=backend, namespace=INFRA_NS)


def _not_found(host: str) -> ExpectedResponse:
    return ExpectedResponse(request=Request(host=host, path="/"), response=Response(status_code=404))


CASES = (
    _to(INFRA_BACKEND_V1, "bar.com"),
    _to(INFRA_BACKEND_V2, "foo.bar.com"),
    _to(INFRA_BACKEND_V3, "baz.bar.com"),
    _to(INFRA_BACKEND_V3, "boo.bar.com"),
    _to(INFRA_BACKEND_V3, "multiple.prefixes.bar.com"),
    _to(INFRA_BACKEND_V3, "multiple.prefixes.foo.com"),
    _not_found("foo.com"),
    _not_found("no.matching.host"),
)


def test_httproute_listener_hostname_matching(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    # The bundle adds a Gateway to the infra namespace: wait for it like for the base ones.
    kube.namespaces_must_be_ready([INFRA_NS])

    gateway = NamespacedName(INFRA_NS, GATEWAY_NAME)
    route_v1 = NamespacedName(INFRA_NS, "backend-v1")
    route_v2 = NamespacedName(INFRA_NS, "backend-v2")
    route_v3 = NamespacedName(INFRA_NS, "backend-v3")

    kube.gateway_and_routes_must_be_accepted(GatewayRef.of(INFRA_NS, GATEWAY_NAME, "listener-1"), [route_v1])
    kube.route_must_have_resolved_refs_true(route_v1, gateway)

    kube.gateway_and_routes_must_be_accepted(GatewayRef.of(INFRA_NS, GATEWAY_NAME, "listener-2"), [route_v2])
    kube.route_must_have_resolved_refs_true(route_v2, gateway)

    gateway_address = kube.gateway_and_routes_must_be_accepted(
        GatewayRef.of(INFRA_NS, GATEWAY_NAME, "listener-3", "listener-4"), [route_v3]
    )
    kube.route_must_have_resolved_refs_true(route_v3, gateway)

    http.expect_each(gateway_address, CASES, subtests)

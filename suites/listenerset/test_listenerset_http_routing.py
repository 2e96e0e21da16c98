"""Port of conformance/tests/listenerset-http-routing.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import (
    Condition,
    ConformanceTest,
    ExpectedListener,
    ExpectedResponse,
    FeatureName,
    GatewayRef,
    NamespacedName,
    Request,
    Response,
    SupportedKind,
)
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V1, INFRA_BACKEND_V2, INFRA_BACKEND_V3, INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="ListenerSetHTTPRouting",
    description=(
        "Routes follow their parentRefs across a Gateway and two ListenerSets: a Gateway parentRef serves only "
        "the Gateway's listeners, a ListenerSet parentRef only that set's, a sectionName one listener, and a "
        "route naming all three parents every hostname"
    ),
    features=(FeatureName.GATEWAY, FeatureName.LISTENER_SET, FeatureName.HTTP_ROUTE),
    manifests=("listenerset-http-routing.yaml",),
    parallel=True,
)

GATEWAY = GatewayRef.of(INFRA_NS, "gateway-with-listener-sets-http-routing", "gateway-listener")
SET_1 = GatewayRef.of(INFRA_NS, "listener-set-http-routing-1")
SET_2 = GatewayRef.of(INFRA_NS, "listener-set-http-routing-2")
READY = (Condition("ResolvedRefs"), Condition("Accepted"), Condition("Programmed"))
HTTP_ROUTE_KIND = (SupportedKind("HTTPRoute"),)

GATEWAY_HOSTS = ("gateway-listener-1.com", "gateway-listener-2.com")
SET_1_HOSTS = ("listener-set-http-routing-1-listener-1.com", "listener-set-http-routing-1-listener-2.com")
SET_2_HOSTS = ("listener-set-http-routing-2-listener-1.com", "listener-set-http-routing-2-listener-2.com")
ALL_HOSTS = GATEWAY_HOSTS + SET_1_HOSTS + SET_2_HOSTS

#: path -> (backend, the hostnames it is served on); every other hostname must answer 404.
SERVED = {
    "/route": (INFRA_BACKEND_V1, ALL_HOSTS),
    "/gateway-route": (INFRA_BACKEND_V2, GATEWAY_HOSTS),
    "/gateway-section-route": (INFRA_BACKEND_V3, GATEWAY_HOSTS[:1]),
    "/listener-set-http-routing-1-route": (INFRA_BACKEND_V2, SET_1_HOSTS),
    "/listener-set-http-routing-1-section-route": (INFRA_BACKEND_V3, SET_1_HOSTS[:1]),
    "/listener-set-http-routing-2-route": (INFRA_BACKEND_V2, SET_2_HOSTS),
}


def _cases() -> list[ExpectedResponse]:
    cases = []
    for path, (backend, hosts) in SERVED.items():
        for host in ALL_HOSTS:
            request = Request(host=host, path=path)
            if host in hosts:
                cases.append(ExpectedResponse(request=request, backend=backend, namespace=INFRA_NS))
            else:
                cases.append(ExpectedResponse(request=request, response=Response(status_code=404)))
    return cases


def _routes(*names: str) -> list[NamespacedName]:
    return [NamespacedName(INFRA_NS, name) for name in names]


def test_listenerset_http_routing(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    kube.namespaces_must_be_ready([INFRA_NS])
    address = kube.gateway_and_routes_must_be_accepted(
        GATEWAY, _routes("attaches-to-all-listeners", "gateway-route", "gateway-section-route")
    )
    kube.gateway_must_have_attached_listener_sets(GATEWAY.nn, 2)

    kube.routes_and_parent_must_be_accepted(
        SET_1,
        _routes(
            "attaches-to-all-listeners",
            "listener-set-http-routing-1-route",
            "listener-set-http-routing-1-section-route",
        ),
        parent_kind="ListenerSet",
    )
    kube.listener_set_status_must_have_listeners(
        SET_1.nn,
        [
            ExpectedListener("listener-set-http-routing-1-listener-1", 3, HTTP_ROUTE_KIND, READY),
            ExpectedListener("listener-set-http-routing-1-listener-2", 2, HTTP_ROUTE_KIND, READY),
        ],
    )
    kube.routes_and_parent_must_be_accepted(
        SET_2, _routes("attaches-to-all-listeners", "listener-set-http-routing-2-route"), parent_kind="ListenerSet"
    )
    kube.listener_set_status_must_have_listeners(
        SET_2.nn,
        [
            ExpectedListener("listener-set-http-routing-2-listener-1", 2, HTTP_ROUTE_KIND, READY),
            ExpectedListener("listener-set-http-routing-2-listener-2", 2, HTTP_ROUTE_KIND, READY),
        ],
    )

    http.expect_each(address, _cases(), subtests)

"""Port of conformance/tests/listenerset-allowed-routes-namespaces.go (gateway-api v1.6.1)."""

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
    short_name="ListenerSetAllowedRoutesNamespaces",
    description=(
        "allowedRoutes.namespaces on ListenerSet listeners (All, Same, Selector) decide which routes attach "
        "and serve traffic; Same means the ListenerSet's own namespace, not the Gateway's"
    ),
    features=(FeatureName.GATEWAY, FeatureName.LISTENER_SET, FeatureName.HTTP_ROUTE, FeatureName.REFERENCE_GRANT),
    manifests=("listenerset-allowed-routes-namespaces.yaml",),
    parallel=True,
)

GATEWAY = GatewayRef.of(INFRA_NS, "gateway-with-listener-sets-test-allowed-routes", "gateway-listener")
SAME_NS_SET = GatewayRef.of(INFRA_NS, "listenerset-test-allowed-routes-namespaces")
CROSS_NS = "gateway-api-ls-cross-ns"
CROSS_NS_SET = GatewayRef.of(CROSS_NS, "listenerset-test-allowed-routes-cross-ns")
READY = (Condition("ResolvedRefs"), Condition("Accepted"), Condition("Programmed"))
HTTP_ROUTE_KIND = (SupportedKind("HTTPRoute"),)

ALL_HOST = "listener-set-listener-allowed-routes-all.com"
SAME_HOST = "listener-set-listener-allowed-routes-same.com"
SELECTOR_HOST = "listener-set-listener-allowed-routes-selector.com"
CROSS_HOST = "listener-set-listener-allowed-routes-cross-ns-same.com"


def _to(host: str, path: str, backend: str) -> ExpectedResponse:
    return ExpectedResponse(request=Request(host=host, path=path), backend=backend, namespace=INFRA_NS)


def _missing(host: str, path: str) -> ExpectedResponse:
    return ExpectedResponse(request=Request(host=host, path=path), response=Response(status_code=404))


SAME_NS_CASES = (
    _to(ALL_HOST, "/route-in-same-namespace", INFRA_BACKEND_V1),
    _to(ALL_HOST, "/route-in-selected-namespace", INFRA_BACKEND_V2),
    _to(ALL_HOST, "/route-not-in-selected-namespace", INFRA_BACKEND_V3),
    _to(SAME_HOST, "/route-in-same-namespace", INFRA_BACKEND_V1),
    _missing(SAME_HOST, "/route-in-selected-namespace"),
    _missing(SAME_HOST, "/route-not-in-selected-namespace"),
    _missing(SELECTOR_HOST, "/route-in-same-namespace"),
    _to(SELECTOR_HOST, "/route-in-selected-namespace", INFRA_BACKEND_V2),
    _missing(SELECTOR_HOST, "/route-not-in-selected-namespace"),
)
CROSS_NS_CASES = (
    _to(CROSS_HOST, "/route-in-listenerset-namespace", INFRA_BACKEND_V1),
    _missing(CROSS_HOST, "/route-in-gateway-namespace"),
)


def test_listenerset_allowed_routes_namespaces(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    kube.namespaces_must_be_ready([INFRA_NS])
    address = kube.wait_for_gateway_address(GATEWAY)
    kube.gateway_must_have_condition(GATEWAY.nn, Condition("Accepted", "True"))
    kube.gateway_must_have_attached_listener_sets(GATEWAY.nn, 2)

    with subtests.test(msg="ListenerSet in the Gateway's namespace"):
        routes = [
            NamespacedName(INFRA_NS, "route-in-same-namespace"),
            NamespacedName("gateway-api-routes-allowed-ns", "route-in-selected-namespace"),
            NamespacedName("gateway-api-routes-not-allowed-ns", "route-not-in-selected-namespace"),
        ]
        kube.routes_and_parent_must_be_accepted(SAME_NS_SET, routes, parent_kind="ListenerSet")
        kube.listener_set_status_must_have_listeners(
            SAME_NS_SET.nn,
            [
                # All three routes attach to the All listener, one each to Same and Selector.
                ExpectedListener("listener-set-listener-allowed-routes-all", 3, HTTP_ROUTE_KIND, READY),
                ExpectedListener("listener-set-listener-allowed-routes-same", 1, HTTP_ROUTE_KIND, READY),
                ExpectedListener("listener-set-listener-allowed-routes-selector", 1, HTTP_ROUTE_KIND, READY),
            ],
        )
        http.expect_each(address, SAME_NS_CASES, subtests)

    with subtests.test(msg="ListenerSet in another namespace"):
        route_beside_set = NamespacedName(CROSS_NS, "route-in-listenerset-namespace")
        kube.routes_and_parent_must_be_accepted(CROSS_NS_SET, [route_beside_set], parent_kind="ListenerSet")
        kube.route_must_have_condition(
            NamespacedName(INFRA_NS, "route-in-gateway-namespace"),
            CROSS_NS_SET.nn,
            Condition("Accepted", "False", "NotAllowedByListeners"),
        )
        kube.listener_set_status_must_have_listeners(
            CROSS_NS_SET.nn,
            [ExpectedListener("listener-set-listener-allowed-routes-cross-ns-same", 1, HTTP_ROUTE_KIND, READY)],
        )
        http.expect_each(address, CROSS_NS_CASES, subtests)

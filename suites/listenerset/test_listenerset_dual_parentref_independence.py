"""Port of conformance/tests/listenerset-dual-parentref-independence.go (gateway-api v1.6.1)."""

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
from conformance.infra import INFRA_BACKEND_V1, INFRA_BACKEND_V2, INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="ListenerSetDualParentRefIndependence",
    description=(
        "A route naming both a Gateway and its ListenerSet gets one independent verdict per parentRef: a "
        "Gateway parentRef whose sectionName only exists on the ListenerSet is NoMatchingParent while the "
        "ListenerSet parentRef is accepted"
    ),
    features=(FeatureName.GATEWAY, FeatureName.LISTENER_SET, FeatureName.HTTP_ROUTE),
    manifests=("listenerset-dual-parentref-independence.yaml",),
)

GATEWAY = GatewayRef.of(INFRA_NS, "gateway-dual-parentref", "gw-dual-parentref-listener")
LISTENER_SET = GatewayRef.of(INFRA_NS, "ls-dual-parentref")
READY = (Condition("ResolvedRefs"), Condition("Accepted"), Condition("Programmed"))


def _to(host: str, path: str, backend: str) -> ExpectedResponse:
    return ExpectedResponse(request=Request(host=host, path=path), backend=backend, namespace=INFRA_NS)


def test_listenerset_dual_parentref_independence(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    kube.namespaces_must_be_ready([INFRA_NS])
    address = kube.wait_for_gateway_address(GATEWAY)
    kube.gateway_must_have_condition(GATEWAY.nn, Condition("Accepted", "True"))
    kube.gateway_must_have_attached_listener_sets(GATEWAY.nn, 1)
    kube.listener_set_status_must_have_listeners(
        LISTENER_SET.nn,
        [ExpectedListener("ls-dual-parentref-listener", 2, (SupportedKind("HTTPRoute"),), READY)],
    )

    with subtests.test(msg="both parentRefs are accepted"):
        route = NamespacedName(INFRA_NS, "route-dual-parentref-both")
        kube.route_must_have_condition(route, GATEWAY.nn, Condition("Accepted", "True"))
        kube.route_must_have_condition(route, LISTENER_SET.nn, Condition("Accepted", "True"))
        cases = (_to("gw-dual.com", "/dualboth", INFRA_BACKEND_V1), _to("ls-dual.com", "/dualboth", INFRA_BACKEND_V1))
        http.expect_each(address, cases, subtests)

    with subtests.test(msg="only the ListenerSet parentRef is accepted"):
        route = NamespacedName(INFRA_NS, "route-dual-parentref-one")
        kube.route_must_have_condition(route, GATEWAY.nn, Condition("Accepted", "False", "NoMatchingParent"))
        kube.route_must_have_condition(route, LISTENER_SET.nn, Condition("Accepted", "True"))
        kube.routes_and_parent_must_be_accepted(LISTENER_SET, [route], parent_kind="ListenerSet")
        cases = (
            _to("ls-dual.com", "/dualone", INFRA_BACKEND_V2),
            ExpectedResponse(request=Request(host="gw-dual.com", path="/dualone"), response=Response(status_code=404)),
        )
        http.expect_each(address, cases, subtests)

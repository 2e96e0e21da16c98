"""Port of conformance/tests/listenerset-route-status-scoped-to-parentref.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import (
    Condition,
    ConformanceTest,
    ExpectedListener,
    ExpectedParent,
    FeatureName,
    GatewayRef,
    NamespacedName,
    SupportedKind,
)
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="ListenerSetRouteStatusScopedToParentRef",
    description=(
        "A route's status entry names the parent it declared: group, kind Gateway or ListenerSet, namespace "
        "and name, with this controller's name and Accepted True"
    ),
    features=(FeatureName.GATEWAY, FeatureName.LISTENER_SET, FeatureName.HTTP_ROUTE),
    manifests=("listenerset-route-status-scoped-to-parentref.yaml",),
)

GATEWAY = NamespacedName(INFRA_NS, "gateway-parentref")
LISTENER_SET = GatewayRef.of(INFRA_NS, "listenerset-parentref")
READY = (Condition("ResolvedRefs"), Condition("Accepted"), Condition("Programmed"))


def test_listenerset_route_status_scoped_to_parentref(kube: Kube, subtests: pytest.Subtests) -> None:
    kube.namespaces_must_be_ready([INFRA_NS])
    kube.gateway_must_have_condition(GATEWAY, Condition("Accepted", "True"))
    kube.gateway_must_have_attached_listener_sets(GATEWAY, 1)
    kube.listener_set_status_must_have_listeners(
        LISTENER_SET.nn,
        [ExpectedListener("listenerset-parentref-listener", 1, (SupportedKind("HTTPRoute"),), READY)],
    )

    with subtests.test(msg="a route naming only the Gateway"):
        route = NamespacedName(INFRA_NS, "route-parentref-gwonly")
        kube.route_must_have_condition(route, GATEWAY, Condition("Accepted", "True"))
        kube.route_must_have_parents(
            route,
            [
                ExpectedParent(
                    name=GATEWAY.name,
                    namespace=INFRA_NS,
                    controller_name=kube.controller_name,
                    conditions=(Condition("Accepted", "True"),),
                    kind="Gateway",
                )
            ],
            namespace_required=True,
        )

    with subtests.test(msg="a route naming only the ListenerSet"):
        route = NamespacedName(INFRA_NS, "route-parentref-lsonly")
        kube.routes_and_parent_must_be_accepted(LISTENER_SET, [route], parent_kind="ListenerSet")
        kube.route_must_have_parents(
            route,
            [
                ExpectedParent(
                    name=LISTENER_SET.nn.name,
                    namespace=INFRA_NS,
                    controller_name=kube.controller_name,
                    conditions=(Condition("Accepted", "True"),),
                    kind="ListenerSet",
                )
            ],
            namespace_required=True,
        )

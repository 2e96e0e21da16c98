"""Port of conformance/tests/gateway-with-attached-routes.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import Condition, ConformanceTest, ExpectedListener, FeatureName, NamespacedName, SupportedKind
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="GatewayWithAttachedRoutes",
    description=(
        "A listener's attachedRoutes counts the routes it accepted (a route rejected for its hostname is left out), "
        "even when the listener itself has an unresolved certificate"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE),
    manifests=("gateway-with-attached-routes.yaml",),
)

HTTP_ROUTE_KIND = (SupportedKind("HTTPRoute"),)
LISTENER_OK = (Condition("Accepted", "True"), Condition("ResolvedRefs", "True"))
LISTENER_UNRESOLVED = (Condition("Programmed", "False"), Condition("ResolvedRefs", "False"))


def test_gateway_with_attached_routes(kube: Kube, subtests: pytest.Subtests) -> None:
    with subtests.test(msg="one accepted route is counted"):
        kube.gateway_status_must_have_listeners(
            NamespacedName(INFRA_NS, "gateway-with-one-attached-route"),
            [ExpectedListener("http", attached_routes=1, supported_kinds=HTTP_ROUTE_KIND, conditions=LISTENER_OK)],
        )

    with subtests.test(msg="two accepted routes are counted, the hostname mismatch is not"):
        gateway = NamespacedName(INFRA_NS, "gateway-with-two-attached-routes")
        kube.gateway_status_must_have_listeners(
            gateway,
            [ExpectedListener("http", attached_routes=2, supported_kinds=HTTP_ROUTE_KIND, conditions=LISTENER_OK)],
        )
        kube.route_must_have_condition(
            NamespacedName(INFRA_NS, "http-route-not-accepted"),
            gateway,
            Condition("Accepted", "False", "NoMatchingListenerHostname"),
        )

    with subtests.test(msg="a listener with unresolved refs still counts its route"):
        gateway = NamespacedName(INFRA_NS, "unresolved-gateway-with-one-attached-unresolved-route")
        kube.gateway_status_must_have_listeners(
            gateway,
            [
                ExpectedListener(
                    "tls", attached_routes=1, supported_kinds=HTTP_ROUTE_KIND, conditions=LISTENER_UNRESOLVED
                )
            ],
        )
        kube.route_must_have_condition(
            NamespacedName(INFRA_NS, "http-route-4"), gateway, Condition("ResolvedRefs", "False")
        )

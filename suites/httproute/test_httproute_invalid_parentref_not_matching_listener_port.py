"""Port of conformance/tests/httproute-invalid-parentref-not-matching-listener-port.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import Condition, ConformanceTest, FeatureName, NamespacedName
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteInvalidParentRefNotMatchingListenerPort",
    description=(
        "A parentRef whose port no listener of the Gateway uses is not accepted (NoMatchingParent), keeps "
        "its references resolved, and attaches nowhere"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.HTTP_ROUTE_DESTINATION_PORT_MATCHING),
    manifests=("httproute-invalid-parentref-not-matching-listener-port.yaml",),
)

ROUTE = NamespacedName(INFRA_NS, "httproute-listener-not-matching-route-port")


def test_httproute_invalid_parentref_not_matching_listener_port(kube: Kube, subtests: pytest.Subtests) -> None:
    kube.route_must_have_resolved_refs_true(ROUTE, SAME_NAMESPACE_GATEWAY)

    with subtests.test(msg="Accepted is False with reason NoMatchingParent"):
        kube.route_must_have_condition(
            ROUTE, SAME_NAMESPACE_GATEWAY, Condition("Accepted", "False", "NoMatchingParent")
        )
    with subtests.test(msg="no parent accepts the route"):
        kube.route_must_have_no_accepted_parents(ROUTE)
    with subtests.test(msg="the Gateway counts no attached route"):
        kube.gateway_must_have_zero_routes(SAME_NAMESPACE_GATEWAY)

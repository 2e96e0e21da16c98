"""Port of conformance/tests/httproute-invalid-parentref-section-name-not-matching-port.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import Condition, ConformanceTest, FeatureName, NamespacedName
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteInvalidParentRefSectionNameNotMatchingPort",
    description=(
        "A parentRef naming an existing listener together with a port that listener does not use is not "
        "accepted (NoMatchingParent): sectionName and port must both match"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.HTTP_ROUTE_PARENT_REF_PORT),
    manifests=("httproute-invalid-parentref-section-name-not-matching-port.yaml",),
)

GATEWAY = NamespacedName(INFRA_NS, "gateway-with-one-not-matching-port-and-section-name-route")
ROUTE = NamespacedName(INFRA_NS, "httproute-listener-section-name-not-matching-port")


def test_httproute_invalid_parentref_section_name_not_matching_port(kube: Kube, subtests: pytest.Subtests) -> None:
    with subtests.test(msg="Accepted is False with reason NoMatchingParent"):
        kube.route_must_have_condition(ROUTE, GATEWAY, Condition("Accepted", "False", "NoMatchingParent"))
    with subtests.test(msg="no parent accepts the route"):
        kube.route_must_have_no_accepted_parents(ROUTE)
    with subtests.test(msg="the Gateway counts no attached route"):
        kube.gateway_must_have_zero_routes(GATEWAY)

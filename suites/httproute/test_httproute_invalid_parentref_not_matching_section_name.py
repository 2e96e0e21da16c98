"""Port of conformance/tests/httproute-invalid-parentref-not-matching-section-name.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import Condition, ConformanceTest, FeatureName, NamespacedName
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteInvalidParentRefNotMatchingSectionName",
    description=(
        "A parentRef whose sectionName names no listener of the Gateway is not accepted (NoMatchingParent) "
        "and attaches nowhere"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE),
    manifests=("httproute-invalid-parentref-not-matching-section-name.yaml",),
)

ROUTE = NamespacedName(INFRA_NS, "httproute-listener-not-matching-section-name")


def test_httproute_invalid_parentref_not_matching_section_name(kube: Kube, subtests: pytest.Subtests) -> None:
    with subtests.test(msg="Accepted is False with reason NoMatchingParent"):
        kube.route_must_have_condition(
            ROUTE, SAME_NAMESPACE_GATEWAY, Condition("Accepted", "False", "NoMatchingParent")
        )
    with subtests.test(msg="no parent accepts the route"):
        kube.route_must_have_no_accepted_parents(ROUTE)
    with subtests.test(msg="the Gateway counts no attached route"):
        kube.gateway_must_have_zero_routes(SAME_NAMESPACE_GATEWAY)

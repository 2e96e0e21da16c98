"""Port of conformance/tests/httproute-invalid-cross-namespace-parent-ref.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import Condition, ConformanceTest, FeatureName, NamespacedName
from conformance.fixtures import Kube
from conformance.infra import SAME_NAMESPACE_GATEWAY, WEB_BACKEND_NS

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteInvalidCrossNamespaceParentRef",
    description=(
        "A route from another namespace than the one a listener admits is not accepted "
        "(NotAllowedByListeners) and is not counted as attached"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE),
    manifests=("httproute-invalid-cross-namespace-parent-ref.yaml",),
)

ROUTE = NamespacedName(WEB_BACKEND_NS, "invalid-cross-namespace-parent-ref")


def test_httproute_invalid_cross_namespace_parent_ref(kube: Kube, subtests: pytest.Subtests) -> None:
    kube.route_must_have_resolved_refs_true(ROUTE, SAME_NAMESPACE_GATEWAY)

    with subtests.test(msg="Accepted is False with reason NotAllowedByListeners"):
        kube.route_must_have_condition(
            ROUTE, SAME_NAMESPACE_GATEWAY, Condition("Accepted", "False", "NotAllowedByListeners")
        )
    with subtests.test(msg="no parent accepts the route"):
        kube.route_must_have_no_accepted_parents(ROUTE)
    with subtests.test(msg="the Gateway counts no attached route"):
        kube.gateway_must_have_zero_routes(SAME_NAMESPACE_GATEWAY)

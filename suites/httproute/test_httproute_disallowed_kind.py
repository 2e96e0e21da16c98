"""Port of conformance/tests/httproute-disallowed-kind.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import Condition, ConformanceTest, FeatureName, NamespacedName
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteDisallowedKind",
    description=(
        "An HTTPRoute naming a Gateway whose only listener admits TLSRoutes is not accepted "
        "(NotAllowedByListeners) and the listener counts no attached route"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.TLS_ROUTE),
    manifests=("httproute-disallowed-kind.yaml",),
)

GATEWAY = NamespacedName(INFRA_NS, "tlsroutes-only")
ROUTE = NamespacedName(INFRA_NS, "disallowed-kind")


def test_httproute_disallowed_kind(kube: Kube, subtests: pytest.Subtests) -> None:
    kube.namespaces_must_be_ready([INFRA_NS])
    kube.route_must_have_resolved_refs_true(ROUTE, GATEWAY)

    with subtests.test(msg="Accepted is False with reason NotAllowedByListeners"):
        kube.route_must_have_condition(ROUTE, GATEWAY, Condition("Accepted", "False", "NotAllowedByListeners"))
    with subtests.test(msg="no parent accepts the route"):
        kube.route_must_have_no_accepted_parents(ROUTE)
    with subtests.test(msg="the Gateway counts no attached route"):
        kube.gateway_must_have_zero_routes(GATEWAY)

"""Port of conformance/tests/gateway-invalid-route-kind.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import Condition, ConformanceTest, ExpectedListener, FeatureName, NamespacedName, SupportedKind
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="GatewayInvalidRouteKind",
    description=(
        "A listener that allows an unknown route kind reports ResolvedRefs=False/InvalidRouteKinds; "
        "supportedKinds lists only the kinds it does support (none, or HTTPRoute)"
    ),
    features=(FeatureName.GATEWAY,),
    manifests=("gateway-invalid-route-kind.yaml",),
    parallel=True,
)

INVALID_ROUTE_KINDS = Condition("ResolvedRefs", "False", "InvalidRouteKinds")


def test_gateway_invalid_route_kind(kube: Kube, subtests: pytest.Subtests) -> None:
    with subtests.test(msg="only an unknown kind: InvalidRouteKinds and no supportedKinds"):
        kube.gateway_status_must_have_listeners(
            NamespacedName(INFRA_NS, "gateway-only-invalid-route-kind"),
            [ExpectedListener(name="http", attached_routes=0, conditions=(INVALID_ROUTE_KINDS,))],
        )

    with subtests.test(msg="unknown kind and HTTPRoute: InvalidRouteKinds, HTTPRoute in supportedKinds"):
        kube.gateway_status_must_have_listeners(
            NamespacedName(INFRA_NS, "gateway-supported-and-invalid-route-kind"),
            [
                ExpectedListener(
                    name="http",
                    attached_routes=0,
                    supported_kinds=(SupportedKind("HTTPRoute"),),
                    conditions=(INVALID_ROUTE_KINDS,),
                )
            ],
        )

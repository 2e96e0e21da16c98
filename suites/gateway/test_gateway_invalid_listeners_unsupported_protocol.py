"""Port of conformance/tests/gateway-invalid-listeners-unsupported-protocol.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import Condition, ConformanceTest, ExpectedListener, FeatureName, NamespacedName, SupportedKind
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="GatewayListenerUnsupportedProtocol",
    description=(
        "A listener of an unknown protocol is not accepted (UnsupportedProtocol) and supports no route kind; "
        "its Gateway is rejected (ListenersNotValid) unless another listener is valid, in which case it is "
        "accepted with that reason"
    ),
    features=(FeatureName.GATEWAY,),
    manifests=("gateway-invalid-listeners-unsupported-protocol.yaml",),
    parallel=True,
)

INVALID_LISTENER = ExpectedListener(
    "invalid",
    attached_routes=0,
    supported_kinds=(),
    conditions=(Condition("Accepted", "False", "UnsupportedProtocol"),),
)


def test_gateway_invalid_listeners_unsupported_protocol(kube: Kube, subtests: pytest.Subtests) -> None:
    with subtests.test(msg="no valid listener: the Gateway is not accepted"):
        gateway = NamespacedName(INFRA_NS, "gateway-only-unsupported-protocols")
        kube.must_have_latest_conditions("Gateway", gateway)
        kube.gateway_must_have_condition(gateway, Condition("Accepted", "False", "ListenersNotValid"))
        kube.gateway_status_must_have_listeners(gateway, [INVALID_LISTENER])

    with subtests.test(msg="one valid listener: the Gateway is accepted, the invalid listener is not"):
        gateway = NamespacedName(INFRA_NS, "gateway-supported-and-unsupported-protocols")
        kube.must_have_latest_conditions("Gateway", gateway)
        kube.gateway_must_have_condition(gateway, Condition("Accepted", "True", "ListenersNotValid"))
        http_listener = ExpectedListener(
            "http",
            attached_routes=0,
            supported_kinds=(SupportedKind("HTTPRoute"),),
            conditions=(Condition("Accepted", "True", "Accepted"),),
        )
        kube.gateway_status_must_have_listeners(gateway, [http_listener, INVALID_LISTENER])

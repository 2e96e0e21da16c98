"""Port of conformance/tests/gateway-name-maximum-length.go (gateway-api v1.6.1)."""

from __future__ import annotations

from conformance import ConformanceTest, FeatureName, NamespacedName
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="GatewayNameMaximumLength",
    description=(
        "A Gateway with a 253-character name (the longest object name) is reconciled: every status condition "
        "reports its current generation"
    ),
    features=(FeatureName.GATEWAY,),
    manifests=("gateway-name-maximum-length.yaml",),
    parallel=True,
)

PREFIX = "gateway-name-maximum-length-"
GATEWAY = NamespacedName(INFRA_NS, PREFIX + "a" * (253 - len(PREFIX)))


def test_gateway_name_maximum_length(kube: Kube) -> None:
    kube.must_have_latest_conditions("Gateway", GATEWAY)

"""Port of conformance/tests/gateway-optional-address-value.go (gateway-api v1.6.1)."""

from __future__ import annotations

from conformance import ConformanceTest, FeatureName, GatewayRef
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="GatewayOptionalAddressValue",
    description=(
        "A Gateway requesting an IPAddress without a value is reconciled and gets an address of its "
        "implementation's choosing in status.addresses"
    ),
    features=(FeatureName.GATEWAY, FeatureName.GATEWAY_ADDRESS_EMPTY),
    manifests=("gateway-optional-address-value.yaml",),
    provisional=True,
    parallel=True,
)

GATEWAY = GatewayRef.of(INFRA_NS, "gateway-without-address-value", "http")


def test_gateway_optional_address_value(kube: Kube) -> None:
    kube.namespaces_must_be_ready([INFRA_NS])
    kube.must_have_latest_conditions("Gateway", GATEWAY.nn)
    kube.wait_for_gateway_address(GATEWAY)

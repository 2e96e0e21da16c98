"""Port of conformance/tests/gateway-static-addresses.go (gateway-api v1.6.1)."""

from __future__ import annotations

from typing import Any

from conformance import Condition, ConformanceTest, ExpectedListener, FeatureName, NamespacedName, SupportedKind
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="GatewayStaticAddresses",
    description=(
        "Static spec.addresses: an address of an unsupported type rejects the Gateway (UnsupportedAddress); "
        "without it an unusable address leaves it accepted but not programmed (AddressNotUsable); with only "
        "the usable address left it is programmed and reports exactly that address"
    ),
    features=(FeatureName.GATEWAY, FeatureName.GATEWAY_STATIC_ADDRESSES),
    manifests=("gateway-static-addresses.yaml",),
    parallel=True,
)

GATEWAY = NamespacedName(INFRA_NS, "gateway-static-addresses")
HTTP_LISTENER = ExpectedListener(
    "http",
    attached_routes=0,
    supported_kinds=(SupportedKind("HTTPRoute"),),
    conditions=(Condition("Accepted", "True"), Condition("ResolvedRefs", "True")),
)


def _without(addresses: list[dict[str, Any]], dropped: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in addresses if a.get("value") != dropped.get("value")]


def _status_values(gateway: dict[str, Any]) -> list[str]:
    return [str(a.get("value")) for a in (gateway.get("status") or {}).get("addresses") or []]


def test_gateway_static_addresses(kube: Kube) -> None:
    current = kube.must_have_latest_conditions("Gateway", GATEWAY)
    addresses = list(current["spec"].get("addresses") or [])
    assert len(addresses) == 3, (
        "expected 3 spec addresses (one of an invalid type, one unusable, one usable; set --usable-address and "
        f"--unusable-address when the cluster provider offers none), got {len(addresses)}: {addresses}"
    )
    invalid, unusable, usable = addresses

    kube.gateway_must_have_condition(GATEWAY, Condition("Accepted", "False", "UnsupportedAddress"))

    kube.patch("Gateway", GATEWAY, {"spec": {"addresses": _without(addresses, invalid)}})
    current = kube.must_have_latest_conditions("Gateway", GATEWAY)
    kube.gateway_must_have_condition(GATEWAY, Condition("Accepted", "True", "Accepted"))
    kube.gateway_must_have_condition(GATEWAY, Condition("Programmed", "False", "AddressNotUsable"))

    kube.patch("Gateway", GATEWAY, {"spec": {"addresses": _without(current["spec"]["addresses"], unusable)}})
    kube.must_have_latest_conditions("Gateway", GATEWAY)
    kube.gateway_must_have_condition(GATEWAY, Condition("Accepted", "True", "Accepted"))
    kube.gateway_must_have_condition(GATEWAY, Condition("Programmed", "True", "Programmed"))
    kube.gateway_status_must_have_listeners(GATEWAY, [HTTP_LISTENER])

    def one_address(gateway: dict[str, Any]) -> str | None:
        values = _status_values(gateway)
        return None if len(values) == 1 else f"status.addresses holds {len(values)} entries: {values}"

    final = kube.wait_for_object(
        "Gateway",
        GATEWAY,
        one_address,
        what="status.addresses never held exactly one address",
        timeout=kube.timeouts.gateway_must_have_address,
    )
    values = _status_values(final)
    assert unusable.get("value") not in values, f"status.addresses {values} should not hold the unusable address"
    assert invalid.get("value") not in values, f"status.addresses {values} should not hold the invalid address"
    assert usable.get("value") in values, f"status.addresses {values} should hold the usable address {usable}"
    for entry in final["status"]["addresses"]:
        if entry.get("value") == usable.get("value"):
            assert entry.get("type") == usable.get("type"), f"address {entry} should have the type of {usable}"

"""Port of conformance/tests/gateway-modify-listeners.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import Condition, ConformanceTest, ExpectedListener, FeatureName, NamespacedName, SupportedKind
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="GatewayModifyListeners",
    description=(
        "Adding a listener to a Gateway, or removing one, bumps its generation and is reflected in listener "
        "status: the listeners present, their supported kinds and their attached routes"
    ),
    features=(FeatureName.GATEWAY,),
    manifests=("gateway-modify-listeners.yaml",),
)

LISTENER_OK = (Condition("Accepted", "True"), Condition("ResolvedRefs", "True"))
HTTP_ROUTE_KIND = (SupportedKind("HTTPRoute"),)
NEW_LISTENER = {
    "name": "http",
    "port": 80,
    "protocol": "HTTP",
    "hostname": "data.test.com",
    "allowedRoutes": {"namespaces": {"from": "All"}},
}


def test_gateway_modify_listeners(kube: Kube, subtests: pytest.Subtests) -> None:
    with subtests.test(msg="an added listener shows up in status with the route attached"):
        gateway = NamespacedName(INFRA_NS, "gateway-add-listener")
        kube.namespaces_must_be_ready([INFRA_NS])
        original = kube.must_have_latest_conditions("Gateway", gateway)

        # A merge patch replaces the list: send the listeners there are plus the new one.
        kube.patch("Gateway", gateway, {"spec": {"listeners": [*original["spec"]["listeners"], NEW_LISTENER]}})

        kube.namespaces_must_be_ready([INFRA_NS])
        kube.gateway_status_must_have_listeners(
            gateway,
            [
                ExpectedListener("https", 1, HTTP_ROUTE_KIND, LISTENER_OK),
                ExpectedListener("http", 1, HTTP_ROUTE_KIND, LISTENER_OK),
            ],
        )
        updated = kube.must_have_latest_conditions("Gateway", gateway)
        assert updated["metadata"]["generation"] != original["metadata"]["generation"], (
            "adding a listener should bump the Gateway's generation"
        )

    with subtests.test(msg="a removed listener leaves status"):
        gateway = NamespacedName(INFRA_NS, "gateway-remove-listener")
        kube.namespaces_must_be_ready([INFRA_NS])
        original = kube.must_have_latest_conditions("Gateway", gateway)
        listeners = original["spec"]["listeners"]
        assert len(listeners) == 2, f"gateway-remove-listener should have 2 listeners, has {len(listeners)}"

        kube.patch("Gateway", gateway, {"spec": {"listeners": [item for item in listeners if item["name"] == "http"]}})

        kube.namespaces_must_be_ready([INFRA_NS])
        kube.gateway_status_must_have_listeners(gateway, [ExpectedListener("http", 1, HTTP_ROUTE_KIND, LISTENER_OK)])
        updated = kube.must_have_latest_conditions("Gateway", gateway)
        assert updated["metadata"]["generation"] != original["metadata"]["generation"], (
            "removing a listener should bump the Gateway's generation"
        )

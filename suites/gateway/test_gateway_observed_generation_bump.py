"""Port of conformance/tests/gateway-observed-generation-bump.go (gateway-api v1.6.1)."""

from __future__ import annotations

from conformance import ConformanceTest, FeatureName, NamespacedName
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="GatewayObservedGenerationBump",
    description="Adding a listener to a Gateway bumps its generation, and every status condition reports the new one",
    features=(FeatureName.GATEWAY,),
    manifests=("gateway-observed-generation-bump.yaml",),
    parallel=True,
)

GATEWAY = NamespacedName(INFRA_NS, "gateway-observed-generation-bump")

EXTRA_LISTENER = {
    "name": "alternate",
    "hostname": "foo.com",
    "port": 80,
    "protocol": "HTTP",
    "allowedRoutes": {"namespaces": {"from": "All"}},
}


def test_gateway_observed_generation_bump(kube: Kube) -> None:
    kube.namespaces_must_be_ready([INFRA_NS])
    before = kube.must_have_latest_conditions("Gateway", GATEWAY)

    # A merge patch replaces lists whole: send the current listeners plus the new one.
    listeners = [*before["spec"]["listeners"], EXTRA_LISTENER]
    kube.patch("Gateway", GATEWAY, {"spec": {"listeners": listeners}})

    kube.namespaces_must_be_ready([INFRA_NS])
    after = kube.must_have_latest_conditions("Gateway", GATEWAY)
    assert after["metadata"]["generation"] != before["metadata"]["generation"], (
        f"adding listener {EXTRA_LISTENER['name']} should bump metadata.generation, "
        f"but it stayed at {before['metadata']['generation']}"
    )

"""Port of conformance/tests/gatewayclass-observed-generation-bump.go (gateway-api v1.6.1)."""

from __future__ import annotations

from conformance import ConformanceTest, FeatureName
from conformance.fixtures import Kube

CONFORMANCE = ConformanceTest(
    short_name="GatewayClassObservedGenerationBump",
    description="Changing a GatewayClass spec bumps its generation, and every status condition reports the new one",
    features=(FeatureName.GATEWAY,),
    manifests=("gatewayclass-observed-generation-bump.yaml",),
    parallel=True,
)

GATEWAY_CLASS = "gatewayclass-observed-generation-bump"


def test_gatewayclass_observed_generation_bump(kube: Kube) -> None:
    kube.gatewayclass_must_be_accepted(GATEWAY_CLASS, status="")
    before = kube.must_have_latest_conditions("GatewayClass", GATEWAY_CLASS)

    kube.patch("GatewayClass", GATEWAY_CLASS, {"spec": {"description": "new"}})

    kube.gatewayclass_must_be_accepted(GATEWAY_CLASS, status="")
    after = kube.must_have_latest_conditions("GatewayClass", GATEWAY_CLASS)
    assert after["metadata"]["generation"] != before["metadata"]["generation"], (
        f"the spec change did not bump metadata.generation (still {before['metadata']['generation']})"
    )

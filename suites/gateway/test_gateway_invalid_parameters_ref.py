"""Port of conformance/tests/gateway-invalid-parameters-ref.go (gateway-api v1.6.1)."""

from __future__ import annotations

from conformance import Condition, ConformanceTest, FeatureName, NamespacedName
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="GatewayInvalidParametersRef",
    description=(
        "A Gateway whose spec.infrastructure.parametersRef names a resource that does not exist is not "
        "accepted, with reason InvalidParameters"
    ),
    features=(FeatureName.GATEWAY,),
    manifests=("gateway-invalid-parameters-ref.yaml",),
    parallel=True,
)


def test_gateway_invalid_parameters_ref(kube: Kube) -> None:
    gateway = NamespacedName(INFRA_NS, "gateway-invalid-parameters-ref")
    kube.must_have_latest_conditions("Gateway", gateway)
    kube.gateway_must_have_condition(gateway, Condition("Accepted", "False", "InvalidParameters"))

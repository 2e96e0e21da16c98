"""Port of conformance/tests/gateway-infrastructure.go (gateway-api v1.6.1)."""

from __future__ import annotations

from conformance import Condition, ConformanceTest, FeatureName, NamespacedName
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="GatewayInfrastructure",
    description=(
        "The labels and annotations of spec.infrastructure reach the objects generated for the Gateway: the "
        "ServiceAccounts, Pods and Services labelled gateway.networking.k8s.io/gateway-name with its name"
    ),
    features=(FeatureName.GATEWAY, FeatureName.GATEWAY_INFRASTRUCTURE_PROPAGATION),
    manifests=("gateway-infrastructure.yaml",),
    provisional=True,
    parallel=True,
)

GATEWAY = NamespacedName(INFRA_NS, "gateway-with-infrastructure-metadata")
#: Upstream's GatewayNameLabelKey.
GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name"
GENERATED_KINDS = ("ServiceAccount", "Pod", "Service")


def test_gateway_infrastructure(kube: Kube) -> None:
    kube.namespaces_must_be_ready([INFRA_NS])
    gateway = kube.must_have_latest_conditions("Gateway", GATEWAY)
    kube.gateway_must_have_condition(GATEWAY, Condition("Accepted", "True"))

    infrastructure = gateway["spec"].get("infrastructure") or {}
    labels = {str(k): str(v) for k, v in (infrastructure.get("labels") or {}).items()}
    annotations = {str(k): str(v) for k, v in (infrastructure.get("annotations") or {}).items()}

    found = kube.wait_for_labelled(
        GENERATED_KINDS,
        INFRA_NS,
        f"{GATEWAY_NAME_LABEL}={GATEWAY.name}",
        timeout=kube.timeouts.default_test_timeout,
    )
    for kind in GENERATED_KINDS:
        if not found[kind]:
            continue
        # Upstream looks at the first object of each kind.
        metadata = found[kind][0].get("metadata") or {}
        have_labels, have_annotations = metadata.get("labels") or {}, metadata.get("annotations") or {}
        where = f"{kind} {INFRA_NS}/{metadata.get('name')}"
        missing = {k: v for k, v in labels.items() if have_labels.get(k) != v}
        assert not missing, f"{where} lacks the Gateway's infrastructure labels {missing} (has {have_labels})"
        missing = {k: v for k, v in annotations.items() if have_annotations.get(k) != v}
        assert not missing, f"{where} lacks the Gateway's infrastructure annotations {missing} (has {have_annotations})"

"""Port of conformance/tests/listenerset-allowed-namespace-none.go (gateway-api v1.6.1)."""

from __future__ import annotations

from conformance import Condition, ConformanceTest, FeatureName, NamespacedName
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="ListenerSetAllowedNamespaceNone",
    description=(
        "A Gateway whose allowedListeners admits namespaces from None takes no ListenerSet: "
        "the ListenerSet is NotAllowed and the Gateway counts none attached"
    ),
    features=(FeatureName.GATEWAY, FeatureName.LISTENER_SET),
    manifests=("listenerset-allowed-namespace-none.yaml",),
    parallel=True,
)

GATEWAY = NamespacedName(INFRA_NS, "gateway-does-not-allow-listenerset")
LISTENER_SET = NamespacedName(INFRA_NS, "listenerset-not-allowed")


def test_listenerset_allowed_namespace_none(kube: Kube) -> None:
    kube.namespaces_must_be_ready([INFRA_NS])
    kube.gateway_must_have_condition(GATEWAY, Condition("Accepted", "True"))
    kube.gateway_must_have_attached_listener_sets(GATEWAY, 0)

    kube.listener_set_must_have_condition(LISTENER_SET, Condition("Accepted", "False", "NotAllowed"))
    kube.listener_set_must_have_condition(LISTENER_SET, Condition("Programmed", "False", "NotAllowed"))

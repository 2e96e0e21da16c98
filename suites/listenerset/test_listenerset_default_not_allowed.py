"""Port of conformance/tests/listenerset-default-not-allowed.go (gateway-api v1.6.1)."""

from __future__ import annotations

from conformance import Condition, ConformanceTest, FeatureName, NamespacedName
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="ListenerSetDefaultNotAllowed",
    description=(
        "Without spec.allowedListeners a Gateway takes no ListenerSet (the default is None): "
        "a ListenerSet naming it is NotAllowed and none is counted as attached"
    ),
    features=(FeatureName.GATEWAY, FeatureName.LISTENER_SET),
    manifests=("listenerset-default-not-allowed.yaml",),
    parallel=True,
)

GATEWAY = NamespacedName(INFRA_NS, "gateway-default-does-not-allow-listenerset")
LISTENER_SET = NamespacedName(INFRA_NS, "listenerset-default-not-allowed")


def test_listenerset_default_not_allowed(kube: Kube) -> None:
    kube.namespaces_must_be_ready([INFRA_NS])
    kube.gateway_must_have_condition(GATEWAY, Condition("Accepted", "True"))
    kube.gateway_must_have_attached_listener_sets(GATEWAY, 0)

    kube.listener_set_must_have_condition(LISTENER_SET, Condition("Accepted", "False", "NotAllowed"))
    kube.listener_set_must_have_condition(LISTENER_SET, Condition("Programmed", "False", "NotAllowed"))

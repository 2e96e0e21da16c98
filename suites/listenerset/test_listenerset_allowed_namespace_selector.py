"""Port of conformance/tests/listenerset-allowed-namespace-selector.go (gateway-api v1.6.1)."""

from __future__ import annotations

from conformance import Condition, ConformanceTest, FeatureName, NamespacedName
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="ListenerSetAllowedNamespaceSelector",
    description=(
        "allowedListeners from Selector: only a ListenerSet whose namespace carries the selected label "
        "(allowed=ns) is accepted; the other is NotAllowed"
    ),
    features=(FeatureName.GATEWAY, FeatureName.LISTENER_SET),
    manifests=("listenerset-allowed-namespace-selector.yaml",),
    parallel=True,
)

GATEWAY = NamespacedName(INFRA_NS, "gateway-allows-listenerset-in-selected-namespace")
ALLOWED = NamespacedName("gateway-api-listenerset-selector-allowed-ns", "listenerset-in-selected-namespace")
REFUSED = NamespacedName("gateway-api-listenerset-selector-not-allowed-ns", "listenerset-not-in-selected-namespace")
LISTENER_READY = (Condition("ResolvedRefs"), Condition("Accepted"), Condition("Programmed"))


def test_listenerset_allowed_namespace_selector(kube: Kube) -> None:
    kube.namespaces_must_be_ready([INFRA_NS])
    kube.gateway_must_have_condition(GATEWAY, Condition("Accepted", "True"))
    kube.gateway_must_have_attached_listener_sets(GATEWAY, 1)

    kube.listener_set_must_have_condition(ALLOWED, Condition("Accepted", "True", "Accepted"))
    kube.listener_set_must_have_condition(ALLOWED, Condition("Programmed", "True", "Programmed"))
    kube.listener_set_listeners_must_have_conditions(
        ALLOWED, LISTENER_READY, ["listenerset-in-selected-namespace-listener"]
    )

    kube.listener_set_must_have_condition(REFUSED, Condition("Accepted", "False", "NotAllowed"))
    kube.listener_set_must_have_condition(REFUSED, Condition("Programmed", "False", "NotAllowed"))

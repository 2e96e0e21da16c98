"""Port of conformance/tests/listenerset-allowed-namespace-same.go (gateway-api v1.6.1)."""

from __future__ import annotations

from conformance import Condition, ConformanceTest, FeatureName, NamespacedName
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="ListenerSetAllowedNamespaceSame",
    description=(
        "allowedListeners from Same: a ListenerSet in the Gateway's namespace is accepted with ready "
        "listeners, one from another namespace is NotAllowed"
    ),
    features=(FeatureName.GATEWAY, FeatureName.LISTENER_SET),
    manifests=("listenerset-allowed-namespace-same.yaml",),
    parallel=True,
)

GATEWAY = NamespacedName(INFRA_NS, "gateway-allows-listenerset-in-same-namespace")
ALLOWED = NamespacedName(INFRA_NS, "listenerset-in-same-namespace")
REFUSED = NamespacedName("gateway-api-listenerset-not-allowed-ns", "listenerset-in-different-namespace")
LISTENER_READY = (Condition("ResolvedRefs"), Condition("Accepted"), Condition("Programmed"))


def test_listenerset_allowed_namespace_same(kube: Kube) -> None:
    kube.namespaces_must_be_ready([INFRA_NS])
    kube.gateway_must_have_condition(GATEWAY, Condition("Accepted", "True"))
    kube.gateway_must_have_attached_listener_sets(GATEWAY, 1)

    kube.listener_set_must_have_condition(ALLOWED, Condition("Accepted", "True", "Accepted"))
    kube.listener_set_must_have_condition(ALLOWED, Condition("Programmed", "True", "Programmed"))
    kube.listener_set_listeners_must_have_conditions(
        ALLOWED, LISTENER_READY, ["listenerset-in-same-namespace-listener"]
    )

    kube.listener_set_must_have_condition(REFUSED, Condition("Accepted", "False", "NotAllowed"))
    kube.listener_set_must_have_condition(REFUSED, Condition("Programmed", "False", "NotAllowed"))

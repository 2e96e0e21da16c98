"""Port of conformance/tests/listenerset-hostname-conflict.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import Condition, ConformanceTest, FeatureName, NamespacedName
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="ListenerSetHostnameConflict",
    description=(
        "On a hostname clash the merged listener list keeps the first claimant (the Gateway, then older "
        "ListenerSets): later listeners are not accepted, programmed False and Conflicted (HostnameConflict), and "
        "a ListenerSet left without a valid listener is not accepted (ListenersNotValid)"
    ),
    features=(FeatureName.GATEWAY, FeatureName.LISTENER_SET),
    manifests=("listenerset-hostname-conflict.yaml",),
    parallel=True,
)

GATEWAY = NamespacedName(INFRA_NS, "gateway-with-listenerset-hostname-conflict")
READY = (Condition("ResolvedRefs"), Condition("Accepted"), Condition("Programmed"))
LOST = (
    Condition("Accepted", "False", "HostnameConflict"),
    Condition("Programmed", "False", "HostnameConflict"),
    Condition("Conflicted", "True", "HostnameConflict"),
)
GATEWAY_LISTENER = "hostname-conflict-with-gateway-listener"
LISTENER_SET_LISTENER = "hostname-conflict-with-listener-set-listener"


def _set(name: str) -> NamespacedName:
    return NamespacedName(INFRA_NS, f"listenerset-with-hostname-conflict-with-{name}")


def test_listenerset_hostname_conflict(kube: Kube, subtests: pytest.Subtests) -> None:
    kube.namespaces_must_be_ready([INFRA_NS])
    kube.gateway_must_have_condition(GATEWAY, Condition("Accepted", "True"))
    kube.gateway_listeners_must_have_conditions(GATEWAY, READY, ["gateway-listener"])
    # The Gateway's own listener wins the clash.
    kube.gateway_listeners_must_have_conditions(GATEWAY, READY, [GATEWAY_LISTENER])
    # Only the ListenerSets that keep a valid listener are attached.
    kube.gateway_must_have_attached_listener_sets(GATEWAY, 2)

    with subtests.test(msg="first ListenerSet: loses to the Gateway, wins against later ListenerSets"):
        listener_set = _set("gateway-1")
        kube.listener_set_must_have_condition(listener_set, Condition("Accepted", "True"))
        kube.listener_set_must_have_condition(listener_set, Condition("Programmed", "True", "Programmed"))
        kube.listener_set_listeners_must_have_conditions(listener_set, READY, ["listener-set-1-listener"])
        kube.listener_set_listeners_must_have_conditions(listener_set, LOST, [GATEWAY_LISTENER])
        kube.listener_set_listeners_must_have_conditions(listener_set, READY, [LISTENER_SET_LISTENER])

    with subtests.test(msg="second ListenerSet: its only listener loses to the Gateway"):
        listener_set = _set("gateway-2")
        kube.listener_set_must_have_condition(listener_set, Condition("Accepted", "False", "ListenersNotValid"))
        kube.listener_set_must_have_condition(listener_set, Condition("Programmed", "False", "ListenersNotValid"))
        kube.listener_set_listeners_must_have_conditions(listener_set, LOST, [GATEWAY_LISTENER])

    with subtests.test(msg="third ListenerSet: loses to an older ListenerSet"):
        listener_set = _set("listener-set-1")
        kube.listener_set_must_have_condition(listener_set, Condition("Accepted", "True"))
        kube.listener_set_must_have_condition(listener_set, Condition("Programmed", "True", "Programmed"))
        kube.listener_set_listeners_must_have_conditions(listener_set, READY, ["listener-set-2-listener"])
        kube.listener_set_listeners_must_have_conditions(listener_set, LOST, [LISTENER_SET_LISTENER])

    with subtests.test(msg="fourth ListenerSet: its only listener loses to an older ListenerSet"):
        listener_set = _set("listener-set-2")
        kube.listener_set_must_have_condition(listener_set, Condition("Accepted", "False", "ListenersNotValid"))
        kube.listener_set_must_have_condition(listener_set, Condition("Programmed", "False", "ListenersNotValid"))
        kube.listener_set_listeners_must_have_conditions(listener_set, LOST, [LISTENER_SET_LISTENER])

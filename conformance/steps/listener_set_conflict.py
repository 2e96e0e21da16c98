"""The listener-conflict check of upstream's ListenerSetHostnameConflict and ListenerSetProtocolConflict.

Both manifests build the same scene around one clash (a hostname, or a protocol, on one port): a
Gateway listener, two ListenerSets that each claim the Gateway's listener, and two later ListenerSets
that claim the first set's listener. The merged listener list keeps the first claimant, the Gateway
before ListenerSets and older sets before newer ones, so both tests expect the same outcome and differ
only in the clash's name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from conformance.infra import INFRA_NS
from conformance.kube.status import Condition
from conformance.refs import NamespacedName

if TYPE_CHECKING:
    import pytest

    from conformance.kube.facade import Kube

READY = (Condition("ResolvedRefs"), Condition("Accepted"), Condition("Programmed"))


def listener_conflicts_must_resolve_to_first_claimant(
    kube: Kube, subtests: pytest.Subtests, clash: Literal["hostname", "protocol"]
) -> None:
    reason = f"{clash.capitalize()}Conflict"
    lost = (
        Condition("Accepted", "False", reason),
        Condition("Programmed", "False", reason),
        Condition("Conflicted", "True", reason),
    )
    gateway = NamespacedName(INFRA_NS, f"gateway-with-listenerset-{clash}-conflict")
    gateway_listener = f"{clash}-conflict-with-gateway-listener"
    set_listener = f"{clash}-conflict-with-listener-set-listener"

    def listener_set(rival: str) -> NamespacedName:
        return NamespacedName(INFRA_NS, f"listenerset-with-{clash}-conflict-with-{rival}")

    kube.namespaces_must_be_ready([INFRA_NS])
    kube.gateway_must_have_condition(gateway, Condition("Accepted", "True"))
    kube.gateway_listeners_must_have_conditions(gateway, READY, ["gateway-listener"])
    # The Gateway's own listener wins the clash.
    kube.gateway_listeners_must_have_conditions(gateway, READY, [gateway_listener])
    # Only the ListenerSets that keep a valid listener are attached.
    kube.gateway_must_have_attached_listener_sets(gateway, 2)

    with subtests.test(msg="first ListenerSet: loses to the Gateway, wins against later ListenerSets"):
        first = listener_set("gateway-1")
        kube.listener_set_must_have_condition(first, Condition("Accepted", "True"))
        kube.listener_set_must_have_condition(first, Condition("Programmed", "True", "Programmed"))
        kube.listener_set_listeners_must_have_conditions(first, READY, ["listener-set-1-listener"])
        kube.listener_set_listeners_must_have_conditions(first, lost, [gateway_listener])
        kube.listener_set_listeners_must_have_conditions(first, READY, [set_listener])

    with subtests.test(msg="second ListenerSet: its only listener loses to the Gateway"):
        second = listener_set("gateway-2")
        kube.listener_set_must_have_condition(second, Condition("Accepted", "False", "ListenersNotValid"))
        kube.listener_set_must_have_condition(second, Condition("Programmed", "False", "ListenersNotValid"))
        kube.listener_set_listeners_must_have_conditions(second, lost, [gateway_listener])

    with subtests.test(msg="third ListenerSet: loses to an older ListenerSet"):
        third = listener_set("listener-set-1")
        kube.listener_set_must_have_condition(third, Condition("Accepted", "True"))
        kube.listener_set_must_have_condition(third, Condition("Programmed", "True", "Programmed"))
        kube.listener_set_listeners_must_have_conditions(third, READY, ["listener-set-2-listener"])
        kube.listener_set_listeners_must_have_conditions(third, lost, [set_listener])

    with subtests.test(msg="fourth ListenerSet: its only listener loses to an older ListenerSet"):
        fourth = listener_set("listener-set-2")
        kube.listener_set_must_have_condition(fourth, Condition("Accepted", "False", "ListenersNotValid"))
        kube.listener_set_must_have_condition(fourth, Condition("Programmed", "False", "ListenersNotValid"))
        kube.listener_set_listeners_must_have_conditions(fourth, lost, [set_listener])

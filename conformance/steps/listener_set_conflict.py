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

    def keeps_a_listener(name: str, own_listener: str, lost_listener: str) -> None:
        """The set loses one clash but keeps another listener, so it stays Accepted and Programmed."""
        kept = listener_set(name)
        kube.listener_set_must_have_condition(kept, Condition("Accepted", "True"))
        kube.listener_set_must_have_condition(kept, Condition("Programmed", "True", "Programmed"))
        kube.listener_set_listeners_must_have_conditions(kept, READY, [own_listener])
        kube.listener_set_listeners_must_have_conditions(kept, lost, [lost_listener])

    def loses_its_only_listener(name: str, lost_listener: str) -> None:
        emptied = listener_set(name)
        kube.listener_set_must_have_condition(emptied, Condition("Accepted", "False", "ListenersNotValid"))
        kube.listener_set_must_have_condition(emptied, Condition("Programmed", "False", "ListenersNotValid"))
        kube.listener_set_listeners_must_have_conditions(emptied, lost, [lost_listener])

    with subtests.test(msg="first ListenerSet: loses to the Gateway, wins against later ListenerSets"):
        keeps_a_listener("gateway-1", "listener-set-1-listener", gateway_listener)
        kube.listener_set_listeners_must_have_conditions(listener_set("gateway-1"), READY, [set_listener])

    with subtests.test(msg="second ListenerSet: its only listener loses to the Gateway"):
        loses_its_only_listener("gateway-2", gateway_listener)

    with subtests.test(msg="third ListenerSet: loses to an older ListenerSet"):
        keeps_a_listener("listener-set-1", "listener-set-2-listener", set_listener)

    with subtests.test(msg="fourth ListenerSet: its only listener loses to an older ListenerSet"):
        loses_its_only_listener("listener-set-2", set_listener)

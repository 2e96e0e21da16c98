"""ListenerSets: listeners that other objects add to a Gateway, merged with the Gateway's own.

Spec sources (``ListenerSet``, ``GatewaySpec.allowedListeners``, ``GatewayStatus.attachedListenerSets``):

* A ListenerSet names one parent Gateway (``spec.parentRef``; group and kind default to the Gateway's,
  namespace to the ListenerSet's). The Gateway decides which ListenerSets it takes with
  ``allowedListeners.namespaces.from``: None (the default, also when the field is missing), Same (the
  Gateway's namespace), Selector (namespaces matching a label selector) or All. A ListenerSet that is not
  selected is Accepted and Programmed False with reason NotAllowed.
* The Gateway then serves the merged list of its own listeners and those of its ListenerSets, in this
  precedence: the Gateway, then ListenerSets oldest first, then by ``namespace/name``. A ListenerSet
  listener that is not distinct from a listener earlier in that order loses: Accepted and Programmed
  False and Conflicted True with reason HostnameConflict or ProtocolConflict. Within one resource the
  Gateway rule holds (all indistinct listeners lose, no winner).
* A ListenerSet with no valid listener is Accepted and Programmed False (ListenersNotValid); with at
  least one it is Accepted (reason ListenersNotValid when some are invalid) and Programmed.
  ``attachedListenerSets`` counts the accepted ones.
* Routes reach ListenerSet listeners only through a parentRef naming the ListenerSet (``sectionName``
  names a listener of that ListenerSet); a parentRef naming the Gateway only reaches its own listeners.
  ``allowedRoutes.namespaces.from: Same`` means the ListenerSet's namespace. ``certificateRefs`` are
  references made by the ListenerSet (ReferenceGrants name kind ListenerSet).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from conformance.local.gateway import faults_gateway as fg
from conformance.local.gateway.attachment import label_selector_matches
from conformance.local.gateway.conditions import Cond, render_conditions
from conformance.local.gateway.listeners import (
    PROTOCOL_ROUTE_KINDS,
    ListenerState,
    evaluate_listeners,
    listener_status,
)
from conformance.local.gateway.ports import reserve_ports
from conformance.local.gateway.snapshot import (
    GATEWAY_GROUP,
    Key,
    as_dict,
    as_list,
    as_str,
    creation_timestamp_of,
    generation_of,
    key_of,
    namespace_of,
    opt_int,
    opt_str,
    spec_of,
    status_of,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from conformance.local.api.protocol import JSONObject
    from conformance.local.faults import ActiveFaults
    from conformance.local.gateway.config import ListenerKey
    from conformance.local.gateway.snapshot import Snapshot

LISTENER_SET_CONDITION_TYPES = frozenset({"Accepted", "Programmed"})

# Listener protocols that share a port only when told apart by hostname, and the TCP-based families
# that can never share a port with each other (GatewaySpec.listeners, "Distinct Listeners").
_FAMILY = {"HTTP": "http", "HTTPS": "tls", "TLS": "tls", "TCP": "tcp", "UDP": "udp"}
_STREAM_FAMILIES = frozenset({"http", "tls", "tcp"})


@dataclass(frozen=True, slots=True)
class ListenerSetWork:
    """One ListenerSet whose parent is a Gateway of ours, after evaluation."""

    obj: JSONObject
    gateway: Key
    allowed: bool
    """Selected by the Gateway's allowedListeners."""
    listeners: tuple[ListenerState, ...] = ()
    """Its listeners (only when allowed), indexed after the Gateway's own and earlier ListenerSets'."""

    @property
    def key(self) -> Key:
        return key_of(self.obj)

    @property
    def valid(self) -> tuple[ListenerState, ...]:
        """Listeners that can be served: accepted, with their references resolved."""
        return tuple(s for s in self.listeners if s.accepted.status and s.servable and s.resolved_refs.status)

    def accepted(self, gateway_accepted: bool) -> bool:
        return self.allowed and gateway_accepted and bool(self.valid)

    def config_name(self, state: ListenerState) -> str:
        """The listener's name in the data-plane config: unique across the Gateway and its ListenerSets."""
        namespace, name = self.key
        return f"{namespace}/{name}/{state.name}"


def parent_gateway(listener_set: JSONObject) -> Key | None:
    """The Gateway a ListenerSet names (ParentGatewayReference defaults), or None for other kinds."""
    ref = as_dict(spec_of(listener_set).get("parentRef"))
    group = as_str(ref.get("group"), GATEWAY_GROUP) or GATEWAY_GROUP
    kind = as_str(ref.get("kind"), "Gateway") or "Gateway"
    if (group, kind) != (GATEWAY_GROUP, "Gateway"):
        return None
    return (as_str(ref.get("namespace")) or namespace_of(listener_set), as_str(ref.get("name")))


def precedence(listener_set: JSONObject) -> tuple[str, str, str]:
    """Sort key: oldest first, then ``namespace/name`` (ListenerSetSpec.listeners)."""
    namespace, name = key_of(listener_set)
    return (creation_timestamp_of(listener_set), namespace, name)


def listener_sets_by_gateway(snapshot: Snapshot) -> dict[Key, list[JSONObject]]:
    """ListenerSets grouped by the Gateway they name, each list in merge precedence."""
    grouped: dict[Key, list[JSONObject]] = {}
    for listener_set in snapshot.listener_sets.values():
        parent = parent_gateway(listener_set)
        if parent is not None:
            grouped.setdefault(parent, []).append(listener_set)
    for items in grouped.values():
        items.sort(key=precedence)
    return grouped


def allowed_by_gateway(gateway: JSONObject, namespace: str, snapshot: Snapshot, faults: ActiveFaults) -> bool:
    """``allowedListeners.namespaces``: may a ListenerSet of ``namespace`` attach to this Gateway?"""
    if faults.on(fg.LISTENERSET_ALLOWED_LISTENERS_IGNORED):
        return True
    namespaces = as_dict(as_dict(spec_of(gateway).get("allowedListeners")).get("namespaces"))
    origin = as_str(namespaces.get("from"), "None")
    if origin == "All":
        return True
    if origin == "Same":
        return namespace == namespace_of(gateway)
    if origin == "Selector":
        if faults.on(fg.LISTENERSET_SELECTOR_IGNORED):
            return True
        return label_selector_matches(namespaces.get("selector"), snapshot.namespace_labels(namespace))
    return False


@dataclass(frozen=True, slots=True)
class _Occupant:
    """A listener earlier in the merge order, holding its port (and hostname)."""

    port: int
    family: str
    hostname: str
    gateway_index: int | None
    """Index of a Gateway listener, or None for a ListenerSet listener."""


def _conflict(port: int, protocol: str, hostname: str, occupants: Iterable[_Occupant]) -> tuple[str, _Occupant] | None:
    family = _FAMILY.get(protocol, protocol)
    for occupant in occupants:
        if occupant.port != port:
            continue
        if family != occupant.family and {family, occupant.family} <= _STREAM_FAMILIES:
            return "ProtocolConflict", occupant
        if family == occupant.family and (hostname == occupant.hostname or family in ("tcp", "udp")):
            return "HostnameConflict", occupant
    return None


def _lost(state: ListenerState, reason: str, message: str) -> ListenerState:
    return dataclasses.replace(
        state,
        accepted=Cond("Accepted", False, reason, message),
        conflicted=Cond("Conflicted", True, reason, message),
        not_programmed=Cond("Programmed", False, reason, message),
        overlapping=None,
    )


def _as_listener_owner(listener_set: JSONObject, gateway: JSONObject, faults: ActiveFaults) -> JSONObject:
    """The object ``evaluate_listeners`` judges the listeners as: the ListenerSet itself (its namespace
    and kind make its certificate references), unless a fault lends it the Gateway's identity."""
    owner = listener_set
    if faults.on(fg.LISTENERSET_CERTIFICATES_AS_GATEWAY):
        owner = gateway
    return {"kind": owner.get("kind", "ListenerSet"), "metadata": owner.get("metadata", {}), "spec": {}}


def _evaluate(
    owner: JSONObject, raw: Sequence[JSONObject], snapshot: Snapshot, faults: ActiveFaults
) -> list[ListenerState]:
    if not raw:
        return []
    body = dict(owner)
    body["spec"] = {"listeners": list(raw)}
    return list(reserve_ports(evaluate_listeners(body, snapshot, faults), faults))


def merge_listener_sets(
    gateway: JSONObject,
    gateway_listeners: tuple[ListenerState, ...],
    listener_sets: Sequence[JSONObject],
    snapshot: Snapshot,
    faults: ActiveFaults,
) -> tuple[tuple[ListenerState, ...], list[ListenerSetWork]]:
    """Evaluate the ListenerSets naming ``gateway`` (in precedence order) against its listeners.

    Returns the Gateway's listeners (changed only by the no-precedence fault) and one work item per
    ListenerSet. Listener indexes continue after the Gateway's, so route attachment can key by index.
    """
    occupants = [
        _Occupant(s.port, _FAMILY.get(s.protocol, s.protocol), s.hostname or "", s.index)
        for s in gateway_listeners
        if s.protocol in PROTOCOL_ROUTE_KINDS
    ]
    gateway_states = list(gateway_listeners)
    next_index = max((s.index for s in gateway_listeners), default=-1) + 1
    works: list[ListenerSetWork] = []
    no_precedence = faults.on(fg.LISTENERSET_CONFLICTS_WITHOUT_PRECEDENCE)
    for listener_set in listener_sets:
        if not allowed_by_gateway(gateway, namespace_of(listener_set), snapshot, faults):
            works.append(ListenerSetWork(listener_set, key_of(gateway), allowed=False))
            continue
        raw = [as_dict(item) for item in as_list(spec_of(listener_set).get("listeners"))]
        losers: dict[int, tuple[str, str]] = {}
        for position, item in enumerate(raw):
            port = opt_int(item.get("port")) or 0
            protocol = as_str(item.get("protocol"))
            hostname = opt_str(item.get("hostname")) or ""
            found = _conflict(port, protocol, hostname, occupants)
            if found is None:
                continue
            reason, occupant = found
            where = "the Gateway" if occupant.gateway_index is not None else "an older ListenerSet"
            losers[position] = (reason, f"port {port} is already used by a listener of {where}")
            if no_precedence and occupant.gateway_index is not None:
                index = occupant.gateway_index
                gateway_states = [
                    _lost(s, reason, f"a ListenerSet listener conflicts on port {port}") if s.index == index else s
                    for s in gateway_states
                ]
        owner = _as_listener_owner(listener_set, gateway, faults)
        winners = [item for position, item in enumerate(raw) if position not in losers]
        evaluated = iter(_evaluate(owner, winners, snapshot, faults))
        states: list[ListenerState] = []
        for position, item in enumerate(raw):
            if position in losers:
                reason, message = losers[position]
                state = _lost(_evaluate(owner, [item], snapshot, faults)[0], reason, message)
            else:
                state = next(evaluated)
            states.append(dataclasses.replace(state, index=next_index))
            next_index += 1
        for state in states:
            if state.protocol in PROTOCOL_ROUTE_KINDS and not state.conflicted.status:
                family = _FAMILY.get(state.protocol, state.protocol)
                occupants.append(_Occupant(state.port, family, state.hostname or "", None))
        works.append(ListenerSetWork(listener_set, key_of(gateway), allowed=True, listeners=tuple(states)))
    return tuple(gateway_states), works


def attached_count(works: Iterable[ListenerSetWork], gateway_accepted: bool, faults: ActiveFaults) -> int:
    """``GatewayStatus.attachedListenerSets``: the ListenerSets selected by the Gateway and accepted."""
    works = list(works)
    if faults.on(fg.LISTENERSET_COUNT_UNACCEPTED):
        return len(works)
    return sum(1 for work in works if work.accepted(gateway_accepted))


def _conditions(
    work: ListenerSetWork,
    gateway_accepted: bool,
    gateway_programmed: bool,
    failing: set[str],
) -> tuple[Cond, Cond]:
    if not work.allowed:
        message = "the parent Gateway's allowedListeners does not admit ListenerSets from this namespace"
        return Cond("Accepted", False, "NotAllowed", message), Cond("Programmed", False, "NotAllowed", message)
    if not gateway_accepted:
        return (
            Cond("Accepted", False, "ParentNotAccepted", "the parent Gateway is not accepted"),
            Cond("Programmed", False, "ParentNotProgrammed", "the parent Gateway is not accepted"),
        )
    valid = work.valid
    invalid = [s.name for s in work.listeners if s not in valid]
    if not valid:
        message = f"no valid listener: {', '.join(invalid) or 'none given'}"
        return (
            Cond("Accepted", False, "ListenersNotValid", message),
            Cond("Programmed", False, "ListenersNotValid", message),
        )
    if invalid:
        accepted = Cond("Accepted", True, "ListenersNotValid", f"invalid listeners: {', '.join(invalid)}")
    else:
        accepted = Cond("Accepted", True, "Accepted")
    if not gateway_programmed:
        return accepted, Cond("Programmed", False, "ParentNotProgrammed", "the parent Gateway is not programmed")
    if all(s.name in failing for s in valid):
        return accepted, Cond("Programmed", False, "PortUnavailable", "no listener could be served")
    return accepted, Cond("Programmed", True, "Programmed")


def listener_set_status(
    work: ListenerSetWork,
    *,
    gateway_accepted: bool,
    gateway_programmed: bool,
    attached: Mapping[int, int],
    errors: Mapping[ListenerKey, str],
    error_key: Callable[[str], ListenerKey],
    now: str,
    stale_generation: bool = False,
) -> JSONObject:
    """ListenerSetStatus: conditions, and listener entries for a ListenerSet the Gateway selected."""
    previous = status_of(work.obj)
    generation = generation_of(work.obj)
    old = {as_str(item.get("name")): item for item in map(as_dict, as_list(previous.get("listeners")))}
    failing = {s.name for s in work.listeners if error_key(work.config_name(s)) in errors}
    entries: list[JSONObject] = []
    for state in work.listeners:
        entries.append(
            listener_status(
                state,
                attached.get(state.index, 0),
                errors.get(error_key(work.config_name(state))),
                old.get(state.name),
                generation,
                now,
                stale_generation=stale_generation,
            )
        )
    status = dict(previous)
    status["conditions"] = render_conditions(
        list(_conditions(work, gateway_accepted, gateway_programmed, failing)),
        previous.get("conditions"),
        generation,
        now,
        owned=LISTENER_SET_CONDITION_TYPES,
        stale_generation=stale_generation,
    )
    if entries:
        status["listeners"] = entries
    else:
        status.pop("listeners", None)
    return status

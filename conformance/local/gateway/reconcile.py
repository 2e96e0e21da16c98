"""One reconcile pass: a snapshot of objects in, the statuses to write and the data-plane config out.

``reconcile`` is a pure function of its arguments (the time is a parameter too), so every status rule
is unit-tested without threads or a store, and the runtime only has to take snapshots, apply configs
and write what changed. Only objects that belong to this controller are touched: GatewayClasses whose
``spec.controllerName`` is ours, Gateways of those classes, and, in HTTPRoutes, the ``status.parents``
entries for parentRefs naming those Gateways (entries of other controllers are kept as they are).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

from conformance.local.faults import ActiveFaults
from conformance.local.gateway import faults_controller as fc
from conformance.local.gateway import faults_gateway as fg
from conformance.local.gateway.backendtlspolicy import policy_statuses
from conformance.local.gateway.conditions import Cond, render_conditions, rfc3339, same_content
from conformance.local.gateway.config import (
    DataPlaneConfig,
    GatewayConfig,
    ListenerConfig,
    ListenerKey,
    RouteConfig,
)
from conformance.local.gateway.frontend_tls import GATEWAY_TLS_CONDITION_TYPES, gateway_tls
from conformance.local.gateway.gatewayclass import gatewayclass_status, is_ours
from conformance.local.gateway.infrastructure import Generated, generated_objects
from conformance.local.gateway.listeners import ListenerState, evaluate_listeners, listener_status
from conformance.local.gateway.listenersets import (
    ListenerSetWork,
    attached_count,
    listener_set_status,
    listener_sets_by_gateway,
    merge_listener_sets,
)
from conformance.local.gateway.ports import reserve_ports
from conformance.local.gateway.route_attachment import GatewayWork, attach_routes
from conformance.local.gateway.route_status import route_status
from conformance.local.gateway.snapshot import (
    BACKEND_TLS_POLICIES,
    GATEWAY_CLASSES,
    GATEWAYS,
    HTTP_ROUTES,
    LISTENER_SETS,
    Key,
    Snapshot,
    as_dict,
    as_list,
    as_str,
    generation_of,
    key_of,
    spec_of,
    status_of,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from conformance.local.api.protocol import JSONObject

GATEWAY_CONDITION_TYPES = frozenset({"Accepted", "Programmed", "ResolvedRefs"})

StatusKey = tuple[str, str, str]
"""(resource, namespace or "" for cluster-scoped objects, name)."""


class AddressAllocator(Protocol):
    """Hands out a stable address per Gateway (``LoopbackAddresses`` in the local environment)."""

    def gateway_address(self, key: str) -> str: ...


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    """A status to write: the object as read (its resourceVersion guards the write), new status inside."""

    resource: str
    object: JSONObject

    @property
    def namespace(self) -> str:
        return as_str(as_dict(self.object.get("metadata")).get("namespace"))

    @property
    def name(self) -> str:
        return as_str(as_dict(self.object.get("metadata")).get("name"))


@dataclass(frozen=True)
class Result:
    config: DataPlaneConfig
    statuses: Mapping[StatusKey, JSONObject] = field(default_factory=dict)
    """The wanted status of every object this controller manages, changed or not."""
    updates: tuple[StatusUpdate, ...] = ()
    """Those statuses that differ from what the snapshot holds, ready to write."""
    objects: tuple[Generated, ...] = ()
    """The objects generated for the accepted Gateways (infrastructure.py), as they should be stored."""

    def status(self, resource: str, namespace: str | None, name: str) -> JSONObject | None:
        return self.statuses.get((resource, namespace or "", name))


def _gateway_accepted(
    gateway: JSONObject, listeners: tuple[ListenerState, ...], class_ok: bool, faults: ActiveFaults
) -> Cond:
    if not class_ok:
        return Cond("Accepted", False, "Invalid", "the GatewayClass is not accepted")
    parameters = as_dict(spec_of(gateway).get("infrastructure")).get("parametersRef")
    if parameters and not faults.on(fg.PARAMETERS_REF_IGNORED):
        # GatewayInfrastructure.parametersRef: unresolvable or unsupported referents are InvalidParameters.
        return Cond("Accepted", False, "InvalidParameters", "this controller takes no parametersRef")
    for item in map(as_dict, as_list(spec_of(gateway).get("addresses"))):
        kind = as_str(item.get("type"), "IPAddress")
        if kind != "IPAddress" and not faults.on(fg.UNSUPPORTED_ADDRESS_TYPE_ACCEPTED):
            return Cond("Accepted", False, "UnsupportedAddress", f"address type {kind!r} is not supported")
    bad = [item.name for item in listeners if not item.accepted.status]
    if not bad:
        return Cond("Accepted", True, "Accepted")
    message = f"invalid listeners: {', '.join(bad)}"
    # GatewayConditionReason ListenersNotValid: True while at least one listener is usable.
    return Cond("Accepted", len(bad) < len(listeners), "ListenersNotValid", message)


def _static_address(gateway: JSONObject, faults: ActiveFaults) -> tuple[str | None, str]:
    """(requested IPAddress value, problem). Loopback IPv4 addresses are the ones this gateway can bind."""
    usable: str | None = None
    for item in map(as_dict, as_list(spec_of(gateway).get("addresses"))):
        value = as_str(item.get("value"))
        if as_str(item.get("type"), "IPAddress") != "IPAddress" or not value:
            continue  # GatewaySpecAddress.value: empty means "assign one", which we do.
        parts = value.split(".")
        if len(parts) == 4 and parts[0] == "127" and all(p.isdigit() and int(p) < 256 for p in parts):
            usable = usable or value
        elif not faults.on(fg.UNUSABLE_ADDRESS_PROGRAMMED):
            return None, f"address {value} cannot be bound by this gateway (only 127.0.0.0/8)"
    return usable, ""


def _attached_routes(work: GatewayWork, index: int, faults: ActiveFaults) -> int:
    count = len(work.attached[index])
    if faults.on(fc.ATTACHED_ROUTES_COUNT_REJECTED):
        count = len(work.attached[index] | work.rejected[index])
    if faults.on(fc.ATTACHED_ROUTES_NOT_COUNTED):
        count = 0
    return count


def _gateway_status(
    work: GatewayWork,
    errors: Mapping[ListenerKey, str],
    address_problem: str,
    now: str,
    faults: ActiveFaults,
) -> JSONObject:
    gateway = work.obj
    ns, name = as_str(gateway["metadata"].get("namespace")), as_str(gateway["metadata"].get("name"))
    previous = status_of(gateway)
    generation = generation_of(gateway)
    stale = faults.on(fc.GATEWAY_STALE_GENERATION)
    old = map(as_dict, as_list(previous.get("listeners")))
    old_listeners = {as_str(item.get("name")): item for item in old}

    listener_statuses: list[JSONObject] = []
    for state in work.listeners:
        if faults.on(fg.UNSUPPORTED_LISTENERS_DROPPED) and state.accepted.reason == "UnsupportedProtocol":
            continue
        error = errors.get(ListenerKey(ns, name, state.name))
        listener_statuses.append(
            listener_status(
                state,
                _attached_routes(work, state.index, faults),
                error,
                old_listeners.get(state.name),
                generation,
                now,
                stale_generation=stale,
            )
        )

    served = [s for s in work.listeners if s.servable]
    failing = [s.name for s in served if ListenerKey(ns, name, s.name) in errors]
    if not work.accepted.status:
        programmed = Cond("Programmed", False, "Invalid", "the Gateway is not accepted")
    elif address_problem:
        programmed = Cond("Programmed", False, "AddressNotUsable", address_problem)
    elif served and len(failing) == len(served):
        message = f"no listener could be served: {', '.join(failing)}"
        programmed = Cond("Programmed", False, "NoResources", message)
    else:
        programmed = Cond("Programmed", True, "Programmed")
    unresolved = [s.name for s in work.listeners if not s.resolved_refs.status]
    resolved = (
        Cond(
            "ResolvedRefs",
            False,
            "ListenersNotResolved",
            f"listeners with unresolved refs: {', '.join(unresolved)}",
        )
        if unresolved
        else Cond("ResolvedRefs", True, "ResolvedRefs")
    )
    resolved = work.tls.resolved_refs or resolved
    status = dict(previous)
    # GatewayStatus.addresses lists the addresses bound: none when the Gateway is not served.
    status.pop("addresses", None)
    if work.accepted.status and not address_problem:
        status["addresses"] = [{"type": "IPAddress", "value": work.address}]
    status["conditions"] = render_conditions(
        [work.accepted, programmed, resolved, *work.tls.conditions],
        previous.get("conditions"),
        generation,
        now,
        owned=GATEWAY_CONDITION_TYPES | GATEWAY_TLS_CONDITION_TYPES,
        stale_generation=stale,
    )
    if faults.on(fg.REMOVED_LISTENERS_KEPT):
        current = {state.name for state in work.listeners}
        listener_statuses.extend(item for item in old_listeners.values() if item.get("name") not in current)
    status["listeners"] = listener_statuses
    status["attachedListenerSets"] = attached_count(work.listener_sets, work.accepted.status, faults)
    return status


def _gateway_config(work: GatewayWork) -> GatewayConfig:
    def order(route: RouteConfig) -> tuple[str, str, str]:
        return (route.ref.creation_timestamp, route.ref.namespace, route.ref.name)

    gateway = work.obj
    # The merged listener list (listenersets.py): the Gateway's own, then its accepted ListenerSets'.
    named = [(state.name, state) for state in work.listeners]
    for listener_set in work.attached_listener_sets():
        named.extend((listener_set.config_name(state), state) for state in listener_set.listeners)
    listeners = tuple(
        ListenerConfig(
            name=name,
            port=state.port,
            protocol=state.protocol,
            hostname=state.hostname,
            routes=tuple(sorted(work.routes[state.index].values(), key=order)),
            tls=state.tls,
        )
        for name, state in named
        if state.servable
    )
    meta = as_dict(gateway.get("metadata"))
    return GatewayConfig(
        namespace=as_str(meta.get("namespace")),
        name=as_str(meta.get("name")),
        address=work.address,
        listeners=listeners,
        backend_client_certificate=work.tls.backend_client,
    )


def _listener_set_statuses(
    work: GatewayWork,
    gateway_status: JSONObject,
    errors: Mapping[ListenerKey, str],
    now: str,
    faults: ActiveFaults,
) -> dict[Key, JSONObject]:
    gateway_ns, gateway_name = key_of(work.obj)
    programmed = any(
        as_dict(c).get("type") == "Programmed" and as_dict(c).get("status") == "True"
        for c in as_list(gateway_status.get("conditions"))
    )
    out: dict[Key, JSONObject] = {}
    for listener_set in work.listener_sets:
        attached = {s.index: _attached_routes(work, s.index, faults) for s in listener_set.listeners}
        out[listener_set.key] = listener_set_status(
            listener_set,
            gateway_accepted=work.accepted.status,
            gateway_programmed=programmed,
            attached=attached,
            errors=errors,
            error_key=lambda listener: ListenerKey(gateway_ns, gateway_name, listener),
            now=now,
        )
    return out


def reconcile(
    snapshot: Snapshot,
    controller_name: str,
    addresses: AddressAllocator,
    faults: ActiveFaults | None = None,
    *,
    listener_errors: Mapping[ListenerKey, str] | None = None,
    now: str | None = None,
) -> Result:
    """Compute every status this controller owns and the data-plane config.

    ``listener_errors`` are the data plane's answer to the config of this same snapshot (the runtime
    calls ``reconcile`` again with them when there are any); ``now`` is the RFC 3339 time stamped on
    condition transitions.
    """
    faults = faults or ActiveFaults()
    errors = listener_errors or {}
    now = now or rfc3339()
    if faults.on(fg.ENDPOINT_SLICES_IGNORED):
        snapshot = replace(snapshot, endpoint_slices={})
    statuses: dict[StatusKey, JSONObject] = {}
    originals: dict[StatusKey, tuple[str, JSONObject]] = {}

    classes: dict[str, bool] = {}
    for name, gateway_class in sorted(snapshot.gateway_classes.items()):
        if not is_ours(gateway_class, controller_name):
            continue
        stale = faults.on(fc.GATEWAYCLASS_STALE_GENERATION)
        status = gatewayclass_status(gateway_class, now, stale_generation=stale)
        accepted = [c for c in status["conditions"] if c.get("type") == "Accepted"]
        classes[name] = bool(accepted) and accepted[0].get("status") == "True"
        statuses[(GATEWAY_CLASSES, "", name)] = status
        originals[(GATEWAY_CLASSES, "", name)] = (GATEWAY_CLASSES, gateway_class)

    works: dict[Key, GatewayWork] = {}
    address_problems: dict[Key, str] = {}
    listener_sets = listener_sets_by_gateway(snapshot)
    by_listener_set: dict[Key, tuple[GatewayWork, ListenerSetWork]] = {}
    for key, gateway in sorted(snapshot.gateways.items()):
        class_name = as_str(spec_of(gateway).get("gatewayClassName"))
        if class_name not in classes:
            continue
        if len(key[1]) > 63 and faults.on(fg.LONG_GATEWAY_NAMES_SKIPPED):
            continue
        listeners = reserve_ports(evaluate_listeners(gateway, snapshot, faults), faults)
        listeners, merged = merge_listener_sets(gateway, listeners, listener_sets.get(key, []), snapshot, faults)
        static, problem = _static_address(gateway, faults)
        address = static or addresses.gateway_address(f"{key[0]}/{key[1]}")
        address_problems[key] = problem
        verdict = _gateway_accepted(gateway, listeners, classes[class_name], faults)
        works[key] = GatewayWork(
            gateway, listeners, verdict, address, listener_sets=merged, tls=gateway_tls(gateway, snapshot, faults)
        )
        by_listener_set.update((item.key, (works[key], item)) for item in merged)

    route_entries = attach_routes(snapshot, works, by_listener_set, faults)

    gateway_configs: list[GatewayConfig] = []
    generated: list[Generated] = []
    for key, work in works.items():
        statuses[(GATEWAYS, *key)] = _gateway_status(work, errors, address_problems[key], now, faults)
        originals[(GATEWAYS, *key)] = (GATEWAYS, work.obj)
        for ls_key, ls_status in _listener_set_statuses(work, statuses[(GATEWAYS, *key)], errors, now, faults).items():
            statuses[(LISTENER_SETS, *ls_key)] = ls_status
            originals[(LISTENER_SETS, *ls_key)] = (LISTENER_SETS, snapshot.listener_sets[ls_key])
        if work.accepted.status:
            served = [*work.listeners, *(s for item in work.attached_listener_sets() for s in item.listeners)]
            class_name = as_str(spec_of(work.obj).get("gatewayClassName"))
            generated.extend(generated_objects(work.obj, class_name, served, faults))
        if work.accepted.status and not address_problems[key]:
            gateway_configs.append(_gateway_config(work))

    for key, entries in route_entries.items():
        route = snapshot.http_routes[key]
        wanted = route_status(route, entries, controller_name, now, faults)
        if wanted is not None:
            statuses[(HTTP_ROUTES, *key)] = wanted
            originals[(HTTP_ROUTES, *key)] = (HTTP_ROUTES, route)

    attached = {key: set().union(*work.attached.values()) for key, work in works.items()}
    for key, policy_status in policy_statuses(snapshot, attached, controller_name, now, faults).items():
        statuses[(BACKEND_TLS_POLICIES, *key)] = policy_status
        originals[(BACKEND_TLS_POLICIES, *key)] = (BACKEND_TLS_POLICIES, snapshot.backend_tls_policies[key])

    updates: list[StatusUpdate] = []
    for status_key, status in statuses.items():
        resource, obj = originals[status_key]
        if not same_content(status_of(obj), status):
            updated: dict[str, Any] = dict(obj)
            updated["status"] = status
            updates.append(StatusUpdate(resource, updated))
    config = DataPlaneConfig(gateways=tuple(gateway_configs))
    return Result(config=config, statuses=statuses, updates=tuple(updates), objects=tuple(generated))

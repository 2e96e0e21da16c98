"""One reconcile pass: a snapshot of objects in, the statuses to write and the data-plane config out.

``reconcile`` is a pure function of its arguments (the time is a parameter too), so every status rule
is unit-tested without threads or a store, and the runtime only has to take snapshots, apply configs
and write what changed. Only objects that belong to this controller are touched: GatewayClasses whose
``spec.controllerName`` is ours, Gateways of those classes, and, in HTTPRoutes, the ``status.parents``
entries for parentRefs naming those Gateways (entries of other controllers are kept as they are).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from conformance.local.faults import ActiveFaults
from conformance.local.gateway import faults_controller as fc
from conformance.local.gateway.attachment import attach
from conformance.local.gateway.backendtlspolicy import policy_statuses
from conformance.local.gateway.conditions import Cond, render_conditions, rfc3339, same_content
from conformance.local.gateway.config import (
    DataPlaneConfig,
    GatewayConfig,
    ListenerConfig,
    ListenerKey,
    RouteConfig,
)
from conformance.local.gateway.frontend_tls import GATEWAY_TLS_CONDITION_TYPES, GatewayTLS, gateway_tls
from conformance.local.gateway.gatewayclass import gatewayclass_status, is_ours
from conformance.local.gateway.httproute import CompiledRoute, compile_http_route
from conformance.local.gateway.listeners import HTTP_ROUTE, ListenerState, evaluate_listeners, listener_status
from conformance.local.gateway.route_status import defaulted_parent_ref, route_status
from conformance.local.gateway.snapshot import (
    BACKEND_TLS_POLICIES,
    GATEWAY_CLASSES,
    GATEWAY_GROUP,
    GATEWAYS,
    HTTP_ROUTES,
    Key,
    Snapshot,
    as_dict,
    as_list,
    as_str,
    generation_of,
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

    def status(self, resource: str, namespace: str | None, name: str) -> JSONObject | None:
        return self.statuses.get((resource, namespace or "", name))


@dataclass
class _GatewayWork:
    """Everything decided about one of our Gateways during a pass."""

    obj: JSONObject
    listeners: tuple[ListenerState, ...]
    accepted: Cond
    address: str
    attached: dict[int, set[Key]] = field(default_factory=lambda: defaultdict(set))
    rejected: dict[int, set[Key]] = field(default_factory=lambda: defaultdict(set))
    routes: dict[int, dict[Key, RouteConfig]] = field(default_factory=lambda: defaultdict(dict))
    tls: GatewayTLS = field(default_factory=GatewayTLS)
    """What spec.tls adds: the backend client certificate and its conditions."""


def _gateway_accepted(gateway: JSONObject, listeners: tuple[ListenerState, ...], class_ok: bool) -> Cond:
    if not class_ok:
        return Cond("Accepted", False, "Invalid", "the GatewayClass is not accepted")
    if as_dict(spec_of(gateway).get("infrastructure")).get("parametersRef"):
        # GatewayInfrastructure.parametersRef: unresolvable or unsupported referents are InvalidParameters.
        return Cond("Accepted", False, "InvalidParameters", "this controller takes no parametersRef")
    for item in map(as_dict, as_list(spec_of(gateway).get("addresses"))):
        kind = as_str(item.get("type"), "IPAddress")
        if kind != "IPAddress":
            return Cond("Accepted", False, "UnsupportedAddress", f"address type {kind!r} is not supported")
    bad = [item.name for item in listeners if not item.accepted.status]
    if not bad:
        return Cond("Accepted", True, "Accepted")
    message = f"invalid listeners: {', '.join(bad)}"
    # GatewayConditionReason ListenersNotValid: True while at least one listener is usable.
    return Cond("Accepted", len(bad) < len(listeners), "ListenersNotValid", message)


def _static_address(gateway: JSONObject) -> tuple[str | None, str]:
    """(requested IPAddress value, problem). Loopback IPv4 addresses are the ones this gateway can bind."""
    for item in map(as_dict, as_list(spec_of(gateway).get("addresses"))):
        value = as_str(item.get("value"))
        if not value:
            continue  # GatewaySpecAddress.value: empty means "assign one", which we do.
        parts = value.split(".")
        if len(parts) == 4 and parts[0] == "127" and all(p.isdigit() and int(p) < 256 for p in parts):
            return value, ""
        return None, f"address {value} cannot be bound by this gateway (only 127.0.0.0/8)"
    return None, ""


def _attach_routes(
    snapshot: Snapshot, gateways: dict[Key, _GatewayWork], faults: ActiveFaults
) -> dict[Key, list[tuple[JSONObject, list[Cond]]]]:
    """Attach every HTTPRoute to our Gateways; returns the parent entries we own, per route."""
    entries: dict[Key, list[tuple[JSONObject, list[Cond]]]] = {}
    for route_key, route in sorted(snapshot.http_routes.items()):
        namespace = route_key[0]
        compiled: CompiledRoute | None = None
        found: list[tuple[JSONObject, list[Cond]]] = []
        for raw in map(as_dict, as_list(spec_of(route).get("parentRefs"))):
            parent_ref = defaulted_parent_ref(raw, namespace)
            if (parent_ref["group"], parent_ref["kind"]) != (GATEWAY_GROUP, "Gateway"):
                continue
            work = gateways.get((parent_ref["namespace"], parent_ref["name"]))
            if work is None:
                continue  # RouteStatus.parents: parents we cannot resolve are not ours to report.
            if compiled is None:
                compiled = compile_http_route(route, snapshot, faults)
            attachment = attach(
                parent_ref,
                HTTP_ROUTE,
                namespace,
                compiled.hostnames,
                parent_ref["namespace"],
                work.listeners,
                snapshot,
                faults,
            )
            conds = compiled.acceptance(attachment.accepted)
            accepted = conds[0].status
            for index in attachment.hostname_rejected:
                work.rejected[index].add(route_key)
            if accepted:
                for index, hostnames in attachment.listeners:
                    work.attached[index].add(route_key)
                    work.routes[index][route_key] = RouteConfig(compiled.ref, hostnames, compiled.rules)
            found.append((parent_ref, [*conds, compiled.resolved_refs]))
        entries[route_key] = found
    return entries


def _gateway_status(
    work: _GatewayWork,
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
        count = len(work.attached[state.index])
        if faults.on(fc.ATTACHED_ROUTES_COUNT_REJECTED):
            count = len(work.attached[state.index] | work.rejected[state.index])
        if faults.on(fc.ATTACHED_ROUTES_NOT_COUNTED):
            count = 0
        error = errors.get(ListenerKey(ns, name, state.name))
        listener_statuses.append(
            listener_status(
                state,
                count,
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
    status["listeners"] = listener_statuses
    return status


def _gateway_config(work: _GatewayWork) -> GatewayConfig:
    def order(route: RouteConfig) -> tuple[str, str, str]:
        return (route.ref.creation_timestamp, route.ref.namespace, route.ref.name)

    gateway = work.obj
    listeners = tuple(
        ListenerConfig(
            name=state.name,
            port=state.port,
            protocol=state.protocol,
            hostname=state.hostname,
            routes=tuple(sorted(work.routes[state.index].values(), key=order)),
            tls=state.tls,
        )
        for state in work.listeners
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

    works: dict[Key, _GatewayWork] = {}
    address_problems: dict[Key, str] = {}
    for key, gateway in sorted(snapshot.gateways.items()):
        class_name = as_str(spec_of(gateway).get("gatewayClassName"))
        if class_name not in classes:
            continue
        listeners = evaluate_listeners(gateway, snapshot, faults)
        static, problem = _static_address(gateway)
        address = static or addresses.gateway_address(f"{key[0]}/{key[1]}")
        address_problems[key] = problem
        works[key] = _GatewayWork(
            gateway,
            listeners,
            _gateway_accepted(gateway, listeners, classes[class_name]),
            address,
            tls=gateway_tls(gateway, snapshot, faults),
        )

    route_entries = _attach_routes(snapshot, works, faults)

    gateway_configs: list[GatewayConfig] = []
    for key, work in works.items():
        statuses[(GATEWAYS, *key)] = _gateway_status(work, errors, address_problems[key], now, faults)
        originals[(GATEWAYS, *key)] = (GATEWAYS, work.obj)
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
    return Result(config=config, statuses=statuses, updates=tuple(updates))

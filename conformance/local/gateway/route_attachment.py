"""Route attachment for one reconcile pass: which of our Gateways and ListenerSets each HTTPRoute's
parentRefs reach, whether each attaches, and the route config it adds to the listeners it reaches.

``GatewayWork`` collects what a pass decides about one Gateway; ``attach_routes`` fills in its attached
and rejected routes (reconcile.py turns them into statuses and the data-plane config).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from conformance.local.faults import ActiveFaults
from conformance.local.gateway import faults_gateway as fg
from conformance.local.gateway.attachment import Attachment, attach
from conformance.local.gateway.conditions import Cond
from conformance.local.gateway.config import RouteConfig, Rule
from conformance.local.gateway.frontend_tls import GatewayTLS
from conformance.local.gateway.httproute import CompiledRoute, compile_http_route
from conformance.local.gateway.listeners import HTTP_ROUTE, ListenerState
from conformance.local.gateway.listenersets import ListenerSetWork
from conformance.local.gateway.route_status import defaulted_parent_ref
from conformance.local.gateway.snapshot import GATEWAY_GROUP, Key, Snapshot, as_dict, as_list, key_of, spec_of

if TYPE_CHECKING:
    from collections.abc import Mapping

    from conformance.local.api.protocol import JSONObject


@dataclass
class GatewayWork:
    """Everything decided about one of our Gateways during a pass."""

    obj: JSONObject
    listeners: tuple[ListenerState, ...]
    accepted: Cond
    address: str
    attached: dict[int, set[Key]] = field(default_factory=lambda: defaultdict(set))
    rejected: dict[int, set[Key]] = field(default_factory=lambda: defaultdict(set))
    routes: dict[int, dict[Key, RouteConfig]] = field(default_factory=lambda: defaultdict(dict))
    listener_sets: list[ListenerSetWork] = field(default_factory=list)
    """The ListenerSets naming this Gateway, in merge precedence (listenersets.py)."""
    tls: GatewayTLS = field(default_factory=GatewayTLS)
    """What spec.tls adds: the backend client certificate and its conditions."""

    def attached_listener_sets(self) -> list[ListenerSetWork]:
        return [item for item in self.listener_sets if item.accepted(self.accepted.status)]


@dataclass(frozen=True, slots=True)
class _Parent:
    """What a parentRef of ours reaches: the Gateway doing the work and the listeners in scope."""

    work: GatewayWork
    listeners: tuple[ListenerState, ...]
    namespace: str
    """The namespace allowedRoutes ``Same`` refers to: the Gateway's or the ListenerSet's."""
    reported: JSONObject
    """The parentRef written in the route's status entry."""
    refused: Cond | None = None
    """Why the parent takes no routes at all (a ListenerSet its Gateway did not accept)."""


def _parent(
    parent_ref: JSONObject,
    gateways: Mapping[Key, GatewayWork],
    listener_sets: Mapping[Key, tuple[GatewayWork, ListenerSetWork]],
    faults: ActiveFaults,
) -> _Parent | None:
    """The Gateway or ListenerSet of ours a parentRef names, or None when it names nothing of ours."""
    key = (parent_ref["namespace"], parent_ref["name"])
    kind = (parent_ref["group"], parent_ref["kind"])
    if kind == (GATEWAY_GROUP, "Gateway"):
        work = gateways.get(key)
        if work is None:
            return None
        listeners = work.listeners
        if faults.on(fg.GATEWAY_PARENT_REACHES_LISTENERSETS):
            extra = (s for item in work.attached_listener_sets() for s in item.listeners)
            listeners = (*listeners, *extra)
        return _Parent(work, listeners, key[0], parent_ref)
    if kind == (GATEWAY_GROUP, "ListenerSet") and key in listener_sets:
        work, listener_set = listener_sets[key]
        gateway_ns, gateway_name = key_of(work.obj)
        namespace = gateway_ns if faults.on(fg.LISTENERSET_SAME_MEANS_GATEWAY_NAMESPACE) else key[0]
        reported = parent_ref
        if faults.on(fg.LISTENERSET_PARENT_REPORTED_AS_GATEWAY):
            reported = {"group": GATEWAY_GROUP, "kind": "Gateway", "namespace": gateway_ns, "name": gateway_name}
        refused = None
        if not listener_set.accepted(work.accepted.status):
            refused = Cond("Accepted", False, "NoMatchingParent", "the ListenerSet is not accepted by its Gateway")
        return _Parent(work, listener_set.listeners, namespace, reported, refused)
    return None


def attach_routes(
    snapshot: Snapshot,
    gateways: dict[Key, GatewayWork],
    listener_sets: Mapping[Key, tuple[GatewayWork, ListenerSetWork]],
    faults: ActiveFaults,
) -> dict[Key, list[tuple[JSONObject, list[Cond]]]]:
    """Attach every HTTPRoute to our Gateways and ListenerSets; returns the parent entries we own, per route."""
    entries: dict[Key, list[tuple[JSONObject, list[Cond]]]] = {}
    for route_key, route in sorted(snapshot.http_routes.items()):
        namespace = route_key[0]
        compiled: CompiledRoute | None = None
        found: list[tuple[JSONObject, list[Cond]]] = []
        for position, raw in enumerate(map(as_dict, as_list(spec_of(route).get("parentRefs")))):
            if position and faults.on(fg.FIRST_PARENT_ONLY):
                break
            parent_ref = defaulted_parent_ref(raw, namespace)
            target = _parent(parent_ref, gateways, listener_sets, faults)
            if target is None:
                continue  # RouteStatus.parents: parents we cannot resolve are not ours to report.
            work = target.work
            if compiled is None:
                compiled = compile_http_route(route, snapshot, faults)
            attachment = (
                Attachment(target.refused)
                if target.refused is not None
                else attach(
                    parent_ref,
                    HTTP_ROUTE,
                    namespace,
                    compiled.hostnames,
                    target.namespace,
                    target.listeners,
                    snapshot,
                    faults,
                )
            )
            attachment = _faulty_attachment(attachment, parent_ref, target, compiled, route_key, snapshot, faults)
            conds = compiled.acceptance(attachment.accepted)
            accepted = conds[0].status
            for index in attachment.hostname_rejected:
                work.rejected[index].add(route_key)
            if accepted:
                rules = _faulty_rules(compiled, faults)
                for index, hostnames in attachment.listeners:
                    work.attached[index].add(route_key)
                    work.routes[index][route_key] = RouteConfig(compiled.ref, hostnames, rules)
            found.append((target.reported, [*conds, compiled.resolved_refs]))
        entries[route_key] = found
    return entries


def _faulty_attachment(
    attachment: Attachment,
    parent_ref: JSONObject,
    target: _Parent,
    compiled: CompiledRoute,
    route_key: Key,
    snapshot: Snapshot,
    faults: ActiveFaults,
) -> Attachment:
    """The attachment as two faults of faults_gateway.py would get it wrong (unchanged without them)."""
    reason = attachment.accepted.reason
    if reason == "NoMatchingParent" and target.refused is None and faults.on(fg.UNMATCHED_PARENT_REF_FALLS_BACK):
        whole = {k: v for k, v in parent_ref.items() if k not in ("sectionName", "port")}
        return attach(
            whole, HTTP_ROUTE, route_key[0], compiled.hostnames, target.namespace, target.listeners, snapshot, faults
        )
    if reason == "NotAllowedByListeners" and faults.on(fg.NOT_ALLOWED_ROUTES_COUNTED):
        section, port = parent_ref.get("sectionName"), parent_ref.get("port")
        refused = [s for s in target.listeners if section in (None, s.name) and port in (None, s.port)]
        for state in refused:
            target.work.attached[state.index].add(route_key)
    return attachment


def _faulty_rules(compiled: CompiledRoute, faults: ActiveFaults) -> tuple[Rule, ...]:
    rules = compiled.rules
    if faults.on(fg.RULES_WITHOUT_BACKENDS_DROPPED):
        rules = tuple(r for r in rules if r.backends or r.filters)
    if faults.on(fg.UNRESOLVED_BACKEND_FAILS_ROUTE) and not compiled.resolved_refs.status:
        reason = compiled.resolved_refs.reason
        rules = tuple(
            replace(r, backends=tuple(replace(b, invalid=b.invalid or reason) for b in r.backends)) for r in rules
        )
    return rules

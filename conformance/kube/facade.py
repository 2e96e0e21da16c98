"""``Kube``: what a conformance test does with the cluster, one helper per assertion.

The helpers are generic over the route kind (``kind="TCPRoute"``) instead of upstream's copies per type,
hold the client and the timeouts themselves (no ``(t, client, timeoutConfig)`` on every call), and
when they give up they say which object, which condition, what was last seen and how long they
waited. ``*_must_*`` helpers fail the test; ``wait_for_*`` helpers return a value.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from conformance.clock import Clock, RealClock
from conformance.kube import status as st
from conformance.kube.errors import NotFound
from conformance.kube.status import Condition, ExpectedListener, ExpectedParent
from conformance.kube.waits import ChangeFeed, Observation, WatchFeed, WatchTarget, wait_until
from conformance.refs import GatewayRef, NamespacedName

if TYPE_CHECKING:
    from conformance.kube.client import KubeClient, ResourceInfo
    from conformance.timeouts import TimeoutConfig

log = logging.getLogger(__name__)

JSONObject = dict[str, Any]
Labelled = dict[str, list[JSONObject]]
"""Objects by kind (``Kube.wait_for_labelled``)."""

GATEWAY_GROUP = st.GATEWAY_GROUP

#: API group of each kind tests refer to by name alone; the version is whatever the cluster prefers.
KIND_GROUPS: Mapping[str, str] = {
    "GatewayClass": GATEWAY_GROUP,
    "Gateway": GATEWAY_GROUP,
    "HTTPRoute": GATEWAY_GROUP,
    "GRPCRoute": GATEWAY_GROUP,
    "TLSRoute": GATEWAY_GROUP,
    "TCPRoute": GATEWAY_GROUP,
    "UDPRoute": GATEWAY_GROUP,
    "ReferenceGrant": GATEWAY_GROUP,
    "BackendTLSPolicy": GATEWAY_GROUP,
    "ListenerSet": GATEWAY_GROUP,
    "Namespace": "",
    "Pod": "",
    "Service": "",
    "Secret": "",
    "ConfigMap": "",
    "Deployment": "apps",
    "ServiceAccount": "",
    "EndpointSlice": "discovery.k8s.io",
}

LISTENERS_READY = (Condition("ResolvedRefs"), Condition("Accepted"), Condition("Programmed"))


@dataclass(frozen=True, slots=True)
class _Ref:
    info: ResourceInfo
    nn: NamespacedName

    def __str__(self) -> str:
        return self.info.describe(self.nn.namespace or None, self.nn.name)


class Kube:
    """Cluster access for one session (or one xdist worker); the ``kube`` fixture."""

    def __init__(
        self,
        client: KubeClient,
        timeouts: TimeoutConfig,
        *,
        controller_name: str = "",
        clock: Clock | None = None,
        feed: ChangeFeed | None = None,
    ) -> None:
        self.client = client
        self.timeouts = timeouts
        self.controller_name = controller_name
        self._clock = clock or RealClock()
        self._feed = feed or WatchFeed(client)
        self.abort: Callable[[], bool] = lambda: False
        """Checked while waiting: True stops every wait at once (set when the user cuts cleanup short)."""

    # --- plumbing --------------------------------------------------------------------------------

    def resource(self, kind: str) -> ResourceInfo:
        group = KIND_GROUPS.get(kind)
        if group is None:
            raise ValueError(f"unknown kind {kind!r}; known: {', '.join(KIND_GROUPS)}")
        return self.client.preferred(group, kind)

    def _ref(self, kind: str, nn: NamespacedName | str) -> _Ref:
        if isinstance(nn, str):
            nn = NamespacedName("", nn)
        return _Ref(self.resource(kind), nn)

    def get(self, kind: str, nn: NamespacedName | str) -> JSONObject | None:
        ref = self._ref(kind, nn)
        return self.client.get(ref.info.api_version, ref.info.kind, ref.nn.name, ref.nn.namespace or None)

    def list(self, kind: str, namespace: str | None = None, *, label_selector: str | None = None) -> list[JSONObject]:
        info = self.resource(kind)
        return self.client.list(info.api_version, info.kind, namespace, label_selector=label_selector)[0]

    def patch(self, kind: str, nn: NamespacedName | str, patch: Mapping[str, Any]) -> JSONObject:
        """Merge-patch an object (the way tests mutate resources, e.g. to bump generation)."""
        ref = self._ref(kind, nn)
        return self.client.patch(ref.info.api_version, ref.info.kind, ref.nn.name, ref.nn.namespace or None, patch)

    def delete(self, kind: str, nn: NamespacedName | str, *, wait: bool = True, missing_ok: bool = True) -> None:
        """Delete an object and (by default) wait until it is gone, within DeleteTimeout.

        With ``missing_ok=False`` an object that is already gone fails the test (upstream's deletes in
        test bodies require the object to exist).
        """
        __tracebackhide__ = True
        ref = self._ref(kind, nn)
        existed = self.client.delete(ref.info.api_version, ref.info.kind, ref.nn.name, ref.nn.namespace or None)
        if not existed and not missing_ok:
            raise AssertionError(f"{ref} should exist to be deleted, but it was already gone")
        if existed and wait:
            self.wait_gone(ref.info, ref.nn.namespace or None, ref.nn.name, self.timeouts.delete_timeout)

    def wait_gone(self, info: ResourceInfo, namespace: str | None, name: str, timeout: float) -> None:
        def look() -> Observation[None]:
            obj = self.client.get(info.api_version, info.kind, name, namespace)
            if obj is None:
                return Observation(True, "gone")
            return Observation(False, "still present", target=self._target(info, namespace, name, obj))

        self._wait(look, f"{info.describe(namespace, name)} was not gone", timeout)

    def _target(
        self, info: ResourceInfo, namespace: str | None, name: str | None, obj: JSONObject | None
    ) -> WatchTarget:
        rv = str(((obj or {}).get("metadata") or {}).get("resourceVersion", ""))
        return WatchTarget(info, namespace, name, rv)

    def _wait(self, look: Callable[[], Observation[Any]], what: str, timeout: float) -> Any:
        __tracebackhide__ = True
        return wait_until(
            look,
            what=what,
            timeout=timeout,
            feed=self._feed,
            clock=self._clock,
            poll_interval=self.timeouts.default_poll_interval,
            abort=self.abort,
        )

    def wait_for_object(
        self,
        kind: str,
        nn: NamespacedName | str,
        check: Callable[[JSONObject], str | None],
        *,
        what: str,
        timeout: float,
    ) -> JSONObject:
        """Wait until ``check(obj)`` returns None (it returns a description of what is not right yet)."""
        __tracebackhide__ = True
        ref = self._ref(kind, nn)
        namespace = ref.nn.namespace or None

        def look() -> Observation[JSONObject]:
            obj = self.client.get(ref.info.api_version, ref.info.kind, ref.nn.name, namespace)
            target = self._target(ref.info, namespace, ref.nn.name, obj)
            if obj is None:
                return Observation(False, "object does not exist", target=target)
            problem = check(obj)
            if problem is None:
                return Observation(True, "ok", value=obj)
            return Observation(False, problem, target=target)

        result: JSONObject = self._wait(look, f"{ref}: {what}", timeout)
        return result

    def wait_for_labelled(
        self, kinds: Sequence[str], namespace: str, label_selector: str, *, timeout: float
    ) -> Labelled:
        """Objects of each kind in ``namespace`` matching ``label_selector``, once any kind has one."""
        __tracebackhide__ = True

        def look() -> Observation[Labelled]:
            found = {kind: self.list(kind, namespace, label_selector=label_selector) for kind in kinds}
            if any(found.values()):
                return Observation(True, "found", value=found)
            # Several resources at once: poll (no single watch covers them).
            return Observation(False, f"no {', '.join(kinds)} labelled {label_selector} in {namespace}")

        found: Labelled = self._wait(
            look, f"no {' / '.join(kinds)} labelled {label_selector} appeared in {namespace}", timeout
        )
        return found

    # --- GatewayClass ----------------------------------------------------------------------------

    def gatewayclass_must_be_accepted(self, name: str, *, status: str = "True") -> str:
        """Wait for Accepted (with ``status``; "" = any) at the latest generation; returns the controllerName."""
        __tracebackhide__ = True
        expected = Condition("Accepted", status)

        def check(gwc: JSONObject) -> str | None:
            conditions = st.conditions_of(gwc)
            return st.stale_conditions(gwc, conditions) or st.missing_conditions(conditions, [expected])

        gwc = self.wait_for_object(
            "GatewayClass",
            name,
            check,
            what=f"condition {expected} never appeared at the latest generation",
            timeout=self.timeouts.gwc_must_be_accepted,
        )
        return str((gwc.get("spec") or {}).get("controllerName", ""))

    def must_have_latest_conditions(self, kind: str, nn: NamespacedName | str) -> JSONObject:
        """Every status condition reports the object's current generation (upstream *MustHaveLatestConditions)."""
        __tracebackhide__ = True

        def check(obj: JSONObject) -> str | None:
            conditions = st.conditions_of(obj)
            if not conditions:
                return "no conditions in status"
            return st.stale_conditions(obj, conditions)

        return self.wait_for_object(
            kind,
            nn,
            check,
            what="conditions never reported the latest observedGeneration",
            timeout=self.timeouts.latest_observed_generation_set,
        )

    # --- Gateway ---------------------------------------------------------------------------------

    def wait_for_gateway_address(self, gw: GatewayRef, *, use_port: bool = True) -> str:
        """``address:port`` of a Gateway (upstream WaitForGatewayAddress): typed status address + listener port."""
        __tracebackhide__ = True

        def check(obj: JSONObject) -> str | None:
            stale = st.stale_conditions(obj, st.conditions_of(obj))
            if stale:
                return stale
            if st.first_typed_address(obj) is None:
                return (
                    f"no typed address in status.addresses; conditions {st.describe_conditions(st.conditions_of(obj))}"
                )
            return None

        obj = self.wait_for_object(
            "Gateway",
            gw.nn,
            check,
            what="never got an address in status.addresses",
            timeout=self.timeouts.gateway_must_have_address,
        )
        address = st.first_typed_address(obj) or ""
        host = f"[{address}]" if ":" in address else address
        port = st.listener_port(obj, gw.listener_names)
        return f"{host}:{port}" if use_port and port is not None else host

    def gateway_must_have_condition(self, nn: NamespacedName, expected: Condition) -> JSONObject:
        __tracebackhide__ = True

        def check(obj: JSONObject) -> str | None:
            conditions = st.conditions_of(obj)
            return st.stale_conditions(obj, conditions) or st.missing_conditions(conditions, [expected])

        return self.wait_for_object(
            "Gateway",
            nn,
            check,
            what=f"condition {expected} never appeared",
            timeout=self.timeouts.gateway_must_have_condition,
        )

    def gateway_listeners_must_have_conditions(
        self, nn: NamespacedName, conditions: Sequence[Condition], listener_names: Sequence[str] = ()
    ) -> None:
        __tracebackhide__ = True
        self.wait_for_object(
            "Gateway",
            nn,
            lambda gw: st.listener_conditions_missing(gw, conditions, listener_names),
            what=f"listeners never all had {', '.join(str(c) for c in conditions)}",
            timeout=self.timeouts.gateway_listeners_must_have_conditions,
        )

    def gateway_status_must_have_listeners(self, nn: NamespacedName, listeners: Sequence[ExpectedListener]) -> None:
        __tracebackhide__ = True
        self.wait_for_object(
            "Gateway",
            nn,
            lambda gw: st.stale_conditions(gw, st.conditions_of(gw)) or st.listeners_mismatch(gw, listeners),
            what="listener status never matched the expectation",
            timeout=self.timeouts.gateway_status_must_have_listeners,
        )

    def gateway_must_have_zero_routes(self, nn: NamespacedName) -> None:
        __tracebackhide__ = True

        def check(gw: JSONObject) -> str | None:
            return st.stale_conditions(gw, st.conditions_of(gw)) or st.zero_routes(gw)

        self.wait_for_object(
            "Gateway",
            nn,
            check,
            what="never reported zero attached routes",
            timeout=self.timeouts.gateway_status_must_have_listeners,
        )

    def gateway_must_have_attached_listener_sets(self, nn: NamespacedName, expected: int) -> None:
        """Upstream GatewayMustHaveAttachedListeners: ``status.attachedListenerSets`` at the latest generation."""
        __tracebackhide__ = True

        def check(gw: JSONObject) -> str | None:
            return st.stale_conditions(gw, st.conditions_of(gw)) or st.attached_listener_sets_mismatch(gw, expected)

        self.wait_for_object(
            "Gateway",
            nn,
            check,
            what=f"never reported {expected} attached ListenerSet(s)",
            timeout=self.timeouts.gateway_status_must_have_listeners,
        )

    # --- ListenerSet -----------------------------------------------------------------------------

    def listener_set_must_have_condition(self, nn: NamespacedName, expected: Condition) -> JSONObject:
        """Upstream ListenerSetMustHaveCondition: the condition, with every condition at the latest generation."""
        __tracebackhide__ = True

        def check(obj: JSONObject) -> str | None:
            conditions = st.conditions_of(obj)
            return st.stale_conditions(obj, conditions) or st.missing_conditions(conditions, [expected])

        return self.wait_for_object(
            "ListenerSet",
            nn,
            check,
            what=f"condition {expected} never appeared",
            timeout=self.timeouts.listener_set_must_have_condition,
        )

    def listener_set_listeners_must_have_conditions(
        self, nn: NamespacedName, conditions: Sequence[Condition], listener_names: Sequence[str] = ()
    ) -> None:
        """Upstream ListenerSetListenersMustHaveConditions: all (or the named) listener entries carry every
        condition, with the ListenerSet's own conditions at the latest generation."""
        __tracebackhide__ = True

        def check(obj: JSONObject) -> str | None:
            stale = st.stale_conditions(obj, st.conditions_of(obj))
            return stale or st.listener_conditions_missing(obj, conditions, listener_names, allow_empty=True)

        self.wait_for_object(
            "ListenerSet",
            nn,
            check,
            what=f"listeners never all had {', '.join(str(c) for c in conditions)}",
            timeout=self.timeouts.listener_set_listeners_must_have_conditions,
        )

    def listener_set_status_must_have_listeners(
        self, nn: NamespacedName, listeners: Sequence[ExpectedListener]
    ) -> None:
        """Upstream ListenerSetStatusMustHaveListeners: the listener entries match, as for a Gateway."""
        __tracebackhide__ = True
        self.wait_for_object(
            "ListenerSet",
            nn,
            lambda obj: st.stale_conditions(obj, st.conditions_of(obj)) or st.listeners_mismatch(obj, listeners),
            what="listener status never matched the expectation",
            timeout=self.timeouts.listener_set_listeners_must_have_conditions,
        )

    # --- routes ----------------------------------------------------------------------------------

    def route_must_have_parents(
        self,
        route: NamespacedName,
        parents: Sequence[ExpectedParent],
        *,
        namespace_required: bool,
        kind: str = "HTTPRoute",
    ) -> None:
        __tracebackhide__ = True
        self.wait_for_object(
            kind,
            route,
            lambda obj: st.parents_mismatch(obj, parents, namespace_required=namespace_required),
            what="status.parents never matched the expectation",
            timeout=self.timeouts.route_must_have_parents,
        )

    def route_must_have_latest_conditions(self, route: NamespacedName, *, kind: str = "HTTPRoute") -> JSONObject:
        """Upstream HTTPRouteMustHaveLatestConditions: every parent entry's conditions at the route's generation
        (a route without parent entries passes, as upstream)."""
        __tracebackhide__ = True

        def check(obj: JSONObject) -> str | None:
            for parent in st.parents_of(obj):
                stale = st.stale_conditions(obj, [c for c in parent.get("conditions") or [] if isinstance(c, dict)])
                if stale:
                    return f"parent {(parent.get('parentRef') or {}).get('name')}: {stale}"
            return None

        return self.wait_for_object(
            kind,
            route,
            check,
            what="parent conditions never reported the latest observedGeneration",
            timeout=self.timeouts.latest_observed_generation_set,
        )

    def route_must_have_condition(
        self, route: NamespacedName, parent: NamespacedName, expected: Condition, *, kind: str = "HTTPRoute"
    ) -> None:
        __tracebackhide__ = True
        timeout = {
            "TLSRoute": self.timeouts.tls_route_must_have_condition,
            "TCPRoute": self.timeouts.tcp_route_must_have_condition,
            "UDPRoute": self.timeouts.udp_route_must_have_condition,
        }.get(kind, self.timeouts.http_route_must_have_condition)
        self.wait_for_object(
            kind,
            route,
            lambda obj: st.route_condition_missing(obj, parent.name, parent.namespace, expected),
            what=f"condition {expected} for parent {parent} never appeared",
            timeout=timeout,
        )

    def route_must_have_resolved_refs_true(
        self, route: NamespacedName, parent: NamespacedName, *, kind: str = "HTTPRoute"
    ) -> None:
        __tracebackhide__ = True
        self.route_must_have_condition(route, parent, Condition("ResolvedRefs", "True", "ResolvedRefs"), kind=kind)

    def route_must_have_no_accepted_parents(self, route: NamespacedName, *, kind: str = "HTTPRoute") -> None:
        """No parents at all (seen twice, as upstream), or exactly one that is not Accepted."""
        __tracebackhide__ = True
        empty_seen = [0]

        def check(obj: JSONObject) -> str | None:
            if not st.parents_of(obj):
                empty_seen[0] += 1
                # An empty list right after create may only mean "not processed yet": want it twice.
                return None if empty_seen[0] >= 2 else "no parents yet (looking once more)"
            return st.no_accepted_parents(obj)

        self.wait_for_object(
            kind,
            route,
            check,
            what="still had accepted parents",
            timeout=self.timeouts.http_route_must_not_have_parents,
        )

    def routes_and_parent_must_be_accepted(
        self,
        parent: GatewayRef,
        routes: Sequence[NamespacedName],
        *,
        kind: str = "HTTPRoute",
        parent_kind: str = "Gateway",
    ) -> None:
        """Each route Accepted by the parent under our controller, then every listener ready."""
        __tracebackhide__ = True
        sections: tuple[str | None, ...] = parent.listener_names or (None,)
        for route in routes:
            expected = [
                ExpectedParent(
                    name=parent.nn.name,
                    namespace=parent.nn.namespace,
                    controller_name=self.controller_name,
                    conditions=(Condition("Accepted", "True", "Accepted"),),
                    kind=parent_kind,
                    section_name=section,
                )
                for section in sections
            ]
            self.route_must_have_parents(
                route, expected, namespace_required=route.namespace != parent.nn.namespace, kind=kind
            )
        if parent_kind == "ListenerSet":
            self.listener_set_listeners_must_have_conditions(parent.nn, LISTENERS_READY)
        else:
            self.gateway_listeners_must_have_conditions(parent.nn, LISTENERS_READY)

    def gateway_and_routes_must_be_accepted(
        self,
        gw: GatewayRef | NamespacedName,
        routes: Sequence[NamespacedName],
        *,
        kind: str = "HTTPRoute",
        use_port: bool = True,
    ) -> str:
        """Upstream GatewayAndRoutesMustBeAccepted: returns the Gateway's ``address[:port]``."""
        __tracebackhide__ = True
        ref = gw if isinstance(gw, GatewayRef) else GatewayRef(gw)
        address = self.wait_for_gateway_address(ref, use_port=use_port)
        self.routes_and_parent_must_be_accepted(ref, routes, kind=kind)
        return address

    # --- policies, Secrets, ConfigMaps ----------------------------------------------------------

    def backend_tls_policy_must_have_condition(
        self, policy: NamespacedName, gateway: NamespacedName, expected: Condition
    ) -> JSONObject:
        """Upstream BackendTLSPolicyMustHaveCondition: the ancestor entry for ``gateway`` has ``expected``
        (every ancestor's conditions at the latest generation); HTTPRouteMustHaveCondition timeout."""
        __tracebackhide__ = True
        return self.wait_for_object(
            "BackendTLSPolicy",
            policy,
            lambda obj: st.policy_condition_missing(obj, gateway.name, gateway.namespace, expected),
            what=f"condition {expected} for ancestor {gateway} never appeared",
            timeout=self.timeouts.http_route_must_have_condition,
        )

    def backend_tls_policy_must_have_latest_conditions(self, policy: JSONObject) -> None:
        """Upstream BackendTLSPolicyMustHaveLatestConditions: a one-shot check of an object already read."""
        __tracebackhide__ = True
        problem = st.stale_ancestor_conditions(policy)
        if problem is not None:
            meta = policy.get("metadata") or {}
            raise AssertionError(f"BackendTLSPolicy {meta.get('namespace')}/{meta.get('name')}: {problem}")

    def tls_secret(self, nn: NamespacedName) -> tuple[bytes, bytes]:
        """(tls.crt, tls.key) of a Secret (upstream GetTLSSecret); fails the test if either is missing."""
        __tracebackhide__ = True
        secret = self.get("Secret", nn)
        if secret is None:
            raise AssertionError(f"Secret {nn} does not exist")
        data = secret.get("data") or {}
        try:
            cert, key = base64.b64decode(data["tls.crt"]), base64.b64decode(data["tls.key"])
        except (KeyError, ValueError) as err:
            raise AssertionError(f"Secret {nn} has no usable tls.crt and tls.key: {err}") from None
        if not cert or not key:
            raise AssertionError(f"Secret {nn}: tls.crt or tls.key is empty")
        return cert, key

    def create(self, obj: JSONObject) -> JSONObject:
        """Create an object as given (tests that add objects mid-way delete them themselves)."""
        return self.client.create(obj)

    # --- namespaces ------------------------------------------------------------------------------

    def namespaces_must_be_ready(self, namespaces: Sequence[str]) -> None:
        """Gateways Accepted and Programmed at their generation, and pods Ready, in every namespace."""
        __tracebackhide__ = True
        gateways = self.resource("Gateway")
        pods = self.resource("Pod")

        def look() -> Observation[None]:
            for namespace in namespaces:
                items, rv = self.client.list(gateways.api_version, gateways.kind, namespace)
                for gw in items:
                    if st.skips_readiness(gw):
                        continue
                    problem = st.gateway_not_ready(gw)
                    if problem:
                        return Observation(
                            False, f"{namespace}: {problem}", target=WatchTarget(gateways, namespace, None, rv)
                        )
                items, rv = self.client.list(pods.api_version, pods.kind, namespace)
                target = WatchTarget(pods, namespace, None, rv)
                if not items:
                    return Observation(False, f"{namespace}: no pods yet", target=target)
                for pod in items:
                    problem = st.pod_not_ready(pod)
                    if problem:
                        return Observation(False, f"{namespace}: {problem}", target=target)
            return Observation(True, "ready")

        self._wait(
            look,
            f"namespaces {', '.join(namespaces)} were not ready (Gateways Accepted+Programmed, pods Ready)",
            self.timeouts.namespaces_must_be_ready,
        )

    def generation(self, kind: str, nn: NamespacedName | str) -> int:
        obj = self.get(kind, nn)
        if obj is None:
            raise NotFound(f"{kind} {nn} not found", status=404)
        return st.generation(obj)

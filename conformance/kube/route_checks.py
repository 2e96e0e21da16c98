"""Helpers about routes of every kind: parents, conditions, acceptance (upstream's *RouteMust* helpers)."""

from __future__ import annotations

from collections.abc import Sequence

from conformance.kube import status as st
from conformance.kube.base import LISTENERS_READY, JSONObject
from conformance.kube.gateway_checks import GatewayChecks
from conformance.kube.status import Condition, ExpectedParent
from conformance.refs import GatewayRef, NamespacedName


class RouteChecks(GatewayChecks):
    # Route acceptance includes the parent's side (address, listener conditions): built on GatewayChecks.
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

    def gateway_and_routes_must_be_accepted_and_resolved(
        self,
        gw: GatewayRef | NamespacedName,
        routes: Sequence[NamespacedName],
        *,
        kind: str = "HTTPRoute",
        use_port: bool = True,
    ) -> str:
        """The common preamble of a traffic test: the Gateway has an address, every route is Accepted by it
        and has ResolvedRefs True. Returns the Gateway's ``address:port``."""
        __tracebackhide__ = True
        ref = gw if isinstance(gw, GatewayRef) else GatewayRef(gw)
        address = self.gateway_and_routes_must_be_accepted(ref, routes, kind=kind, use_port=use_port)
        for route in routes:
            self.route_must_have_resolved_refs_true(route, ref.nn, kind=kind)
        return address

"""Helpers about GatewayClasses, Gateways and ListenerSets (upstream's Gateway*/GWC*/ListenerSet* helpers)."""

from __future__ import annotations

from collections.abc import Sequence

from conformance.kube import status as st
from conformance.kube.base import JSONObject, KubeBase
from conformance.kube.status import Condition, ExpectedListener
from conformance.refs import GatewayRef, NamespacedName


class GatewayChecks(KubeBase):
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

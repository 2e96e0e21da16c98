"""Helpers about policies, Secrets, namespaces and generations."""

from __future__ import annotations

import base64
from collections.abc import Sequence

from conformance.kube import status as st
from conformance.kube.base import JSONObject, KubeBase
from conformance.kube.errors import NotFound
from conformance.kube.status import Condition
from conformance.kube.waits import Observation, WatchTarget
from conformance.refs import NamespacedName


class OtherChecks(KubeBase):
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

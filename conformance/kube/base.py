"""``KubeBase``: the plumbing under the ``Kube`` helpers: resources, reads, writes, and waiting by watch.

The helpers are generic over the route kind (``kind="TCPRoute"``) instead of upstream's copies per type,
hold the client and the timeouts themselves (no ``(t, client, timeoutConfig)`` on every call), and
when they give up they say which object, which condition, what was last seen and how long they
waited. ``*_must_*`` helpers fail the test; ``wait_for_*`` helpers return a value.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from conformance.clock import Clock, RealClock
from conformance.kube import status as st
from conformance.kube.status import Condition
from conformance.kube.waits import ChangeFeed, Observation, WatchFeed, WatchTarget, wait_until
from conformance.refs import NamespacedName

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


class KubeBase:
    """Cluster access for one session (or one xdist worker): what every group of helpers builds on."""

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

"""Waiting for a condition on cluster state: look, and if it does not hold yet, watch for the next change.

Upstream polls every 100 ms. Here each wait reads the current state, and if the check fails it opens a
watch on whatever the check says is blocking it (an object, or a resource in a namespace) and looks
again at the next event. A change is therefore seen within milliseconds and an idle wait costs one
open connection, not ten requests a second. A fallback re-check every few seconds covers state that a
single watch cannot see (several resources at once).

The clock and the change feed are injected so that the waiting logic is tested without real time:
a 180 s timeout runs in microseconds against a fake clock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from conformance.clock import Clock
from conformance.kube.errors import KubeError, Unreachable, WaitAborted, WaitTimeout

if TYPE_CHECKING:
    from conformance.kube.client import KubeClient, ResourceInfo

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Longest single watch before everything is looked at again (guards against changes the watch can't see).
RECHECK_INTERVAL = 5.0


@dataclass(frozen=True, slots=True)
class WatchTarget:
    """What to watch for the next change: one object (name set) or a whole resource in a namespace."""

    resource: ResourceInfo
    namespace: str | None = None
    name: str | None = None
    resource_version: str = ""


@dataclass(frozen=True, slots=True)
class Observation(Generic[T]):
    """One look at the state: does the check hold, what was seen, and what to watch if not."""

    ok: bool
    seen: str
    """Human summary of the state, used in the timeout message ('Programmed=False reason=...')."""
    value: T | None = None
    target: WatchTarget | None = None


class ChangeFeed(Protocol):
    def wait_for_change(self, target: WatchTarget, timeout: float) -> None:
        """Return at the first change of the target after its resourceVersion, or after ``timeout`` seconds."""
        ...


class WatchFeed:
    """ChangeFeed backed by Kubernetes watches."""

    def __init__(self, client: KubeClient) -> None:
        self._client = client

    def wait_for_change(self, target: WatchTarget, timeout: float) -> None:
        query: dict[str, object] = {}
        if target.name:
            query["fieldSelector"] = f"metadata.name={target.name}"
        if target.resource_version:
            query["resourceVersion"] = target.resource_version
        path = target.resource.path(target.namespace)
        try:
            for event in self._client.watch(path, query=query, timeout=timeout):
                if event.type == "BOOKMARK":
                    continue
                return  # ADDED/MODIFIED/DELETED, or ERROR (410 Expired): either way, look again
        except KubeError as err:
            log.debug("watch on %s failed (%s); looking again", path, err)


def wait_until(
    look: Callable[[], Observation[T]],
    *,
    what: str,
    timeout: float,
    feed: ChangeFeed,
    clock: Clock,
    poll_interval: float = 0.1,
    abort: Callable[[], bool] | None = None,
) -> T | None:
    """Repeat ``look`` until it reports ok; between looks wait for a change of what it said blocks it.

    ``what`` completes the sentence "... within Ns", e.g. "Gateway infra/x: condition Programmed never
    became True". Raises WaitTimeout with the last state seen. API errors during a look count as a
    failed look (the cluster may be busy); an unreachable API server is re-raised at the deadline.
    """
    __tracebackhide__ = True
    start = clock.monotonic()
    deadline = start + timeout
    observations = 0
    last_seen = "nothing yet"
    while True:
        target: WatchTarget | None = None
        try:
            observation = look()
        except (Unreachable, KubeError) as err:
            if isinstance(err, WaitTimeout):
                raise
            last_seen = f"error: {err}"
        else:
            observations += 1
            if observation.ok:
                return observation.value
            last_seen = observation.seen
            target = observation.target
        remaining = deadline - clock.monotonic()
        if abort is not None and abort():
            raise WaitAborted(
                f"{what}: stopped waiting on request after {timeout - remaining:.1f}s; last seen: {last_seen}"
            )
        if remaining <= 0:
            raise WaitTimeout(what, waited=timeout, observations=observations, last_seen=last_seen)
        log.debug("not yet (%s): %s, %.1fs left", what, last_seen, remaining)
        if target is None:
            clock.sleep(min(poll_interval, remaining))
        else:
            feed.wait_for_change(target, min(remaining, RECHECK_INTERVAL))

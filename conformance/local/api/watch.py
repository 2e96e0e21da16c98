"""Watch events and the per-watch queue between the store and one watch stream.

The store appends every committed change to a bounded history and offers it to each watcher of that
resource, inside its lock, so a watcher's events are in resourceVersion order with no gap between
the replay (history after the requested resourceVersion) and live events. Filtering by namespace and
selectors happens on the watcher's side, with kube's rule for selectors: an object that starts
matching arrives as ADDED, one that stops matching as DELETED.

Events hold the stored objects themselves: the store never mutates an object once committed (every
write stores a new dict), so sharing them between the history and many watchers is safe; readers
that hand objects to code which might mutate them make deep copies.
"""

from __future__ import annotations

import queue
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from conformance.local.api.protocol import JSONObject

WatchEventType = Literal["ADDED", "MODIFIED", "DELETED"]


@dataclass(frozen=True, slots=True)
class Event:
    """One committed change."""

    rv: int
    type: WatchEventType
    resource: str
    """Protocol name of the resource (``plural[.group]``)."""
    obj: JSONObject
    """The object after the change (for DELETED: the last state, with the deletion's resourceVersion)."""
    old: JSONObject | None
    """The object before the change (None for ADDED)."""


class Watcher:
    """The consumer side of one watch: a queue fed by the store, filtered here."""

    def __init__(
        self,
        resource: str,
        namespace: str | None,
        matcher: Callable[[Mapping[str, Any]], bool] | None,
        on_close: Callable[[Watcher], None],
    ) -> None:
        self.resource = resource
        self.namespace = namespace
        self.matcher = matcher
        self.initial: list[JSONObject] = []
        """Objects to send as ADDED before any queued event (list-then-watch semantics)."""
        self._queue: queue.SimpleQueue[Event] = queue.SimpleQueue()
        self._on_close = on_close
        self.last_rv = 0
        """resourceVersion of the last event taken from the queue, sent or filtered out."""

    def offer(self, event: Event) -> None:
        """Called by the store, under its lock, for each commit of this resource."""
        self._queue.put(event)

    def idle(self) -> bool:
        return self._queue.empty()

    def wants(self, obj: JSONObject) -> bool:
        if self.namespace is not None and obj.get("metadata", {}).get("namespace") != self.namespace:
            return False
        return self.matcher is None or self.matcher(obj)

    def next(self, timeout: float) -> tuple[WatchEventType, JSONObject] | None:
        """The next event this watch must send, or None when none arrived within ``timeout`` seconds."""
        while True:
            try:
                event = self._queue.get(timeout=timeout)
            except queue.Empty:
                return None
            self.last_rv = event.rv
            translated = self._translate(event)
            if translated is not None:
                return translated

    def _translate(self, event: Event) -> tuple[WatchEventType, JSONObject] | None:
        now = self.wants(event.obj)
        if event.type == "ADDED":
            return ("ADDED", event.obj) if now else None
        before = self.wants(event.old) if event.old is not None else now
        if event.type == "DELETED":
            return ("DELETED", event.obj) if before or now else None
        if now and before:
            return ("MODIFIED", event.obj)
        if now:
            return ("ADDED", event.obj)
        if before:
            return ("DELETED", event.obj)
        return None

    def close(self) -> None:
        self._on_close(self)

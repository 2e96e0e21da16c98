"""The object table behind ``Store``: objects, the resourceVersion counter, history, watchers, listeners.

Everything here runs with, or takes, the one store lock. Every commit stores a new dict and never
mutates a committed one, so committed objects are shared freely by the history, watchers and readers.
A commit appends one event to a bounded history (for watches that resume from a resourceVersion),
offers it to the resource's watchers inside the lock (so each watch sees events in resourceVersion
order, with no gap between its replay and live events), and queues it for in-process listeners,
which ``_dispatch`` calls after the lock is released, in commit order.

Deletion lifecycles live here too, because they span several objects in one critical section:
finalizers (deletionTimestamp first, removal when the last finalizer goes), Namespaces (Terminating,
then every object in them, then the Namespace), and CRDs (their kind and all its objects).
"""

from __future__ import annotations

import builtins
import threading
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from conformance.local.api import crds, objects
from conformance.local.api.errors import BadRequest, Expired, Forbidden, NotFound
from conformance.local.api.jsonutil import json_copy
from conformance.local.api.kinds import ResourceType, TypeRegistry
from conformance.local.api.protocol import JSONObject, Listener
from conformance.local.api.watch import Event, Watcher, WatchEventType

Matcher = Callable[[Mapping[str, Any]], bool]
Key = tuple[str, str]

CRDS = "customresourcedefinitions.apiextensions.k8s.io"


def object_key(rtype: ResourceType, namespace: str | None, name: str) -> Key:
    return ((namespace or "") if rtype.namespaced else "", name)


class ObjectTable:
    """Committed objects of every resource, and the machinery that publishes each commit."""

    def __init__(self, types: TypeRegistry, history_limit: int) -> None:
        self.types = types
        self._lock = threading.Lock()
        self._objects: dict[str, dict[Key, JSONObject]] = {}
        self._rv = 0
        self._history: deque[Event] = deque(maxlen=history_limit)
        self._history_floor = 0
        self._watchers: dict[str, set[Watcher]] = {}
        self._listeners: dict[str, list[Listener]] = {}
        self._pending: deque[tuple[tuple[Listener, ...], WatchEventType, str, JSONObject]] = deque()
        self._dispatch_lock = threading.RLock()

    @property
    def resource_version(self) -> str:
        """The current (latest committed) resourceVersion."""
        return str(self._rv)

    def resource_type(self, resource: str) -> ResourceType:
        rtype = self.types.get(resource)
        if rtype is None:
            raise NotFound(f"the server could not find the requested resource ({resource})")
        return rtype

    # -- reads --------------------------------------------------------------------------------------

    def read(self, rtype: ResourceType, namespace: str | None, name: str) -> JSONObject:
        """The stored object itself (callers must not mutate it); NotFound when missing."""
        obj = self._objects.get(rtype.key, {}).get(object_key(rtype, namespace, name))
        if obj is None:
            raise NotFound.object(rtype.key, name)
        return obj

    def list_objects(
        self, rtype: ResourceType, namespace: str | None, matcher: Matcher | None
    ) -> tuple[builtins.list[JSONObject], str]:
        """Stored objects (not copies) sorted by namespace/name, and the list's resourceVersion."""
        with self._lock:
            bucket = self._objects.get(rtype.key, {})
            if namespace and rtype.namespaced:
                found = [obj for (ns, _), obj in bucket.items() if ns == namespace]
            else:
                found = list(bucket.values())
            rv = str(self._rv)
        if matcher is not None:
            found = [obj for obj in found if matcher(obj)]
        found.sort(key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]))
        return found, rv

    def subscribe_listener(self, keys: builtins.list[str], listener: Listener) -> Callable[[], None]:
        with self._lock:
            for key in keys:
                self._listeners[key] = [*self._listeners.get(key, []), listener]

        def unsubscribe() -> None:
            with self._lock:
                for key in keys:
                    self._listeners[key] = [x for x in self._listeners.get(key, []) if x is not listener]

        return unsubscribe

    # -- watch --------------------------------------------------------------------------------------

    def watch(
        self,
        rtype: ResourceType,
        namespace: str | None,
        matcher: Matcher | None,
        resource_version: str | None,
    ) -> Watcher:
        """Register a watch. Without a resourceVersion (or "0"), current objects come first as ADDED
        (``watcher.initial``); with one, retained events after it are replayed, or Expired is raised."""
        watcher = Watcher(rtype.key, namespace if rtype.namespaced else None, matcher, self._unwatch)
        with self._lock:
            if resource_version in (None, "", "0"):
                watcher.initial = [obj for obj in self._objects.get(rtype.key, {}).values() if watcher.wants(obj)]
                watcher.initial.sort(key=lambda o: int(o["metadata"]["resourceVersion"]))
            else:
                try:
                    since = int(str(resource_version))
                except ValueError:
                    raise BadRequest(f"invalid resource version {resource_version!r}") from None
                if since < self._history_floor:
                    raise Expired(f"too old resource version: {since} ({self._history_floor + 1})")
                for event in self._history:
                    if event.rv > since and event.resource == rtype.key:
                        watcher.offer(event)
            watcher.last_rv = self._rv
            self._watchers.setdefault(rtype.key, set()).add(watcher)
        return watcher

    def bookmark_version(self, watcher: Watcher) -> str | None:
        """A resourceVersion safe to announce in a BOOKMARK now (None while events are still queued)."""
        with self._lock:
            return str(self._rv) if watcher.idle() else None

    def _unwatch(self, watcher: Watcher) -> None:
        with self._lock:
            self._watchers.get(watcher.resource, set()).discard(watcher)

    # -- internals (called with self._lock held) ----------------------------------------------------

    def _commit(
        self, rtype: ResourceType, kind: WatchEventType, key: Key, obj: JSONObject, old: JSONObject | None
    ) -> None:
        self._rv += 1
        obj["metadata"]["resourceVersion"] = str(self._rv)
        bucket = self._objects.setdefault(rtype.key, {})
        if kind == "DELETED":
            bucket.pop(key, None)
        else:
            bucket[key] = obj
        event = Event(self._rv, kind, rtype.key, obj, old)
        if len(self._history) == self._history.maxlen:
            self._history_floor = self._history[0].rv
        self._history.append(event)
        for watcher in self._watchers.get(rtype.key, ()):
            watcher.offer(event)
        listeners = self._listeners.get(rtype.key)
        if listeners:
            self._pending.append((tuple(listeners), kind, rtype.key, obj))

    def _remove(self, rtype: ResourceType, key: Key, last: JSONObject, *, finish: bool = True) -> JSONObject:
        snapshot = dict(last)
        snapshot["metadata"] = dict(last["metadata"])
        old = self._objects.get(rtype.key, {}).get(key)
        self._commit(rtype, "DELETED", key, snapshot, old)
        if rtype.key == CRDS:
            self._drop_crd_kind(snapshot)
        if rtype.namespaced and finish:
            self._finish_namespace_if_empty(key[0])
        return snapshot

    def _delete_locked(
        self, rtype: ResourceType, key: Key, current: JSONObject, *, finish: bool = True
    ) -> tuple[JSONObject, bool]:
        if objects.finalizers(current):
            if objects.is_terminating(current):
                return current, False
            marked = objects.marked_for_deletion(current)
            self._commit(rtype, "MODIFIED", key, marked, current)
            return marked, False
        return self._remove(rtype, key, current, finish=finish), True

    def _delete_namespace(self, name: str) -> tuple[JSONObject, bool]:
        namespaces = self.resource_type("namespaces")
        current = self._objects["namespaces"][("", name)]
        if not objects.is_terminating(current):
            marked = objects.marked_for_deletion(current)
            marked["status"] = {**(current.get("status") or {}), "phase": "Terminating"}
            self._commit(namespaces, "MODIFIED", ("", name), marked, current)
            current = marked
        for rtype in self.types.types():
            if not rtype.namespaced:
                continue
            for key, obj in list(self._objects.get(rtype.key, {}).items()):
                if key[0] == name:
                    self._delete_locked(rtype, key, obj, finish=False)
        remaining = self._objects["namespaces"].get(("", name))
        if remaining is None:
            return current, True
        return self._finish_namespace_if_empty(name) or remaining, False

    def _finish_namespace_if_empty(self, name: str) -> JSONObject | None:
        namespace = self._objects.get("namespaces", {}).get(("", name))
        if namespace is None or not objects.is_terminating(namespace):
            return None
        if any(
            key[0] == name
            for rtype in self.types.types()
            if rtype.namespaced
            for key in self._objects.get(rtype.key, {})
        ):
            return None
        return self._remove(self.resource_type("namespaces"), ("", name), namespace)

    def _check_namespace_open(self, name: str) -> None:
        namespace = self._objects.get("namespaces", {}).get(("", name))
        if namespace is None:
            raise NotFound.object("namespaces", name)
        if objects.is_terminating(namespace):
            raise Forbidden(
                f'namespaces "{name}" is forbidden: unable to create new content in namespace {name} '
                "because it is being terminated"
            )

    def _drop_crd_kind(self, crd: JSONObject) -> None:
        """A deleted CRD takes its kind and every object of it along, as on a cluster."""
        rtype = crds.resource_type_from_crd(crd)
        for key, obj in list(self._objects.get(rtype.key, {}).items()):
            self._remove(rtype, key, obj)
        self.types.unregister(rtype.key)

    # -- listeners ----------------------------------------------------------------------------------

    def _dispatch(self) -> None:
        """Deliver pending listener calls in commit order; re-entrant writes from listeners are fine."""
        if not self._pending:
            return
        with self._dispatch_lock:
            while True:
                try:
                    listeners, kind, resource, obj = self._pending.popleft()
                except IndexError:
                    return
                for listener in listeners:
                    listener(kind, resource, json_copy(obj))

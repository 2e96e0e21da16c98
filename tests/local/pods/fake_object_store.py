"""A small in-memory ObjectStore for the kubelet's tests (the real one lives in conformance.local.api).

Same observable contract as the protocol: deep copies in and out, uid / resourceVersion / generation /
creationTimestamp filled on create, generation bumped on spec changes, status only through
replace_status, listeners called after each commit outside the lock, namespace deletion cascading.
"""

from __future__ import annotations

import copy
import threading
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from conformance.local.api.protocol import (
    ConflictError,
    EventType,
    JSONObject,
    Listener,
    NotFoundError,
)

CLUSTER_SCOPED = frozenset({"namespaces"})


class FakeStore:
    def __init__(self) -> None:
        self._objects: dict[tuple[str, str | None, str], JSONObject] = {}
        self._lock = threading.Lock()
        self._version = 0
        self._listeners: list[tuple[frozenset[str], Listener]] = []

    # --- reads ---------------------------------------------------------------------------------------

    def get(self, resource: str, namespace: str | None, name: str) -> JSONObject | None:
        with self._lock:
            obj = self._objects.get((resource, self._ns(resource, namespace), name))
            return copy.deepcopy(obj) if obj is not None else None

    def list(self, resource: str, namespace: str | None = None, label_selector: str | None = None) -> list[JSONObject]:
        wanted = dict(part.split("=", 1) for part in (label_selector or "").split(",") if part)
        with self._lock:
            found = [
                copy.deepcopy(obj)
                for (res, ns, _), obj in sorted(self._objects.items(), key=lambda item: (item[0][1] or "", item[0][2]))
                if res == resource
                and (namespace is None or ns == namespace)
                and all((obj["metadata"].get("labels") or {}).get(k) == v for k, v in wanted.items())
            ]
        return found

    # --- writes --------------------------------------------------------------------------------------

    def create(self, resource: str, obj: JSONObject) -> JSONObject:
        obj = copy.deepcopy(obj)
        meta = obj.setdefault("metadata", {})
        key = (resource, self._ns(resource, meta.get("namespace")), meta["name"])
        with self._lock:
            if key in self._objects:
                raise ConflictError(f"{resource} {meta['name']} already exists")
            meta.update(
                uid=str(uuid.uuid4()),
                resourceVersion=self._next_version(),
                generation=1,
                creationTimestamp=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            )
            self._objects[key] = obj
            out = copy.deepcopy(obj)
        self._notify("ADDED", resource, out)
        return out

    def replace(self, resource: str, obj: JSONObject) -> JSONObject:
        return self._update(resource, obj, status_only=False)

    def replace_status(self, resource: str, obj: JSONObject) -> JSONObject:
        return self._update(resource, obj, status_only=True)

    def _update(self, resource: str, obj: JSONObject, status_only: bool) -> JSONObject:
        meta = obj["metadata"]
        key = (resource, self._ns(resource, meta.get("namespace")), meta["name"])
        with self._lock:
            current = self._objects.get(key)
            if current is None:
                raise NotFoundError(f"{resource} {meta['name']} not found")
            version = meta.get("resourceVersion")
            if version and version != current["metadata"]["resourceVersion"]:
                raise ConflictError(f"{resource} {meta['name']}: stale resourceVersion")
            updated = copy.deepcopy(current)
            if status_only:
                updated["status"] = copy.deepcopy(obj.get("status"))
            else:
                for field, value in obj.items():
                    if field not in ("status", "metadata"):
                        updated[field] = copy.deepcopy(value)
                for field in ("labels", "annotations", "ownerReferences"):
                    if field in meta:
                        updated["metadata"][field] = copy.deepcopy(meta[field])
                if updated.get("spec") != current.get("spec"):
                    updated["metadata"]["generation"] = current["metadata"]["generation"] + 1
            updated["metadata"]["resourceVersion"] = self._next_version()
            self._objects[key] = updated
            out = copy.deepcopy(updated)
        self._notify("MODIFIED", resource, out)
        return out

    def delete(self, resource: str, namespace: str | None, name: str) -> None:
        key = (resource, self._ns(resource, namespace), name)
        removed: list[tuple[str, JSONObject]] = []
        with self._lock:
            obj = self._objects.pop(key, None)
            if obj is None:
                raise NotFoundError(f"{resource} {name} not found")
            if resource == "namespaces":
                for other in [k for k in self._objects if k[1] == name]:
                    removed.append((other[0], self._objects.pop(other)))
            removed.append((resource, obj))
        for res, gone in removed:
            self._notify("DELETED", res, copy.deepcopy(gone))

    def subscribe(self, resources: Iterable[str], listener: Listener) -> Callable[[], None]:
        entry = (frozenset(resources), listener)
        with self._lock:
            self._listeners.append(entry)

        def unsubscribe() -> None:
            with self._lock:
                if entry in self._listeners:
                    self._listeners.remove(entry)

        return unsubscribe

    # --- helpers -------------------------------------------------------------------------------------

    @staticmethod
    def _ns(resource: str, namespace: str | None) -> str | None:
        return None if resource in CLUSTER_SCOPED else namespace

    def _next_version(self) -> str:
        self._version += 1
        return str(self._version)

    def _notify(self, event: EventType, resource: str, obj: JSONObject) -> None:
        with self._lock:
            listeners = [fn for resources, fn in self._listeners if resource in resources]
        for fn in listeners:
            fn(event, resource, copy.deepcopy(obj))

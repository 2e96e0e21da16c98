"""The in-process face of the local API endpoint, used by the local kubelet and the reference gateway.

Components that live in the local environment's process (the pod emulator, the reference gateway's
controller) talk to the object store directly instead of through HTTP: same semantics as the HTTP API
(uid, resourceVersion, generation, the status subresource, watch events), without a socket per call.
Everything outside that process uses the HTTP endpoint through the `kubernetes` client.

Resources are named the way kube-apiserver names them in RBAC rules: ``<plural>`` for the core group
(``"pods"``, ``"services"``) and ``<plural>.<group>`` otherwise (``"deployments.apps"``,
``"gateways.gateway.networking.k8s.io"``). Objects are plain JSON-compatible dicts; every dict handed
out is a deep copy the caller may keep or mutate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal, Protocol

JSONObject = dict[str, Any]

EventType = Literal["ADDED", "MODIFIED", "DELETED"]

#: A listener gets (event type, resource name, deep copy of the object after the change). It is called
#: synchronously after the write is committed, outside the store's lock, in commit order; it must return
#: quickly (enqueue, don't work).
Listener = Callable[[EventType, str, JSONObject], None]


class NotFoundError(LookupError):
    """The object (or the resource) does not exist."""


class ConflictError(RuntimeError):
    """Stale resourceVersion on a write, or a create of an object that already exists."""


class InvalidError(ValueError):
    """The object failed validation (schema, immutable field, bad name); the message names the field."""


class ObjectStore(Protocol):
    """What in-process components may do with the local API's objects."""

    def get(self, resource: str, namespace: str | None, name: str) -> JSONObject | None:
        """Return the object, or None when it does not exist."""
        ...

    def list(
        self,
        resource: str,
        namespace: str | None = None,
        label_selector: str | None = None,
    ) -> list[JSONObject]:
        """Objects of a resource (all namespaces when namespace is None), sorted by namespace/name."""
        ...

    def create(self, resource: str, obj: JSONObject) -> JSONObject:
        """Create like POST (fills uid, resourceVersion, generation, creationTimestamp); ConflictError if taken."""
        ...

    def replace(self, resource: str, obj: JSONObject) -> JSONObject:
        """Replace like PUT on the main resource (status is ignored; a spec change bumps generation).

        If ``obj.metadata.resourceVersion`` is set and stale, raise ConflictError.
        """
        ...

    def replace_status(self, resource: str, obj: JSONObject) -> JSONObject:
        """Replace only ``status`` like PUT on the /status subresource (spec and metadata changes ignored).

        If ``obj.metadata.resourceVersion`` is set and stale, raise ConflictError.
        """
        ...

    def delete(self, resource: str, namespace: str | None, name: str) -> None:
        """Delete like DELETE (honours finalizers; deleting a Namespace removes everything in it)."""
        ...

    def subscribe(self, resources: Iterable[str], listener: Listener) -> Callable[[], None]:
        """Call ``listener`` for every committed change of these resources; returns an unsubscribe function."""
        ...

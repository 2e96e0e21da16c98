"""The in-memory object store behind the local API: kube-apiserver's storage semantics in one process.

``Store`` implements the ``ObjectStore`` protocol for in-process components, and the type-addressed
write verbs the HTTP layer needs (create, update, patch, apply, delete, deletecollection; reads and
watches come from ``ObjectTable``). A write computes and admits the new object (metadata rules,
status-subresource rules, pruning, defaulting, validation) *outside* the lock, then commits with a
compare-and-swap on the stored object, retrying on a race like kube's GuaranteedUpdate, so slow
validation never blocks other writers.

Usage::

    store = Store()                                   # built-in kinds + schema-less Gateway API kinds
    store = Store.from_crd_paths(["crds/v1.6.1/experimental"])   # Gateway API kinds from CRD files
    store.create("configmaps", {"metadata": {"name": "x", "namespace": "default"}, "data": {}})
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance.local.api import crds, objects
from conformance.local.api.apply import server_side_apply
from conformance.local.api.builtin_kinds import INITIAL_NAMESPACES, builtin_types
from conformance.local.api.errors import AlreadyExists, BadRequest, Conflict, FieldError, Invalid, NotFound
from conformance.local.api.gateway_kinds import gateway_api_crds
from conformance.local.api.jsonutil import json_copy
from conformance.local.api.kinds import ResourceType, TypeRegistry
from conformance.local.api.protocol import JSONObject, Listener
from conformance.local.api.selectors import object_matcher
from conformance.local.api.table import CRDS, Matcher, ObjectTable, object_key

#: Computes the new object from (a private copy of) the current one.
Transform = Callable[[JSONObject], JSONObject]

_MAX_RETRIES = 50


@dataclass(frozen=True, slots=True)
class WriteOptions:
    """Request options of a write (query parameters on the HTTP API)."""

    strict: bool = False
    """``fieldValidation=Strict``: unknown fields are a 400 instead of being pruned."""
    dry_run: bool = False
    """``dryRun=All``: admit and return the result, store nothing."""


_DEFAULT = WriteOptions()


class Store(ObjectTable):
    """In-memory objects with uid/resourceVersion/generation, the status subresource, finalizers and watch."""

    def __init__(
        self,
        crd_paths: Iterable[str | Path] | None = None,
        *,
        gateway_api: bool = True,
        history_limit: int = 10_000,
        cel: bool = True,
    ) -> None:
        """Built-in kinds, plus Gateway API kinds from ``crd_paths`` (CRD files or directories) or,
        when none are given and ``gateway_api`` is true, from the built-in schema-less table.

        ``history_limit`` is how many events watches can resume from; ``cel=False`` skips the CRDs'
        CEL validation rules (OpenAPI validation and defaulting stay on).
        """
        types = TypeRegistry(cel=cel)
        for rtype in builtin_types():
            types.register(rtype)
        super().__init__(types, history_limit)
        for name in INITIAL_NAMESPACES:
            self.create("namespaces", {"metadata": {"name": name}})
        paths = list(crd_paths or [])
        documents = crds.load_crd_documents(paths) if paths else gateway_api_crds() if gateway_api else []
        for crd in documents:
            self.create(CRDS, crd)

    @classmethod
    def from_crd_paths(cls, paths: Iterable[str | Path], **kwargs: Any) -> Store:
        """A store whose Gateway API kinds (and schemas) come from these CRD files or directories."""
        return cls(list(paths), **kwargs)

    # -- ObjectStore protocol -----------------------------------------------------------------------

    def get(self, resource: str, namespace: str | None, name: str) -> JSONObject | None:
        rtype = self.resource_type(resource)
        obj = self._objects.get(rtype.key, {}).get(object_key(rtype, namespace, name))
        return json_copy(obj) if obj is not None else None

    def list(
        self, resource: str, namespace: str | None = None, label_selector: str | None = None
    ) -> builtins.list[JSONObject]:
        rtype = self.resource_type(resource)
        items, _ = self.list_objects(rtype, namespace, object_matcher(label_selector, None))
        return [json_copy(obj) for obj in items]

    def create(self, resource: str, obj: JSONObject) -> JSONObject:
        rtype = self.resource_type(resource)
        return json_copy(self.create_object(rtype, None, json_copy(obj)))

    def replace(self, resource: str, obj: JSONObject) -> JSONObject:
        rtype = self.resource_type(resource)
        namespace, name = self._identity(rtype, obj)
        return json_copy(self.update_object(rtype, namespace, name, json_copy(obj)))

    def replace_status(self, resource: str, obj: JSONObject) -> JSONObject:
        rtype = self.resource_type(resource)
        namespace, name = self._identity(rtype, obj)
        return json_copy(self.update_object(rtype, namespace, name, json_copy(obj), subresource="status"))

    def delete(self, resource: str, namespace: str | None, name: str) -> None:
        self.delete_object(self.resource_type(resource), namespace, name)

    def subscribe(self, resources: Iterable[str], listener: Listener) -> Callable[[], None]:
        """NotFoundError for a resource the API does not serve (a typo would otherwise stay silent)."""
        keys = [self.resource_type(resource).key for resource in resources]
        return self.subscribe_listener(keys, listener)

    @staticmethod
    def _identity(rtype: ResourceType, obj: JSONObject) -> tuple[str | None, str]:
        metadata = obj.get("metadata") or {}
        name = metadata.get("name")
        if not name:
            error = FieldError("metadata.name", "FieldValueRequired", "Required value")
            raise Invalid(rtype.qualified_kind, rtype.group, "", [error])
        return metadata.get("namespace"), str(name)

    # -- writes -------------------------------------------------------------------------------------

    def create_object(
        self,
        rtype: ResourceType,
        namespace: str | None,
        obj: JSONObject,
        *,
        version: str | None = None,
        options: WriteOptions = _DEFAULT,
    ) -> JSONObject:
        """POST: ``obj`` must be a private copy; returns the stored object."""
        objects.check_body(rtype, obj)
        objects.prepare_create(rtype, obj, namespace)
        if rtype.key == CRDS:
            _check_crd(obj)
            obj["status"] = crds.crd_status(obj)
        _check_pruned(self.types.admit(rtype, version or rtype.preferred, obj), options)
        metadata = obj["metadata"]
        key = (metadata.get("namespace", ""), metadata["name"])
        with self._lock:
            if rtype.namespaced:
                self._check_namespace_open(key[0])
            if key in self._objects.get(rtype.key, {}):
                raise AlreadyExists.object(rtype.key, key[1])
            if options.dry_run:
                return obj
            self._commit(rtype, "ADDED", key, obj, None)
            if rtype.key == CRDS:
                self.types.register(crds.resource_type_from_crd(obj))
        self._dispatch()
        return obj

    def update_object(
        self,
        rtype: ResourceType,
        namespace: str | None,
        name: str,
        body: JSONObject,
        *,
        version: str | None = None,
        subresource: str | None = None,
        options: WriteOptions = _DEFAULT,
    ) -> JSONObject:
        """PUT on the object or its /status: ``body`` must be a private copy; returns the stored object."""
        objects.check_body(rtype, body)
        objects.check_identity(rtype, body, namespace, name)
        metadata = body["metadata"]
        result, _ = self.modify(
            rtype,
            metadata.get("namespace"),
            name,
            lambda _: body,
            expected=metadata.get("resourceVersion"),
            version=version,
            subresource=subresource,
            options=options,
        )
        return result

    def patch_object(
        self,
        rtype: ResourceType,
        namespace: str | None,
        name: str,
        transform: Transform,
        *,
        version: str | None = None,
        subresource: str | None = None,
        options: WriteOptions = _DEFAULT,
    ) -> JSONObject:
        """PATCH: ``transform`` gets a private copy of the current object and returns the patched one.

        A resourceVersion in the patched result that differs from the current one is a Conflict.
        """

        def patched(current: JSONObject) -> JSONObject:
            result = transform(json_copy(current))
            objects.check_body(rtype, result)
            rv = (result.get("metadata") or {}).get("resourceVersion")
            if rv is not None and rv != current["metadata"]["resourceVersion"]:
                raise Conflict.stale(rtype.key, name)
            objects.check_identity(rtype, result, namespace, name)
            return result

        result, _ = self.modify(
            rtype, namespace, name, patched, version=version, subresource=subresource, options=options
        )
        return result

    def apply_object(
        self,
        rtype: ResourceType,
        namespace: str | None,
        name: str,
        applied: JSONObject,
        *,
        manager: str,
        version: str | None = None,
        subresource: str | None = None,
        options: WriteOptions = _DEFAULT,
    ) -> tuple[JSONObject, bool]:
        """Server-side apply; returns (stored object, created)."""
        objects.check_body(rtype, applied)
        api_version = rtype.api_version(version)
        for _ in range(_MAX_RETRIES):
            try:
                self.read(rtype, namespace, name)
            except NotFound:
                if subresource:
                    raise
                fresh = server_side_apply(None, applied, manager=manager, api_version=api_version)
                objects.check_identity(rtype, fresh, namespace, name)
                try:
                    return self.create_object(rtype, namespace, fresh, version=version, options=options), True
                except AlreadyExists:
                    continue

            def apply(live: JSONObject) -> JSONObject:
                return server_side_apply(
                    live, applied, manager=manager, api_version=api_version, subresource=subresource
                )

            try:
                result = self.patch_object(
                    rtype, namespace, name, apply, version=version, subresource=subresource, options=options
                )
            except NotFound:
                continue
            return result, False
        raise Conflict.stale(rtype.key, name)

    def modify(
        self,
        rtype: ResourceType,
        namespace: str | None,
        name: str,
        transform: Transform,
        *,
        expected: str | None = None,
        version: str | None = None,
        subresource: str | None = None,
        options: WriteOptions = _DEFAULT,
    ) -> tuple[JSONObject, bool]:
        """Read-transform-admit-commit with compare-and-swap; returns (stored object, deleted).

        ``expected`` is a resourceVersion precondition (PUT). An update that removes the last
        finalizer of an object being deleted deletes it, as kube-apiserver does.
        """
        key = object_key(rtype, namespace, name)
        for _ in range(_MAX_RETRIES):
            current = self.read(rtype, namespace, name)
            if expected and expected != current["metadata"]["resourceVersion"]:
                raise Conflict.stale(rtype.key, name)
            new = objects.prepare_update(rtype, current, transform(current), subresource)
            if rtype.key == CRDS and subresource is None:
                _check_crd(new)
            status_only = subresource == "status"
            _check_pruned(
                self.types.admit(rtype, version or rtype.preferred, new, current, status_only=status_only), options
            )
            objects.bump_generation(current, new)
            with self._lock:
                if self._objects.get(rtype.key, {}).get(key) is not current:
                    continue
                if options.dry_run:
                    return new, False
                deleted = objects.is_terminating(new) and not objects.finalizers(new)
                if deleted:
                    self._remove(rtype, key, new)
                else:
                    self._commit(rtype, "MODIFIED", key, new, current)
                    if rtype.key == CRDS:
                        self.types.register(crds.resource_type_from_crd(new))
            self._dispatch()
            return new, deleted
        raise Conflict.stale(rtype.key, name)

    def delete_object(
        self,
        rtype: ResourceType,
        namespace: str | None,
        name: str,
        *,
        uid: str | None = None,
        resource_version: str | None = None,
        options: WriteOptions = _DEFAULT,
    ) -> tuple[JSONObject, bool]:
        """DELETE; returns (last state, deleted now). Objects with finalizers only get a deletionTimestamp."""
        key = object_key(rtype, namespace, name)
        with self._lock:
            current = self._objects.get(rtype.key, {}).get(key)
            if current is None:
                raise NotFound.object(rtype.key, name)
            metadata = current["metadata"]
            if uid and uid != metadata.get("uid"):
                raise Conflict(
                    f"Precondition failed: UID in precondition: {uid}, UID in object meta: {metadata.get('uid')}"
                )
            if resource_version and resource_version != metadata.get("resourceVersion"):
                raise Conflict.stale(rtype.key, name)
            if options.dry_run:
                return current, not objects.finalizers(current)
            if rtype.key == "namespaces":
                result, deleted = self._delete_namespace(name)
            else:
                result, deleted = self._delete_locked(rtype, key, current)
        self._dispatch()
        return result, deleted

    def delete_collection(
        self, rtype: ResourceType, namespace: str | None, matcher: Matcher | None, options: WriteOptions = _DEFAULT
    ) -> builtins.list[JSONObject]:
        """DELETE on a collection: every matching object, each as a single delete would."""
        items, _ = self.list_objects(rtype, namespace, matcher)
        results = []
        for obj in items:
            metadata = obj["metadata"]
            try:
                result, _ = self.delete_object(rtype, metadata.get("namespace"), metadata["name"], options=options)
            except NotFound:
                continue
            results.append(result)
        return results


def _check_crd(crd: JSONObject) -> None:
    errors = crds.crd_errors(crd)
    if errors:
        name = str(crd.get("metadata", {}).get("name", ""))
        raise Invalid("CustomResourceDefinition.apiextensions.k8s.io", "apiextensions.k8s.io", name, errors)


def _check_pruned(pruned: builtins.list[str], options: WriteOptions) -> None:
    if options.strict and pruned:
        raise BadRequest("strict decoding error: " + ", ".join(f'unknown field "{path}"' for path in pruned))

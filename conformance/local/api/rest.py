"""The REST verbs of the Kubernetes API on top of ``Store``: one request in, one reply (or a watch) out.

Kept apart from the HTTP plumbing (``server.py``) so each verb's semantics read in one place: status
codes as kube-apiserver sends them (201 on create, 200 on get/update/patch/delete — the ``kubernetes``
client turns an unexpected code into ``None``), lists with ``<Kind>List``/apiVersion/resourceVersion,
objects served under the version the request named, patch content types (strategic merge refused
with 415 for custom resources, as on a cluster), and ``kind: Status`` errors.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from conformance.local.api import patches, routes
from conformance.local.api.discovery import api_group, api_group_list, api_versions, resource_list, version_info
from conformance.local.api.errors import (
    ApiError,
    BadRequest,
    Expired,
    MethodNotAllowed,
    NotFound,
    UnsupportedMediaType,
    success_status,
)
from conformance.local.api.kinds import ResourceType
from conformance.local.api.openapi import openapi_v3_group_version, openapi_v3_root
from conformance.local.api.protocol import JSONObject
from conformance.local.api.routes import Route
from conformance.local.api.selectors import object_matcher
from conformance.local.api.store import Store, WriteOptions
from conformance.local.api.watch import Watcher

#: (namespace, pod, container, sinceSeconds, tailLines) -> log text, or None when there is none.
LogSource = Callable[[str, str, str | None, int | None, int | None], str | None]


@dataclass(frozen=True, slots=True)
class Reply:
    code: int
    body: Any
    """A JSON value, or a str sent as text/plain."""


@dataclass(frozen=True, slots=True)
class WatchPlan:
    """What the HTTP layer streams for a watch request."""

    watcher: Watcher | None
    api_version: str
    kind: str
    timeout: float | None
    bookmarks: bool
    initial_events_end: bool
    """Send the ``k8s.io/initial-events-end`` bookmark after the initial ADDED events."""
    error: JSONObject | None = None
    """A Status to send as the only (ERROR) event, e.g. 410 Expired."""


def serve(obj: JSONObject, api_version: str) -> JSONObject:
    """The stored object as the requested version presents it (objects are stored once)."""
    return obj if obj.get("apiVersion") == api_version else {**obj, "apiVersion": api_version}


def _true(value: str | None) -> bool:
    return value in ("true", "1", "True")


def _int(query: Mapping[str, str], name: str) -> int | None:
    raw = query.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(str(raw))
    except ValueError:
        raise BadRequest(f"invalid {name} {raw!r}: must be an integer") from None


def _options(query: Mapping[str, str]) -> WriteOptions:
    return WriteOptions(strict=query.get("fieldValidation") == "Strict", dry_run=query.get("dryRun") == "All")


def _decode(body: bytes, *, yaml_ok: bool = False) -> Any:
    if not body:
        raise BadRequest("the request body is empty")
    try:
        return json.loads(body)
    except ValueError:
        if not yaml_ok:
            raise BadRequest("the request body is not valid JSON") from None
    try:
        return yaml.safe_load(body)
    except yaml.YAMLError as exc:
        raise BadRequest(f"the request body is not valid YAML: {exc}") from None


class RestApi:
    """Dispatches one decoded HTTP request to the store."""

    def __init__(
        self,
        store: Store,
        log_source: LogSource | None,
        address: Callable[[], str],
        extensions: Mapping[str, Callable[[], Any]] | None = None,
    ) -> None:
        self.store = store
        self.log_source = log_source
        self._address = address
        self.extensions = dict(extensions or {})
        """Extra read-only JSON documents by path (the local environment's own metrics), outside /api and /apis."""

    def handle(
        self, method: str, path: str, query: Mapping[str, str], content_type: str, body: bytes
    ) -> Reply | WatchPlan:
        if method == "GET" and path in self.extensions:
            return Reply(200, self.extensions[path]())
        try:
            route = routes.parse(path, self.store.types)
            if route.kind != "object":
                if method != "GET":
                    raise MethodNotAllowed(f"{method} is not supported on {path}")
                return self._discovery(route)
            verbs: dict[str, Callable[[Route, Mapping[str, str], str, bytes], Reply | WatchPlan]] = {
                "GET": self._get,
                "POST": self._post,
                "PUT": self._put,
                "PATCH": self._patch,
                "DELETE": self._delete,
            }
            verb = verbs.get(method)
            if verb is None:
                raise MethodNotAllowed(f"{method} is not supported")
            return verb(route, query, content_type, body)
        except ApiError as exc:
            return Reply(exc.code, exc.status())

    # -- discovery ----------------------------------------------------------------------------------

    def _discovery(self, route: Route) -> Reply:
        registry = self.store.types
        document: JSONObject | str | None
        if route.kind == "version":
            document = version_info()
        elif route.kind == "api":
            document = api_versions(self._address())
        elif route.kind == "apis":
            document = api_group_list(registry)
        elif route.kind == "group":
            document = api_group(registry, route.group)
        elif route.kind == "resources":
            document = resource_list(registry, route.group, route.version)
        elif route.kind == "health":
            document = "ok"
        elif route.kind == "openapi":
            if route.version:
                document = openapi_v3_group_version(registry, route.group, route.version)
            else:
                document = openapi_v3_root(registry)
        else:
            document = None
        if document is None:
            raise NotFound("the server could not find the requested resource")
        return Reply(200, document)

    # -- verbs --------------------------------------------------------------------------------------

    @staticmethod
    def _rtype(route: Route) -> ResourceType:
        assert route.rtype is not None
        return route.rtype

    def _get(self, route: Route, query: Mapping[str, str], _ct: str, _body: bytes) -> Reply | WatchPlan:
        rtype = self._rtype(route)
        if route.name is None:
            if route.watch or _true(query.get("watch")):
                return self._watch(route, query)
            matcher = object_matcher(query.get("labelSelector"), query.get("fieldSelector"))
            items, rv = self.store.list_objects(rtype, route.namespace, matcher)
            return Reply(
                200,
                {
                    "kind": rtype.list_kind,
                    "apiVersion": route.api_version,
                    "metadata": {"resourceVersion": rv},
                    "items": [serve(obj, route.api_version) for obj in items],
                },
            )
        if route.subresource == "log":
            return self._log(route, query)
        return Reply(200, serve(self.store.read(rtype, route.namespace, route.name), route.api_version))

    def _watch(self, route: Route, query: Mapping[str, str]) -> WatchPlan:
        rtype = self._rtype(route)
        matcher = object_matcher(query.get("labelSelector"), query.get("fieldSelector"))
        initial = _true(query.get("sendInitialEvents"))
        rv = None if initial else query.get("resourceVersion")
        timeout = _int(query, "timeoutSeconds")
        bookmarks = _true(query.get("allowWatchBookmarks"))
        try:
            watcher = self.store.watch(rtype, route.namespace, matcher, rv)
        except Expired as exc:
            return WatchPlan(None, route.api_version, rtype.kind, None, False, False, exc.status())
        return WatchPlan(watcher, route.api_version, rtype.kind, timeout, bookmarks, initial and bookmarks)

    def _log(self, route: Route, query: Mapping[str, str]) -> Reply:
        rtype = self._rtype(route)
        assert route.name is not None and route.namespace is not None
        pod = self.store.read(rtype, route.namespace, route.name)
        container = query.get("container") or None
        since, tail = _int(query, "sinceSeconds"), _int(query, "tailLines")
        text = self.log_source(route.namespace, route.name, container, since, tail) if self.log_source else None
        if text is None:
            containers = [c.get("name") for c in (pod.get("spec") or {}).get("containers") or []]
            shown = container or (containers[0] if containers else "")
            if container and container not in containers:
                raise BadRequest(f"container {container} is not valid for pod {route.name}")
            raise BadRequest(f'container "{shown}" in pod "{route.name}" is waiting to start: ContainerCreating')
        return Reply(200, text)

    def _post(self, route: Route, query: Mapping[str, str], _ct: str, body: bytes) -> Reply:
        rtype = self._rtype(route)
        if route.name is not None or (rtype.namespaced and route.namespace is None):
            raise MethodNotAllowed(
                "POST is only supported on a namespaced collection"
                if rtype.namespaced
                else "POST is only supported on the collection"
            )
        obj = _decode(body)
        created = self.store.create_object(rtype, route.namespace, obj, version=route.version, options=_options(query))
        return Reply(201, serve(created, route.api_version))

    def _put(self, route: Route, query: Mapping[str, str], _ct: str, body: bytes) -> Reply:
        rtype = self._rtype(route)
        if route.name is None:
            raise MethodNotAllowed("PUT is only supported on an object")
        obj = _decode(body)
        updated = self.store.update_object(
            rtype,
            route.namespace,
            route.name,
            obj,
            version=route.version,
            subresource=route.subresource,
            options=_options(query),
        )
        return Reply(200, serve(updated, route.api_version))

    def _patch(self, route: Route, query: Mapping[str, str], content_type: str, body: bytes) -> Reply:
        rtype = self._rtype(route)
        if route.name is None:
            raise MethodNotAllowed("PATCH is only supported on an object")
        media = content_type.split(";", 1)[0].strip().lower()
        if media == "application/apply-patch+yaml":
            manager = query.get("fieldManager")
            if not manager:
                raise BadRequest("PATCH, fieldManager: Required value: is required for apply patch")
            applied = _decode(body, yaml_ok=True)
            obj, _created = self.store.apply_object(
                rtype,
                route.namespace,
                route.name,
                applied,
                manager=manager,
                version=route.version,
                subresource=route.subresource,
                options=_options(query),
            )
            # kube-apiserver answers 201 when an apply creates the object, but the Python client's
            # CustomObjectsApi.patch_* accept only 200 and turn a 201 into None; PATCH always says 200.
            return Reply(200, serve(obj, route.api_version))
        patch = _decode(body)
        transform: Callable[[JSONObject], JSONObject]
        if media == "application/merge-patch+json":
            transform = lambda current: patches.merge_patch(current, patch)  # noqa: E731
        elif media == "application/json-patch+json":
            transform = lambda current: patches.json_patch(current, patch)  # noqa: E731
        elif media == "application/strategic-merge-patch+json" and not rtype.custom:
            transform = lambda current: patches.strategic_merge_patch(current, patch)  # noqa: E731
        else:
            raise UnsupportedMediaType(
                "the body of the request was in an unknown format - accepted media types include: "
                "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
                + ("" if rtype.custom else ", application/strategic-merge-patch+json")
            )
        updated = self.store.patch_object(
            rtype,
            route.namespace,
            route.name,
            transform,
            version=route.version,
            subresource=route.subresource,
            options=_options(query),
        )
        return Reply(200, serve(updated, route.api_version))

    def _delete(self, route: Route, query: Mapping[str, str], _ct: str, body: bytes) -> Reply:
        rtype = self._rtype(route)
        if route.subresource is not None:
            raise MethodNotAllowed("DELETE is not supported on a subresource")
        if route.name is None:
            matcher = object_matcher(query.get("labelSelector"), query.get("fieldSelector"))
            deleted = self.store.delete_collection(rtype, route.namespace, matcher, _options(query))
            return Reply(
                200,
                {
                    "kind": rtype.list_kind,
                    "apiVersion": route.api_version,
                    "metadata": {"resourceVersion": self.store.resource_version},
                    "items": [serve(obj, route.api_version) for obj in deleted],
                },
            )
        delete_options = _decode(body) if body.strip() else {}
        dry_run = isinstance(delete_options, dict) and "All" in (delete_options.get("dryRun") or [])
        preconditions = (delete_options.get("preconditions") if isinstance(delete_options, dict) else None) or {}
        obj, gone = self.store.delete_object(
            rtype,
            route.namespace,
            route.name,
            uid=preconditions.get("uid"),
            resource_version=preconditions.get("resourceVersion"),
            options=WriteOptions(dry_run=dry_run or query.get("dryRun") == "All"),
        )
        if gone and not rtype.custom and rtype.key != "pods":
            # Most built-in kinds answer a completed delete with a Success Status, not the object.
            return Reply(200, success_status(rtype.key, route.name, obj["metadata"].get("uid")))
        return Reply(200, serve(obj, route.api_version))

"""A small generic REST client over the ``kubernetes`` package's transport.

The typed API classes of the ``kubernetes`` client have one method per kind and version; a conformance
harness applies arbitrary kinds from YAML (Gateway API CRDs of several versions, core and apps objects).
So this module keeps the library's connection handling (kubeconfig loading, TLS, auth, urllib3 pool)
and speaks REST with plain dicts on top: discovery to map apiVersion/kind to a path, then get, list,
create, server-side apply, patch, delete and watch. One ``KubeClient`` serves a whole session.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode

import urllib3
from kubernetes import client as k8s_client
from kubernetes import config as k8s_config
from kubernetes.config.config_exception import ConfigException

from conformance.__about__ import __version__
from conformance.kube.errors import ApiError, NotFound, UnknownKind, Unreachable, api_error

JSONObject = dict[str, Any]

FIELD_MANAGER = "gateway-conformance"
DEFAULT_CONNECT_TIMEOUT = 3.0
DEFAULT_READ_TIMEOUT = 30.0


@dataclass(frozen=True, slots=True)
class ResourceInfo:
    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    def path(self, namespace: str | None = None, name: str | None = None, subresource: str | None = None) -> str:
        base = f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"
        if self.namespaced and namespace:
            base += f"/namespaces/{namespace}"
        base += f"/{self.plural}"
        if name:
            base += f"/{name}"
            if subresource:
                base += f"/{subresource}"
        return base

    def describe(self, namespace: str | None, name: str) -> str:
        return f"{self.kind} {namespace}/{name}" if self.namespaced and namespace else f"{self.kind} {name}"


@dataclass(frozen=True, slots=True)
class WatchEvent:
    type: str
    """ADDED, MODIFIED, DELETED, BOOKMARK or ERROR."""
    object: JSONObject


def split_api_version(api_version: str) -> tuple[str, str]:
    group, _, version = api_version.rpartition("/")
    return group, version


class KubeClient:
    """Generic access to one cluster. Thread-safe: discovery is cached under a lock."""

    def __init__(self, api_client: Any, *, source: str, read_timeout: float = DEFAULT_READ_TIMEOUT) -> None:
        self._api = api_client
        self.source = source
        """Where the connection settings came from (kubeconfig path and context), for error messages."""
        self.server: str = str(api_client.configuration.host)
        self._read_timeout = read_timeout
        self._lock = threading.Lock()
        self._resources: dict[tuple[str, str], ResourceInfo] = {}
        self._discovered: set[str] = set()

    @classmethod
    def from_kubeconfig(cls, path: str, *, context: str | None = None, user_agent: str = "") -> KubeClient:
        where = f"kubeconfig {path}" + (f" (context {context})" if context else "")
        try:
            api_client = k8s_config.new_client_from_config(config_file=path, context=context)  # type: ignore[no-untyped-call]
        except (ConfigException, OSError, TypeError, ValueError) as err:
            raise Unreachable(f"cannot use {where}: {err}") from err
        # The library's own retries would multiply connect timeouts on a dead address; a harness wants
        # one clear failure fast (the caller decides whether to wait for the server to come up).
        api_client.configuration.retries = 0
        api_client.user_agent = user_agent or f"gateway-conformance/{__version__}"
        return cls(api_client, source=where)

    def close(self) -> None:
        self._api.close()

    # --- raw requests ------------------------------------------------------------------------------

    def _url(self, path: str, query: Mapping[str, object] | None) -> str:
        url = self.server.rstrip("/") + path
        if query:
            pairs = {k: (str(v).lower() if isinstance(v, bool) else str(v)) for k, v in query.items() if v is not None}
            if pairs:
                url += "?" + urlencode(pairs)
        return url

    def _headers(self, content_type: str | None) -> dict[str, str]:
        headers: dict[str, str] = {"Accept": "application/json", "User-Agent": str(self._api.user_agent)}
        if content_type:
            headers["Content-Type"] = content_type
        # Bearer tokens, exec plugins and basic auth are applied by the library's auth settings.
        self._api.update_params_for_auth(headers, None, ["BearerToken"], None, None, None)
        return headers

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, object] | None = None,
        body: object = None,
        content_type: str | None = None,
        timeout: float | None = None,
    ) -> Any:
        url = self._url(path, query)
        headers = self._headers(content_type or ("application/json" if body is not None else None))
        try:
            response = self._api.rest_client.request(
                method,
                url,
                headers=headers,
                body=body,
                _request_timeout=(DEFAULT_CONNECT_TIMEOUT, timeout or self._read_timeout),
            )
            raw = response.read()
        except (urllib3.exceptions.HTTPError, OSError, k8s_client.ApiException) as err:
            raise Unreachable(f"no answer from the Kubernetes API at {self.server} ({self.source}): {err}") from err
        data: Any = None
        if raw:
            try:
                data = json.loads(raw)
            except ValueError:
                data = {"message": raw[:500].decode("utf-8", "replace")}
        if response.status >= 400:
            raise api_error(response.status, data if isinstance(data, dict) else None, f"{method} {path}")
        return data

    def watch(
        self, path: str, *, query: Mapping[str, object] | None = None, timeout: float = 30.0
    ) -> Iterator[WatchEvent]:
        """Stream watch events until the server closes the stream or ``timeout`` seconds pass without data.

        Stopping the iteration early (``break``) closes the connection.
        """
        params = dict(query or {})
        params["watch"] = "true"
        params.setdefault("allowWatchBookmarks", "true")
        params["timeoutSeconds"] = max(1, int(timeout + 0.999))
        url = self._url(path, params)
        try:
            response = self._api.rest_client.request(
                "GET",
                url,
                headers=self._headers(None),
                _request_timeout=(DEFAULT_CONNECT_TIMEOUT, timeout),
            )
        except (urllib3.exceptions.HTTPError, OSError, k8s_client.ApiException) as err:
            raise Unreachable(f"no answer from the Kubernetes API at {self.server} ({self.source}): {err}") from err
        raw_response = response.response
        try:
            if response.status >= 400:
                raw = raw_response.read()
                data = json.loads(raw) if raw else None
                raise api_error(response.status, data if isinstance(data, dict) else None, f"watch {path}")
            buffer = b""
            for chunk in raw_response.stream(amt=None, decode_content=False):
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    if line.strip():
                        event = json.loads(line)
                        yield WatchEvent(str(event.get("type", "")), cast("JSONObject", event.get("object") or {}))
        except (urllib3.exceptions.ReadTimeoutError, urllib3.exceptions.ProtocolError, TimeoutError):
            return  # no event within the timeout, or the server ended the stream: both end the watch
        finally:
            raw_response.release_conn()
            raw_response.close()

    # --- discovery ---------------------------------------------------------------------------------

    def resource(self, api_version: str, kind: str) -> ResourceInfo:
        """The REST resource serving apiVersion/kind; UnknownKind if the server has none."""
        key = (api_version, kind)
        with self._lock:
            if key in self._resources:
                return self._resources[key]
        self._discover(api_version, refresh=False)
        with self._lock:
            if key in self._resources:
                return self._resources[key]
        # A CRD installed after our first look shows up only after a fresh discovery.
        self._discover(api_version, refresh=True)
        with self._lock:
            if key in self._resources:
                return self._resources[key]
        raise UnknownKind(
            f"the cluster at {self.server} serves no {kind} in {api_version}; are the CRDs that define it installed?"
        )

    def _discover(self, api_version: str, *, refresh: bool) -> None:
        with self._lock:
            if api_version in self._discovered and not refresh:
                return
        group, version = split_api_version(api_version)
        path = f"/apis/{group}/{version}" if group else f"/api/{version}"
        try:
            listing = self.request("GET", path)
        except NotFound:
            listing = {"resources": []}
        found: dict[tuple[str, str], ResourceInfo] = {}
        for entry in listing.get("resources", []):
            name = str(entry.get("name", ""))
            if "/" in name:
                continue  # subresources such as gateways/status
            info = ResourceInfo(group, version, str(entry["kind"]), name, bool(entry.get("namespaced")))
            found[(api_version, info.kind)] = info
        with self._lock:
            self._resources.update(found)
            self._discovered.add(api_version)

    def preferred(self, group: str, kind: str) -> ResourceInfo:
        """The resource for a kind in the group's most preferred version that serves it."""
        key = (f"{group}/*", kind)
        with self._lock:
            if key in self._resources:
                return self._resources[key]
        info: ResourceInfo | None = None
        if not group:
            info = self.resource("v1", kind)
        else:
            try:
                listing = self.request("GET", f"/apis/{group}")
            except NotFound:
                listing = {}
            versions = [str(v.get("groupVersion")) for v in listing.get("versions", [])]
            preferred = str((listing.get("preferredVersion") or {}).get("groupVersion", ""))
            ordered = ([preferred] if preferred else []) + [v for v in versions if v != preferred]
            for api_version in ordered:
                self._discover(api_version, refresh=False)
                with self._lock:
                    info = self._resources.get((api_version, kind))
                if info:
                    break
            if info is None:
                raise UnknownKind(
                    f"the cluster at {self.server} serves no {kind} in group {group or 'core'} "
                    f"(versions: {', '.join(versions) or 'none'}); are the CRDs that define it installed?"
                )
        with self._lock:
            self._resources[key] = info
        return info

    def resource_of(self, obj: Mapping[str, Any]) -> ResourceInfo:
        return self.resource(str(obj.get("apiVersion", "")), str(obj.get("kind", "")))

    def request_text(
        self, path: str, *, query: Mapping[str, object] | None = None, timeout: float | None = None
    ) -> str:
        """GET a plain-text endpoint (pod logs); errors as ``request`` raises them."""
        url = self._url(path, query)
        try:
            response = self._api.rest_client.request(
                "GET",
                url,
                headers=self._headers(None),
                _request_timeout=(DEFAULT_CONNECT_TIMEOUT, timeout or self._read_timeout),
            )
            raw = response.read()
        except (urllib3.exceptions.HTTPError, OSError, k8s_client.ApiException) as err:
            raise Unreachable(f"no answer from the Kubernetes API at {self.server} ({self.source}): {err}") from err
        if response.status >= 400:
            try:
                data = json.loads(raw)
            except ValueError:
                data = None
            raise api_error(response.status, data if isinstance(data, dict) else None, f"GET {path}")
        return bytes(raw).decode("utf-8", "replace")

    # --- object verbs ------------------------------------------------------------------------------

    def get(self, api_version: str, kind: str, name: str, namespace: str | None = None) -> JSONObject | None:
        info = self.resource(api_version, kind)
        try:
            return cast("JSONObject", self.request("GET", info.path(namespace, name)))
        except NotFound:
            return None

    def list(
        self,
        api_version: str,
        kind: str,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> tuple[list[JSONObject], str]:
        """Items and the list's resourceVersion (to watch from)."""
        info = self.resource(api_version, kind)
        query = {"labelSelector": label_selector, "fieldSelector": field_selector}
        data = self.request("GET", info.path(namespace), query=query)
        return list(data.get("items") or []), str((data.get("metadata") or {}).get("resourceVersion", ""))

    def create(self, obj: JSONObject) -> JSONObject:
        info = self.resource_of(obj)
        namespace = (obj.get("metadata") or {}).get("namespace")
        return cast("JSONObject", self.request("POST", info.path(namespace), body=obj))

    def apply(self, obj: JSONObject, *, field_manager: str = FIELD_MANAGER, force: bool = True) -> JSONObject:
        """Server-side apply: create or update the fields this manager owns."""
        info = self.resource_of(obj)
        meta = obj.get("metadata") or {}
        return cast(
            "JSONObject",
            self.request(
                "PATCH",
                info.path(meta.get("namespace"), str(meta.get("name", ""))),
                query={"fieldManager": field_manager, "force": force},
                body=obj,
                content_type="application/apply-patch+yaml",
            ),
        )

    def patch(
        self,
        api_version: str,
        kind: str,
        name: str,
        namespace: str | None,
        patch: object,
        *,
        patch_type: str = "merge",
        subresource: str | None = None,
    ) -> JSONObject:
        content_types = {
            "merge": "application/merge-patch+json",
            "json": "application/json-patch+json",
            "strategic": "application/strategic-merge-patch+json",
        }
        info = self.resource(api_version, kind)
        return cast(
            "JSONObject",
            self.request(
                "PATCH", info.path(namespace, name, subresource), body=patch, content_type=content_types[patch_type]
            ),
        )

    def replace(self, obj: JSONObject, *, subresource: str | None = None) -> JSONObject:
        info = self.resource_of(obj)
        meta = obj.get("metadata") or {}
        path = info.path(meta.get("namespace"), str(meta.get("name", "")), subresource)
        return cast("JSONObject", self.request("PUT", path, body=obj))

    def delete(self, api_version: str, kind: str, name: str, namespace: str | None = None) -> bool:
        """Delete in the background; False if it was already gone."""
        info = self.resource(api_version, kind)
        try:
            self.request(
                "DELETE",
                info.path(namespace, name),
                body={"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Background"},
            )
        except NotFound:
            return False
        return True

    def version(self) -> JSONObject:
        return cast("JSONObject", self.request("GET", "/version", timeout=5.0))

    def pod_logs(
        self, namespace: str, pod: str, *, container: str | None = None, since_seconds: int | None = None
    ) -> str:
        """A pod's log as text (the pods/log subresource, what ``kubectl logs`` reads)."""
        path = f"/api/v1/namespaces/{namespace}/pods/{pod}/log"
        url = self._url(path, {"container": container, "sinceSeconds": since_seconds})
        headers = {**self._headers(None), "Accept": "text/plain, */*"}
        try:
            response = self._api.rest_client.request(
                "GET", url, headers=headers, _request_timeout=(DEFAULT_CONNECT_TIMEOUT, self._read_timeout)
            )
            raw = response.read()
        except (urllib3.exceptions.HTTPError, OSError, k8s_client.ApiException) as err:
            raise Unreachable(f"no answer from the Kubernetes API at {self.server} ({self.source}): {err}") from err
        if response.status >= 400:
            try:
                data = json.loads(raw) if raw else None
            except ValueError:
                data = {"message": raw[:500].decode("utf-8", "replace")}
            raise api_error(response.status, data if isinstance(data, dict) else None, f"GET {path}")
        return bytes(raw).decode("utf-8", "replace")


__all__ = ["ApiError", "KubeClient", "ResourceInfo", "WatchEvent"]

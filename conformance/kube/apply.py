"""Loading manifest bundles, filling them in for the run, applying them and cleaning up after them.

A bundle is multi-document YAML written for this suite. Before apply each object is adjusted the way
upstream's Applier does it: Gateways get the GatewayClass under test, GatewayClasses get the
controllerName under test, Namespaces get the ``--namespace-labels``/``--namespace-annotations``, and
``{GATEWAY_CLASS_NAME}``-style placeholders in any string are filled. Objects are applied with
server-side apply and remembered, so that cleanup deletes them in reverse order and waits until they
are gone.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from conformance.kube.errors import KubeError, WaitTimeout

if TYPE_CHECKING:
    from conformance.kube.client import KubeClient

log = logging.getLogger(__name__)

# libyaml's loader when PyYAML was built with it (the wheels are): bundles are parsed for every test.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

JSONObject = dict[str, Any]


class BundleError(ValueError):
    """A bundle that cannot be used; the message names the file and the document."""


@dataclass(frozen=True, slots=True)
class Fill:
    """What a bundle is filled in with at apply time."""

    gateway_class: str
    controller_name: str = ""
    namespace_labels: Mapping[str, str] = field(default_factory=dict)
    namespace_annotations: Mapping[str, str] = field(default_factory=dict)
    usable_address: str = ""
    unusable_address: str = ""

    def placeholders(self) -> dict[str, str]:
        return {"{GATEWAY_CLASS_NAME}": self.gateway_class, "{GATEWAY_CONTROLLER_NAME}": self.controller_name}


def read_bundle(path: Path) -> list[JSONObject]:
    """Every non-empty document of a YAML bundle, each checked to look like a Kubernetes object."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise BundleError(f"cannot read manifest bundle {path}: {err.strerror}") from None
    return parse_bundle(text, str(path))


def parse_bundle(text: str, where: str) -> list[JSONObject]:
    try:
        documents = list(yaml.load_all(text, Loader=SafeLoader))
    except yaml.YAMLError as err:
        raise BundleError(f"{where} is not valid YAML: {err}") from None
    objects: list[JSONObject] = []
    for index, doc in enumerate(documents):
        if doc is None:
            continue
        if not isinstance(doc, dict):
            raise BundleError(f"{where}, document {index}: expected a Kubernetes object (a mapping), got {doc!r:.60}")
        for key in ("apiVersion", "kind"):
            if not isinstance(doc.get(key), str) or not doc[key]:
                raise BundleError(f"{where}, document {index}: missing {key}")
        name = (doc.get("metadata") or {}).get("name")
        if not isinstance(name, str) or not name:
            raise BundleError(f"{where}, document {index} ({doc['kind']}): missing metadata.name")
        objects.append(doc)
    return objects


def bundle_features(text: str) -> list[str] | None:
    """The ``# features: A, B`` tag on a bundle's first lines, or None if it has none."""
    for line in text.splitlines()[:5]:
        stripped = line.strip()
        if stripped.startswith("# features:"):
            return [part.strip() for part in stripped.split(":", 1)[1].split(",") if part.strip()]
    return None


def _fill_strings(value: Any, placeholders: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        for key, replacement in placeholders.items():
            if key in value:
                value = value.replace(key, replacement)
        return value
    if isinstance(value, list):
        return [_fill_strings(v, placeholders) for v in value]
    if isinstance(value, dict):
        return {k: _fill_strings(v, placeholders) for k, v in value.items()}
    return value


def _address_entry(value: str) -> JSONObject:
    import ipaddress

    try:
        ipaddress.ip_address(value)
    except ValueError:
        return {"type": "Hostname", "value": value}
    return {"type": "IPAddress", "value": value}


def fill(obj: JSONObject, how: Fill) -> JSONObject:
    """A copy of ``obj`` adjusted for this run (see module docstring)."""
    out: JSONObject = _fill_strings(copy.deepcopy(obj), how.placeholders())
    kind = out.get("kind")
    group = str(out.get("apiVersion", "")).rpartition("/")[0]
    if group == "gateway.networking.k8s.io" and kind == "Gateway":
        spec = out.setdefault("spec", {})
        spec["gatewayClassName"] = how.gateway_class
        addresses = spec.get("addresses")
        if addresses:
            # Upstream rebuilds the list: keep deliberately invalid entries, expand the address pools.
            rebuilt = [a for a in addresses if a.get("type") == "test/fake-invalid-type"]
            values = {a.get("value") for a in addresses}
            if "PLACEHOLDER_UNUSABLE_ADDRS" in values and how.unusable_address:
                rebuilt.append(_address_entry(how.unusable_address))
            if "PLACEHOLDER_USABLE_ADDRS" in values and how.usable_address:
                rebuilt.append(_address_entry(how.usable_address))
            spec["addresses"] = rebuilt or None
    elif group == "gateway.networking.k8s.io" and kind == "GatewayClass" and how.controller_name:
        out.setdefault("spec", {})["controllerName"] = how.controller_name
    elif group == "" and kind == "Namespace":
        meta = out.setdefault("metadata", {})
        if how.namespace_labels:
            meta["labels"] = {**(meta.get("labels") or {}), **how.namespace_labels}
        if how.namespace_annotations:
            meta["annotations"] = {**(meta.get("annotations") or {}), **how.namespace_annotations}
    return out


@dataclass(frozen=True, slots=True)
class Applied:
    api_version: str
    kind: str
    namespace: str | None
    name: str

    def __str__(self) -> str:
        return f"{self.kind} {self.namespace}/{self.name}" if self.namespace else f"{self.kind} {self.name}"


class Cleanup:
    """Objects to delete, newest first, each waited for until it is gone."""

    def __init__(
        self,
        client: KubeClient,
        *,
        delete_timeout: float,
        wait_gone: Callable[[Applied, float], None],
        should_stop: Callable[[], bool] = lambda: False,
    ):
        self._client = client
        self._delete_timeout = delete_timeout
        self._wait_gone = wait_gone
        self._should_stop = should_stop
        """True when the user asked to cut cleanup short (a second Ctrl-C): what is left is reported."""
        self._stack: list[Applied] = []

    def register(self, item: Applied) -> None:
        if item not in self._stack:
            self._stack.append(item)

    @property
    def pending(self) -> tuple[Applied, ...]:
        return tuple(self._stack)

    def run(self) -> list[str]:
        """Delete everything registered; returns problems instead of raising, so every object gets its turn."""
        problems: list[str] = []
        while self._stack:
            if self._should_stop():
                left = ", ".join(str(item) for item in reversed(self._stack))
                problems.append(f"cleanup cut short on request; left behind: {left}")
                self._stack.clear()
                break
            item = self._stack.pop()
            try:
                if self._client.delete(item.api_version, item.kind, item.name, item.namespace):
                    self._wait_gone(item, self._delete_timeout)
            except WaitTimeout as err:
                problems.append(f"{item} was not deleted: {err}")
            except KubeError as err:
                problems.append(f"deleting {item} failed: {err}")
        return problems


def apply_objects(
    client: KubeClient, objects: Iterable[JSONObject], how: Fill, *, cleanup: Cleanup | None, where: str
) -> list[Applied]:
    """Fill in and server-side apply each object, registering it for cleanup when asked."""
    applied: list[Applied] = []
    for index, raw in enumerate(objects):
        obj = fill(raw, how)
        meta = obj.get("metadata") or {}
        try:
            info = client.resource_of(obj)
            if info.namespaced and not meta.get("namespace"):
                raise BundleError(
                    f"{where}, document {index}: {obj['kind']} {meta.get('name')} needs metadata.namespace"
                )
            result = client.apply(obj)
        except KubeError as err:
            raise KubeError(f"applying {where}, document {index} ({obj['kind']} {meta.get('name')}): {err}") from err
        item = Applied(
            str(obj["apiVersion"]),
            str(obj["kind"]),
            (result.get("metadata") or {}).get("namespace") if info.namespaced else None,
            str(meta["name"]),
        )
        log.debug("applied %s", item)
        applied.append(item)
        if cleanup is not None:
            cleanup.register(item)
    return applied

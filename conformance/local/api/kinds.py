"""The resource types the local API serves: what kube-apiserver learns from its built-in tables and CRDs.

A ``ResourceType`` holds what discovery advertises and what the REST layer needs to route a request
(group, versions, plural, kind, scope, subresources). ``TypeRegistry`` indexes them by every name a
request can use and runs admission (pruning, defaulting, validation) for kinds that carry a schema.
It is also the validation API the harness uses offline: ``TypeRegistry.validate(obj)`` checks a
manifest against the CRD schemas without any server.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from conformance.local.api.errors import FieldError, Invalid
from conformance.local.api.jsonutil import json_copy
from conformance.local.api.names import name_errors
from conformance.local.api.protocol import JSONObject
from conformance.local.api.schema import StructuralSchema

NameRule = Literal["subdomain", "label", "dns1035", "path"]


@dataclass(frozen=True, slots=True)
class Version:
    """One version of a resource type."""

    name: str
    served: bool = True
    storage: bool = False
    schema: JSONObject | None = None
    """The version's ``openAPIV3Schema`` (CRD kinds only); None means no validation."""


_KUBE_VERSION = re.compile(r"^v(\d+)(?:(alpha|beta)(\d+))?$")


def version_priority(name: str) -> tuple[int, int, int, str]:
    """Sort key giving kube's version priority: GA > beta > alpha > others, higher numbers first."""
    match = _KUBE_VERSION.match(name)
    if not match:
        return (3, 0, 0, name)
    major, stage, minor = match.groups()
    rank = {None: 0, "beta": 1, "alpha": 2}[stage]
    return (rank, -int(major), -int(minor or 0), name)


@dataclass(frozen=True, slots=True)
class ResourceType:
    """One REST resource, e.g. ``httproutes.gateway.networking.k8s.io``."""

    group: str
    kind: str
    plural: str
    namespaced: bool
    versions: tuple[Version, ...]
    singular: str = ""
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    status: bool = False
    """Has a /status subresource (main writes ignore status, /status writes ignore the rest)."""
    log: bool = False
    """Has a /log subresource (pods)."""
    custom: bool = False
    """Registered from a CustomResourceDefinition (strategic merge patch is refused, as on a cluster)."""
    name_rule: NameRule = "subdomain"
    list_kind: str = ""
    preferred: str = field(init=False)

    def __post_init__(self) -> None:
        served = [v.name for v in self.versions if v.served] or [v.name for v in self.versions]
        object.__setattr__(self, "preferred", min(served, key=version_priority))
        if not self.singular:
            object.__setattr__(self, "singular", self.kind.lower())
        if not self.list_kind:
            object.__setattr__(self, "list_kind", self.kind + "List")

    @property
    def key(self) -> str:
        """The RBAC-style resource name the in-process protocol uses: ``plural`` or ``plural.group``."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def qualified_kind(self) -> str:
        """``Kind.group`` as it appears in Invalid messages (``HTTPRoute.gateway.networking.k8s.io``)."""
        return f"{self.kind}.{self.group}" if self.group else self.kind

    def api_version(self, version: str | None = None) -> str:
        version = version or self.preferred
        return f"{self.group}/{version}" if self.group else version

    def serves(self, version: str) -> bool:
        return any(v.name == version and v.served for v in self.versions)

    def version(self, name: str) -> Version | None:
        return next((v for v in self.versions if v.name == name), None)


class TypeRegistry:
    """Every resource type of one API endpoint, indexed for routing, plus admission and validation.

    Usage::

        registry = TypeRegistry()
        registry.register(ResourceType(group="", kind="ConfigMap", plural="configmaps", ...))
        errors = registry.validate(yaml.safe_load(manifest))   # [] when the object is valid
    """

    def __init__(self, *, cel: bool = True) -> None:
        """``cel=False`` skips the CRDs' CEL rules (faster writes, less faithful validation)."""
        self.cel = cel
        self._lock = threading.Lock()
        self._by_key: dict[str, ResourceType] = {}
        self._schemas: dict[tuple[str, str], StructuralSchema | None] = {}

    # -- registration -------------------------------------------------------------------------------

    def register(self, rtype: ResourceType) -> None:
        """Add or replace a type (a CRD update replaces its kind's versions and schemas)."""
        with self._lock:
            by_key = dict(self._by_key)
            by_key[rtype.key] = rtype
            self._by_key = by_key
            self._schemas = {k: v for k, v in self._schemas.items() if k[0] != rtype.key}

    def unregister(self, key: str) -> None:
        with self._lock:
            self._by_key = {k: v for k, v in self._by_key.items() if k != key}
            self._schemas = {k: v for k, v in self._schemas.items() if k[0] != key}

    # -- lookups ------------------------------------------------------------------------------------

    def get(self, key: str) -> ResourceType | None:
        """By protocol name: ``"pods"``, ``"deployments.apps"``, ``"gateways.gateway.networking.k8s.io"``."""
        return self._by_key.get(key)

    def resolve(self, group: str, version: str, plural: str) -> ResourceType | None:
        """By REST path parts; None unless that version is served."""
        rtype = self._by_key.get(f"{plural}.{group}" if group else plural)
        return rtype if rtype is not None and rtype.serves(version) else None

    def for_object(self, obj: JSONObject) -> tuple[ResourceType, str] | None:
        """The type and version an object's apiVersion/kind designate."""
        api_version = obj.get("apiVersion")
        kind = obj.get("kind")
        if not isinstance(api_version, str) or not isinstance(kind, str):
            return None
        group, _, version = api_version.rpartition("/")
        for rtype in self._by_key.values():
            if rtype.group == group and rtype.kind == kind and rtype.serves(version):
                return rtype, version
        return None

    def types(self) -> list[ResourceType]:
        return sorted(self._by_key.values(), key=lambda t: (t.group, t.plural))

    def groups(self) -> list[tuple[str, list[str], str]]:
        """(group, served versions by priority, preferred version) for every group, core ("") first."""
        versions: dict[str, set[str]] = {}
        for rtype in self._by_key.values():
            versions.setdefault(rtype.group, set()).update(v.name for v in rtype.versions if v.served)
        result = []
        for group in sorted(versions):
            ordered = sorted(versions[group], key=version_priority)
            if ordered:
                result.append((group, ordered, ordered[0]))
        return result

    # -- admission ----------------------------------------------------------------------------------

    def schema(self, rtype: ResourceType, version: str) -> StructuralSchema | None:
        key = (rtype.key, version)
        if key not in self._schemas:
            spec = rtype.version(version)
            compiled = StructuralSchema(spec.schema, cel=self.cel) if spec is not None and spec.schema else None
            with self._lock:
                self._schemas[key] = compiled
        return self._schemas[key]

    def admit(
        self,
        rtype: ResourceType,
        version: str,
        obj: JSONObject,
        old: JSONObject | None = None,
        *,
        status_only: bool = False,
    ) -> list[str]:
        """Prune, default and validate ``obj`` in place like kube-apiserver; raise Invalid on errors.

        Returns the paths of the unknown fields that were pruned (for ``fieldValidation=Strict``).
        """
        errors = [] if status_only else name_errors(rtype.name_rule, obj)
        schema = self.schema(rtype, version)
        pruned: list[str] = []
        if schema is not None:
            if status_only:
                errors += schema.admit_property("status", obj, old, pruned)
            else:
                errors += schema.admit(obj, old, pruned)
        if errors:
            name = str(obj.get("metadata", {}).get("name") or obj.get("metadata", {}).get("generateName", ""))
            raise Invalid(rtype.qualified_kind, rtype.group, name, errors)
        return pruned

    def validate(self, obj: JSONObject, *, strict: bool = True, old: JSONObject | None = None) -> list[str]:
        """Validate a manifest the way the API would, without a server: ``[]`` when it would be accepted.

        Applies the same defaulting first (on a copy). Each error names the document field path, e.g.
        ``spec.rules[0].matches[0].path.type: Unsupported value: "Prefix": supported values: ...``.
        With ``strict`` (kubectl's default), fields the schema does not declare are errors too,
        instead of being silently pruned.
        """
        found = self.for_object(obj)
        if found is None:
            return [f"no resource type serves apiVersion {obj.get('apiVersion')!r} kind {obj.get('kind')!r}"]
        rtype, version = found
        copy = json_copy(obj)
        try:
            pruned = self.admit(rtype, version, copy, old)
        except Invalid as exc:
            return [str(e) for e in exc.errors]
        return [f"{path}: unknown field" for path in pruned] if strict else []

    def validate_all(self, objs: Iterable[JSONObject], *, strict: bool = True) -> list[str]:
        """Validate several documents; each error is prefixed with ``Kind/name``."""
        errors = []
        for obj in objs:
            label = f"{obj.get('kind')}/{(obj.get('metadata') or {}).get('name')}"
            errors += [f"{label}: {e}" for e in self.validate(obj, strict=strict)]
        return errors


__all__ = ["FieldError", "NameRule", "ResourceType", "TypeRegistry", "Version", "version_priority"]

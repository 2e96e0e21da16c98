"""CustomResourceDefinitions: reading them from files, and turning one into a served resource type.

The local API learns Gateway API kinds the way a cluster does: from CRD objects, whether they come
from a release bundle on disk (``load_crd_documents``), from an installer creating them through the
API at runtime, or from the built-in table in ``gateway_kinds.py``. The CRD object itself stays
stored and served (``apiextensions.k8s.io/v1``), annotations untouched, so the harness's CRD version
check reads ``gateway.networking.k8s.io/bundle-version`` and ``.../channel`` exactly as on a cluster.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from conformance.local.api.builtin_kinds import builtin_types
from conformance.local.api.errors import FieldError
from conformance.local.api.jsonutil import now_rfc3339
from conformance.local.api.kinds import ResourceType, TypeRegistry, Version
from conformance.local.api.protocol import JSONObject

CRD_API_VERSION = "apiextensions.k8s.io/v1"
CRD_KIND = "CustomResourceDefinition"

_SUFFIXES = (".yaml", ".yml", ".json")

# libyaml parses a Gateway API bundle ~10x faster than the pure-Python loader (0.3 s instead of 3 s).
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _files(paths: Iterable[str | Path]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in _SUFFIXES)
        elif path.is_file():
            found.append(path)
        else:
            raise FileNotFoundError(f"CRD path {path} does not exist")
    return found


def load_crd_documents(paths: Iterable[str | Path]) -> list[JSONObject]:
    """Every CustomResourceDefinition document in the given files and directories (recursively).

    Other documents (the bundle's ValidatingAdmissionPolicy, for instance) are skipped.
    """
    crds: list[JSONObject] = []
    for file in _files(paths):
        with file.open(encoding="utf-8") as stream:
            for doc in yaml.load_all(stream, Loader=_Loader):
                if isinstance(doc, dict) and doc.get("kind") == CRD_KIND and doc.get("apiVersion") == CRD_API_VERSION:
                    crds.append(doc)
    return crds


def registry_from_crd_paths(paths: Iterable[str | Path], *, cel: bool = True) -> TypeRegistry:
    """Built-in kinds plus the kinds of these CRD files: the offline validation API for manifests.

    ``registry_from_crd_paths([bundle]).validate(doc)`` checks a document as the API would, without
    a store or a server (a ``Store`` built from the same files has the same ``types``).
    """
    registry = TypeRegistry(cel=cel)
    for rtype in builtin_types():
        registry.register(rtype)
    for crd in load_crd_documents(paths):
        registry.register(resource_type_from_crd(crd))
    return registry


def crd_errors(crd: JSONObject) -> list[FieldError]:
    """The checks kube-apiserver makes on a CRD that the local API depends on to serve it."""
    spec = crd.get("spec")
    if not isinstance(spec, dict):
        return [FieldError("spec", "FieldValueRequired", "Required value")]
    errors: list[FieldError] = []
    names: dict[str, Any] = spec["names"] if isinstance(spec.get("names"), dict) else {}
    for field in ("plural", "kind"):
        if not names.get(field):
            errors.append(FieldError(f"spec.names.{field}", "FieldValueRequired", "Required value"))
    if not spec.get("group"):
        errors.append(FieldError("spec.group", "FieldValueRequired", "Required value"))
    if spec.get("scope") not in ("Namespaced", "Cluster"):
        errors.append(
            FieldError(
                "spec.scope",
                "FieldValueNotSupported",
                f'Unsupported value: "{spec.get("scope")}": supported values: "Cluster", "Namespaced"',
            )
        )
    versions = spec.get("versions")
    if not isinstance(versions, list) or not versions:
        errors.append(
            FieldError(
                "spec.versions",
                "FieldValueRequired",
                "Required value: must have exactly one version marked as storage version",
            )
        )
    elif sum(1 for v in versions if isinstance(v, dict) and v.get("storage")) != 1:
        errors.append(
            FieldError(
                "spec.versions",
                "FieldValueInvalid",
                "Invalid value: must have exactly one version marked as storage version",
            )
        )
    expected = f"{names.get('plural')}.{spec.get('group')}"
    name = (crd.get("metadata") or {}).get("name")
    if not errors and name != expected:
        errors.append(
            FieldError(
                "metadata.name",
                "FieldValueInvalid",
                f'Invalid value: "{name}": must be spec.names.plural+"."+spec.group',
            )
        )
    return errors


def resource_type_from_crd(crd: JSONObject) -> ResourceType:
    """The served resource type a (valid) CRD defines."""
    spec = crd["spec"]
    names = spec["names"]
    versions: list[Version] = []
    has_status = False
    for raw in spec["versions"]:
        schema = (raw.get("schema") or {}).get("openAPIV3Schema")
        versions.append(Version(raw["name"], bool(raw.get("served", True)), bool(raw.get("storage")), schema))
        has_status = has_status or "status" in (raw.get("subresources") or {})
    return ResourceType(
        group=spec["group"],
        kind=names["kind"],
        plural=names["plural"],
        singular=names.get("singular") or names["kind"].lower(),
        namespaced=spec["scope"] == "Namespaced",
        versions=tuple(versions),
        short_names=tuple(names.get("shortNames") or ()),
        categories=tuple(names.get("categories") or ()),
        status=has_status,
        custom=True,
        list_kind=names.get("listKind") or names["kind"] + "List",
    )


def crd_status(crd: JSONObject) -> JSONObject:
    """The status kube-apiserver's CRD controllers write once a CRD is served (Established)."""
    spec = crd["spec"]
    now = now_rfc3339()
    names: dict[str, Any] = dict(spec["names"])
    names.setdefault("singular", names["kind"].lower())
    names.setdefault("listKind", names["kind"] + "List")
    storage = [v["name"] for v in spec["versions"] if v.get("storage")]
    previous = ((crd.get("status") or {}).get("storedVersions")) or []
    return {
        "acceptedNames": names,
        "conditions": [
            {
                "type": "NamesAccepted",
                "status": "True",
                "reason": "NoConflicts",
                "message": "no conflicts found",
                "lastTransitionTime": now,
            },
            {
                "type": "Established",
                "status": "True",
                "reason": "InitialNamesAccepted",
                "message": "the initial names have been accepted",
                "lastTransitionTime": now,
            },
        ],
        "storedVersions": list(dict.fromkeys([*previous, *storage])),
    }

"""Just enough OpenAPI v3 for kubectl: which group versions exist, and that PATCH takes fieldValidation.

``kubectl apply`` (with its default ``--validate=strict``) first asks /openapi/v3 whether the server
validates fields itself; if the PATCH operation of the object's kind declares the ``fieldValidation``
query parameter, kubectl sends ``fieldValidation=Strict`` and leaves validation to the server (which
this API does, against the CRD schemas). Without these documents kubectl falls back to downloading
/openapi/v2 for client-side validation and gives up. No schemas are published: ``kubectl explain``
is not supported.
"""

from __future__ import annotations

from conformance.local.api.discovery import KUBE_MAJOR, KUBE_MINOR
from conformance.local.api.kinds import ResourceType, TypeRegistry
from conformance.local.api.protocol import JSONObject


def _prefix(group: str, version: str) -> str:
    return f"apis/{group}/{version}" if group else f"api/{version}"


def openapi_v3_root(registry: TypeRegistry) -> JSONObject:
    """The /openapi/v3 index: one entry per served group version."""
    paths: JSONObject = {}
    for group, versions, _ in registry.groups():
        for version in versions:
            prefix = _prefix(group, version)
            paths[prefix] = {"serverRelativeURL": f"/openapi/v3/{prefix}"}
    return {"paths": paths}


def _object_path(rtype: ResourceType, group: str, version: str) -> str:
    scope = "/namespaces/{namespace}" if rtype.namespaced else ""
    return f"/{_prefix(group, version)}{scope}/{rtype.plural}/{{name}}"


def openapi_v3_group_version(registry: TypeRegistry, group: str, version: str) -> JSONObject | None:
    """The document of one group version: a PATCH operation per kind, with its query parameters."""
    types = [t for t in registry.types() if t.group == group and t.serves(version)]
    if not types:
        return None
    parameters = [
        {"name": name, "in": "query", "schema": {"type": "string"}}
        for name in ("dryRun", "fieldManager", "fieldValidation", "force")
    ]
    paths = {
        _object_path(rtype, group, version): {
            "patch": {
                "operationId": f"patch{rtype.kind}",
                "parameters": parameters,
                "x-kubernetes-action": "patch",
                "x-kubernetes-group-version-kind": {"group": group, "version": version, "kind": rtype.kind},
            }
        }
        for rtype in types
    }
    return {
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": f"v{KUBE_MAJOR}.{KUBE_MINOR}.0"},
        "paths": paths,
    }

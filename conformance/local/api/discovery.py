"""Discovery documents: /version, /api, /apis, /apis/{group} and the per-version APIResourceLists.

The ``kubernetes`` client's DynamicClient and ``kubectl`` find resources only through these, so they
list every registered kind with its verbs, scope, short names, categories and subresources
(``pods/log``, ``gateways/status``). Answers are the legacy (non-aggregated) documents; clients that
ask for aggregated discovery fall back to them when the Content-Type says plain JSON.
"""

from __future__ import annotations

from conformance.local.api.kinds import ResourceType, TypeRegistry
from conformance.local.api.protocol import JSONObject

#: The Kubernetes version the local API claims; recent enough for every Gateway API release.
KUBE_MAJOR, KUBE_MINOR = "1", "34"

_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


def version_info() -> JSONObject:
    return {
        "major": KUBE_MAJOR,
        "minor": KUBE_MINOR,
        "gitVersion": f"v{KUBE_MAJOR}.{KUBE_MINOR}.0-gwconf-local",
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2025-01-01T00:00:00Z",
        "goVersion": "go1.24.0",
        "compiler": "gc",
        "platform": "linux/amd64",
    }


def api_versions(server_address: str) -> JSONObject:
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}],
    }


def _group(name: str, versions: list[str], preferred: str) -> JSONObject:
    return {
        "name": name,
        "versions": [{"groupVersion": f"{name}/{v}", "version": v} for v in versions],
        "preferredVersion": {"groupVersion": f"{name}/{preferred}", "version": preferred},
    }


def api_group_list(registry: TypeRegistry) -> JSONObject:
    groups = [_group(name, versions, preferred) for name, versions, preferred in registry.groups() if name]
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def api_group(registry: TypeRegistry, group: str) -> JSONObject | None:
    for name, versions, preferred in registry.groups():
        if name == group and name:
            return {"kind": "APIGroup", "apiVersion": "v1", **_group(name, versions, preferred)}
    return None


def _entries(rtype: ResourceType) -> list[JSONObject]:
    main: JSONObject = {
        "name": rtype.plural,
        "singularName": rtype.singular,
        "namespaced": rtype.namespaced,
        "kind": rtype.kind,
        "verbs": _VERBS,
    }
    if rtype.short_names:
        main["shortNames"] = list(rtype.short_names)
    if rtype.categories:
        main["categories"] = list(rtype.categories)
    entries = [main]
    if rtype.status:
        entries.append(
            {
                "name": f"{rtype.plural}/status",
                "singularName": "",
                "namespaced": rtype.namespaced,
                "kind": rtype.kind,
                "verbs": ["get", "patch", "update"],
            }
        )
    if rtype.log:
        entries.append(
            {
                "name": f"{rtype.plural}/log",
                "singularName": "",
                "namespaced": rtype.namespaced,
                "kind": rtype.kind,
                "verbs": ["get"],
            }
        )
    return entries


def resource_list(registry: TypeRegistry, group: str, version: str) -> JSONObject | None:
    """The APIResourceList of one group version, or None when nothing serves it."""
    types = [t for t in registry.types() if t.group == group and t.serves(version)]
    if not types:
        return None
    resources = [entry for rtype in types for entry in _entries(rtype)]
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": f"{group}/{version}" if group else version,
        "resources": resources,
    }

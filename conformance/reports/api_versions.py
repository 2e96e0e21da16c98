"""The API Version column: the newest served version of each resource's CRD per release and channel.

Facts from support-matrix.md §5 (``config/crd/<channel>`` at each release tag); kept apart from the grading
so that a new release is a one-line change here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from conformance.reports.catalog import Resource

# Served CRD versions by Gateway API minor release: (standard channel, experimental channel); None = absent.
_V1 = ("v1", "v1")
_XLS = "v1alpha1 (XListenerSet)"
_XMESH = "v1alpha1 (XMesh)"
_COMMON = {Resource.GATEWAY_CLASS: _V1, Resource.GATEWAY: _V1, Resource.HTTP_ROUTE: _V1, Resource.GRPC_ROUTE: _V1}
_API_VERSIONS: Mapping[tuple[int, int], Mapping[Resource, tuple[str | None, str | None]]] = {
    (1, 3): _COMMON
    | {Resource.REFERENCE_GRANT: ("v1beta1", "v1beta1"), Resource.TLS_ROUTE: (None, "v1alpha2")}
    | {Resource.TCP_ROUTE: (None, "v1alpha2"), Resource.UDP_ROUTE: (None, "v1alpha2")}
    | {
        Resource.BACKEND_TLS_POLICY: (None, "v1alpha3"),
        Resource.LISTENER_SET: (None, _XLS),
        Resource.MESH: (None, None),
    },
    (1, 4): _COMMON
    | {Resource.REFERENCE_GRANT: ("v1beta1", "v1beta1"), Resource.TLS_ROUTE: (None, "v1alpha3")}
    | {Resource.TCP_ROUTE: (None, "v1alpha2"), Resource.UDP_ROUTE: (None, "v1alpha2")}
    | {Resource.BACKEND_TLS_POLICY: _V1, Resource.LISTENER_SET: (None, _XLS), Resource.MESH: (None, _XMESH)},
    (1, 5): _COMMON
    | {Resource.REFERENCE_GRANT: _V1, Resource.TLS_ROUTE: _V1}
    | {Resource.TCP_ROUTE: (None, "v1alpha2"), Resource.UDP_ROUTE: (None, "v1alpha2")}
    | {Resource.BACKEND_TLS_POLICY: _V1, Resource.LISTENER_SET: _V1, Resource.MESH: (None, _XMESH)},
    (1, 6): _COMMON
    | {Resource.REFERENCE_GRANT: _V1, Resource.TLS_ROUTE: _V1}
    | {Resource.TCP_ROUTE: _V1, Resource.UDP_ROUTE: _V1}
    | {Resource.BACKEND_TLS_POLICY: _V1, Resource.LISTENER_SET: _V1, Resource.MESH: (None, _XMESH)},
}


def api_version(resource: Resource, gateway_api_version: str, channel: str) -> str:
    """The newest served version of the resource's CRD in the run's channel (support-matrix.md §5).

    A resource only in the experimental channel of a standard run says so; an unknown release, or an
    unknown channel where the two channels differ, is ``unknown``.
    """
    match = re.fullmatch(r"v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?", gateway_api_version.strip())
    table = _API_VERSIONS.get((int(match[1]), int(match[2]))) if match else None
    if table is None:
        return "unknown"
    standard, experimental = table[resource]
    if channel == "standard":
        if standard:
            return standard
        return f"{experimental} (experimental channel)" if experimental else "not in this release"
    if channel == "experimental":
        return experimental or "not in this release"
    if standard == experimental:
        return standard or "not in this release"
    return "unknown"

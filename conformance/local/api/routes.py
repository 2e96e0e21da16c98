"""URL paths of the Kubernetes REST API, parsed into what a request addresses.

``/api/v1/namespaces/ns/pods/p/log`` is (group "", version v1, pods, namespace ns, name p,
subresource log); ``/apis/gateway.networking.k8s.io/v1/gateways`` is the gateways of all namespaces.
Discovery paths come back as their own route kinds. The legacy ``/watch/`` path prefix is accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from conformance.local.api.errors import NotFound
from conformance.local.api.kinds import ResourceType, TypeRegistry

RouteKind = Literal["version", "api", "apis", "group", "resources", "object", "health", "openapi"]


@dataclass(frozen=True, slots=True)
class Route:
    kind: RouteKind
    group: str = ""
    version: str = ""
    rtype: ResourceType | None = None
    namespace: str | None = None
    name: str | None = None
    subresource: str | None = None
    watch: bool = False

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version


def _not_found() -> NotFound:
    return NotFound("the server could not find the requested resource")


def parse(path: str, registry: TypeRegistry) -> Route:
    """The route a request path designates; NotFound for anything the API does not serve."""
    parts = [p for p in path.split("/") if p]
    if not parts:
        raise _not_found()
    head = parts[0]
    if head == "version" and len(parts) == 1:
        return Route("version")
    if head in ("healthz", "readyz", "livez"):
        return Route("health")
    if head == "openapi":
        return _openapi_route(parts[1:])
    if head == "api":
        if len(parts) == 1:
            return Route("api")
        if parts[1] != "v1":
            raise _not_found()
        group, version, rest = "", "v1", parts[2:]
    elif head == "apis":
        if len(parts) == 1:
            return Route("apis")
        if len(parts) == 2:
            return Route("group", group=parts[1])
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        raise _not_found()
    if not rest:
        return Route("resources", group=group, version=version)
    return _resource_route(group, version, rest, registry)


def _openapi_route(rest: list[str]) -> Route:
    """/openapi/v3 and /openapi/v3/api/v1 or /openapi/v3/apis/{group}/{version}; v2 is not served."""
    if rest[:1] != ["v3"]:
        raise _not_found()
    if len(rest) == 1:
        return Route("openapi")
    if rest[1:] == ["api", "v1"]:
        return Route("openapi", version="v1")
    if len(rest) == 4 and rest[1] == "apis":
        return Route("openapi", group=rest[2], version=rest[3])
    raise _not_found()


def _resource_route(group: str, version: str, rest: list[str], registry: TypeRegistry) -> Route:
    watch = False
    if rest[0] == "watch":
        watch, rest = True, rest[1:]
        if not rest:
            raise _not_found()
    namespace = None
    # /namespaces/{ns}/{plural}/... addresses a namespaced resource, but /namespaces/{name} and
    # /namespaces/{name}/status|finalize address the Namespace object itself.
    if (
        rest[0] == "namespaces"
        and len(rest) >= 3
        and not (not group and len(rest) == 3 and rest[2] in ("status", "finalize"))
    ):
        namespace, rest = rest[1], rest[2:]
    if len(rest) > 3:
        raise _not_found()
    rtype = registry.resolve(group, version, rest[0])
    if rtype is None:
        raise _not_found()
    if namespace is not None and not rtype.namespaced:
        raise _not_found()
    name = rest[1] if len(rest) > 1 else None
    if name is not None and rtype.namespaced and namespace is None:
        raise _not_found()  # /api/v1/pods/{name}: namespaced objects are only addressed in their namespace
    subresource = rest[2] if len(rest) > 2 else None
    if subresource is not None and not (
        (subresource == "status" and rtype.status) or (subresource == "log" and rtype.log)
    ):
        raise _not_found()
    return Route("object", group, version, rtype, namespace, name, subresource, watch)

"""backendRef resolution: kind check, ReferenceGrant, Service and port lookup, endpoints from Pods.

Spec (``HTTPBackendRef.backendRef``, ``BackendObjectReference``): group defaults to "" and kind to
Service. A backendRef is invalid, with the route's ResolvedRefs False and this reason, when it names an
unknown or unsupported kind (InvalidKind), an object that does not exist (BackendNotFound), an object
in another namespace without a ReferenceGrant (RefNotPermitted), or a Service port whose appProtocol
the route cannot speak (UnsupportedProtocol). Invalid backends stay in the data-plane config, marked,
because requests that would have gone to them must get a 500.

Endpoints follow what kube-proxy would route to: Pods selected by the Service that are Running and
Ready, have an IP and are not being deleted; the port is the Service port's targetPort (a number, or a
container port name looked up in each Pod). Services without a selector take their endpoints from
EndpointSlices, as in Kubernetes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from conformance.local.gateway import faults_controller as fc
from conformance.local.gateway.backendtlspolicy import backend_tls_for
from conformance.local.gateway.conditions import Cond
from conformance.local.gateway.config import Backend, Endpoint
from conformance.local.gateway.grants import Reference, reference_permitted
from conformance.local.gateway.snapshot import (
    CORE_GROUP,
    as_dict,
    as_list,
    as_str,
    is_deleting,
    labels_of,
    name_of,
    namespace_of,
    opt_int,
    opt_str,
    spec_of,
    status_of,
)

if TYPE_CHECKING:
    from conformance.local.api.protocol import JSONObject
    from conformance.local.faults import ActiveFaults
    from conformance.local.gateway.listeners import RouteKind
    from conformance.local.gateway.snapshot import Snapshot

#: Service port appProtocols an HTTPRoute backend can be reached with (KEP-3726 standard names).
HTTP_APP_PROTOCOLS = frozenset({"http", "https", "kubernetes.io/h2c", "kubernetes.io/ws"})


@dataclass(frozen=True, slots=True)
class Resolved:
    backend: Backend
    problem: Cond | None = None
    """The ResolvedRefs False condition this backendRef causes, if any."""


def _invalid(backend: Backend, reason: str, message: str, *, report: bool = True) -> Resolved:
    problem = Cond("ResolvedRefs", False, reason, message) if report else None
    return Resolved(replace(backend, invalid=reason), problem)


def _permitted(
    route_kind: RouteKind, route_ns: str, ns: str, name: str, snapshot: Snapshot, faults: ActiveFaults
) -> bool:
    if faults.on(fc.REFUSE_CROSS_NAMESPACE_BACKENDS):
        return False
    if faults.on(fc.IGNORE_REFERENCE_GRANTS):
        return True
    reference = Reference(route_kind[0], route_kind[1], route_ns, CORE_GROUP, "Service", ns, name)
    return reference_permitted(reference, snapshot, faults)


def _service_port(service: JSONObject, port: int | None) -> JSONObject | None:
    for item in map(as_dict, as_list(spec_of(service).get("ports"))):
        if opt_int(item.get("port")) == port:
            return item
    return None


def resolve_backend_ref(
    ref: JSONObject,
    *,
    route_kind: RouteKind,
    route_namespace: str,
    snapshot: Snapshot,
    faults: ActiveFaults,
    app_protocols: frozenset[str] = HTTP_APP_PROTOCOLS,
) -> Resolved:
    group = as_str(ref.get("group"), CORE_GROUP)
    kind = as_str(ref.get("kind"), "Service")
    name = as_str(ref.get("name"))
    namespace = as_str(ref.get("namespace")) or route_namespace
    port = opt_int(ref.get("port"))
    weight = opt_int(ref.get("weight"))
    backend = Backend(
        kind=kind,
        namespace=namespace,
        name=name,
        port=port,
        weight=1 if weight is None else weight,
        filters=tuple(as_dict(f) for f in as_list(ref.get("filters"))),
    )
    label = f"{kind} {namespace}/{name}"

    if (group, kind) != (CORE_GROUP, "Service"):
        reason = "BackendNotFound" if faults.on(fc.UNKNOWN_KIND_REPORTED_NOT_FOUND) else "InvalidKind"
        shown = f"{group}/{kind}" if group else kind
        return _invalid(backend, reason, f"backendRef kind {shown} is not supported (only core Services)")

    cross_namespace = namespace != route_namespace
    if cross_namespace and not _permitted(route_kind, route_namespace, namespace, name, snapshot, faults):
        message = f"backendRef to {label} is not permitted by any ReferenceGrant in {namespace}"
        return _invalid(backend, "RefNotPermitted", message)

    service = snapshot.services.get((namespace, name))
    if service is None:
        report = not faults.on(fc.MISSING_BACKEND_RESOLVED)
        return _invalid(backend, "BackendNotFound", f"{label} does not exist", report=report)
    if as_str(spec_of(service).get("type")) == "ExternalName":
        # BackendObjectReference.kind: implementations SHOULD NOT support ExternalName Services.
        return _invalid(backend, "InvalidKind", f"{label} is an ExternalName Service, which is not supported")
    service_port = _service_port(service, port)
    if service_port is None:
        return _invalid(backend, "BackendNotFound", f"{label} has no port {port}")
    app_protocol = opt_str(service_port.get("appProtocol"))
    backend = replace(backend, app_protocol=app_protocol)
    if app_protocol and app_protocol.lower() not in app_protocols:
        message = f"{label} port {port} has appProtocol {app_protocol!r}, which this route cannot use"
        return _invalid(backend, "UnsupportedProtocol", message)
    endpoints = service_endpoints(service, service_port, snapshot)
    tls = backend_tls_for(service, service_port, snapshot, faults)
    return Resolved(replace(backend, endpoints=endpoints, tls=tls))


def _target_port(service_port: JSONObject, pod: JSONObject) -> int | None:
    target = service_port.get("targetPort")
    if isinstance(target, int) and not isinstance(target, bool):
        return target
    if isinstance(target, str) and target:
        if target.isdigit():
            return int(target)
        for container in map(as_dict, as_list(spec_of(pod).get("containers"))):
            for container_port in map(as_dict, as_list(container.get("ports"))):
                if as_str(container_port.get("name")) == target:
                    return opt_int(container_port.get("containerPort"))
        return None
    # An unset targetPort means "the same as port" (core/v1 ServicePort).
    return opt_int(service_port.get("port"))


def _pod_ready(pod: JSONObject) -> bool:
    status = status_of(pod)
    if as_str(status.get("phase")) != "Running" or not as_str(status.get("podIP")) or is_deleting(pod):
        return False
    return any(
        as_str(c.get("type")) == "Ready" and as_str(c.get("status")) == "True"
        for c in map(as_dict, as_list(status.get("conditions")))
    )


def _slice_port(slice_: JSONObject, port_name: str) -> int | None:
    for item in map(as_dict, as_list(slice_.get("ports"))):
        if as_str(item.get("name")) == port_name:
            return opt_int(item.get("port"))
    return None


def _from_slices(service: JSONObject, service_port: JSONObject, snapshot: Snapshot) -> list[Endpoint]:
    found: list[Endpoint] = []
    for slice_ in snapshot.slices_for(namespace_of(service), name_of(service)):
        port = _slice_port(slice_, as_str(service_port.get("name")))
        if port is None or as_str(slice_.get("addressType"), "IPv4") not in ("IPv4", "IPv6"):
            continue
        for endpoint in map(as_dict, as_list(slice_.get("endpoints"))):
            # EndpointConditions.ready: nil means ready.
            if as_dict(endpoint.get("conditions")).get("ready") is False:
                continue
            pod = as_str(as_dict(endpoint.get("targetRef")).get("name"))
            found.extend(Endpoint(str(address), port, pod) for address in as_list(endpoint.get("addresses")))
    return found


def _from_pods(service: JSONObject, service_port: JSONObject, snapshot: Snapshot) -> list[Endpoint]:
    selector = {str(k): str(v) for k, v in as_dict(spec_of(service).get("selector")).items()}
    found: list[Endpoint] = []
    for pod in snapshot.pods_in(namespace_of(service)):
        labels = labels_of(pod)
        if any(labels.get(k) != v for k, v in selector.items()) or not _pod_ready(pod):
            continue
        port = _target_port(service_port, pod)
        if port is not None:
            found.append(Endpoint(as_str(status_of(pod).get("podIP")), port, name_of(pod)))
    return found


def service_endpoints(service: JSONObject, port: JSONObject, snapshot: Snapshot) -> tuple[Endpoint, ...]:
    """Ready endpoints behind one port of a Service, sorted for a stable config."""
    if as_dict(spec_of(service).get("selector")):
        found = _from_pods(service, port, snapshot)
    else:
        found = _from_slices(service, port, snapshot)
    return tuple(sorted(set(found), key=lambda e: (e.pod, e.address, e.port)))

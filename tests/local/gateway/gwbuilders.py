"""Small builders for the controller's tests: objects as plain dicts, a fake store, a fake data plane.

The builders write objects the way the API serves them (metadata filled, defaults mostly left to the
controller), so every test states only what it is about.
"""

from __future__ import annotations

import copy
import datetime
import itertools
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from conformance.local.api.protocol import ConflictError, EventType, JSONObject, Listener, NotFoundError
from conformance.local.faults import ActiveFaults
from conformance.local.gateway.config import ApplyResult, DataPlaneConfig, ListenerKey
from conformance.local.gateway.reconcile import Result, reconcile
from conformance.local.gateway.snapshot import REQUIRED_RESOURCES, Snapshot, resource_of_kind

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

CONTROLLER = "example.net/reference-gateway"
NOW = "2030-01-01T00:00:00Z"
LATER = "2030-01-01T00:05:00Z"
INFRA = "infra"
GW_API = "gateway.networking.k8s.io/v1"

_clock = itertools.count(1)


def obj(
    kind: str,
    api_version: str,
    name: str,
    namespace: str | None = None,
    *,
    spec: JSONObject | None = None,
    labels: dict[str, str] | None = None,
    generation: int = 1,
    status: JSONObject | None = None,
    created: str | None = None,
    **top: Any,
) -> JSONObject:
    tick = next(_clock)
    metadata: JSONObject = {
        "name": name,
        "uid": str(uuid.uuid4()),
        "resourceVersion": str(tick),
        "generation": generation,
        "creationTimestamp": created or f"2029-01-01T00:00:{tick % 60:02d}Z",
    }
    if namespace is not None:
        metadata["namespace"] = namespace
    if labels:
        metadata["labels"] = dict(labels)
    out: JSONObject = {"apiVersion": api_version, "kind": kind, "metadata": metadata, **top}
    if spec is not None:
        out["spec"] = spec
    if status is not None:
        out["status"] = status
    return out


def gateway_class(name: str = "gc", controller: str = CONTROLLER, **spec: Any) -> JSONObject:
    return obj("GatewayClass", GW_API, name, spec={"controllerName": controller, **spec})


def listener(
    name: str = "http",
    port: int = 80,
    protocol: str = "HTTP",
    hostname: str | None = None,
    *,
    namespaces: JSONObject | None = None,
    kinds: list[JSONObject] | None = None,
    tls: JSONObject | None = None,
) -> JSONObject:
    out: JSONObject = {"name": name, "port": port, "protocol": protocol}
    if hostname is not None:
        out["hostname"] = hostname
    allowed: JSONObject = {}
    if namespaces is not None:
        allowed["namespaces"] = namespaces
    if kinds is not None:
        allowed["kinds"] = kinds
    if allowed:
        out["allowedRoutes"] = allowed
    if tls is not None:
        out["tls"] = tls
    return out


def https_listener(
    name: str = "https",
    secret: str = "cert",
    hostname: str | None = None,
    **ref: Any,
) -> JSONObject:
    cert_ref = {"kind": "Secret", "group": "", "name": secret, **ref}
    return listener(name, 443, "HTTPS", hostname, tls={"mode": "Terminate", "certificateRefs": [cert_ref]})


def gateway(
    name: str = "gw",
    namespace: str = INFRA,
    listeners: Iterable[JSONObject] | None = None,
    class_name: str = "gc",
    **spec: Any,
) -> JSONObject:
    body: JSONObject = {
        "gatewayClassName": class_name,
        "listeners": list(listeners) if listeners is not None else [listener()],
        **spec,
    }
    return obj("Gateway", GW_API, name, namespace, spec=body)


def parent(
    name: str = "gw",
    namespace: str | None = None,
    section: str | None = None,
    port: int | None = None,
    **extra: Any,
) -> JSONObject:
    out: JSONObject = {"name": name, **extra}
    if namespace is not None:
        out["namespace"] = namespace
    if section is not None:
        out["sectionName"] = section
    if port is not None:
        out["port"] = port
    return out


def backend(name: str = "svc", port: int | None = 8080, **extra: Any) -> JSONObject:
    out: JSONObject = {"name": name, **extra}
    if port is not None:
        out["port"] = port
    return out


def rule(*backends: JSONObject, **extra: Any) -> JSONObject:
    out: JSONObject = dict(extra)
    if backends:
        out["backendRefs"] = list(backends)
    return out


def http_route(
    name: str = "route",
    namespace: str = INFRA,
    parents: Iterable[JSONObject] | None = None,
    hostnames: Iterable[str] = (),
    rules: Iterable[JSONObject] | None = None,
    **meta: Any,
) -> JSONObject:
    spec: JSONObject = {
        "parentRefs": list(parents) if parents is not None else [parent()],
        "rules": list(rules) if rules is not None else [rule(backend())],
    }
    if hostnames:
        spec["hostnames"] = list(hostnames)
    return obj("HTTPRoute", GW_API, name, namespace, spec=spec, **meta)


def service(
    name: str = "svc",
    namespace: str = INFRA,
    ports: Iterable[JSONObject] | None = None,
    selector: dict[str, str] | None = None,
    **spec: Any,
) -> JSONObject:
    body: JSONObject = {
        "ports": list(ports) if ports is not None else [{"name": "http", "port": 8080, "targetPort": 3000}],
        **spec,
    }
    if selector is None:
        selector = {"app": name}
    if selector:
        body["selector"] = selector
    return obj("Service", "v1", name, namespace, spec=body)


def pod(
    name: str,
    namespace: str = INFRA,
    labels: dict[str, str] | None = None,
    ip: str = "127.9.2.1",
    *,
    ready: bool = True,
    phase: str = "Running",
    container_ports: Iterable[JSONObject] = (),
    deleting: bool = False,
) -> JSONObject:
    out = obj(
        "Pod",
        "v1",
        name,
        namespace,
        labels=labels or {"app": "svc"},
        spec={"containers": [{"name": "echo", "ports": list(container_ports)}]},
        status={
            "phase": phase,
            "podIP": ip,
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
        },
    )
    if deleting:
        out["metadata"]["deletionTimestamp"] = "2030-01-01T00:00:00Z"
    return out


def namespace(name: str, labels: dict[str, str] | None = None) -> JSONObject:
    return obj("Namespace", "v1", name, labels={"kubernetes.io/metadata.name": name, **(labels or {})})


def reference_grant(
    name: str,
    namespace: str,
    from_: Iterable[JSONObject],
    to: Iterable[JSONObject],
) -> JSONObject:
    spec = {"from": list(from_), "to": list(to)}
    return obj("ReferenceGrant", "gateway.networking.k8s.io/v1beta1", name, namespace, spec=spec)


def route_grant(name: str, namespace: str, from_ns: str, to_name: str | None = None) -> JSONObject:
    """A ReferenceGrant letting HTTPRoutes of ``from_ns`` use Services (or one Service) in ``namespace``."""
    to: JSONObject = {"group": "", "kind": "Service"}
    if to_name:
        to["name"] = to_name
    sources = [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": from_ns}]
    return reference_grant(name, namespace, sources, [to])


@dataclass(frozen=True)
class KeyPair:
    cert_pem: bytes
    key_pem: bytes


def make_key_pair(host: str = "example.com") -> KeyPair:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    start = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=36500))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return KeyPair(cert.public_bytes(serialization.Encoding.PEM), key_pem)


KEYS = make_key_pair()


def tls_secret(name: str = "cert", namespace: str = INFRA, pair: KeyPair = KEYS, **data: str) -> JSONObject:
    import base64

    encoded = {
        "tls.crt": base64.b64encode(pair.cert_pem).decode(),
        "tls.key": base64.b64encode(pair.key_pem).decode(),
        **data,
    }
    return obj("Secret", "v1", name, namespace, type="kubernetes.io/tls", data=encoded)


class FakeAddresses:
    """Stable per-Gateway addresses, like LoopbackAddresses."""

    def __init__(self) -> None:
        self.assigned: dict[str, str] = {}

    def gateway_address(self, key: str) -> str:
        return self.assigned.setdefault(key, f"127.77.1.{len(self.assigned) + 1}")


def run(
    *objects: JSONObject,
    faults: Iterable[str] = (),
    errors: dict[ListenerKey, str] | None = None,
    now: str = NOW,
) -> Result:
    return reconcile(
        Snapshot.of(objects),
        CONTROLLER,
        FakeAddresses(),
        ActiveFaults(frozenset(faults)),
        listener_errors=errors,
        now=now,
    )


def with_status(result: Result, *objects: JSONObject) -> list[JSONObject]:
    """The objects as they would be stored after writing the result's statuses (for a second pass)."""
    out = []
    for item in objects:
        ns = item["metadata"].get("namespace")
        status = result.status(resource_of_kind(item["kind"]), ns, item["metadata"]["name"])
        updated = copy.deepcopy(item)
        if status is not None:
            updated["status"] = copy.deepcopy(status)
        out.append(updated)
    return out


def bump(item: JSONObject, **spec: Any) -> JSONObject:
    """A spec change: new generation, as the API server would record it."""
    updated = copy.deepcopy(item)
    updated["spec"].update(spec)
    updated["metadata"]["generation"] += 1
    return updated


def find(conditions: Iterable[JSONObject], ctype: str) -> JSONObject:
    for item in conditions:
        if item["type"] == ctype:
            return item
    raise AssertionError(f"no {ctype} condition in {list(conditions)}")


def brief(conditions: Iterable[JSONObject]) -> dict[str, tuple[str, str]]:
    """{type: (status, reason)} for compact assertions."""
    return {c["type"]: (c["status"], c["reason"]) for c in conditions}


def gateway_status(result: Result, name: str = "gw", ns: str = INFRA) -> JSONObject:
    status = result.status("gateways.gateway.networking.k8s.io", ns, name)
    assert status is not None, f"no status for Gateway {ns}/{name}"
    return status


def listener_of(result: Result, listener_name: str, gw: str = "gw", ns: str = INFRA) -> JSONObject:
    for item in gateway_status(result, gw, ns)["listeners"]:
        if item["name"] == listener_name:
            return dict(item)
    raise AssertionError(f"no listener {listener_name} in Gateway {ns}/{gw}")


def route_parents(result: Result, name: str = "route", ns: str = INFRA) -> list[JSONObject]:
    status = result.status("httproutes.gateway.networking.k8s.io", ns, name)
    return [] if status is None else list(status["parents"])


def route_parent(result: Result, name: str = "route", ns: str = INFRA, gw: str = "gw") -> JSONObject:
    for entry in route_parents(result, name, ns):
        if entry["parentRef"]["name"] == gw and entry["controllerName"] == CONTROLLER:
            return dict(entry)
    raise AssertionError(f"route {ns}/{name} has no parent entry for {gw}")


def route_conditions(result: Result, name: str = "route", ns: str = INFRA, gw: str = "gw") -> dict[str, Any]:
    return brief(route_parent(result, name, ns, gw)["conditions"])


# ---------------------------------------------------------------------------------------------------
# Fakes for the runtime tests.


class FakeStore:
    """An in-memory ObjectStore with the API's bookkeeping (uid, resourceVersion, generation, events)."""

    def __init__(self, served: Iterable[str] = REQUIRED_RESOURCES) -> None:
        self._lock = threading.Lock()
        self._served = set(served)
        self._objects: dict[str, dict[tuple[str, str], JSONObject]] = {r: {} for r in self._served}
        self._rv = itertools.count(1)
        self._listeners: list[tuple[frozenset[str], Listener]] = []
        self.status_writes: list[tuple[float, str, str, str]] = []
        """(monotonic time, resource, namespace, name) of every status write."""

    def _bucket(self, resource: str) -> dict[tuple[str, str], JSONObject]:
        if resource not in self._served:
            raise NotFoundError(f"the server could not find the requested resource {resource}")
        return self._objects[resource]

    @staticmethod
    def _key(obj: JSONObject) -> tuple[str, str]:
        return (obj["metadata"].get("namespace") or "", obj["metadata"]["name"])

    def _emit(self, event: EventType, resource: str, obj: JSONObject) -> None:
        for resources, callback in list(self._listeners):
            if resource in resources:
                callback(event, resource, copy.deepcopy(obj))

    def get(self, resource: str, namespace: str | None, name: str) -> JSONObject | None:
        with self._lock:
            found = self._bucket(resource).get((namespace or "", name))
            return copy.deepcopy(found) if found else None

    def list(
        self,
        resource: str,
        namespace: str | None = None,
        label_selector: str | None = None,
    ) -> list[JSONObject]:
        assert label_selector is None, "the fake store does not filter by label"
        with self._lock:
            items = sorted(self._bucket(resource).items())
            return [copy.deepcopy(o) for (ns, _), o in items if namespace is None or ns == namespace]

    def create(self, resource: str, obj: JSONObject) -> JSONObject:
        with self._lock:
            bucket = self._bucket(resource)
            stored = copy.deepcopy(obj)
            key = self._key(stored)
            if key in bucket:
                raise ConflictError(f"{resource} {key} already exists")
            stored["metadata"].update(
                uid=str(uuid.uuid4()),
                resourceVersion=str(next(self._rv)),
                generation=1,
                creationTimestamp=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            )
            bucket[key] = stored
            out = copy.deepcopy(stored)
        self._emit("ADDED", resource, out)
        return out

    def _check_version(self, resource: str, current: JSONObject, obj: JSONObject) -> None:
        wanted = obj["metadata"].get("resourceVersion")
        if wanted and wanted != current["metadata"]["resourceVersion"]:
            raise ConflictError(f"{resource} {self._key(obj)} was modified")

    def replace(self, resource: str, obj: JSONObject) -> JSONObject:
        with self._lock:
            bucket = self._bucket(resource)
            key = self._key(obj)
            if key not in bucket:
                raise NotFoundError(f"{resource} {key} not found")
            current = bucket[key]
            self._check_version(resource, current, obj)
            stored = copy.deepcopy(obj)
            stored["metadata"] = {**current["metadata"], **stored["metadata"]}
            if "status" in current:
                stored["status"] = copy.deepcopy(current["status"])
            else:
                stored.pop("status", None)
            generation = current["metadata"]["generation"]
            if stored.get("spec") != current.get("spec"):
                generation += 1
            stored["metadata"].update(generation=generation, resourceVersion=str(next(self._rv)))
            bucket[key] = stored
            out = copy.deepcopy(stored)
        self._emit("MODIFIED", resource, out)
        return out

    def replace_status(self, resource: str, obj: JSONObject) -> JSONObject:
        with self._lock:
            bucket = self._bucket(resource)
            key = self._key(obj)
            if key not in bucket:
                raise NotFoundError(f"{resource} {key} not found")
            current = bucket[key]
            self._check_version(resource, current, obj)
            stored = copy.deepcopy(current)
            stored["status"] = copy.deepcopy(obj.get("status", {}))
            stored["metadata"]["resourceVersion"] = str(next(self._rv))
            bucket[key] = stored
            self.status_writes.append((time.monotonic(), resource, *key))
            out = copy.deepcopy(stored)
        self._emit("MODIFIED", resource, out)
        return out

    def delete(self, resource: str, namespace: str | None, name: str) -> None:
        with self._lock:
            gone = self._bucket(resource).pop((namespace or "", name), None)
            if gone is None:
                raise NotFoundError(f"{resource} {namespace}/{name} not found")
        self._emit("DELETED", resource, gone)

    def subscribe(self, resources: Iterable[str], listener: Listener) -> Callable[[], None]:
        wanted = frozenset(resources)
        for resource in wanted:
            self._bucket(resource)
        entry = (wanted, listener)
        self._listeners.append(entry)
        return lambda: self._listeners.remove(entry)


@dataclass
class FakeDataPlane:
    """Records every config it is given, with the monotonic time of the call."""

    errors: Callable[[DataPlaneConfig], dict[ListenerKey, str]] = lambda config: {}
    applied: list[tuple[float, DataPlaneConfig]] = field(default_factory=list)

    def apply(self, config: DataPlaneConfig) -> ApplyResult:
        self.applied.append((time.monotonic(), config))
        return ApplyResult(errors=self.errors(config))


def wait_for(predicate: Callable[[], bool], timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.002)

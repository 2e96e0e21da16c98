"""What the controller reads: one consistent copy of every object it depends on, plus raw-object helpers.

The controller's decisions are a pure function of this snapshot (see ``reconcile.py``), so the runtime
takes one snapshot per reconcile pass and the tests build snapshots from plain dicts. Objects stay the
JSON dicts the API serves; the small accessors below are the only place that digs into them
untyped, so the rest of the controller works with ``str``/``int``/``dict`` values.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from conformance.local.api.protocol import JSONObject, NotFoundError, ObjectStore

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

GATEWAY_GROUP = "gateway.networking.k8s.io"
CORE_GROUP = ""

GATEWAY_CLASSES = "gatewayclasses.gateway.networking.k8s.io"
GATEWAYS = "gateways.gateway.networking.k8s.io"
HTTP_ROUTES = "httproutes.gateway.networking.k8s.io"
REFERENCE_GRANTS = "referencegrants.gateway.networking.k8s.io"
SERVICES = "services"
PODS = "pods"
NAMESPACES = "namespaces"
SECRETS = "secrets"
ENDPOINT_SLICES = "endpointslices.discovery.k8s.io"
LISTENER_SETS = "listenersets.gateway.networking.k8s.io"
CONFIG_MAPS = "configmaps"
BACKEND_TLS_POLICIES = "backendtlspolicies.gateway.networking.k8s.io"

#: Resources every reconcile pass needs.
REQUIRED_RESOURCES: tuple[str, ...] = (
    GATEWAY_CLASSES,
    GATEWAYS,
    HTTP_ROUTES,
    REFERENCE_GRANTS,
    SERVICES,
    PODS,
    NAMESPACES,
    SECRETS,
    CONFIG_MAPS,
)
#: Resources used when the API serves them (Services without a selector get endpoints from them;
#: ListenerSets add listeners to Gateways; BackendTLSPolicies configure TLS to backends).
OPTIONAL_RESOURCES: tuple[str, ...] = (ENDPOINT_SLICES, LISTENER_SETS, BACKEND_TLS_POLICIES)

Key = tuple[str, str]
"""(namespace, name) of a namespaced object."""

_KIND_TO_RESOURCE: dict[str, str] = {
    "GatewayClass": GATEWAY_CLASSES,
    "Gateway": GATEWAYS,
    "HTTPRoute": HTTP_ROUTES,
    "ReferenceGrant": REFERENCE_GRANTS,
    "Service": SERVICES,
    "Pod": PODS,
    "Namespace": NAMESPACES,
    "Secret": SECRETS,
    "EndpointSlice": ENDPOINT_SLICES,
    "ListenerSet": LISTENER_SETS,
    "ConfigMap": CONFIG_MAPS,
    "BackendTLSPolicy": BACKEND_TLS_POLICIES,
}

_CLUSTER_SCOPED = frozenset({GATEWAY_CLASSES, NAMESPACES})


# ---------------------------------------------------------------------------------------------------
# Raw access. JSON from the API is untyped; these helpers return typed values or safe defaults.


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_str(value: Any, default: str = "") -> str:
    return value if isinstance(value, str) else default


def opt_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def opt_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def meta(obj: JSONObject) -> dict[str, Any]:
    return as_dict(obj.get("metadata"))


def name_of(obj: JSONObject) -> str:
    return as_str(meta(obj).get("name"))


def namespace_of(obj: JSONObject) -> str:
    return as_str(meta(obj).get("namespace"))


def key_of(obj: JSONObject) -> Key:
    return (namespace_of(obj), name_of(obj))


def generation_of(obj: JSONObject) -> int:
    return opt_int(meta(obj).get("generation")) or 0


def labels_of(obj: JSONObject) -> dict[str, str]:
    return {str(k): str(v) for k, v in as_dict(meta(obj).get("labels")).items()}


def annotations_of(obj: JSONObject) -> dict[str, str]:
    return {str(k): str(v) for k, v in as_dict(meta(obj).get("annotations")).items()}


def creation_timestamp_of(obj: JSONObject) -> str:
    return as_str(meta(obj).get("creationTimestamp"))


def spec_of(obj: JSONObject) -> dict[str, Any]:
    return as_dict(obj.get("spec"))


def status_of(obj: JSONObject) -> dict[str, Any]:
    return as_dict(obj.get("status"))


def is_deleting(obj: JSONObject) -> bool:
    return bool(meta(obj).get("deletionTimestamp"))


# ---------------------------------------------------------------------------------------------------


def _by_key(objects: Iterable[JSONObject]) -> dict[Key, JSONObject]:
    return {key_of(o): o for o in objects}


@dataclass(frozen=True)
class Snapshot:
    """Every object the controller looks at, read at one moment."""

    gateway_classes: Mapping[str, JSONObject] = field(default_factory=dict)
    gateways: Mapping[Key, JSONObject] = field(default_factory=dict)
    http_routes: Mapping[Key, JSONObject] = field(default_factory=dict)
    reference_grants: Mapping[Key, JSONObject] = field(default_factory=dict)
    services: Mapping[Key, JSONObject] = field(default_factory=dict)
    pods: Mapping[Key, JSONObject] = field(default_factory=dict)
    namespaces: Mapping[str, JSONObject] = field(default_factory=dict)
    secrets: Mapping[Key, JSONObject] = field(default_factory=dict)
    endpoint_slices: Mapping[Key, JSONObject] = field(default_factory=dict)
    listener_sets: Mapping[Key, JSONObject] = field(default_factory=dict)
    config_maps: Mapping[Key, JSONObject] = field(default_factory=dict)
    backend_tls_policies: Mapping[Key, JSONObject] = field(default_factory=dict)

    @classmethod
    def of(cls, objects: Iterable[JSONObject]) -> Snapshot:
        """Build a snapshot from objects of any supported kind (tests, tools)."""
        grouped: dict[str, list[JSONObject]] = defaultdict(list)
        for obj in objects:
            kind = as_str(obj.get("kind"))
            if kind not in _KIND_TO_RESOURCE:
                raise ValueError(f"the controller does not read objects of kind {kind!r}")
            grouped[_KIND_TO_RESOURCE[kind]].append(obj)
        return cls.from_lists(grouped)

    @classmethod
    def from_lists(cls, lists: Mapping[str, Iterable[JSONObject]]) -> Snapshot:
        """Build a snapshot from ``{resource: objects}`` as the store lists them."""

        def cluster(resource: str) -> dict[str, JSONObject]:
            return {name_of(o): o for o in lists.get(resource, ())}

        def namespaced(resource: str) -> dict[Key, JSONObject]:
            return _by_key(lists.get(resource, ()))

        return cls(
            gateway_classes=cluster(GATEWAY_CLASSES),
            gateways=namespaced(GATEWAYS),
            http_routes=namespaced(HTTP_ROUTES),
            reference_grants=namespaced(REFERENCE_GRANTS),
            services=namespaced(SERVICES),
            pods=namespaced(PODS),
            namespaces=cluster(NAMESPACES),
            secrets=namespaced(SECRETS),
            endpoint_slices=namespaced(ENDPOINT_SLICES),
            listener_sets=namespaced(LISTENER_SETS),
            config_maps=namespaced(CONFIG_MAPS),
            backend_tls_policies=namespaced(BACKEND_TLS_POLICIES),
        )

    # Indexes, built on first use.

    @cached_property
    def _grants_by_namespace(self) -> dict[str, list[JSONObject]]:
        index: dict[str, list[JSONObject]] = defaultdict(list)
        for (ns, _), grant in sorted(self.reference_grants.items()):
            index[ns].append(grant)
        return index

    @cached_property
    def _pods_by_namespace(self) -> dict[str, list[JSONObject]]:
        index: dict[str, list[JSONObject]] = defaultdict(list)
        for (ns, _), pod in sorted(self.pods.items()):
            index[ns].append(pod)
        return index

    @cached_property
    def _slices_by_service(self) -> dict[Key, list[JSONObject]]:
        index: dict[Key, list[JSONObject]] = defaultdict(list)
        for (ns, _), slice_ in sorted(self.endpoint_slices.items()):
            # EndpointSlices name their Service with this well-known label (discovery.k8s.io/v1).
            service = labels_of(slice_).get("kubernetes.io/service-name")
            if service:
                index[(ns, service)].append(slice_)
        return index

    def grants_in(self, namespace: str) -> list[JSONObject]:
        return self._grants_by_namespace.get(namespace, [])

    def pods_in(self, namespace: str) -> list[JSONObject]:
        return self._pods_by_namespace.get(namespace, [])

    def slices_for(self, namespace: str, service: str) -> list[JSONObject]:
        return self._slices_by_service.get((namespace, service), [])

    def namespace_labels(self, namespace: str) -> dict[str, str]:
        """Labels of a Namespace, including the ``kubernetes.io/metadata.name`` label the API server
        sets on every Namespace (so selectors on it work even if the object is not stored yet)."""
        labels = labels_of(self.namespaces[namespace]) if namespace in self.namespaces else {}
        labels.setdefault("kubernetes.io/metadata.name", namespace)
        return labels


def take_snapshot(store: ObjectStore) -> Snapshot:
    """List every resource the controller reads. Optional resources the API does not serve are empty."""
    lists: dict[str, list[JSONObject]] = {}
    for resource in REQUIRED_RESOURCES:
        lists[resource] = store.list(resource)
    for resource in OPTIONAL_RESOURCES:
        try:
            lists[resource] = store.list(resource)
        except NotFoundError:
            lists[resource] = []
    return Snapshot.from_lists(lists)


def resource_of_kind(kind: str) -> str:
    return _KIND_TO_RESOURCE[kind]


def is_cluster_scoped(resource: str) -> bool:
    return resource in _CLUSTER_SCOPED

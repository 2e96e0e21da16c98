"""The Kubernetes objects the reference gateway generates for each Gateway, and keeping them in sync.

A real implementation deploys something per Gateway: typically a ServiceAccount for the proxy, a
Deployment and a LoadBalancer Service that exposes the listeners. The reference gateway serves every
Gateway in-process, so it creates only the objects that cost nothing: a ServiceAccount and a Service
(type LoadBalancer, the listener ports, no selector), named after the Gateway and its class like
Istio's (``<gateway>-<class>``, shortened with a hash when that is not a valid DNS label).

Spec (``GatewayInfrastructure``): ``labels`` and ``annotations`` SHOULD be applied to any resources
created in response to the Gateway; implementations may add their own. Ours are the well-known
``gateway.networking.k8s.io/gateway-name`` label (upstream ``GatewayNameLabelKey``) and a managed-by
label that marks what this controller owns: generated objects whose Gateway is gone (or no longer
accepted) are deleted, and edits to them are reverted.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
from typing import TYPE_CHECKING, Any

from conformance.local.api.protocol import ConflictError, InvalidError, NotFoundError
from conformance.local.gateway import faults_gateway as fg
from conformance.local.gateway.snapshot import (
    SERVICES,
    as_dict,
    as_str,
    labels_of,
    meta,
    name_of,
    namespace_of,
    spec_of,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from conformance.local.api.protocol import JSONObject, ObjectStore
    from conformance.local.faults import ActiveFaults
    from conformance.local.gateway.listeners import ListenerState

log = logging.getLogger(__name__)

SERVICE_ACCOUNTS = "serviceaccounts"
GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name"
MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
MANAGED_BY = "gateway-conformance-reference-gateway"

#: Resources of generated objects, in the order they are created.
GENERATED_RESOURCES: tuple[str, ...] = (SERVICE_ACCOUNTS, SERVICES)

_DNS_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
_LABEL_VALUE = re.compile(r"^([A-Za-z0-9]([-_.A-Za-z0-9]*[A-Za-z0-9])?)?$")
_MAX_LABEL = 63

Generated = tuple[str, "JSONObject"]
"""(resource, object) of one generated object."""


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def object_name(gateway: JSONObject, class_name: str) -> str:
    """``<gateway>-<class>``, or a shortened, hashed form that is a valid DNS-1035 label."""
    name = f"{name_of(gateway)}-{class_name}"
    if len(name) <= _MAX_LABEL and _DNS_LABEL.match(name):
        return name
    cleaned = re.sub(r"[^-a-z0-9]", "-", name.lower()).strip("-") or "gateway"
    if not cleaned[0].isalpha():
        cleaned = "gw-" + cleaned
    stem = cleaned[: _MAX_LABEL - 9].rstrip("-")
    return f"{stem}-{_digest(namespace_of(gateway) + '/' + name)}"


def gateway_name_label(name: str) -> str:
    """The gateway-name label value: the Gateway's name when it is a valid label value."""
    if len(name) <= _MAX_LABEL and _LABEL_VALUE.match(name):
        return name
    return f"{name[: _MAX_LABEL - 9].rstrip('-_.')}-{_digest(name)}"


def generated_objects(
    gateway: JSONObject,
    class_name: str,
    listeners: Iterable[ListenerState],
    faults: ActiveFaults,
) -> list[Generated]:
    """The ServiceAccount and Service this controller keeps for an accepted Gateway."""
    infrastructure = as_dict(spec_of(gateway).get("infrastructure"))
    labels: dict[str, str] = {}
    annotations: dict[str, str] = {}
    if not faults.on(fg.INFRASTRUCTURE_NOT_PROPAGATED):
        labels.update({str(k): str(v) for k, v in as_dict(infrastructure.get("labels")).items()})
        annotations.update({str(k): str(v) for k, v in as_dict(infrastructure.get("annotations")).items()})
    labels[GATEWAY_NAME_LABEL] = gateway_name_label(name_of(gateway))
    labels[MANAGED_BY_LABEL] = MANAGED_BY
    metadata: JSONObject = {
        "name": object_name(gateway, class_name),
        "namespace": namespace_of(gateway),
        "labels": labels,
        "annotations": annotations,
        "ownerReferences": [
            {
                "apiVersion": as_str(gateway.get("apiVersion"), "gateway.networking.k8s.io/v1"),
                "kind": "Gateway",
                "name": name_of(gateway),
                "uid": as_str(meta(gateway).get("uid")),
                "controller": True,
            }
        ],
    }
    account: JSONObject = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": dict(metadata)}
    ports = sorted({(state.port, state.protocol) for state in listeners if state.port})
    objects: list[Generated] = [(SERVICE_ACCOUNTS, account)]
    if ports:
        service: JSONObject = {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": dict(metadata),
            "spec": {
                "type": "LoadBalancer",
                "ports": [
                    {
                        "name": f"{protocol.lower()}-{port}",
                        "port": port,
                        "targetPort": port,
                        "protocol": "UDP" if protocol == "UDP" else "TCP",
                    }
                    for port, protocol in ports
                ],
            },
        }
        objects.append((SERVICES, service))
    return objects


def _contains(actual: Any, wanted: Any) -> bool:
    """``wanted`` is part of ``actual``: dict keys compared recursively, lists item by item (the API may
    default fields we do not set)."""
    if isinstance(wanted, dict):
        return isinstance(actual, dict) and all(_contains(actual.get(k), v) for k, v in wanted.items())
    if isinstance(wanted, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(wanted)
            and all(_contains(a, w) for a, w in zip(actual, wanted, strict=True))
        )
    return bool(actual == wanted)


def up_to_date(actual: JSONObject, wanted: JSONObject) -> bool:
    """Labels and annotations are ours alone (equal); everything else must contain what we set."""
    have, want = meta(actual), meta(wanted)
    for field in ("labels", "annotations"):
        if as_dict(have.get(field)) != as_dict(want.get(field)):
            return False
    if not _contains(have.get("ownerReferences"), want.get("ownerReferences")):
        return False
    body = {k: v for k, v in wanted.items() if k not in ("metadata", "apiVersion", "kind")}
    return _contains(actual, body)


def _owned(obj: JSONObject) -> bool:
    return labels_of(obj).get(MANAGED_BY_LABEL) == MANAGED_BY


class InfrastructureSync:
    """Makes the store hold exactly the generated objects of the last reconcile pass."""

    def __init__(self, store: ObjectStore) -> None:
        self._store = store

    def sync(self, wanted: Sequence[Generated]) -> bool:
        """Create, update and delete generated objects; False when a write must be retried later."""
        settled = True
        for resource in GENERATED_RESOURCES:
            try:
                existing = {(namespace_of(o), name_of(o)): o for o in self._store.list(resource) if _owned(o)}
            except NotFoundError:
                continue  # the API does not serve this kind: nothing to generate there
            desired = {(namespace_of(o), name_of(o)): o for r, o in wanted if r == resource}
            for key, obj in desired.items():
                try:
                    current = existing.get(key) or self._store.get(resource, *key)
                    if current is None:
                        self._store.create(resource, obj)
                    elif not _owned(current):
                        log.warning("%s %s/%s exists and is not ours; not generating it", resource, *key)
                    elif not up_to_date(current, obj):
                        updated = dict(obj)
                        version = meta(current).get("resourceVersion")
                        updated["metadata"] = {**obj["metadata"], "resourceVersion": version}
                        self._store.replace(resource, updated)
                except (ConflictError, NotFoundError):
                    settled = False
                except InvalidError:
                    log.exception("the API rejected the generated %s %s/%s", resource, *key)
            for key in existing.keys() - desired.keys():
                with contextlib.suppress(NotFoundError):
                    self._store.delete(resource, *key)
        return settled

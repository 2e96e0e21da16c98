"""The few defaults kube-apiserver gives built-in kinds that the harness and local components read.

Namespaces get the ``kubernetes.io/metadata.name`` label, the ``kubernetes`` finalizer and phase
Active; Services a type, a cluster IP from 10.96.0.0/12, and ``protocol``/``targetPort`` on each port;
Pods phase Pending; Deployments one replica. Nothing else of kube's per-kind defaulting is copied.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any

from conformance.local.api.protocol import JSONObject

_cluster_ips = itertools.count(10)
_ip_lock = threading.Lock()


def _next_cluster_ip() -> str:
    with _ip_lock:
        n = next(_cluster_ips)
    # 10.96.0.0/12 is kube's default service CIDR; .0.1 is the kubernetes Service.
    return f"10.{96 + (n >> 16) % 16}.{(n >> 8) & 255}.{n & 255}"


def _namespace(obj: JSONObject, current: JSONObject | None) -> None:
    metadata = obj["metadata"]
    labels = dict(metadata.get("labels") or {})
    labels["kubernetes.io/metadata.name"] = metadata["name"]
    metadata["labels"] = labels
    spec = obj.setdefault("spec", {})
    if current is None:
        spec.setdefault("finalizers", ["kubernetes"])
        obj["status"] = {"phase": "Active"}


def _service(obj: JSONObject, current: JSONObject | None) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("type", "ClusterIP")
    if spec["type"] != "ExternalName":
        previous = (current or {}).get("spec", {})
        if not spec.get("clusterIP"):
            spec["clusterIP"] = previous.get("clusterIP") or _next_cluster_ip()
        if spec["clusterIP"] != "None":
            spec.setdefault("clusterIPs", [spec["clusterIP"]])
            spec.setdefault("ipFamilies", ["IPv4"])
            spec.setdefault("ipFamilyPolicy", "SingleStack")
        spec.setdefault("sessionAffinity", "None")
        spec.setdefault("internalTrafficPolicy", "Cluster")
    ports: list[Any] = spec.get("ports") or []
    for port in ports:
        if isinstance(port, dict):
            port.setdefault("protocol", "TCP")
            if "port" in port:
                port.setdefault("targetPort", port["port"])


def _pod(obj: JSONObject, current: JSONObject | None) -> None:
    if current is None:
        obj["status"] = {"phase": "Pending"}


def _deployment(obj: JSONObject, current: JSONObject | None) -> None:
    obj.setdefault("spec", {}).setdefault("replicas", 1)


_DEFAULTERS = {
    "namespaces": _namespace,
    "services": _service,
    "pods": _pod,
    "deployments.apps": _deployment,
}


def default_builtin(resource: str, obj: JSONObject, current: JSONObject | None) -> None:
    """Apply the defaults of built-in kind ``resource`` to ``obj`` in place (current: None on create)."""
    defaulter = _DEFAULTERS.get(resource)
    if defaulter is not None and isinstance(obj.get("spec", {}), dict):
        # A malformed spec is left alone here; kube would reject it, the local API just stores it.
        defaulter(obj, current)

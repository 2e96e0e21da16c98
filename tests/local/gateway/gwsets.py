"""Builders and lookups for the ListenerSet and Gateway-infrastructure tests (on top of gwbuilders)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gwbuilders import GW_API, INFRA, gateway, listener, obj, parent

if TYPE_CHECKING:
    from collections.abc import Iterable

    from conformance.local.api.protocol import JSONObject
    from conformance.local.gateway.reconcile import Result

LISTENER_SETS = "listenersets.gateway.networking.k8s.io"


def listener_set(
    name: str = "ls",
    namespace: str = INFRA,
    listeners: Iterable[JSONObject] | None = None,
    gw: str = "gw",
    gw_namespace: str | None = INFRA,
    created: str | None = None,
    **parent_ref: Any,
) -> JSONObject:
    ref: JSONObject = {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": gw, **parent_ref}
    if gw_namespace is not None:
        ref["namespace"] = gw_namespace
    spec = {
        "parentRef": ref,
        "listeners": list(listeners) if listeners is not None else [listener("ls-http", hostname="ls.example.com")],
    }
    return obj("ListenerSet", GW_API, name, namespace, spec=spec, created=created)


def open_gateway(origin: str = "All", listeners: Iterable[JSONObject] | None = None, **spec: Any) -> JSONObject:
    """A Gateway taking ListenerSets per ``allowedListeners.namespaces.from``."""
    namespaces: JSONObject = {"from": origin}
    if "selector" in spec:
        namespaces["selector"] = spec.pop("selector")
    listeners = list(listeners) if listeners is not None else [listener(hostname="gw.example.com")]
    return gateway(listeners=listeners, allowedListeners={"namespaces": namespaces}, **spec)


def set_parent(name: str = "ls", namespace: str | None = None, section: str | None = None) -> JSONObject:
    return parent(name, namespace, section, group="gateway.networking.k8s.io", kind="ListenerSet")


def set_status(result: Result, name: str = "ls", ns: str = INFRA) -> JSONObject:
    status = result.status(LISTENER_SETS, ns, name)
    assert status is not None, f"no status for ListenerSet {ns}/{name}"
    return status


def set_listener(result: Result, listener_name: str, name: str = "ls", ns: str = INFRA) -> JSONObject:
    for item in set_status(result, name, ns).get("listeners", []):
        if item["name"] == listener_name:
            return dict(item)
    raise AssertionError(f"no listener {listener_name} in ListenerSet {ns}/{name}")


def served(result: Result, gw: str = "gw") -> dict[str, tuple[str, ...]]:
    """Data-plane listener names of a Gateway -> names of the routes attached to each."""
    for config in result.config.gateways:
        if config.name == gw:
            return {item.name: tuple(r.ref.name for r in item.routes) for item in config.listeners}
    raise AssertionError(f"Gateway {gw} is not in the data-plane config")

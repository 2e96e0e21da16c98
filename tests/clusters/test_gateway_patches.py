"""APISIX's per-Gateway patch: a GatewayProxy copied into the Gateway's namespace and referenced by it."""

from __future__ import annotations

from typing import Any

from conformance.implementations.patches import GatewayProxyPatcher


class FakeClient:
    def __init__(self) -> None:
        self.objects: dict[tuple[str, str, str | None], dict[str, Any]] = {}
        self.patches: list[tuple[str, str | None, object]] = []

    def add(self, obj: dict[str, Any]) -> None:
        meta = obj["metadata"]
        self.objects[(obj["kind"], meta["name"], meta.get("namespace"))] = obj

    def list(self, api_version: str, kind: str, namespace: str | None = None) -> tuple[list[dict[str, Any]], str]:
        items = [o for (k, _, ns), o in self.objects.items() if k == kind and (namespace is None or ns == namespace)]
        return items, "1"

    def get(self, api_version: str, kind: str, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        return self.objects.get((kind, name, namespace))

    def apply(self, obj: dict[str, Any], *, field_manager: str = "") -> dict[str, Any]:
        self.add(obj)
        return obj

    def patch(self, api_version: str, kind: str, name: str, namespace: str | None, patch: object) -> dict[str, Any]:
        self.patches.append((name, namespace, patch))
        gateway = self.objects[(kind, name, namespace)]
        gateway["spec"]["infrastructure"] = {"parametersRef": {"name": "apisix-config"}}
        return gateway


def test_gateways_of_the_class_get_a_gateway_proxy_once() -> None:
    client = FakeClient()
    client.add(
        {"kind": "GatewayProxy", "metadata": {"name": "apisix-config", "namespace": "ingress-apisix"}, "spec": {"a": 1}}
    )
    gateway = {
        "kind": "Gateway",
        "metadata": {"name": "same-namespace", "namespace": "infra"},
        "spec": {"gatewayClassName": "apisix"},
    }
    other = {"kind": "Gateway", "metadata": {"name": "x", "namespace": "infra"}, "spec": {"gatewayClassName": "other"}}
    client.add(gateway)
    client.add(other)
    patcher = GatewayProxyPatcher(client, "apisix", "ingress-apisix")  # type: ignore[arg-type]
    assert patcher.patch_once() == 1
    assert client.get("", "GatewayProxy", "apisix-config", "infra")["spec"] == {"a": 1}  # type: ignore[index]
    ref = client.patches[0][2]["spec"]["infrastructure"]["parametersRef"]  # type: ignore[index]
    assert ref == {"group": "apisix.apache.org", "kind": "GatewayProxy", "name": "apisix-config"}
    assert patcher.patch_once() == 0  # already referenced

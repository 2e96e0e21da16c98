"""Per-Gateway patches some implementations need before they accept the suite's Gateways.

APISIX takes a Gateway's status address and admin endpoint from a ``GatewayProxy`` referenced by
``spec.infrastructure.parametersRef`` in the Gateway's own namespace; without one the Gateway stays
Pending. The suite's Gateways carry no such reference (they are the same for every implementation), so,
as APISIX's own conformance test does, a background loop copies the chart's default GatewayProxy into
each Gateway's namespace and points the Gateway at it. The copy keeps the chart's spec as is: the
harness never invents APISIX settings.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from conformance.kube.errors import KubeError

if TYPE_CHECKING:
    from conformance.kube.client import KubeClient

log = logging.getLogger(__name__)

GATEWAY_PROXY_API = "apisix.apache.org/v1alpha1"
GATEWAY_API = "gateway.networking.k8s.io/v1"
INTERVAL = 2.0


class GatewayProxyPatcher:
    """Runs until ``stop()``; each pass patches the Gateways of one GatewayClass that lack a parametersRef."""

    name = "apisix-gateway-proxy"

    def __init__(self, client: KubeClient, gateway_class: str, source_namespace: str) -> None:
        self._client = client
        self._class = gateway_class
        self._source = source_namespace
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="gwconf-gateway-patcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.patch_once()
            except KubeError as err:
                log.debug("gateway patch pass failed: %s", err)
            self._stop.wait(INTERVAL)

    def _template(self) -> dict[str, Any] | None:
        items, _ = self._client.list(GATEWAY_PROXY_API, "GatewayProxy", self._source)
        return items[0] if items else None

    def patch_once(self) -> int:
        """One pass; returns how many Gateways were patched."""
        gateways, _ = self._client.list(GATEWAY_API, "Gateway")
        todo = [
            g
            for g in gateways
            if (g.get("spec") or {}).get("gatewayClassName") == self._class
            and not ((g.get("spec") or {}).get("infrastructure") or {}).get("parametersRef")
        ]
        if not todo:
            return 0
        template = self._template()
        if template is None:
            log.debug("no GatewayProxy in %s to copy yet", self._source)
            return 0
        name = str(template["metadata"]["name"])
        for gateway in todo:
            namespace = str(gateway["metadata"]["namespace"])
            if self._client.get(GATEWAY_PROXY_API, "GatewayProxy", name, namespace) is None:
                copy = {
                    "apiVersion": GATEWAY_PROXY_API,
                    "kind": "GatewayProxy",
                    "metadata": {"name": name, "namespace": namespace},
                    "spec": template.get("spec") or {},
                }
                self._client.apply(copy, field_manager="gateway-conformance-patcher")
            ref = {"group": "apisix.apache.org", "kind": "GatewayProxy", "name": name}
            self._client.patch(
                GATEWAY_API,
                "Gateway",
                str(gateway["metadata"]["name"]),
                namespace,
                {"spec": {"infrastructure": {"parametersRef": ref}}},
            )
        return len(todo)

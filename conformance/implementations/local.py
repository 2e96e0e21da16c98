"""The reference gateway of the local environment: "installing" it means creating its GatewayClass.

Its controller already runs inside the local environment and serves every GatewayClass whose
``spec.controllerName`` is ``CONTROLLER_NAME``, as a real implementation's controller would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance.__about__ import __version__
from conformance.implementations.protocol import Installation
from conformance.options import ImplementationInfo

if TYPE_CHECKING:
    from conformance.clusters.protocol import Cluster
    from conformance.kube.client import KubeClient
    from conformance.kube.facade import Kube

CONTROLLER_NAME = "gateway-conformance.local/reference-gateway"

INFO = ImplementationInfo(
    organization="gateway-conformance",
    project="reference-gateway",
    url="https://github.com/gateway-conformance/gateway-conformance",
    version=__version__,
    contact=("gateway-conformance maintainers",),
)


class LocalInstaller:
    name = "local"

    def __init__(self) -> None:
        self._created: str | None = None

    def prepare(self, cluster: Cluster, client: KubeClient) -> None:
        """The local environment serves the Gateway API CRDs itself (--gateway-api-crds picks which)."""

    def install(self, kube: Kube, gateway_class: str) -> Installation:
        gwc = kube.resource("GatewayClass")
        kube.client.apply(
            {
                "apiVersion": gwc.api_version,
                "kind": "GatewayClass",
                "metadata": {"name": gateway_class},
                "spec": {
                    "controllerName": CONTROLLER_NAME,
                    "description": "The reference gateway of gateway-conformance's local environment",
                },
            }
        )
        self._created = gateway_class
        return Installation(gateway_class, INFO)

    def uninstall(self, kube: Kube) -> None:
        if self._created:
            kube.delete("GatewayClass", self._created)
            self._created = None

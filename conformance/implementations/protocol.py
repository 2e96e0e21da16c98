"""The ``Installer`` protocol."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from conformance.clusters.protocol import Cluster
    from conformance.kube.client import KubeClient
    from conformance.kube.facade import Kube
    from conformance.options import ImplementationInfo


@dataclass(frozen=True, slots=True)
class Installation:
    gateway_class: str
    """The GatewayClass the implementation serves (the one the suite tests)."""
    info: ImplementationInfo
    """Report metadata defaults for this implementation (options override them field by field)."""


class Installer(Protocol):
    """Puts an implementation on a cluster. ``prepare`` runs before the CRD check (it may install CRDs)."""

    name: str

    def prepare(self, cluster: Cluster, client: KubeClient) -> None: ...

    def install(self, kube: Kube, gateway_class: str) -> Installation: ...

    def uninstall(self, kube: Kube) -> None: ...

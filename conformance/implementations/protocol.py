"""The ``Installer`` protocol."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from conformance.kube.facade import Kube
    from conformance.options import ImplementationInfo


@dataclass(frozen=True, slots=True)
class Installation:
    gateway_class: str
    """The GatewayClass the implementation serves (the one the suite tests)."""
    info: ImplementationInfo
    """Report metadata defaults for this implementation (options override them field by field)."""


class Installer(Protocol):
    name: str

    def install(self, kube: Kube, gateway_class: str) -> Installation: ...

    def uninstall(self, kube: Kube) -> None: ...
